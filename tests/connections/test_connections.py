import html
import re
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from connections.forms import LinkForm
from connections.models import Connection, Introduction
from connections.services import (
    could_introduce,
    introduction_set,
    people_around,
)
from contacts.models import Person
from favours.models import Favour
from relationships.models import Muscle
from relationships.services.merge import people_merge
from relationships.services.muscles import muscles_recompute
from tests.dates import days_ago
from tests.factories import (
    ConnectionFactory,
    ConversationFactory,
    PersonFactory,
    drawn_form,
)

CHECK = "Check the spelling, or add them first."


def page(client: Client, person: Person) -> str:
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    return html.unescape(response.text)


def link(client: Client, person: Person, other: str, **fields: str) -> str:
    data = {"other": other, "kind": "colleague", "label": "", "reverse_label": ""}
    response = client.post(
        reverse("connections:create", args=[person.pk]), data | fields | drawn_form()
    )
    return html.unescape(response.text) if response.status_code == 200 else ""


def field_error(page_text: str, field: str) -> str:
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', page_text, re.DOTALL)
    assert found, f"no message beside {field}"
    return re.sub(r"<[^>]+>", "", found[1]).strip()


# Linking ---------------------------------------------------------------------------------------


def test_a_link_shows_on_both_pages_each_from_its_own_side(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    anna = PersonFactory(owner=alice, name="Anna Brandt")
    assert link(alice_client, helga, "anna brandt", kind="family", label="daughter") == ""
    (made,) = Connection.objects.all()
    assert (made.person_a, made.person_b, made.owner) == (helga, anna, alice)
    # Each page says what the other person is to the one it is about.
    helgas = page(alice_client, helga)
    assert "Helga Brandt's daughter" in helgas
    assert f'href="/people/{anna.pk}/"' in helgas
    annas = page(alice_client, anna)
    assert "family of Anna Brandt" in annas  # no reverse label: the kind says it
    assert f'href="/people/{helga.pk}/"' in annas


def test_a_colleague_link_reads_the_same_way_from_both_sides(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    arjun = PersonFactory(owner=alice, name="Arjun")
    link(alice_client, helga, "Arjun")
    assert "Arjun's colleague" in page(alice_client, arjun)  # beside Helga's name
    assert "Helga's colleague" in page(alice_client, helga)  # beside Arjun's name


def test_htmx_answers_with_the_section_redrawn(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    PersonFactory(owner=alice, name="Arjun")
    response = alice_client.post(
        reverse("connections:create", args=[helga.pk]),
        {"other": "Arjun", "kind": "friend"} | drawn_form(),
        headers={"HX-Request": "true"},
    )
    text = html.unescape(response.text)
    assert text.lstrip().startswith('<section id="connections"')
    assert "Linked Helga and Arjun." in text
    assert "Helga's friend" in text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Helga", "That is Helga themselves. Name someone else."),
        ("Arjun", "Helga and Arjun are linked already."),
        ("Bob's friend", f"You have no one called “Bob's friend” yet. {CHECK}"),
        ("Nobody", f"You have no one called “Nobody” yet. {CHECK}"),
    ],
)
def test_bad_links_are_refused_beside_the_field_keeping_what_was_typed(
    alice_client: Client, alice: User, bob: User, typed: str, message: str
):
    helga = PersonFactory(owner=alice, name="Helga")
    arjun = PersonFactory(owner=alice, name="Arjun")
    ConnectionFactory(person_a=arjun, person_b=helga)
    PersonFactory(owner=bob, name="Bob's friend")  # another account's person
    text = link(alice_client, helga, typed, label="mentor")
    assert field_error(text, "other") == message
    assert 'value="mentor"' in text  # nothing typed is lost
    assert Connection.objects.count() == 1


def refused(make: Callable[[], object]) -> bool:
    """Whether the database refuses what `make` writes, checking deferred keys at once as a
    commit would."""
    try:
        with transaction.atomic():
            make()
            connection.check_constraints()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_link_between_two_accounts(alice: User, bob: User):
    mine, theirs = PersonFactory(owner=alice), PersonFactory(owner=bob)
    other_mine = PersonFactory(owner=alice)
    for owner in (alice, bob):
        assert refused(
            lambda owner=owner: Connection.objects.create(
                owner=owner, person_a=mine, person_b=theirs, kind="friend"
            )
        )
    assert refused(lambda: Introduction.objects.create(owner=alice, person=mine, introducer=theirs))
    assert refused(lambda: Introduction.objects.create(owner=alice, person=theirs, introducer=mine))
    # Between two people of one account, the same writes go through.
    assert not refused(
        lambda: Connection.objects.create(
            owner=alice, person_a=mine, person_b=other_mine, kind="friend"
        )
    )


def test_the_model_check_refuses_another_accounts_person(alice: User, bob: User):
    from django.core.exceptions import ValidationError

    link = Connection(
        owner=alice, person_a=PersonFactory(owner=alice), person_b=PersonFactory(owner=bob)
    )
    with pytest.raises(ValidationError, match="people of your own"):
        link.clean()


def test_the_database_refuses_a_self_link_and_a_pair_twice(alice: User):
    helga, arjun = PersonFactory(owner=alice), PersonFactory(owner=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(owner=alice, person_a=helga, person_b=helga, kind="friend")
    Connection.objects.create(owner=alice, person_a=helga, person_b=arjun, kind="friend")
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(owner=alice, person_a=arjun, person_b=helga, kind="family")


def test_unlinking_removes_the_link_from_both_pages(alice_client: Client, alice: User):
    made = ConnectionFactory(person_a__owner=alice, person_b__name="Arjun")
    assert "Unlink Arjun" in page(alice_client, made.person_a)
    alice_client.post(reverse("connections:delete", args=[made.pk]), {"from": made.person_a_id})
    assert not Connection.objects.exists()
    assert "Unlink Arjun" not in page(alice_client, made.person_a)


def test_deleting_a_person_removes_their_links(alice: User):
    made = ConnectionFactory(person_a__owner=alice)
    introduction_set(person=made.person_a, introducer=made.person_b)
    made.person_b.delete()
    assert not Connection.objects.exists()
    assert not Introduction.objects.exists()


# Introductions ---------------------------------------------------------------------------------


def test_introduced_by_records_a_done_favour_from_the_introducer(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    arjun = PersonFactory(owner=alice, name="Arjun", met_on="2026-05-01")
    response = alice_client.post(
        reverse("connections:introduction", args=[arjun.pk]), {"introduced_by": "helga"}
    )
    assert response.status_code == 302
    favour = Favour.objects.get()
    assert (favour.person, favour.giver, favour.status) == (helga, "them", "done")
    assert favour.what == "Introduced you to Arjun"
    assert str(favour.happened_on) == "2026-05-01"
    assert "Introduced you to Arjun" in page(alice_client, helga)  # on Helga's timeline
    assert "Introduced to you by" in page(alice_client, arjun)
    # The same again changes nothing; someone else takes the first favour back; none clears.
    alice_client.post(
        reverse("connections:introduction", args=[arjun.pk]), {"introduced_by": "Helga"}
    )
    assert Favour.objects.count() == 1
    PersonFactory(owner=alice, name="Jonas")
    alice_client.post(
        reverse("connections:introduction", args=[arjun.pk]), {"introduced_by": "Jonas"}
    )
    assert list(Favour.objects.values_list("person__name", flat=True)) == ["Jonas"]
    alice_client.post(reverse("connections:introduction", args=[arjun.pk]), {"introduced_by": ""})
    assert not Favour.objects.exists()
    assert not Introduction.objects.exists()


def test_no_one_introduces_you_to_themselves(alice_client: Client, alice: User):
    arjun = PersonFactory(owner=alice, name="Arjun")
    text = html.unescape(
        alice_client.post(
            reverse("connections:introduction", args=[arjun.pk]), {"introduced_by": "Arjun"}
        ).text
    )
    assert "That is Arjun themselves" in field_error(text, "introduced_by")
    assert not Favour.objects.exists()


# Who could introduce me; people in common ------------------------------------------------------


def strength(person: Person, value: float) -> None:
    Muscle.objects.update_or_create(
        person=person, defaults={"owner": person.owner, "strength": value}
    )


def test_who_could_introduce_me_puts_knots_first_then_strength_each_with_why(
    alice_client: Client, alice: User
):
    wanted = PersonFactory(owner=alice, name="Wen", status="want_to_meet", organisation="Acme")
    weak = PersonFactory(owner=alice, name="Weak link")
    strong = PersonFactory(owner=alice, name="Strong talker")
    PersonFactory(owner=alice, name="Knot", is_knot=True, organisation="ACME")
    PersonFactory(owner=alice, name="Stranger")
    PersonFactory(owner=alice, name="Also wanted", status="want_to_meet", organisation="acme")
    strength(weak, 10)
    strength(strong, 80)
    ConnectionFactory(person_a=weak, person_b=wanted, kind="colleague")
    ConversationFactory(owner=alice, people=[wanted, strong])
    found = could_introduce(person=wanted, limit=10)
    assert [a.person.name for a in found.people] == ["Knot", "Strong talker", "Weak link"]
    knot_, strong_, weak_ = found.people
    assert knot_.same_organisation
    assert not knot_.linked
    assert strong_.met_together == 1
    assert weak_.links == ["Wen's colleague"]
    text = page(alice_client, wanted)
    assert "Who could introduce you to Wen" in text
    assert "also at ACME" in text
    assert "in 1 conversation with you" in text


def test_without_a_workplace_only_links_and_conversations_count(alice: User):
    wanted = PersonFactory(owner=alice, name="Wen", status="want_to_meet", organisation="")
    PersonFactory(owner=alice, name="No work either", organisation="")
    linked = PersonFactory(owner=alice, name="Linked")
    ConnectionFactory(person_a=wanted, person_b=linked)
    found = could_introduce(person=wanted, limit=10)
    assert [(a.person.name, a.same_organisation) for a in found.people] == [("Linked", False)]


def test_someone_you_know_is_not_offered_introducers(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    assert "Who could introduce you" not in page(alice_client, helga)


def test_people_in_common_are_the_linked_and_the_met_together(alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    anna = PersonFactory(owner=alice, name="Anna")
    jonas = PersonFactory(owner=alice, name="Jonas")
    PersonFactory(owner=alice, name="Stranger")
    archived = PersonFactory(owner=alice, name="Archived", archived=True)
    ConnectionFactory(person_a=anna, person_b=helga, kind="family", reverse_label="mother")
    ConversationFactory(owner=alice, people=[helga, jonas, archived])
    ConversationFactory(owner=alice, people=[helga, jonas])
    around = people_around(person=helga, limit=10)
    assert {a.person.name: (a.links, a.met_together) for a in around.people} == {
        "Anna": (["Helga's mother"], 0),
        "Jonas": ([], 2),
    }
    assert around.total == 2


def test_the_person_page_and_the_introducers_take_fixed_queries(alice_client: Client, alice: User):
    def queries_with(links: int, status: str) -> int:
        person = PersonFactory(owner=alice, status=status, organisation="Acme")
        others = Person.objects.bulk_create(
            Person(owner=alice, name=f"P{i}", organisation="Acme", is_knot=i % 7 == 0)
            for i in range(links)
        )
        Connection.objects.bulk_create(
            Connection(owner=alice, person_a=person, person_b=other, kind="friend")
            for other in others
        )
        ConversationFactory(owner=alice, people=[person, *others[:5]])
        introduction_set(person=person, introducer=others[1])
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(person.get_absolute_url()).status_code == 200
        return len(queries)

    for status in ("known", "want_to_meet"):
        small = queries_with(10, status)
        assert queries_with(1000, status) == small
        assert small <= 24


def test_the_brief_takes_fixed_queries(alice_client: Client, alice: User):
    def queries_with(links: int) -> int:
        person = PersonFactory(owner=alice)
        others = Person.objects.bulk_create(Person(owner=alice, name=f"P{i}") for i in range(links))
        Connection.objects.bulk_create(
            Connection(owner=alice, person_a=other, person_b=person, kind="friend")
            for other in others
        )
        for other in others[:5]:
            ConversationFactory(owner=alice, people=[person, other])
        with CaptureQueriesContext(connection) as queries:
            assert (
                alice_client.get(reverse("relationships:brief", args=[person.pk])).status_code
                == 200
            )
        return len(queries)

    small = queries_with(10)
    assert queries_with(1000) == small
    assert small <= 16


# Merge -----------------------------------------------------------------------------------------


def test_merge_carries_every_link_and_introduction_over(alice: User):
    keep = PersonFactory(owner=alice, name="Helga")
    merge = PersonFactory(owner=alice, name="Helga B.")
    anna, jonas, arjun = (PersonFactory(owner=alice, name=n) for n in ("Anna", "Jonas", "Arjun"))
    ConnectionFactory(person_a=keep, person_b=anna)
    ConnectionFactory(person_a=anna, person_b=merge)  # both have it: one is kept
    ConnectionFactory(person_a=merge, person_b=jonas, kind="family", label="son")
    ConnectionFactory(person_a=keep, person_b=merge)  # would link Helga to herself
    introduction_set(person=merge, introducer=arjun)
    introduction_set(person=jonas, introducer=merge)
    people_merge(keep=keep, merge=merge)
    links = {(c.person_a.name, c.person_b.name, c.label) for c in Connection.objects.all()}
    assert links == {("Helga", "Anna", ""), ("Helga", "Jonas", "son")}
    assert {(i.person.name, i.introducer.name) for i in Introduction.objects.all()} == {
        ("Helga", "Arjun"),
        ("Jonas", "Helga"),
    }


# The picture -----------------------------------------------------------------------------------


def test_the_picture_is_an_image_with_a_text_list_and_links(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga")
    anna = PersonFactory(owner=alice, name="Anna", is_knot=True)
    ConnectionFactory(person_a=helga, person_b=anna)
    text = page(alice_client, helga)
    svg = re.search(r"<svg class=\"around-picture\".*?</svg>", text, re.DOTALL)[0]
    # The list beside it is what a screen reader and the keyboard use: the picture is for
    # the eye, and its links for pointing and tapping.
    assert 'aria-hidden="true"' in svg
    assert "<title>Helga and the people around them.</title>" in svg
    assert "Helga in the middle, and 1 person around" in svg
    assert svg.count('tabindex="-1"') == svg.count("<a ") == 1
    assert "Helga and the people around them." in text
    assert f'href="{anna.get_absolute_url()}"' in svg
    assert 'class="node knot"' in svg
    assert "style=" not in svg
    assert "People in common" in text


# The brief -------------------------------------------------------------------------------------


def test_the_brief_holds_everything_to_read_before_meeting(alice_client: Client, alice: User):
    from conversations.models import Story
    from tests.factories import ChannelFactory, FavourFactory

    helga = PersonFactory(owner=alice, name="Helga", spark="Her brooch", met_at="Stanford dinner")
    anna = PersonFactory(owner=alice, name="Anna")
    introduction_set(person=helga, introducer=anna)
    for n in range(4):
        talk = ConversationFactory(
            owner=alice, people=[helga], place=f"Place {n}", happened_on=f"2026-0{n + 1}-01"
        )
        Story.objects.create(owner=alice, conversation=talk, person=helga, text=f"Story {n}")
    Story.objects.create(
        owner=alice, conversation=talk, person=helga, text="Her operation", ask_on="2026-12-01"
    )
    FavourFactory(person=helga, what="Lent me her bike")
    ChannelFactory(person=helga, value="helga@example.org")
    text = html.unescape(alice_client.get(reverse("relationships:brief", args=[helga.pk])).text)
    for expected in (
        "Her brooch",
        "You met at Stanford dinner",
        "Introduced to you by",
        "Story 3",
        "Story 1",
        "Her operation",
        "Lent me her bike",
        "Anna",
        "helga@example.org",
    ):
        assert expected in text
    assert "Place 0" not in text  # the last three conversations only
    alice.language = "de"
    alice.save()
    de = html.unescape(alice_client.get(reverse("relationships:brief", args=[helga.pk])).text)
    assert "Vor dem Treffen" in de
    assert "Vorgestellt von" in de


def test_the_brief_is_linked_from_the_person_page_and_the_reach_out_card(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt", met_on=days_ago(400))  # gone quiet
    muscles_recompute(user_ids=[alice.pk])
    brief = reverse("relationships:brief", args=[helga.pk])
    assert f'href="{brief}"' in alice_client.get(helga.get_absolute_url()).text
    home = alice_client.get(reverse("home")).text
    assert helga.name in home
    assert f'href="{brief}"' in home


def test_the_link_labels_read_as_a_sentence_about_the_two_people(alice: User):
    tom = PersonFactory(owner=alice, name="Dr. Tom Baker")
    labels = ("label", "reverse_label")
    blank = LinkForm(person=tom)
    assert [blank.fields[n].label for n in labels] == ["They are Tom's …", "Tom is their …"]
    typed = LinkForm({"other": "mei tanaka"}, person=tom)
    assert [typed.fields[n].label for n in labels] == ["Mei is Tom's …", "Tom is Mei's …"]
    # What the page's script puts around the name as it is typed.
    attrs = blank.fields["reverse_label"].widget.attrs
    assert (attrs["data-before"], attrs["data-after"]) == ("Tom is ", "'s …")
    assert attrs["data-sentence-from"] == "id_other"
    with translation.override("de"):
        german = LinkForm({"other": "mei"}, person=tom)
        assert [german.fields[n].label for n in labels] == [
            "Mei ist … von Tom",
            "Tom ist … von Mei",
        ]
