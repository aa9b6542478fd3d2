import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Channel, Circle, Person, Tag
from tests.factories import ChannelFactory, PersonFactory, TagFactory, drawn_form

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_person_keeps_in_touch_at_their_circles_rhythm_unless_they_have_their_own():
    person = Person(circle=Circle.INNER)
    assert person.cadence == datetime.timedelta(days=21)
    person.cadence_days = 10
    assert person.cadence == datetime.timedelta(days=10)
    assert Person(circle=Circle.ACQUAINTANCE).cadence == datetime.timedelta(days=180)


def test_the_list_shows_only_my_people(alice_client: Client, alice: User, bob: User):
    PersonFactory(owner=alice, name="Helga Brandt")
    PersonFactory(owner=bob, name="Bob's secret friend")
    response = alice_client.get(reverse("contacts:list"))
    assert "Helga Brandt" in response.text
    assert "secret friend" not in response.text


def test_search_as_you_type_returns_only_the_results_fragment(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Helga Brandt", spark="Her bicycle brooch")
    PersonFactory(owner=alice, name="Tom Fletcher", spark="Climbing coach")
    response = alice_client.get(
        reverse("contacts:list"),
        {"q": "brooch"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert "Helga Brandt" in response.text
    assert "Tom Fletcher" not in response.text
    assert "<html" not in response.text


def test_filters_narrow_the_list_by_circle_tag_and_status(alice_client: Client, alice: User):
    climbing = TagFactory(owner=alice, name="climbing")
    inner = PersonFactory(owner=alice, name="Inner Ingrid", circle=Circle.INNER, is_knot=True)
    climber = PersonFactory(owner=alice, name="Climbing Tom")
    climber.tags.add(climbing)
    wanted = PersonFactory(owner=alice, name="Wanted Miriam", status=Person.Status.WANT_TO_MEET)
    archived = PersonFactory(owner=alice, name="Archived Arne", archived=True)

    def names(**params: object) -> set[str]:
        text = alice_client.get(reverse("contacts:list"), params).text
        return {p.name for p in (inner, climber, wanted, archived) if p.name in text}

    assert names() == {"Inner Ingrid", "Climbing Tom", "Wanted Miriam"}
    assert names(circle="inner") == {"Inner Ingrid"}
    assert names(tag="Climbing") == {"Climbing Tom"}
    assert names(tag="knitting") == set()
    assert names(status="knot") == {"Inner Ingrid"}
    assert names(status="want_to_meet") == {"Wanted Miriam"}
    assert names(status="archived") == {"Archived Arne"}


def test_the_list_pages_at_fifty_in_name_order(alice_client: Client, alice: User):
    # Two people share every name: the order goes on by id, so no one is skipped or shown twice.
    Person.objects.bulk_create(Person(owner=alice, name=f"Person {i // 2:03d}") for i in range(120))
    names = re.compile(r'<span class="who">\s*<strong>([^<]*)<')
    seen: list[str] = []
    url = reverse("contacts:list") + "?q=person"
    for _page in range(3):
        page = alice_client.get(url).text
        seen += names.findall(page)
        next_links = re.findall(r'href="([^"]*after=\d+[^"]*)"', page)
        if not next_links:
            break
        url = reverse("contacts:list") + next_links[0].replace("&amp;", "&")
    assert len(seen) == 120
    assert seen == sorted(seen)
    assert "Back to the start" in page
    assert "q=person" in url  # the filters stay on every page


def test_a_page_after_someone_no_longer_listed_says_so(alice_client: Client, alice: User):
    person = PersonFactory(owner=alice, name="Zoe Last")
    page = alice_client.get(reverse("contacts:list"), {"after": person.pk}).text
    assert "That was everyone." in page


def test_tags_are_suggested_as_typed_most_used_first(alice_client: Client, alice: User, bob: User):
    sailing, sauna = TagFactory(owner=alice, name="Sailing"), TagFactory(owner=alice, name="Sauna")
    TagFactory(owner=alice, name="climbing")
    TagFactory(owner=bob, name="Sahara secret")
    for person in PersonFactory.create_batch(2, owner=alice):
        person.tags.add(sauna)
    PersonFactory(owner=alice).tags.add(sailing)

    def suggested(typed: str, field: str = "tag") -> list[str]:
        html = alice_client.get(reverse("contacts:suggest_tag"), {field: typed}).text
        return re.findall(r'<option value="([^"]*)">', html)

    assert suggested("sa") == ["Sauna", "Sailing"]
    assert suggested("climbing, SAIL", field="tag_names") == ["climbing, Sailing"]
    assert suggested("") == []


def test_a_tag_on_a_person_links_to_everyone_with_it(alice_client: Client, alice: User):
    person = PersonFactory(owner=alice, name="Helga Brandt")
    person.tags.add(TagFactory(owner=alice, name="Alps & sea"))
    page = alice_client.get(reverse("relationships:person", args=[person.pk])).text
    link = re.search(r'href="([^"]*\?tag=[^"]*)"', page)
    assert link is not None
    assert "Helga Brandt" in alice_client.get(link.group(1).replace("&amp;", "&")).text


def test_an_empty_list_says_what_to_do_next(alice_client: Client):
    response = alice_client.get(reverse("contacts:list"))
    assert "Add your first person" in response.text


def test_adding_a_person_saves_tags_and_channels(alice_client: Client, alice: User):
    response = alice_client.post(
        reverse("contacts:create"),
        {
            "name": "Priya Raman",
            "spark": "Six years in Shanghai",
            "met_at": "Founders breakfast",
            "met_on": "2026-05-12",
            "circle": "close",
            "status": "known",
            "tag_names": "founder, Connector, founder",
            **channel_rows(("email", "priya@example.org", "work"), ("phone", "+49 30 1234567", "")),
            **drawn_form(),
        },
    )
    person = Person.objects.get(owner=alice, name="Priya Raman")
    assert response.status_code == 302
    assert response.url == reverse("relationships:person", args=[person.pk])
    assert sorted(t.name for t in person.tags.all()) == ["Connector", "founder"]
    assert sorted(c.value for c in person.channels.all()) == ["+49 30 1234567", "priya@example.org"]


def test_tags_are_reused_whatever_their_case(alice_client: Client, alice: User):
    TagFactory(owner=alice, name="Berlin")
    alice_client.post(reverse("contacts:create"), person_data(tag_names="berlin"))
    assert list(Tag.objects.for_user(alice).values_list("name", flat=True)) == ["Berlin"]


def test_adding_with_htmx_redirects_the_browser_to_the_new_person(
    alice_client: Client, alice: User
):
    response = alice_client.post(
        reverse("contacts:create"), person_data(name="Jonas"), headers={"HX-Request": "true"}
    )
    person = Person.objects.get(owner=alice, name="Jonas")
    assert response.headers["HX-Redirect"] == reverse("relationships:person", args=[person.pk])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "x" * 201, "Ensure this value has at most 200 characters"),
        ("spark", "x" * 1001, "Ensure this value has at most 1000 characters"),
        ("met_on", "1850-01-01", "Please enter a date after 1900."),
        ("met_on", "2999-01-01", "This date is in the future."),
        ("met_on", "31.02.2026", "Enter a valid date."),
        ("cadence_days", "0", "Ensure this value is greater than or equal to 1."),
        ("tag_names", "x" * 51, "A tag can have at most 50 characters."),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    alice_client: Client, alice: User, field: str, value: str, message: str
):
    data = person_data(spark="Kept spark text") | {field: value}
    response = alice_client.post(reverse("contacts:create"), data)
    assert response.status_code == 200
    assert message in response.text
    assert "Please check the fields marked below" in response.text
    if field != "spark":
        assert "Kept spark text" in response.text
    assert not Person.objects.for_user(alice).exists()


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address"),
        ("phone", "call me maybe", "Enter a phone number with digits"),
        ("phone", "12", "Enter a phone number with digits"),
        ("link", "javascript:alert(1)", "Enter a web address starting with https://."),
    ],
)
def test_bad_channels_are_rejected_next_to_the_field(
    alice_client: Client, alice: User, kind: str, value: str, message: str
):
    data = person_data() | channel_rows((kind, value, ""))
    response = alice_client.post(reverse("contacts:create"), data)
    assert message in response.text
    assert not Channel.objects.exists()


