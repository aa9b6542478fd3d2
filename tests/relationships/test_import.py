"""Importing contacts from vCard and CSV files: preview first, no duplicates, no surprises."""

import random
from dataclasses import asdict
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from contacts.models import Channel, Person
from relationships.importing import UnreadableFile, apply, match, parse, read_upload
from relationships.models import ImportBatch
from tests.factories import ChannelFactory, PersonFactory

CORPUS = Path(__file__).resolve().parents[1] / "data" / "contacts"


def read(name: str) -> list:
    return read_upload((CORPUS / name).read_bytes(), name)


def test_vcard_2_1_from_an_android_phone_with_quoted_printable_and_folded_lines():
    helga, lena = read("android-2.1.vcf")
    assert helga.name == "Helga Brandt"
    assert helga.emails == ["helga@example.org", "h.brandt@work.example.org"]
    assert helga.phones == ["+49 171 2345678", "089 1234567"]
    assert "Radtour über die Alpen, mit 60 Jahren." in helga.notes
    assert "--0512" in helga.notes  # a birthday without a year
    assert lena.name == "Lena Schröder"


def test_vcard_3_0_from_apple_with_a_photo_a_missing_name_and_a_bad_email():
    priya, repair_cafe, marcus = read("apple-3.0.vcf")
    assert (priya.name, priya.links) == ("Priya Raman", ["https://priya.example.org"])
    assert "She asks the best questions, always." in priya.notes
    assert repair_cafe.name == "Repair Café Weinberg"  # no FN or N: the organisation
    assert "Enter a valid email address" in marcus.error


def test_vcard_4_0_with_tel_uris_and_a_broken_line():
    ingrid, tom, broken = read("google-4.0.vcf")
    assert ingrid.phones == ["+47-912-34-567"]
    assert ingrid.emails == ["ingrid@example.org", "ingrid.home@example.org"]
    assert tom.name == "Tom Fletcher"
    assert broken.name == "Broken Card"


def test_google_contacts_csv_with_several_values_and_an_entry_without_a_name():
    jonas, grace, nameless = read("google-contacts.csv")
    assert jonas.phones == ["+49 30 1234567", "+49 171 555 0101"]
    assert jonas.links == ["https://baeckerei.example.org"]
    assert 'Runs a choir, for people who "can\'t" sing' in grace.notes
    assert nameless.error == "No name in this entry."


def test_linkedin_connections_csv_with_its_notes_above_the_header():
    names = [c.name for c in read("linkedin-connections.csv")]
    assert names == ["Ingrid Larsen", "Samuel Brooks", "Elif Yilmaz"]


def upload(client: Client, name: str, content: bytes | None = None) -> ImportBatch | str:
    data = content if content is not None else (CORPUS / name).read_bytes()
    response = client.post(
        reverse("relationships:import_contacts"),
        {"contacts": SimpleUploadedFile(name, data)},
        follow=True,
    )
    batch = ImportBatch.objects.order_by("-pk").first()
    return (
        batch
        if batch and response.redirect_chain[-1][0].endswith(f"/{batch.pk}/")
        else response.text
    )


def test_the_preview_lists_new_known_and_broken_entries_and_writes_nothing(
    alice_client: Client, alice: User
):
    known = PersonFactory(owner=alice, name="Someone Else")
    ChannelFactory(person=known, kind="email", value="ingrid@example.org")
    PersonFactory(owner=alice, name="larsen, ingrid")
    batch = upload(alice_client, "google-4.0.vcf")
    assert isinstance(batch, ImportBatch)
    page = alice_client.get(reverse("relationships:import_preview", args=[batch.pk])).text
    assert "matches Someone Else (same email or phone)" in page
    assert Person.objects.for_user(alice).count() == 2


