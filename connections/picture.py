"""A small picture of the people around someone, laid out here and drawn as SVG by a template
(connections/_picture.html): them in the middle, the others on rings around, the closest on the
inner ring, each a dot with their first name beside it on the outer side.

The layout is computed, not simulated: every name's box is measured (generously, from the widths
of its letters), and each person in turn takes the first spot, ring by ring outwards and spread
round each ring, where their dot and name touch nothing already drawn and stay inside the
drawing. It is as wide as a phone's card (so its names keep their size there) and grows
downwards, so fifty people still read."""

import math
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from connections.services import Around
from contacts.models import Person

WIDTH = 300  # the width of a card on a 360 px phone, less a little: drawn at full size there
HALF = WIDTH / 2
MARGIN = 4
CENTER_RADIUS = 24
DOT = 8
LINE = 16  # the height a name takes: 13 px type (see .around-picture in knotwork.css)
FONT = 13
LABEL_GAP = 4  # between a dot and its name
GAP = 3  # kept free between any two boxes
FIRST_RING = CENTER_RADIUS + DOT + 20
RING_STEP = 8
SPOT_STEP = 6  # between the spots on a ring
ROW = 24  # the height of the bands boxes are filed in
# The widest a name may be: beside a dot at the middle, up to the edge.
LABEL_ROOM = HALF - MARGIN - DOT - LABEL_GAP - 1

# Letter widths as a share of the type size, taken from the widest common face a browser falls
# back to (DejaVu Sans Bold, measured in Chromium), so a measured name is never narrower than
# the drawn one; Roboto, San Francisco and Segoe UI draw narrower.
NARROW = set("'.,:;|! iIjlJ\u2019\u0131\u0142")  # with a closing quote, dotless i, l with stroke
HALF_NARROW = set("-ftrř()")
WIDE = set("mwMW@…")


def text_width(text: str) -> float:
    """How wide `text` is drawn, at most, in the picture's type."""
    em = 0.0
    for char in text:
        base = unicodedata.normalize("NFD", char)[:1] or char
        if char in NARROW or base in NARROW:
            em += 0.4
        elif base in HALF_NARROW:
            em += 0.52
        elif base in WIDE:
            em += 1.12
        elif base.isupper() or base.isdigit():
            em += 0.86
        else:
            em += 0.73
    return em * FONT


class Box(NamedTuple):
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "Box") -> bool:
        return not (
            self.right + GAP <= other.left
            or other.right + GAP <= self.left
            or self.bottom + GAP <= other.top
            or other.bottom + GAP <= self.top
        )


@dataclass
class Node:
    x: float
    y: float
    r: float
    initials: str
    name: str
    url: str
    knot: bool = False
    linked: bool = False
    label: str = ""
    label_width: float = 0
    right_side: bool = True  # on the right half of the ring

    @property
    def anchor(self) -> str:
        """The name reads away from the middle: to the right on the right, to the left on
        the left."""
        return "start" if self.right_side else "end"

    @property
    def label_x(self) -> float:
        offset = self.r + LABEL_GAP
        return round(self.x + offset if self.right_side else self.x - offset, 1)

    @property
    def box(self) -> Box:
        """The dot and its name together."""
        if not self.label:
            half = max(self.r, LINE / 2)
            return Box(self.x - self.r, self.y - half, self.x + self.r, self.y + half)
        return _named_box(self.x, self.y, self.label_width, right=self.right_side)

    def moved(self, dx: float, dy: float) -> None:
        self.x = round(self.x + dx, 1)
        self.y = round(self.y + dy, 1)


@dataclass
class Picture:
    """The dots, and the part of the drawing they fill (x, y, width, height)."""

    center: Node
    nodes: list[Node]
    box: tuple[float, float, float, float]

    @property
    def view_box(self) -> str:
        return " ".join(f"{n:g}" for n in self.box)

    @property
    def width(self) -> int:
        return round(self.box[2])

    @property
    def height(self) -> int:
        return round(self.box[3])


def initials(name: str) -> str:
    """The first letters of the first and last word: "Helga Brandt" is HB, "Ada" is A."""
    words = [w for w in name.split() if w[:1].isalnum()] or [name]
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


def first_name(name: str) -> str:
    """The first word that is not an abbreviation ("Dr. Helga Brandt" is Helga)."""
    words = name.split() or [name]
    return next((w for w in words if not w.endswith(".")), words[0])


def _last_initial(name: str) -> str:
    words = name.split()
    return f" {words[-1][:1]}." if len(words) > 1 and words[-1] != first_name(name) else ""


