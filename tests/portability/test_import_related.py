"""vCard 4.0 RELATED and Apple's X-ABRELATEDNAMES become links where the other person is
known (already, or from the same file), and a line of the notes where not."""

from django.test import Client

from accounts.models import User
from connections.models import Connection
from contacts.models import Person
from portability.importing import apply, match, parse
from tests.factories import PersonFactory
from tests.portability.test_export import import_contacts, links_by_name
from tests.portability.test_import import previewed


def card(version: str, *lines: str) -> str:
    return (
        "BEGIN:VCARD\r\nVERSION:"
        + version
        + "\r\n"
        + "".join(f"{x}\r\n" for x in lines)
        + "END:VCARD\r\n"
    )


def test_related_names_become_links_to_known_people_and_notes_for_others(
    alice_client: Client, alice: User
):
    PersonFactory(owner=alice, name="Helga Brandt", notes="")
    text = card(
        "4.0",
        "FN:Anna Brandt",
        "RELATED;TYPE=parent;VALUE=text:helga brandt",
        "RELATED;TYPE=friend;VALUE=text:Jonas Weber",
        "RELATED;TYPE=colleague;VALUE=text:Someone Unknown",
        "RELATED;TYPE=spouse:urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
    ) + card("4.0", "FN:Jonas Weber")
    import_contacts(alice_client, "family.vcf", text.encode())
    assert links_by_name(alice) == {
        ("Anna Brandt", "Helga Brandt", "family", "parent", ""),
        ("Anna Brandt", "Jonas Weber", "friend", "", ""),
    }
    anna = Person.objects.for_user(alice).get(name="Anna Brandt")
    assert anna.notes == "RELATED: Someone Unknown"


def test_apple_related_names_with_their_labels(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Maria Costa")
    PersonFactory(owner=alice, name="Pedro Costa")
    text = card(
        "3.0",
        "FN:João Costa",
        "item1.X-ABRELATEDNAMES:Maria Costa",
        "item1.X-ABLabel:_$!<Mother>!$_",
        "item2.X-ABRELATEDNAMES:Pedro Costa",
        "item2.X-ABLabel:_$!<Partner>!$_",
        "item3.X-ABRELATEDNAMES:Luisa",
        "item3.X-ABLabel:godmother",
    )
    import_contacts(alice_client, "apple.vcf", text.encode())
    assert links_by_name(alice) == {
        ("João Costa", "Maria Costa", "family", "mother", ""),
        ("João Costa", "Pedro Costa", "partner", "", ""),
    }
    joao = Person.objects.for_user(alice).get(name="João Costa")
    assert joao.notes == "RELATED: Luisa (godmother)"


def test_two_cards_naming_each_other_make_one_link_and_a_second_run_adds_nothing(alice: User):
    text = card("4.0", "FN:Ada", "EMAIL:ada@example.org", "RELATED;TYPE=colleague:Bea") + card(
        "4.0",
        "FN:Bea",
        "EMAIL:bea@example.org",
        "RELATED;TYPE=colleague:Ada",
        "RELATED:Nobody Known",
    )
    batch = previewed(alice, text.encode())
    assert apply(batch=batch) == (2, 0)
    assert apply(batch=batch) == (0, 2)  # known by their emails now
    assert Connection.objects.for_user(alice).count() == 1
    assert Person.objects.for_user(alice).get(name="Bea").notes == "RELATED: Nobody Known"


def test_a_card_naming_itself_or_a_namesake_pair_is_not_linked(alice: User):
    PersonFactory(owner=alice, name="Sam Lee")
    PersonFactory(owner=alice, name="Sam Lee")
    text = card("4.0", "FN:Kim", "RELATED:Kim", "RELATED:Sam Lee")
    candidates = match(user=alice, candidates=parse(text))
    assert candidates[0].related == [["Kim", "other", "", ""], ["Sam Lee", "other", "", ""]]
    apply(batch=previewed(alice, text.encode()))
    assert not Connection.objects.exists()
    assert Person.objects.for_user(alice).get(name="Kim").notes == "RELATED: Sam Lee"
