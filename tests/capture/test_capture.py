import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from capture.offline import offline_assets, offline_version
from common.models import Submission
from contacts.models import Channel, Person, PersonDate
from conversations.models import Conversation, Story
from favours.models import Favour
from tests.factories import PersonFactory

JSON = {"Accept": "application/json"}


def entry(owner: User, **fields: str) -> dict[str, str]:
    return {
        "account": owner.device_tag,
        "key": str(uuid.uuid4()),
        "name": "Helga Brandt",
        "event": "Stanford alumni dinner",
        "spark": "Her bicycle brooch",
        "story": "Crossed the Alps by bicycle at sixty.",
        "favour_giver": "me",
    } | fields


def test_a_capture_records_the_person_meeting_story_favour_and_channels(
    alice_client: Client, alice: User
):
    response = alice_client.post(
        reverse("capture:page"),
        entry(
            alice,
            ask_on="2027-01-15",
            favour="Send her the route map",
            email="helga@example.org",
            phone="+49 89 123456",
        ),
        headers=JSON,
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Saved Helga Brandt."
    helga = Person.objects.get(owner=alice, name="Helga Brandt")
    assert (helga.spark, helga.met_at) == ("Her bicycle brooch", "Stanford alumni dinner")
    conversation = Conversation.objects.get(owner=alice)
    assert (conversation.kind, conversation.place) == ("in_person", "Stanford alumni dinner")
    assert Story.objects.get(person=helga).ask_on.isoformat() == "2027-01-15"
    assert Favour.objects.get(person=helga).what == "Send her the route map"
    assert set(Channel.objects.filter(person=helga).values_list("value", flat=True)) == {
        "helga@example.org",
        "+49 89 123456",
    }


def test_the_same_entry_sent_twice_is_recorded_once(alice_client: Client, alice: User):
    data = entry(alice)
    first = alice_client.post(reverse("capture:page"), data, headers=JSON)
    again = alice_client.post(reverse("capture:page"), data, headers=JSON)
    assert first.json() == again.json()
    assert Person.objects.for_user(alice).count() == 1
    assert Conversation.objects.for_user(alice).count() == 1
    assert Submission.objects.count() == 1


def test_picking_someone_known_adds_to_them_instead_of_a_duplicate(alice_client, alice):
    helga = PersonFactory(owner=alice, name="Helga Brandt", spark="")
    alice_client.post(
        reverse("capture:page"),
        entry(alice, person=str(helga.pk), name="Helga Brandt"),
        headers=JSON,
    )
    assert Person.objects.for_user(alice).count() == 1
    helga.refresh_from_db()
    assert helga.spark == "Her bicycle brooch"
    assert Story.objects.get().person == helga


def test_another_users_person_cannot_be_picked(alice_client: Client, alice: User, bob: User):
    bobs = PersonFactory(owner=bob)
    response = alice_client.post(
        reverse("capture:page"), entry(alice, person=str(bobs.pk)), headers=JSON
    )
    assert response.status_code == 400
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Who did you meet? Type a name."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"story": "", "ask_on": "2027-01-01"}, "story", "Write down what they told you"),
        ({"key": "not-a-uuid"}, "key", "Enter a valid UUID."),
    ],
)
def test_bad_input_is_explained_field_by_field(alice_client, alice, fields, field, message):
    response = alice_client.post(reverse("capture:page"), entry(alice, **fields), headers=JSON)
    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]["message"]
    assert not Person.objects.exists()


def test_without_javascript_the_form_posts_and_comes_back_for_the_next_person(alice_client, alice):
    response = alice_client.post(reverse("capture:page"), entry(alice), follow=True)
    assert "Saved Helga Brandt." in response.text
    assert 'value="Stanford alumni dinner"' in response.text
    assert response.redirect_chain[-1][0] == "/capture/?event=Stanford+alumni+dinner"


def test_names_are_matched_as_you_type_even_misspelt(alice_client: Client, alice, bob):
    PersonFactory(owner=alice, name="Katharina Engel")
    PersonFactory(owner=bob, name="Katharina Secret")
    html = alice_client.get(
        reverse("capture:matches"),
        {"name": "Katarina", "account": alice.device_tag},
    ).text
    assert "Katharina Engel" in html
    assert "Katharina Secret" not in html


def test_the_capture_page_is_installable(alice_client: Client):
    html = alice_client.get(reverse("capture:page")).text
    assert 'rel="manifest"' in html


