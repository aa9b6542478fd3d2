"""The picture of the people around someone: everyone by their first name, and no two names,
dots or the middle touching, nor anything leaving the drawing, for one person up to fifty."""

import math

import pytest

from connections.picture import WIDTH, Box, Node, Picture, picture_layout, short_names
from connections.services import Around
from contacts.models import Person

NAMES = [
    "Lena Schröder",
    "Maximiliane Featherstonehaugh",
    "Wolfgang Amadeus Brandt",
    "Ada Ng",
    "Bartholomew Okafor",
    "Jürgen Wißmann",
    "Chloé Dubois",
    "Li Wei",
    "Mwangi Wanjiru",
    "Özlem Yıldırım",
    "Kwame Mensah",
    "Ilse Quartermain",
]


def people(count: int) -> list[Around]:
    """`count` people, with names of every length and a few shared first names."""
    return [
        Around(person=Person(pk=i, name=f"{NAMES[i % len(NAMES)].split()[0]} {surname}"))
        for i, surname in enumerate(f"{chr(65 + i % 26)}son{i}" for i in range(count))
    ]


def drawn(count: int) -> Picture:
    return picture_layout(person=Person(pk=999, name="Helga Brandt"), around=people(count))


def apart(one: Box, other: Box) -> bool:
    return (
        one.right <= other.left
        or other.right <= one.left
        or one.bottom <= other.top
        or other.bottom <= one.top
    )


@pytest.mark.parametrize("count", [1, 5, 12, 50])
def test_no_two_names_or_dots_touch_and_all_stay_in_the_drawing(count: int):
    picture = drawn(count)
    assert len(picture.nodes) == count
    boxes = [picture.center.box, *(node.box for node in picture.nodes)]
    x, y, width, height = picture.box
    assert width <= WIDTH
    for box in boxes:
        assert x <= box.left
        assert box.right <= x + width
        assert y <= box.top
        assert box.bottom <= y + height
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert apart(one, other), (one, other)


@pytest.mark.parametrize("count", [1, 5, 12, 50])
def test_everyone_is_named_by_their_first_name(count: int):
    picture = drawn(count)
    for near, node in zip(people(count), picture.nodes, strict=True):
        first = near.person.name.split()[0]
        assert node.label.startswith(first), (node.label, near.person.name)
        assert "…" not in node.label
        assert node.name == near.person.name  # the whole name, on hover


def test_fifty_stay_readable_on_a_phone():
    """At most as wide as a phone's card, so its 13 px names are drawn at nearly full size; and
    not much taller than a phone's screen."""
    _x, _y, width, height = drawn(50).box
    assert width <= 300
    assert height <= 640


def test_the_closest_are_nearest_the_middle():
    picture = drawn(50)

    def distance(node: Node) -> float:
        return math.hypot(node.x - picture.center.x, node.y - picture.center.y)

    assert distance(picture.nodes[0]) < distance(picture.nodes[-1])
    assert max(map(distance, picture.nodes[:5])) < min(map(distance, picture.nodes[-5:]))


def test_a_few_people_are_spread_round_the_middle():
    picture = drawn(4)
    center = picture.center
    above = [n for n in picture.nodes if n.y < center.y - 20]
    below = [n for n in picture.nodes if n.y > center.y + 20]
    left = [n for n in picture.nodes if n.x < center.x - 20]
    right = [n for n in picture.nodes if n.x > center.x + 20]
    assert (len(above), len(below), len(left), len(right)) == (1, 1, 1, 1)


def test_names_read_away_from_the_middle():
    picture = drawn(12)
    for node in picture.nodes:
        if node.x > picture.center.x:
            assert (node.anchor, node.label_x > node.x) == ("start", True)
        if node.x < picture.center.x:
            assert (node.anchor, node.label_x < node.x) == ("end", True)


def test_first_names_get_an_initial_only_when_shared():
    names = ["Anna Schröder", "Anna Krause", "Lena Schröder", "Dr. Helga Brandt", "Ada", "anna"]
    assert short_names(names) == ["Anna S.", "Anna K.", "Lena", "Helga", "Ada", "anna"]


def test_a_name_longer_than_the_room_is_shortened_not_drawn_outside():
    (label,) = short_names(["Maximilianefeatherstonehaughwolfgang Brandt"])
    assert label.endswith("…")
    picture = picture_layout(
        person=Person(pk=999, name="Helga"),
        around=[Around(person=Person(pk=1, name="Maximilianefeatherstonehaughwolfgang"))],
    )
    x, _y, width, _height = picture.box
    (node,) = picture.nodes
    assert x <= node.box.left
    assert node.box.right <= x + width
