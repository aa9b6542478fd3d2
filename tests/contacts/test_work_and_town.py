"""Where someone works, their role, and the town they live in: typed with suggestions from the
user's own values, shown under their name, searchable, and "Who do I know at …"."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from contacts.models import Person
from relationships.services.search import search_everything
from tests.contacts.test_people import person_data
from tests.factories import PersonFactory


def test_the_person_form_keeps_work_and_town_and_the_page_shows_them(
    alice_client: Client, alice: User
):
    data = person_data(organisation="Acme GmbH", role="Engineer", city="München")
    alice_client.post(reverse("contacts:create"), data)
    helga = Person.objects.get(owner=alice)
    assert (helga.organisation, helga.role, helga.city) == ("Acme GmbH", "Engineer", "München")

    page = alice_client.get(helga.get_absolute_url()).text
    assert 'Engineer at <a href="/people/?organisation=Acme%20GmbH"' in page
    assert "Who you know at Acme GmbH" in page
    assert 'Lives in <a href="/travelling/?city=M%C3%BCnchen"' in page
    form = alice_client.get(reverse("contacts:edit", args=[helga.pk])).text
    assert 'list="organisation-suggestions"' in form
    assert 'list="city-suggestions"' in form
    assert 'value="München"' in form


def test_work_reads_as_a_phrase_in_either_language(alice: User):
    with translation.override("en"):
        assert Person(role="Engineer", organisation="Acme").work() == "Engineer at Acme"
        assert Person(role="Engineer").work() == "Engineer"
        assert Person(organisation="Acme").work() == "Acme"
        assert Person().work() == ""
    with translation.override("de"):
        assert Person(role="Ingenieurin", organisation="Acme").work() == "Ingenieurin bei Acme"


def test_who_do_i_know_at_finds_everyone_at_an_organisation_case_and_accents_aside(
    alice_client: Client, alice: User, bob: User
):
    for name, organisation in [
        ("Helga", "Siemens Healthineers"),
        ("Jonas", "SIEMENS AG"),
        ("Priya", "Société Générale"),
        ("Tom", ""),
    ]:
        PersonFactory(owner=alice, name=name, organisation=organisation)
    PersonFactory(owner=alice, name="Archived", organisation="Siemens", archived=True)
    PersonFactory(owner=bob, name="Bob's", organisation="Siemens")

    def shown(**params: str) -> list[str]:
        people = alice_client.get(reverse("contacts:list"), params).context["people"]
        return [person.name for person in people]

    assert shown(organisation="siemens") == ["Helga", "Jonas"]
    assert shown(organisation="societe generale") == ["Priya"]
    assert shown(organisation="Nobody Inc") == []
    response = alice_client.get(reverse("contacts:list"), {"organisation": "Nobody Inc"})
    assert "You know no one at Nobody Inc yet." in response.text
    # The list's search reads work and town too.
    assert shown(q="healthineers") == ["Helga"]


def test_the_list_shows_work_and_town_under_the_name(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Helga", role="Engineer", organisation="Acme", city="Köln")
    page = alice_client.get(reverse("contacts:list")).text
    assert '<span class="work">Engineer at Acme</span>' in page
    assert "· Köln" in page
    assert f'href="{reverse("relationships:travelling")}"' in page


def test_search_finds_people_by_their_work_and_town_stemmed(alice: User):
    helga = PersonFactory(
        owner=alice, name="Helga", spark="", role="Engineer", organisation="Bäckerei Weber"
    )
    jonas = PersonFactory(owner=alice, name="Jonas", spark="", city="Lisboa")
    assert [hit.item for hit in search_everything(user=alice, text="engineers")] == [helga]
    assert [hit.item for hit in search_everything(user=alice, text="baeckerei")] == []
    assert [hit.item for hit in search_everything(user=alice, text="backerei")] == [helga]
    assert [hit.item for hit in search_everything(user=alice, text="lisboa")] == [jonas]


def test_a_search_hit_says_where_the_person_works(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Helga", role="Engineer", organisation="Acme")
    page = alice_client.get(reverse("relationships:search"), {"q": "acme"}).text
    assert "Person · Engineer at Acme" in page


@pytest.mark.parametrize(
    ("typed", "options"),
    [
        ({"organisation": "acm"}, ["Acme", "Acmé Labs"]),
        ({"organisation": "LABS"}, ["Acmé Labs"]),
        ({"city": "munch"}, ["münchen"]),  # one town, however it was spelt
        ({"city": ""}, []),
        ({"nickname": "a"}, []),
    ],
)
def test_it_suggests_the_users_own_values_most_used_first(
    alice_client: Client, alice: User, bob: User, typed: dict[str, str], options: list[str]
):
    for organisation, city in [
        ("Acme", "München"),
        ("Acme", "münchen"),
        ("Acmé Labs", ""),
        ("", "Berlin"),
    ]:
        PersonFactory(owner=alice, organisation=organisation, city=city)
    PersonFactory(owner=bob, organisation="Acme Bob's", city="Münchberg")
    response = alice_client.get(reverse("contacts:suggest_value"), typed)
    suggested = list(response.context["options"])
    assert [option.lower() for option in suggested] == [option.lower() for option in options]
    for option in suggested:
        assert f'<option value="{option}"></option>' in response.text