def test_sabin_finds_sabine_and_not_yuki_sato(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Sabine Kühn")
    PersonFactory(owner=alice, name="Yuki Sato")
    html = alice_client.get(
        reverse("capture:matches"),
        {"name": "Sabin", "account": alice.device_tag},
    ).text
    assert "Sabine Kühn" in html
    assert "Yuki Sato" not in html


def test_an_entry_typed_for_another_account_is_refused_and_records_nothing(
    alice_client: Client, alice: User, bob: User
):
    response = alice_client.post(reverse("capture:page"), entry(bob), headers=JSON)
    assert response.status_code == 409
    again = alice_client.post(reverse("capture:page"), entry(alice, account=""), headers=JSON)
    assert again.status_code == 409
    assert not Person.objects.exists()
    assert not Submission.objects.exists()


def test_without_javascript_an_entry_for_another_account_is_not_saved(
    alice_client: Client, alice: User, bob: User
):
    response = alice_client.post(reverse("capture:page"), entry(bob), follow=True)
    assert "typed for another account" in response.text
    assert not Person.objects.exists()


def test_a_page_kept_for_another_account_is_offered_none_of_this_ones_people(
    alice_client: Client, alice: User, bob: User
):
    PersonFactory(owner=alice, name="Katharina Engel")
    html = alice_client.get(
        reverse("capture:matches"),
        {"name": "Katharina", "account": bob.device_tag},
    ).text
    assert "Katharina" not in html


def test_the_account_tag_is_stable_and_gives_nothing_away(alice: User, bob: User):
    tag = alice.device_tag
    assert tag == User.objects.get(pk=alice.pk).device_tag
    assert tag != bob.device_tag
    # A hash: neither the id nor the email (a short id's digits may turn up in any hex string).
    assert re.fullmatch(r"[0-9a-f]{24}", tag)
    assert tag.lstrip("0") != str(alice.pk)
    assert "alice" not in tag


def test_the_offline_shell_carries_no_ones_data(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Katharina Engel", met_at="Parents' evening")
    alice_client.post(reverse("capture:page"), entry(alice))  # "Saved …" waits to show
    html = alice_client.get(reverse("capture:shell"), headers={"X-Capture-Shell": "1"}).text
    assert 'id="capture-form"' in html
    assert 'data-account=""' in html
    for private in (
        alice.device_tag,
        alice.email,
        "Alice",
        "Helga Brandt",
        "Katharina",
        "Stanford",
        "csrfmiddlewaretoken",
    ):
        assert private not in html
    assert '"x-csrftoken": ""' in html


def test_the_offline_shell_opened_by_a_person_leads_to_the_real_page(alice_client: Client):
    response = alice_client.get(reverse("capture:shell"))
    assert response.status_code == 302
    assert response["Location"] == reverse("capture:page")


def test_the_service_worker_is_served_for_the_capture_scope_to_anyone(client: Client):
    response = client.get(reverse("capture:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert reverse("capture:service_worker").startswith(reverse("capture:page"))


def test_the_service_worker_keeps_every_static_file_the_shell_loads(alice_client: Client):
    shell = alice_client.get(reverse("capture:shell"), headers={"X-Capture-Shell": "1"}).text
    loaded = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', shell))
    assert loaded
    assert loaded <= set(offline_assets())


def test_the_offline_cache_version_follows_the_files(settings, tmp_path):
    before = offline_version()
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "capture.js").write_text("// a new release")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    assert offline_version() != before


@pytest.mark.parametrize("page", ["accounts:preferences", "account_logout"])
def test_the_logout_forms_name_the_account_whose_entries_they_clear(
    alice_client: Client, alice: User, page: str
):
    html = alice_client.get(reverse(page)).text
    assert f'data-capture-account="{alice.device_tag}"' in html
    assert "js/capture.js" in html


def test_a_birthday_heard_at_the_event_is_kept_once(alice_client: Client, alice: User):
    data = entry(alice, birthday_day="15", birthday_month="5", birthday_year="")
    assert alice_client.post(reverse("capture:page"), data, headers=JSON).status_code == 200
    assert alice_client.post(reverse("capture:page"), data, headers=JSON).status_code == 200
    (birthday,) = PersonDate.objects.for_user(alice)
    assert (birthday.person.name, birthday.kind, birthday.month, birthday.day, birthday.year) == (
        "Helga Brandt",
        "birthday",
        5,
        15,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"birthday_day": "31", "birthday_month": "4"}, "birthday_day", "April has only 30 days."),
        ({"birthday_month": "5"}, "birthday_day", "Choose the day of the birthday."),
        (
            {"birthday_day": "1", "birthday_month": "5", "birthday_year": "2999"},
            "birthday_year",
            "A birthday cannot be in the future.",
        ),
    ],
)
def test_an_impossible_birthday_is_refused_beside_its_field(
    alice_client: Client, alice: User, fields, field, message
):
    response = alice_client.post(reverse("capture:page"), entry(alice, **fields), headers=JSON)
    assert response.status_code == 400
    assert response.json()["errors"][field][0]["message"] == message
    page = alice_client.post(reverse("capture:page"), entry(alice, **fields))
    assert message in page.text
    assert 'value="Crossed the Alps' in page.text or "Crossed the Alps" in page.text
    assert not Person.objects.exists()
