"""One birthday a person: the database holds it, and every way a birthday comes in says so
beside the field or merges it, never a second birthday and never a server error."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import resolve, reverse

from accounts.models import AccessToken, User
from accounts.services import token_create
from calendars.feed import calendar_feed
from calendars.models import CalendarFeed
from contacts.models import Person, PersonDate
from portability.export import export_account, import_account
from tests.factories import PersonDateFactory, PersonFactory, UserFactory, drawn_form

JSON = {"Accept": "application/json"}
TAKEN = "Helga Brandt's birthday is already 15 March. Change that one instead."


@pytest.fixture
def helga(alice: User) -> Person:
    """Helga, whose birthday you know: 15 March, the year not."""
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    PersonDateFactory(person=helga, month=3, day=15)
    return helga


def birthdays(person: Person) -> list[tuple[int, int, int | None]]:
    return [(d.month, d.day, d.year) for d in person.dates.filter(kind="birthday")]


def test_the_database_holds_one_birthday_a_person(helga: Person):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonDateFactory(person=helga, month=4, day=3)
    PersonDateFactory(person=helga, kind="anniversary", month=4, day=3)  # other kinds: any
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonDate.objects.filter(person=helga, kind="anniversary").update(kind="birthday")


def test_the_date_form_says_so_beside_the_kind(alice_client: Client, helga: Person):
    data = {"kind": "birthday", "day": "3", "month": "4", "year": ""} | drawn_form()
    response = alice_client.post(reverse("contacts:date_create", args=[helga.pk]), data)
    assert response.status_code == 200
    assert TAKEN in response.text.replace("&#x27;", "'")
    kind = response.text.split('id="id_kind_0"')[0].rsplit("<fieldset", 1)[1]
    assert 'class="choice invalid"' in "<fieldset" + kind
    assert birthdays(helga) == [(3, 15, None)]


def test_an_anniversary_cannot_become_a_second_birthday(alice_client: Client, helga: Person):
    other = PersonDateFactory(person=helga, kind="anniversary", month=6, day=1)
    data = {"kind": "birthday", "day": "1", "month": "6", "year": ""}
    response = alice_client.post(reverse("contacts:date_edit", args=[other.pk]), data)
    assert TAKEN in response.text.replace("&#x27;", "'")
    other.refresh_from_db()
    assert other.kind == "anniversary"


def test_editing_the_birthday_itself_is_fine(alice_client: Client, helga: Person):
    birthday = helga.dates.get()
    data = {"kind": "birthday", "day": "16", "month": "3", "year": "1965"}
    response = alice_client.post(reverse("contacts:date_edit", args=[birthday.pk]), data)
    assert response.status_code == 302
    assert birthdays(helga) == [(3, 16, 1965)]


def capture(client: Client, owner: User, person: Person, **birthday: str) -> object:
    data = {
        "account": owner.device_tag,
        "key": str(uuid.uuid4()),
        "person": str(person.pk),
        "favour_giver": "me",
        **birthday,
    }
    return client.post(reverse("capture:page"), data, headers=JSON)


def test_capture_says_so_beside_the_birthday(alice_client: Client, alice: User, helga: Person):
    response = capture(alice_client, alice, helga, birthday_day="3", birthday_month="4")
    assert response.status_code == 400
    assert response.json()["errors"]["birthday_day"][0]["message"] == TAKEN
    # Without the script, the page comes back with it beside the fields.
    data = {"account": alice.device_tag, "key": str(uuid.uuid4()), "person": helga.pk}
    page = alice_client.post(
        reverse("capture:page"),
        data | {"birthday_day": "3", "birthday_month": "4", "favour_giver": "me"},
    )
    assert TAKEN in page.text.replace("&#x27;", "'")
    assert birthdays(helga) == [(3, 15, None)]


def test_capture_of_the_same_birthday_gives_it_its_year(
    alice_client: Client, alice: User, helga: Person
):
    response = capture(
        alice_client, alice, helga, birthday_day="15", birthday_month="3", birthday_year="1965"
    )
    assert response.status_code == 200
    assert birthdays(helga) == [(3, 15, 1965)]
    # The same day with another year is another birthday.
    response = capture(
        alice_client, alice, helga, birthday_day="15", birthday_month="3", birthday_year="1966"
    )
    assert response.status_code == 400
    assert birthdays(helga) == [(3, 15, 1965)]


def test_the_api_answers_a_second_birthday_with_400(alice: User, helga: Person):
    secret = token_create(owner=alice, name="Phone", scope=AccessToken.Scope.WRITE)[1]

    def send(**birthday: int) -> object:
        return Client().post(
            "/api/v1/capture",
            {"key": str(uuid.uuid4()), "person": helga.pk, "birthday": birthday},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )

    refused = send(day=3, month=4)
    assert refused.status_code == 400
    assert refused.json()["errors"]["birthday_day"][0]["message"] == TAKEN
    assert send(day=15, month=3, year=1965).status_code == 201
    assert birthdays(helga) == [(3, 15, 1965)]


def person_data(**fields: str) -> dict[str, str]:
    return {
        "name": "Helga Brandt",
        "circle": "wider",
        "status": "known",
        "channels-TOTAL_FORMS": "0",
        "channels-INITIAL_FORMS": "0",
    } | fields


def test_the_person_form_edits_the_one_birthday(alice_client: Client, helga: Person):
    url = reverse("contacts:edit", args=[helga.pk])
    form = alice_client.get(url).text
    assert 'name="birthday_day"' in form
    assert '<option value="15" selected>' in form
    changed = person_data(birthday_day="3", birthday_month="4", birthday_year="1971")
    assert alice_client.post(url, changed).status_code == 302
    assert birthdays(helga) == [(4, 3, 1971)]
    assert alice_client.post(url, person_data()).status_code == 302
    assert birthdays(helga) == []


def test_a_birthday_is_given_when_adding_someone(alice_client: Client, alice: User):
    data = person_data(birthday_day="15", birthday_month="3", birthday_year="1965") | drawn_form()
    response = alice_client.post(reverse("contacts:create"), data)
    assert response.status_code == 302
    helga = Person.objects.for_user(alice).get()
    assert birthdays(helga) == [(3, 15, 1965)]


def test_a_person_form_birthday_is_checked_as_the_date_form_checks_it(
    alice_client: Client, alice: User
):
    data = person_data(birthday_day="31", birthday_month="4") | drawn_form()
    response = alice_client.post(reverse("contacts:create"), data)
    assert response.status_code == 200
    assert "April has only 30 days." in response.text
    assert 'value="Helga Brandt"' in response.text  # nothing typed is lost
    assert not Person.objects.exists()


def imported(client: Client, name: str, content: str) -> list[dict]:
    response = client.post(
        reverse("portability:import_contacts"),
        {"contacts": SimpleUploadedFile(name, content.encode())} | drawn_form(),
    )
    batch = resolve(response.url).kwargs["batch_pk"]
    preview = client.get(reverse("portability:import_preview", args=[batch])).text
    client.post(reverse("portability:import_confirm", args=[batch]))
    return preview


def test_a_card_with_two_birthdays_keeps_one_and_notes_the_other(alice_client: Client, alice: User):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nNOTE:Met at the fair.\r\n"
        "BDAY:--0315\r\nBDAY:1965-03-15\r\nBDAY:1980-04-03\r\nEND:VCARD\r\n"
    )
    preview = imported(alice_client, "helga.vcf", card)
    assert "BDAY: 1980-04-03: a person has one birthday, so this one goes into the notes." in (
        preview
    )
    helga = Person.objects.for_user(alice).get()
    assert birthdays(helga) == [(3, 15, 1965)]  # the same day again gave its year
    assert helga.notes == "Met at the fair.\nBDAY: 1980-04-03"


def test_an_import_for_someone_with_a_birthday_merges_or_notes_it(
    alice_client: Client, alice: User, helga: Person
):
    helga.channels.create(kind="email", value="helga@example.org")
    cards = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nEMAIL:helga@example.org\r\n"
        "BDAY:1965-03-15\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nEMAIL:helga@example.org\r\n"
        "BDAY:1970-07-01\r\nEND:VCARD\r\n"
    )
    imported(alice_client, "helga.vcf", cards)
    helga.refresh_from_db()
    assert birthdays(helga) == [(3, 15, 1965)]
    assert helga.notes.endswith("BDAY: 1970-07-01")


def test_an_old_export_with_two_birthdays_imports(alice: User):
    bob = UserFactory()
    helga = PersonFactory(owner=bob, name="Helga Brandt", notes="")
    PersonDateFactory(person=helga, month=3, day=15, year=1965)
    data = json.loads(json.dumps(export_account(user=bob), default=str))
    (exported,) = data["people"]
    second = dict(exported["dates"][0], month=4, day=3, year=None, repeats=False)
    exported["dates"].append(second)  # as an export before the constraint could hold it

    assert import_account(user=alice, data=data) == 1
    mine = Person.objects.for_user(alice).get()
    assert birthdays(mine) == [(3, 15, 1965)]
    assert mine.notes == "BDAY: --04-03"


def test_the_feed_holds_one_birthday_a_person(alice: User, helga: Person):
    feed = CalendarFeed.objects.create(owner=alice)
    assert calendar_feed(feed=feed).count(b"SUMMARY:Helga Brandt's birthday") == 1