def test_editing_a_person_changes_them_and_removes_a_channel(alice_client: Client, alice: User):
    person = PersonFactory(owner=alice, name="Old Name")
    channel = ChannelFactory(person=person, value="old@example.org")
    data = person_data(name="New Name") | {
        "channels-TOTAL_FORMS": "1",
        "channels-INITIAL_FORMS": "1",
        "channels-0-id": str(channel.pk),
        "channels-0-kind": "email",
        "channels-0-value": "old@example.org",
        "channels-0-DELETE": "on",
    }
    alice_client.post(reverse("contacts:edit", args=[person.pk]), data)
    person.refresh_from_db()
    assert person.name == "New Name"
    assert not person.channels.exists()


def test_the_edit_form_loads_in_place_with_htmx(alice_client: Client, alice: User):
    person = PersonFactory(owner=alice, name="Helga")
    response = alice_client.get(
        reverse("contacts:edit", args=[person.pk]), headers={"HX-Request": "true"}
    )
    assert 'id="person-card"' in response.text
    assert "<html" not in response.text


def test_archiving_is_a_post_and_hides_the_person_from_the_list(alice_client: Client, alice: User):
    person = PersonFactory(owner=alice, name="Arne")
    url = reverse("contacts:archive", args=[person.pk])
    assert alice_client.get(url, {"archived": "1"}).status_code == 405
    response = alice_client.post(url, {"archived": "1"}, headers={"HX-Request": "true"})
    assert "Bring back" in response.text
    person.refresh_from_db()
    assert person.archived
    assert "Arne" not in alice_client.get(reverse("contacts:list")).text


