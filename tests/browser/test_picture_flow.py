"""The picture of the people around someone, as a browser draws it, on a phone and a desktop,
in English and German: with five and with fifty people, every name is drawn whole, and no two
names or dots touch or leave the picture, measured on the drawn text itself."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.browser.conftest import (
    SCREENSHOTS,
    log_in,
    screenshot,
    serious_accessibility_violations,
)
from tests.connections.test_picture import people
from tests.factories import ConnectionFactory, PersonFactory

# Every drawn name and dot, and the picture's own box, in the picture's units.
MEASURE = """() => {
  const svg = document.querySelector("svg.around-picture");
  const [x, y, width, height] = svg.getAttribute("viewBox").split(" ").map(Number);
  const boxes = [...svg.querySelectorAll("text.label, circle")].map(el => {
    const b = el.getBBox();
    const stroke = el.tagName === "circle" ? parseFloat(getComputedStyle(el).strokeWidth) / 2 : 0;
    return {what: el.textContent || el.tagName, text: el.tagName === "text",
            left: b.x - stroke, top: b.y - stroke,
            right: b.x + b.width + stroke, bottom: b.y + b.height + stroke};
  });
  return {x, y, width, height, boxes, drawnWidth: svg.getBoundingClientRect().width,
          labels: [...svg.querySelectorAll("text.label")].map(t => t.textContent)};
}"""


def touching(one: dict, other: dict) -> bool:
    return not (
        one["right"] <= other["left"]
        or other["right"] <= one["left"]
        or one["bottom"] <= other["top"]
        or other["bottom"] <= one["top"]
    )


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("count", [5, 50])
def test_every_name_is_drawn_whole_and_apart(
    page: Page, live_server: LiveServer, alice: User, language: str, count: int
):
    User.objects.filter(pk=alice.pk).update(language=language)
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    for i, near in enumerate(people(count)):
        other = PersonFactory(owner=alice, name=near.person.name, is_knot=i % 7 == 0)
        ConnectionFactory(person_a=helga, person_b=other)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{helga.get_absolute_url()}")
    drawn = page.evaluate(MEASURE)

    firsts = sorted(near.person.name.split()[0] for near in people(count))
    assert sorted(label.split()[0] for label in drawn["labels"]) == firsts
    assert not any("…" in label for label in drawn["labels"])
    boxes = drawn["boxes"]
    for box in boxes:
        assert drawn["x"] <= box["left"], box
        assert box["right"] <= drawn["x"] + drawn["width"], box
        assert drawn["y"] <= box["top"], box
        assert box["bottom"] <= drawn["y"] + drawn["height"], box
    names = [box for box in boxes if box["text"]]
    for one in names:
        for other in boxes:
            assert other is one or not touching(one, other), (one, other)
    # Drawn at nearly its own size, so 13 px names stay above 12 px on a 360 px phone.
    assert drawn["drawnWidth"] >= 0.92 * drawn["width"]
    screenshot(page, f"picture-{count}-{language}")
    # The picture alone, to look at closely.
    figure = SCREENSHOTS / f"picture-{count}-{language}-{page.viewport_name}-close.png"  # type: ignore[attr-defined]
    page.locator("figure.picture").screenshot(path=figure)
    assert serious_accessibility_violations(page) == []