def test_confirming_imports_once_and_importing_again_creates_nothing(
    alice_client: Client, alice: User
):
    batch = upload(alice_client, "google-contacts.csv")
    alice_client.post(reverse("relationships:import_confirm", args=[batch.pk]))
    assert sorted(Person.objects.for_user(alice).values_list("name", flat=True)) == [
        "Grace O'Connell",
        "Jonas Weber",
    ]
    assert Channel.objects.filter(person__owner=alice).count() == 6
    again = upload(alice_client, "google-contacts.csv")
    page = alice_client.get(reverse("relationships:import_preview", args=[again.pk])).text
    assert "New people: 0" in page
    alice_client.post(reverse("relationships:import_confirm", args=[again.pk]))
    assert Person.objects.for_user(alice).count() == 2
    assert Channel.objects.filter(person__owner=alice).count() == 6


def test_a_file_that_is_neither_vcard_nor_csv_or_too_large_gets_a_clear_message(
    alice_client: Client, alice: User
):
    assert "neither a vCard nor a CSV file" in upload(
        alice_client, "photo.jpg", b"\xff\xd8\xff\xe0"
    )
    assert "larger than 5 MB" in upload(alice_client, "huge.vcf", b"x" * (5 * 1024 * 1024 + 1))
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir()))
def test_random_and_truncated_input_gives_only_clear_errors(name: str):
    content = (CORPUS / name).read_bytes()
    rng = random.Random(name)
    samples = [content[:cut] for cut in range(0, len(content), 7)]
    for _ in range(150):
        noisy = bytearray(content)
        for _ in range(rng.randint(1, 20)):
            noisy[rng.randrange(len(noisy))] = rng.randrange(256)
        samples.append(bytes(noisy))
    samples.append(bytes(rng.randrange(256) for _ in range(2000)))
    for sample in samples:
        try:
            candidates, message = read_upload(sample, name), "read"
        except UnreadableFile as error:  # the only exception allowed, and it must say why
            candidates, message = [], str(error)
        assert message
        assert all(isinstance(c.name, str) and isinstance(c.error, str) for c in candidates)


def many_cards(count: int) -> bytes:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\n"
        f"EMAIL:person{i}@example.org\r\nEND:VCARD\r\n"
        for i in range(count)
    ).encode()


def test_a_large_file_is_read_and_written_in_the_background_with_progress(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            reverse("relationships:import_contacts"),
            {"contacts": SimpleUploadedFile("phone.vcf", many_cards(2000))},
        )
    batch = ImportBatch.objects.get(owner=alice)
    assert (batch.status, batch.total, batch.processed) == ("preview", 2000, 2000)
    assert batch.content == ""  # the file is not kept once read

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("relationships:import_confirm", args=[batch.pk]))
    assert response.url == reverse("relationships:import_preview", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.processed) == ("done", 2000)
    assert Person.objects.for_user(alice).count() == 2000
    page = alice_client.get(reverse("relationships:import_preview", args=[batch.pk])).text
    assert "This import is done." in page


def test_while_busy_the_page_shows_progress_and_polls(alice_client: Client, alice: User):
    batch = ImportBatch.objects.create(
        owner=alice, filename="phone.vcf", status="importing", total=2000, processed=500
    )
    response = alice_client.get(
        reverse("relationships:import_preview", args=[batch.pk]),
        headers={"HX-Request": "true", "HX-Target": "import-progress"},
    )
    assert "500 of 2000" in response.text
    assert 'hx-trigger="every 1s"' in response.text
    assert "<html" not in response.text


def test_confirming_twice_imports_once(alice_client: Client, alice: User):
    batch = upload(alice_client, "linkedin-connections.csv")
    for _ in range(2):
        alice_client.post(reverse("relationships:import_confirm", args=[batch.pk]))
    assert Person.objects.for_user(alice).count() == 3


def test_writing_an_import_takes_a_fixed_number_of_queries_per_chunk(alice: User):
    def queries_for(count: int) -> int:
        Person.objects.for_user(alice).delete()
        rows = [asdict(c) for c in match(user=alice, candidates=parse(many_cards(count).decode()))]
        with CaptureQueriesContext(connection) as queries:
            assert apply(user=alice, candidates=rows) == (count, 0)
        return len(queries)

    assert queries_for(20) == queries_for(400)