def test_posts_without_a_csrf_token_are_refused(alice: User):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse("contacts:create"), person_data(), headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_script_in_any_field_is_shown_as_text(alice_client: Client, alice: User):
    person = PersonFactory(owner=alice, name=XSS, spark=XSS, met_at=XSS, notes=XSS)
    person.tags.add(TagFactory(owner=alice, name=XSS[:50]))
    ChannelFactory(person=person, kind="link", value="https://example.org/?q=<script>")
    for url in (
        reverse("contacts:list"),
        reverse("relationships:person", args=[person.pk]),
        reverse("contacts:edit", args=[person.pk]),
    ):
        html = alice_client.get(url).text
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


@pytest.mark.parametrize(
    "url_name", ["contacts:list", "deep", "search", "organisation", "tag", "relationships:person"]
)
def test_people_pages_run_a_fixed_number_of_queries(
    alice_client: Client, alice: User, url_name: str
):
    def queries_with(count: int) -> int:
        Person.objects.for_user(alice).delete()
        # Everyone with a photo, work and a town: each costs nothing more to show.
        Person.objects.bulk_create(
            Person(
                owner=alice,
                name=f"Helga {i}",
                spark="brooch",
                organisation="Acme",
                role="Engineer",
                city="München",
                photo=f"photos/{i}-large.jpg",
                photo_thumbnail=f"photos/{i}-thumbnail.jpg",
            )
            for i in range(count)
        )
        person = Person.objects.for_user(alice).first()
        assert person is not None
        Tag.objects.for_user(alice).delete()
        Tag.objects.bulk_create(Tag(owner=alice, name=f"tag {i}") for i in range(count))
        person.tags.add(TagFactory(owner=alice, name="Sailing"))
        ChannelFactory(person=person)
        if url_name == "relationships:person":
            url, params = reverse(url_name, args=[person.pk]), {}
        elif url_name == "deep":
            deep = Person.objects.for_user(alice)[count // 2]
            url, params = reverse("contacts:list"), {"after": deep.pk}
        elif url_name == "search":
            url, params = reverse("contacts:list"), {"q": "helga"}
        elif url_name == "organisation":
            url, params = reverse("contacts:list"), {"organisation": "acme"}
        elif url_name == "tag":
            url, params = reverse("contacts:list"), {"tag": "sailing"}
        else:
            url, params = reverse(url_name), {}
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(url, params)
        assert response.status_code == 200
        assert "/photo/thumbnail/" in response.text or "/photo/?v=" in response.text
        assert "Engineer at Acme" in response.text or "Acme" in response.text
        assert "tag 1" not in response.text  # no list of every tag
        return len(queries)

    small = queries_with(10)
    assert queries_with(10_000) == small
    assert small <= 9  # the card, the timeline, dates, and who they know


def person_data(**overrides: str) -> dict[str, str]:
    data = {"name": "Helga Brandt", "circle": "wider", "status": "known"} | drawn_form()
    return data | channel_rows() | overrides


def channel_rows(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {"channels-TOTAL_FORMS": str(len(rows)), "channels-INITIAL_FORMS": "0"}
    for i, (kind, value, label) in enumerate(rows):
        data |= {
            f"channels-{i}-kind": kind,
            f"channels-{i}-value": value,
            f"channels-{i}-label": label,
        }
    return data


def test_a_person_with_hundreds_of_channels_shows_a_few_and_edits_twenty(
    alice_client: Client, alice: User
):
    person = PersonFactory(owner=alice, name="Helga Brandt")
    Channel.objects.bulk_create(
        Channel(person=person, kind="email", value=f"helga{i}@example.org") for i in range(300)
    )
    page = alice_client.get(reverse("relationships:person", args=[person.pk])).text
    assert page.count("@example.org</a>") == 8
    assert "and 292 more ways to reach them" in page

    form = alice_client.get(reverse("contacts:edit", args=[person.pk])).text
    assert form.count('value="helga') == 20
    assert "280 more ways to reach them are kept as they are." in form
    # Saving the form changes the twenty it shows and keeps the rest.
    data = person_data(name="Helga B.") | {
        "channels-TOTAL_FORMS": "20",
        "channels-INITIAL_FORMS": "20",
    }
    shown = Channel.objects.filter(person=person).order_by("pk")[:20]
    for i, channel in enumerate(shown):
        data |= {
            f"channels-{i}-id": str(channel.pk),
            f"channels-{i}-kind": "email",
            f"channels-{i}-value": channel.value,
            f"channels-{i}-label": "",
        }
    data["channels-0-DELETE"] = "on"
    response = alice_client.post(reverse("contacts:edit", args=[person.pk]), data)
    assert response.status_code == 302
    assert Channel.objects.filter(person=person).count() == 299
