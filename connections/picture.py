"""A small picture of the people around someone, laid out here and drawn as SVG by a template
(connections/_picture.html): them in the middle, the others on rings around, the strongest on
the inner ring. A few people get their names; many get initials on up to three rings, so that
fifty stay apart and readable on a 360 px phone, with the names in the text list beside it."""

import math
from dataclasses import dataclass

from connections.services import Around
from contacts.models import Person

SIZE = 360
CENTER = SIZE / 2
# Up to this many, one ring with names under each face (far enough apart for twelve letters);
# more go on rings of initials.
NAMED = 8
NAMED_RING = 118
NAMED_RADIUS = 20
# The rings for many, inner to outer, and the size of a face on them.
RINGS = (72, 114, 156)
RADIUS = 15
GAP = 6
CENTER_RADIUS = 28
LABEL_CHARACTERS = 12


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

    @property
    def label_y(self) -> float:
        return self.y + self.r + 14


@dataclass
class Picture:
    """The faces, and the part of the drawing they fill (x, y, width, height): a few faces on
    the upper half of the ring leave no empty square below."""

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


# Half the width a name under a face may take, and room around everything.
LABEL_HALF_WIDTH = 48
MARGIN = 4
MIN_HALF_WIDTH = 120


def _box(center: Node, nodes: list[Node]) -> tuple[float, float, float, float]:
    """The smallest box around every face and name, as wide on both sides of the middle."""
    parts = [(center.x, center.y, center.r, center.r)]
    for node in nodes:
        parts.append((node.x, node.y, node.r, node.r))
        if node.label:
            parts.append((node.x, node.label_y, LABEL_HALF_WIDTH, 8))
    half = max(MIN_HALF_WIDTH, *(abs(x - CENTER) + w + MARGIN for x, _y, w, _h in parts))
    half = min(half, CENTER)
    top = max(0, min(y - h for _x, y, _w, h in parts) - MARGIN)
    bottom = min(SIZE, max(y + h for _x, y, _w, h in parts) + MARGIN)
    return (round(CENTER - half, 1), round(top, 1), round(2 * half, 1), round(bottom - top, 1))


def initials(name: str) -> str:
    """The first letters of the first and last word: "Helga Brandt" is HB, "Ada" is A."""
    words = [w for w in name.split() if w[:1].isalnum()] or [name]
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _ring_counts(n: int) -> list[tuple[int, int]]:
    """How many faces go on which ring: (radius, count), as few rings as hold them all, each
    filled in proportion to its room."""
    room = [int(2 * math.pi * r // (2 * RADIUS + GAP)) for r in RINGS]
    used = 1
    while used < len(RINGS) and sum(room[:used]) < n:
        used += 1
    total_room = sum(room[:used])
    counts = [min(room[i], round(n * room[i] / total_room)) for i in range(used)]
    counts[-1] += n - sum(counts)  # what rounding left over goes outside
    return [(RINGS[i], counts[i]) for i in range(used) if counts[i]]


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
    """Where each face goes, in the order given (the closest first, on the inner ring,
    starting at the top and going clockwise)."""
    center = _node(person, CENTER, CENTER, CENTER_RADIUS)
    if len(around) <= NAMED:
        rings = [(NAMED_RING, len(around))]
        radius = NAMED_RADIUS
    else:
        rings = _ring_counts(len(around))
        radius = RADIUS
    nodes = []
    people = iter(around)
    for ring, (distance, count) in enumerate(rings):
        offset = math.pi / count if ring % 2 else 0  # stagger the rings
        for i in range(count):
            near = next(people)
            angle = -math.pi / 2 + offset + 2 * math.pi * i / count
            x = CENTER + distance * math.cos(angle)
            y = CENTER + distance * math.sin(angle)
            label = _short(near.person.name) if len(around) <= NAMED else ""
            nodes.append(_node(near.person, x, y, radius, linked=near.linked, label=label))
    return Picture(center, nodes, _box(center, nodes))