def short_names(names: list[str]) -> list[str]:
    """First names, with the last name's initial where two share a first name ("Anna S.",
    "Anna K."), each fitted to the room a name has."""
    firsts = [first_name(n) for n in names]
    shared = Counter(f.casefold() for f in firsts)
    return [
        _fit(first + _last_initial(name) if shared[first.casefold()] > 1 else first)
        for first, name in zip(firsts, names, strict=True)
    ]


def _fit(label: str) -> str:
    if text_width(label) <= LABEL_ROOM:
        return label
    while label and text_width(label + "…") > LABEL_ROOM:
        label = label[:-1]
    return label.rstrip() + "…"


def _spread(count: int) -> list[int]:
    """0 to count - 1 (a power of two) in bit-reversed order: top, bottom, right, left, then
    between them, so the first few people on a ring are spread all round it."""
    bits = count.bit_length() - 1
    return sorted(range(count), key=lambda i: int(f"{i:0{bits}b}"[::-1], 2) if bits else 0)


def _rings() -> Iterator[list[tuple[float, float]]]:
    """Where a dot may go, ring by ring outwards, spread round each ring."""
    radius: float = FIRST_RING
    while True:
        count = 2 ** math.ceil(math.log2(2 * math.pi * radius / SPOT_STEP))
        angles = (-math.pi / 2 + 2 * math.pi * i / count for i in _spread(count))
        yield [(radius * math.cos(a), radius * math.sin(a)) for a in angles]
        radius += RING_STEP


def _named_box(x: float, y: float, width: float, *, right: bool) -> Box:
    """A dot at (x, y) with a name `width` wide beside it, on its right or its left."""
    reach = DOT + LABEL_GAP + width
    if right:
        return Box(x - DOT, y - LINE / 2, x + reach, y + LINE / 2)
    return Box(x - reach, y - LINE / 2, x + DOT, y + LINE / 2)


class _Placed:
    """The boxes drawn so far, filed by height so a new box is checked only against its
    neighbours."""

    def __init__(self) -> None:
        self.rows: dict[int, list[Box]] = {}

    def _keys(self, box: Box) -> range:
        return range(math.floor(box.top / ROW), math.floor(box.bottom / ROW) + 1)

    def free(self, box: Box) -> bool:
        return not any(box.overlaps(o) for key in self._keys(box) for o in self.rows.get(key, ()))

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.rows.setdefault(key, []).append(box)


def _node(person: Person, x: float, y: float, r: float, **extra: object) -> Node:
    return Node(
        x=round(x, 1),
        y=round(y, 1),
        r=r,
        initials=initials(person.name),
        name=person.name,
        url=person.get_absolute_url(),
        knot=person.is_knot,
        **extra,  # type: ignore[arg-type]
    )


def picture_layout(*, person: Person, around: list[Around]) -> Picture:
    """Where each dot and name goes, in the order given: each person takes the first free spot
    from the middle outwards where their name touches nothing already drawn and stays inside
    the drawing, so the closest are nearest."""
    center = _node(person, 0, 0, CENTER_RADIUS)
    placed = _Placed()
    placed.add(center.box)
    nodes: list[Node] = []
    rings = _rings()
    spots: list[tuple[float, float]] = []
    edge = HALF - MARGIN
    for near, label in zip(around, short_names([n.person.name for n in around]), strict=True):
        width = text_width(label)
        i = 0
        while True:
            if i == len(spots):
                spots += next(rings)
            x, y = spots[i]
            dot = Box(x - DOT, y - DOT, x + DOT, y + DOT)
            if abs(x) + DOT + LABEL_GAP > edge or not placed.free(dot):
                del spots[i]  # no one's dot can go here any more
                continue
            box = _named_box(x, y, width, right=x >= 0)
            if box.left >= -edge and box.right <= edge and placed.free(box):
                break
            i += 1
        del spots[i]
        placed.add(box)
        extra = {"linked": near.linked, "label": label, "label_width": width, "right_side": x >= 0}
        nodes.append(_node(near.person, x, y, DOT, **extra))
    return _framed(center, nodes)


def _framed(center: Node, nodes: list[Node]) -> Picture:
    """The drawing moved into view: as tall as what it holds, and as wide on both sides of the
    middle (the middle stays in the middle of a card)."""
    boxes = [center.box, *(n.box for n in nodes)]
    half = max(abs(x) for b in boxes for x in (b.left, b.right)) + MARGIN
    top = min(b.top for b in boxes) - MARGIN
    bottom = max(b.bottom for b in boxes) + MARGIN
    for node in (center, *nodes):
        node.moved(half, -top)
    return Picture(center, nodes, (0, 0, round(2 * half, 1), round(bottom - top, 1)))
