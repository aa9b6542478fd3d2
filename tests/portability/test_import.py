"""Importing contacts from vCard and CSV files: preview first, no duplicates, no surprises.

Every file here is made in the test, as bytes, and goes through the real upload view."""

import codecs
import datetime
import html
import json
import random
import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import User
from contacts.models import Channel, Person, PersonDate
from portability.importing import (
    Candidate,
    UnreadableFile,
    apply,
    match,
    name_key,
    parse,
    read_text,
)
from portability.models import ImportBatch
from portability.tasks import read_contacts_import, tidy_contacts_imports
from tests.dates import NOW
from tests.factories import ChannelFactory, PersonFactory, drawn_form

CORPUS = Path(__file__).resolve().parents[1] / "data" / "contacts"


def read_upload(content: bytes, filename: str) -> list[Candidate]:
    """A file read the way an upload is: decoded, then parsed."""
    return parse(read_text(content, filename)[0])


def read(name: str) -> list:
    return read_upload((CORPUS / name).read_bytes(), name)


def test_vcard_2_1_from_an_android_phone_with_quoted_printable_and_folded_lines():
    helga, lena = read("android-2.1.vcf")
    assert helga.name == "Helga Brandt"
    assert helga.emails == ["helga@example.org", "h.brandt@work.example.org"]
    assert helga.phones == ["+49 171 2345678", "089 1234567"]
    assert "Radtour über die Alpen, mit 60 Jahren." in helga.notes
    assert helga.dates[0] | {"label": ""} == {  # a birthday without a year
        "kind": "birthday",
        "label": "",
        "month": 5,
        "day": 12,
        "year": None,
        "repeats": True,
    }
    assert "--0512" not in helga.notes
    assert lena.name == "Lena Schröder"


def test_vcard_3_0_from_apple_with_a_photo_a_missing_name_and_a_bad_email():
    priya, repair_cafe, marcus = read("apple-3.0.vcf")
    assert (priya.name, priya.links) == ("Priya Raman", ["https://priya.example.org"])
    assert "She asks the best questions, always." in priya.notes
    assert repair_cafe.name == "Repair Café Weinberg"  # no FN or N: the organisation
    # A bad email costs that email, not the person.
    assert (marcus.name, marcus.error, marcus.emails) == ("Marcus Oyelaran", "", [])
    assert marcus.dropped == ["not-an-email: Enter a valid email address, like name@example.org."]


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


# Through the upload view -----------------------------------------------------------------------


def upload(client: Client, name: str, content: bytes | None = None) -> ImportBatch | str:
    """The batch the upload made, or else the page that says why not (never a server error:
    the test client raises it)."""
    data = content if content is not None else (CORPUS / name).read_bytes()
    response = client.post(
        reverse("portability:import_contacts"),
        {"contacts": SimpleUploadedFile(name, data)} | drawn_form(),
    )
    if response.status_code == 302:
        return ImportBatch.objects.get(pk=resolve(response.url).kwargs["batch_pk"])
    assert response.status_code == 200
    return response.text


def uploaded(client: Client, name: str, content: bytes) -> ImportBatch:
    batch = upload(client, name, content)
    assert isinstance(batch, ImportBatch), field_error(batch)
    return batch


def field_error(page: str, field: str = "contacts") -> str:
    """The message shown beside the file field."""
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert found, "no message beside the file field"
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])).strip()


def preview(client: Client, batch: ImportBatch, **query: object) -> str:
    response = client.get(reverse("portability:import_preview", args=[batch.pk]), query)
    assert response.status_code == 200
    return response.text


def confirm(client: Client, batch: ImportBatch, choices: dict | None = None) -> None:
    client.post(reverse("portability:import_confirm", args=[batch.pk]), choices or {})
    batch.refresh_from_db()


def names(user: User) -> list[str]:
    return sorted(Person.objects.for_user(user).values_list("name", flat=True))


def vcards(*cards: str) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{card}END:VCARD\r\n" for card in cards)


def test_the_preview_lists_new_known_and_broken_entries_and_writes_nothing(
    alice_client: Client, alice: User
):
    known = PersonFactory(owner=alice, name="Someone Else")
    ChannelFactory(person=known, kind="email", value="ingrid@example.org")
    PersonFactory(owner=alice, name="larsen, ingrid")
    batch = upload(alice_client, "google-4.0.vcf")
    assert isinstance(batch, ImportBatch)
    page = preview(alice_client, batch, show="known")
    assert "matches Someone Else (same email or phone)" in page
    assert "New people: 2" in preview(alice_client, batch)
    assert Person.objects.for_user(alice).count() == 2


def test_confirming_imports_once_and_importing_again_creates_nothing(
    alice_client: Client, alice: User
):
    batch = upload(alice_client, "google-contacts.csv")
    alice_client.post(reverse("portability:import_confirm", args=[batch.pk]))
    assert sorted(Person.objects.for_user(alice).values_list("name", flat=True)) == [
        "Grace O'Connell",
        "Jonas Weber",
    ]
    assert Channel.objects.filter(person__owner=alice).count() == 6
    again = upload(alice_client, "google-contacts.csv")
    page = alice_client.get(reverse("portability:import_preview", args=[again.pk])).text
    assert "New people: 0" in page
    alice_client.post(reverse("portability:import_confirm", args=[again.pk]))
    assert Person.objects.for_user(alice).count() == 2
    assert Channel.objects.filter(person__owner=alice).count() == 6


def test_a_file_that_is_neither_vcard_nor_csv_or_too_large_gets_a_clear_message(
    alice_client: Client, alice: User
):
    page = upload(alice_client, "photo.jpg", b"\xff\xd8\xff\xe0")
    assert field_error(page) == "This is neither a vCard nor a CSV file."
    page = upload(alice_client, "huge.vcf", b"x" * (5 * 1024 * 1024 + 1))
    assert field_error(page) == "This file is larger than 5 MB."
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


def many_cards(count: int, start: int = 0) -> bytes:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\n"
        f"EMAIL:person{i}@example.org\r\nEND:VCARD\r\n"
        for i in range(start, start + count)
    ).encode()


def test_a_large_file_is_read_and_written_in_the_background_with_progress(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            reverse("portability:import_contacts"),
            {"contacts": SimpleUploadedFile("phone.vcf", many_cards(2000))} | drawn_form(),
        )
    batch = ImportBatch.objects.get(owner=alice)
    assert (batch.status, batch.total, batch.processed) == ("preview", 2000, 2000)
    assert batch.content == ""  # the file is not kept once read

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("portability:import_confirm", args=[batch.pk]))
    assert response.url == reverse("portability:import_preview", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.processed) == ("done", 2000)
    assert Person.objects.for_user(alice).count() == 2000
    page = alice_client.get(reverse("portability:import_preview", args=[batch.pk])).text
    assert "This import is done." in page


def test_while_busy_the_page_shows_progress_and_polls(alice_client: Client, alice: User):
    batch = ImportBatch.objects.create(
        owner=alice, filename="phone.vcf", status="importing", total=2000, processed=500
    )
    response = alice_client.get(
        reverse("portability:import_preview", args=[batch.pk]),
        headers={"HX-Request": "true", "HX-Target": "import-progress"},
    )
    assert "500 of 2000" in response.text
    assert 'hx-trigger="every 1s"' in response.text
    assert "<html" not in response.text


def test_once_no_longer_busy_the_polling_page_reloads_itself(alice_client: Client, alice: User):
    batch = ImportBatch.objects.create(owner=alice, filename="phone.vcf", status="failed")
    response = alice_client.get(
        reverse("portability:import_preview", args=[batch.pk]),
        headers={"HX-Request": "true", "HX-Target": "import-progress"},
    )
    assert response.headers["HX-Refresh"] == "true"


def test_confirming_twice_imports_once(alice_client: Client, alice: User):
    batch = upload(alice_client, "linkedin-connections.csv")
    for _ in range(2):
        alice_client.post(reverse("portability:import_confirm", args=[batch.pk]))
    assert Person.objects.for_user(alice).count() == 3


def previewed(user: User, content: bytes) -> ImportBatch:
    candidates = match(user=user, candidates=parse(content.decode()))
    return ImportBatch.objects.create(
        owner=user,
        filename="phone.vcf",
        status="importing",
        candidates=[asdict(c) for c in candidates],
        total=len(candidates),
    )


def test_writing_an_import_takes_a_fixed_number_of_queries_per_chunk(alice: User):
    def queries_for(count: int) -> int:
        Person.objects.for_user(alice).delete()
        batch = previewed(alice, many_cards(count))
        with CaptureQueriesContext(connection) as queries:
            assert apply(batch=batch) == (count, 0)
        return len(queries)

    assert queries_for(20) == queries_for(400)


# Server errors and stuck imports ------------------------------------------------------------


def test_a_utf16_csv_that_excel_saved_as_unicode_text_imports(alice_client: Client, alice: User):
    text = "First Name\tLast Name\tE-mail 1 - Value\r\nJürgen\tMüller\tjm@example.de\r\n"
    content = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert b"\x00" in content
    batch = uploaded(alice_client, "contacts.txt", content)
    confirm(alice_client, batch)
    person = Person.objects.for_user(alice).get()
    assert person.name == "Jürgen Müller"
    assert list(person.channels.values_list("value", flat=True)) == ["jm@example.de"]


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.vcf", "contacts.txt"])
def test_random_bytes_with_nul_are_refused_beside_the_field(alice_client: Client, name: str):
    rng = random.Random(name)
    content = bytes(rng.randrange(256) for _ in range(4000)) + b"\x00\x00"
    message = field_error(upload(alice_client, name, content))
    assert message in {
        "This is neither a vCard nor a CSV file.",
        "This CSV file has no column for names, like “Name” or “First Name”.",
    }
    assert not ImportBatch.objects.exists()


def test_a_stray_nul_byte_is_dropped_and_the_entry_kept(alice_client: Client, alice: User):
    content = vcards("FN:Hel\x00ga Brandt\r\nNOTE:Met \x00at the lake\r\n").encode()
    batch = uploaded(alice_client, "phone.vcf", content)
    confirm(alice_client, batch)
    helga = Person.objects.for_user(alice).get()
    assert (helga.name, helga.notes) == ("Helga Brandt", "Met at the lake")


@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n\r\n  \n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE + b"\x00 "],
    ids=["nothing", "blank lines", "utf-8 bom", "utf-16 bom", "utf-16 space"],
)
def test_an_empty_file_is_refused_beside_the_field(alice_client: Client, content: bytes):
    assert field_error(upload(alice_client, "contacts.csv", content)) == "This file is empty."
    assert not ImportBatch.objects.exists()


def test_every_upload_error_is_beside_the_field_in_german_too(alice_client: Client, alice: User):
    User.objects.filter(pk=alice.pk).update(language="de")
    assert field_error(upload(alice_client, "contacts.csv", b"")) == "Diese Datei ist leer."
    page = upload(alice_client, "photo.jpg", b"\xff\xd8\xff\xe0")
    assert field_error(page) == "Das ist weder eine vCard- noch eine CSV-Datei."
    page = upload(alice_client, "notes.csv", b"just,some\nwords,here\n")
    assert field_error(page) == (
        "Diese CSV-Datei hat keine Spalte für Namen, wie „Name“ oder „First Name“."
    )
    response = alice_client.post(reverse("portability:import_contacts"), {})
    assert field_error(response.text) == "Wähle eine vCard- oder CSV-Datei zum Importieren."


def long_note_csv(rows: int) -> bytes:
    note = "So much to say. " * 9000  # 144,000 characters: over the csv module's 128 KiB
    lines = ["Name,E-mail 1 - Value,Notes", f'Helga Brandt,helga@example.org,"{note}"']
    lines += [f"Person {i},person{i}@example.org,short" for i in range(rows - 1)]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("rows", [3, 600], ids=["right away", "in the background"])
def test_a_csv_field_over_128_kib_keeps_the_person_with_the_notes_cut(
    alice_client: Client, alice: User, rows: int, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = uploaded(alice_client, "contacts.csv", long_note_csv(rows))
    batch.refresh_from_db()
    assert (batch.status, batch.total) == ("preview", rows)
    assert "The notes were cut to 10000 characters." in preview(alice_client, batch, show="new")
    with django_capture_on_commit_callbacks(execute=True):
        confirm(alice_client, batch)
    helga = Person.objects.for_user(alice).get(name="Helga Brandt")
    assert len(helga.notes) == 10000
    assert Person.objects.for_user(alice).count() == rows


def test_confirming_after_the_matched_person_was_merged_away_writes_to_who_is_there_now(
    alice_client: Client, alice: User
):
    old = PersonFactory(owner=alice, name="Helga B.")
    ChannelFactory(person=old, kind="email", value="helga@example.org")
    keep = PersonFactory(owner=alice, name="Helga Brandt")
    lena = PersonFactory(owner=alice, name="Lena Schröder")
    content = vcards(
        "FN:Helga Brandt\r\nEMAIL:helga@example.org\r\nTEL:+49 171 2345678\r\n",
        "FN:Lena Schröder\r\nEMAIL:lena@example.org\r\n",
    ).encode()
    batch = uploaded(alice_client, "phone.vcf", content)
    helga_row, lena_row = batch.candidates
    assert (helga_row["status"], helga_row["match_id"]) == ("known", old.pk)
    assert (lena_row["status"], lena_row["match_id"]) == ("maybe", lena.pk)

    alice_client.post(reverse("relationships:merge", args=[old.pk]), {"into": "Helga Brandt"})
    lena.delete()
    confirm(alice_client, batch, {"choice-1": "merge"})

    assert batch.status == "done"
    assert set(keep.channels.values_list("value", flat=True)) == {
        "helga@example.org",
        "+49 171 2345678",
    }
    # The person Lena was to be merged into is gone: she is created, not lost.
    assert names(alice) == ["Helga Brandt", "Lena Schröder"]


def test_a_read_whose_worker_died_is_marked_failed_and_can_be_tried_again(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False) as clock:
        batch = uploaded(alice_client, "phone.vcf", many_cards(600))  # its task is lost
        assert batch.status == "reading"
        clock.shift(datetime.timedelta(minutes=16))
        tidy_contacts_imports.delay()
        batch.refresh_from_db()
        assert batch.status == "failed"
        page = preview(alice_client, batch)
        assert "It stopped without finishing" in page
        assert "every 1s" not in page
        assert "Try again" in page
        assert "Discard" in page
        assert batch.content  # the file is kept for the next try

        with django_capture_on_commit_callbacks(execute=True):
            alice_client.post(reverse("portability:import_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.error, len(batch.candidates)) == ("preview", "", 600)


def test_a_write_that_fails_is_marked_failed_keeps_what_was_written_and_a_retry_finishes(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = uploaded(alice_client, "phone.vcf", many_cards(600))
    batch.refresh_from_db()
    # A row the database refuses, as a damaged or outdated preview would hold.
    batch.candidates[550]["channels"] = [["email", "x" * 400 + "@example.org", ""]]
    ImportBatch.objects.filter(pk=batch.pk).update(candidates=batch.candidates)

    with django_capture_on_commit_callbacks(execute=True):
        confirm(alice_client, batch)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "Importing stopped part way" in preview(alice_client, batch)
    assert Person.objects.for_user(alice).count() == 500  # the first chunk is kept

    batch.candidates[550]["channels"] = [["email", "person550@example.org", ""]]
    ImportBatch.objects.filter(pk=batch.pk).update(candidates=batch.candidates)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("portability:import_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    assert Person.objects.for_user(alice).count() == 600


def test_a_file_that_cannot_be_read_in_the_background_fails_with_the_reason(alice: User):
    batch = ImportBatch.objects.create(
        owner=alice, filename="notes.csv", content="just some words", total=1
    )
    read_contacts_import.delay(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.error == "This CSV file has no column for names, like “Name” or “First Name”."


def test_discarding_removes_the_batch_and_its_file_but_never_a_busy_one(
    alice_client: Client, alice: User
):
    batch = uploaded(alice_client, "phone.vcf", many_cards(3))
    assert (
        alice_client.get(reverse("portability:import_discard", args=[batch.pk])).status_code == 405
    )
    response = alice_client.post(reverse("portability:import_discard", args=[batch.pk]))
    assert response.url == reverse("portability:data")
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not Person.objects.exists()

    busy = ImportBatch.objects.create(owner=alice, filename="phone.vcf", content="BEGIN:VCARD")
    alice_client.post(reverse("portability:import_discard", args=[busy.pk]))
    assert ImportBatch.objects.filter(pk=busy.pk).exists()


def test_imports_never_confirmed_or_discarded_are_removed_after_a_day(alice: User):
    assert settings.CELERY_BEAT_SCHEDULE["tidy-contacts-imports"]["task"] == (
        "portability.tasks.tidy_contacts_imports"
    )
    with time_machine.travel(NOW, tick=False) as clock:
        for status in ("preview", "failed", "done"):
            ImportBatch.objects.create(
                owner=alice, filename=f"{status}.vcf", status=status, content="BEGIN:VCARD"
            )
        clock.shift(datetime.timedelta(hours=23))
        recent = ImportBatch.objects.create(owner=alice, filename="recent.vcf", status="preview")
        clock.shift(datetime.timedelta(hours=2))
        tidy_contacts_imports.delay()
    assert list(ImportBatch.objects.all()) == [recent]


def test_the_data_page_lists_imports_not_finished(alice_client: Client, alice: User):
    ImportBatch.objects.create(owner=alice, filename="stopped.vcf", status="failed")
    ImportBatch.objects.create(owner=alice, filename="waiting.csv", status="preview")
    ImportBatch.objects.create(owner=alice, filename="finished.csv", status="done")
    page = alice_client.get(reverse("portability:data")).text
    assert "stopped.vcf" in page
    assert "stopped: try again or discard" in page
    assert "waiting.csv" in page
    assert "finished.csv" not in page


CARD_LINES = [
    "FN:Helga Brandt",
    "N:Brandt;Helga;;;",
    "EMAIL:helga@example.org",
    "EMAIL;TYPE=work:not an address",
    "TEL;TYPE=cell:+49 171 2345678",
    "URL:https://example.org",
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Radtour =C3=BCber die Alpen=",
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=unicode_escape:\\ud800 \\x00",
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg",
    "CATEGORIES:friends,Berlin",
    "NICKNAME:Hexe",
    "X-KNOTWORK-MET-ON:not a date",
    "X-KNOTWORK-CIRCLE:inner",
    "X-KNOTWORK-CADENCE:99999",
    "BEGIN:VCARD",
    "END:VCARD",
    " folded continuation",
    "N:",
    "ORG:;;",
]


@st.composite
def mangled_cards(draw: st.DrawFn) -> bytes:
    line = st.sampled_from(CARD_LINES) | st.text(max_size=60)
    cards = draw(st.lists(st.lists(line, max_size=8), max_size=4))
    text = "".join(f"BEGIN:VCARD\r\n{'\r\n'.join(lines)}\r\nEND:VCARD\r\n" for lines in cards)
    text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    return text.encode(encoding, "replace")


@st.composite
def mangled_csv(draw: st.DrawFn) -> bytes:
    cell = st.sampled_from(["Name", "First Name", "E-mail 1 - Value", "a@b.de", '"', ""])
    rows = draw(st.lists(st.lists(cell | st.text(max_size=20), max_size=6), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    return "\n".join(delimiter.join(row) for row in rows).encode("utf-8", "replace")


@hypothesis_settings(max_examples=300, deadline=None, database=None)
@given(
    content=st.binary(max_size=3000) | mangled_cards() | mangled_csv(),
    name=st.sampled_from(["contacts.vcf", "contacts.csv", "contacts.txt", "photo.jpg"]),
)
def test_the_reader_raises_nothing_but_unreadable_and_gives_only_storable_text(
    content: bytes, name: str
):
    try:
        candidates, message = read_upload(content, name), "read"
    except UnreadableFile as error:  # the only exception allowed, and it must say why
        candidates, message = [], str(error)
    assert message
    for c in candidates:
        assert c.name or c.error
        stored = json.dumps(asdict(c), ensure_ascii=False)
        assert "\\u0000" not in stored  # PostgreSQL refuses NUL in text and JSON
        stored.encode("utf-8")  # and lone surrogates cannot be sent at all


# Reading what people actually have ----------------------------------------------------------

GERMAN = "Jürgen Müller"
FRENCH = "Hélène Lefèvre"
WINDOWS = "Costs 5 € – “quoted”"  # only Windows-1252 has these, not Latin-1


@pytest.mark.parametrize(
    ("encoding", "bom", "note"),
    [
        ("utf-8", b"", WINDOWS),
        ("utf-8", codecs.BOM_UTF8, WINDOWS),
        ("utf-16-le", codecs.BOM_UTF16_LE, WINDOWS),
        ("utf-16-be", codecs.BOM_UTF16_BE, WINDOWS),
        ("cp1252", b"", WINDOWS),
        ("latin-1", b"", "Straße, ½ Stunde, © ÿ"),
    ],
)
@pytest.mark.parametrize("kind", ["vcf", "csv"])
def test_it_reads_every_common_encoding(
    alice_client: Client, encoding: str, bom: bytes, note: str, kind: str
):
    if kind == "vcf":
        text = vcards(f"FN:{GERMAN}\r\nNOTE:{note}\r\n", f"FN:{FRENCH}\r\n")
    else:
        text = f'Name,Notes\r\n{GERMAN},"{note}"\r\n{FRENCH},\r\n'
    batch = uploaded(alice_client, f"contacts.{kind}", bom + text.encode(encoding))
    first, second = batch.candidates
    assert (first["name"], second["name"]) == (GERMAN, FRENCH)
    assert note in first["notes"]


# German Excel writes semicolons, its "Unicode text" tabs: each with a quoted value that holds
# the other delimiters and a doubled quote.
@pytest.mark.parametrize("delimiter", [";", "\t", ","], ids=["semicolon", "tab", "comma"])
def test_it_sniffs_the_delimiter_and_the_quoting(alice_client: Client, delimiter: str):
    header = ["First Name", "Last Name", "E-mail 1 - Value", "Notes"]
    jurgen = ["Jürgen", "Müller", "jm@example.de", '"a; b, ""c"""']
    helga = ["Helga", "Brandt", "", "plain"]
    text = "\r\n".join(delimiter.join(cells) for cells in (header, jurgen, helga))
    batch = uploaded(alice_client, "contacts.csv", text.encode("cp1252"))
    first, second = batch.candidates
    assert (first["name"], first["error"]) == ("Jürgen Müller", "")
    assert first["channels"] == [["email", "jm@example.de", ""]]
    assert first["notes"] == 'Notes: a; b, "c"'
    assert (second["name"], second["notes"]) == ("Helga Brandt", "Notes: plain")


def test_a_truncated_card_is_one_error_and_the_next_card_reads_normally(
    alice_client: Client, alice: User
):
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\nEMAIL:cut@example.org\r\n"
        + vcards("FN:Helga Brandt\r\nEMAIL:helga@example.org\r\n")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut At The End\r\nTEL:+49 30 12"
    )
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    rows = [(r["name"], r["status"], r["error"]) for r in batch.candidates]
    cut = "This card is cut off: it has no END:VCARD."
    assert rows == [
        ("Cut Short", "error", cut),
        ("Helga Brandt", "new", ""),
        ("Cut At The End", "error", cut),
    ]
    assert "Entries with errors, skipped: 2" in preview(alice_client, batch)
    confirm(alice_client, batch)
    assert names(alice) == ["Helga Brandt"]
    assert Channel.objects.get().value == "helga@example.org"


def test_categories_become_tags_and_the_nickname_is_kept(alice_client: Client, alice: User):
    text = vcards(
        "FN:Helga Brandt\r\nNICKNAME:Hexe\r\nCATEGORIES:mentor,Munich\r\nNOTE:Loves the Alps\r\n"
    )
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    page = preview(alice_client, batch)
    assert '<span class="tag">mentor</span>' in page
    confirm(alice_client, batch)
    helga = Person.objects.for_user(alice).get()
    assert sorted(t.name for t in helga.tags.all()) == ["Munich", "mentor"]
    assert helga.notes == "NICKNAME: Hexe\nLoves the Alps"


def test_tags_from_an_import_join_the_tags_i_have(alice_client: Client, alice: User):
    known = PersonFactory(owner=alice, name="Helga Brandt")
    ChannelFactory(person=known, kind="email", value="helga@example.org")
    known.tags.create(owner=alice, name="Mentor")
    text = vcards("FN:Helga Brandt\r\nEMAIL:helga@example.org\r\nCATEGORIES:mentor,Munich\r\n")
    confirm(alice_client, uploaded(alice_client, "phone.vcf", text.encode()))
    assert sorted(t.name for t in known.tags.all()) == ["Mentor", "Munich"]


@pytest.mark.parametrize(
    "header",
    [
        "First Name,Last Name,Nickname,Organization Name,Organization Title,Labels",
        "First Name,Last Name,Nickname,Organization 1 - Name,Organization 1 - Title,Labels",
    ],
    ids=["current", "older"],
)
def test_google_csv_headers_current_and_older(alice_client: Client, alice: User, header: str):
    text = f"{header}\nHelga,Brandt,Hexe,Alpenverein,Chair,* myContacts ::: Mentors ::: Munich\n"
    confirm(alice_client, uploaded(alice_client, "contacts.csv", text.encode()))
    helga = Person.objects.for_user(alice).get()
    assert helga.name == "Helga Brandt"
    assert helga.notes == "NICKNAME: Hexe"
    assert (helga.organisation, helga.role) == ("Alpenverein", "Chair")
    assert sorted(t.name for t in helga.tags.all()) == ["Mentors", "Munich"]


def test_a_bad_value_costs_only_that_value_and_the_preview_lists_it(
    alice_client: Client, alice: User
):
    text = vcards(
        "FN:Fynn Çelik\r\nEMAIL:fynn.çelik@example.de\r\nEMAIL:fynn at example\r\n"
        "TEL:call me\r\nTEL:+49 30 1234567\r\n"
    )
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    page = preview(alice_client, batch)
    assert "fynn at example: Enter a valid email address, like name@example.org." in page
    assert "call me: Enter a phone number with digits, like +49 30 1234567." in page
    confirm(alice_client, batch)
    fynn = Person.objects.for_user(alice).get()
    assert fynn.name == "Fynn Çelik"
    assert sorted(fynn.channels.values_list("value", flat=True)) == [
        "+49 30 1234567",
        "fynn.çelik@example.de",  # an address book is not a mail server
    ]


# Never fold two people into one -------------------------------------------------------------


def test_the_same_name_alone_is_maybe_shown_side_by_side_and_new_by_default(
    alice_client: Client, alice: User
):
    mine = PersonFactory(owner=alice, name="Helga Brandt")
    ChannelFactory(person=mine, kind="email", value="helga@example.org")
    text = vcards("FN:helga BRANDT\r\nEMAIL:other.helga@example.org\r\n")
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    page = preview(alice_client, batch)
    assert "Maybe the same person, by name only: 1." in page
    assert "In the file" in page
    assert "Already in Knotwork" in page
    assert "other.helga@example.org" in page
    assert '<p class="muted">helga@example.org</p>' in page
    assert 'name="choice-0" value="new" checked' in page
    confirm(alice_client, batch)
    assert names(alice) == ["Helga Brandt", "helga BRANDT"]
    assert list(mine.channels.values_list("value", flat=True)) == ["helga@example.org"]


def test_choosing_to_merge_a_maybe_adds_to_the_person_shown(alice_client: Client, alice: User):
    mine = PersonFactory(owner=alice, name="Helga Brandt")
    text = vcards("FN:Helga Brandt\r\nEMAIL:helga@example.org\r\n", "FN:Tom Fletcher\r\n")
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    confirm(alice_client, batch, {"choice-0": "merge"})
    assert names(alice) == ["Helga Brandt", "Tom Fletcher"]
    assert list(mine.channels.values_list("value", flat=True)) == ["helga@example.org"]


def test_choices_on_one_page_of_maybes_are_kept_on_the_way_to_another(
    alice_client: Client, alice: User
):
    for i in range(150):
        PersonFactory(owner=alice, name=f"Twin {i:03}")
    text = vcards(*(f"FN:Twin {i:03}\r\nEMAIL:twin{i}@example.org\r\n" for i in range(150)))
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    page = preview(alice_client, batch, show="maybe")
    assert "Page 1 of 2" in page
    assert "choice-99" in page
    assert "choice-100" not in page

    # Without JavaScript, "Next" posts the page's choices on the way.
    choose = reverse("portability:import_choose", args=[batch.pk])
    response = alice_client.post(choose, {"choice-5": "merge", "choice-6": "new", "page": "2"})
    assert response.url.endswith("?show=maybe&page=2")
    assert 'name="choice-149" value="new" checked' in alice_client.get(response.url).text
    # With htmx, each change is kept as it is made.
    response = alice_client.post(choose, {"choice-149": "merge"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    confirm(alice_client, batch, {"choice-120": "merge"})

    twins = Counter(names(alice))
    assert {name for name, count in twins.items() if count == 1} == {
        "Twin 005",
        "Twin 120",
        "Twin 149",
    }
    assert sum(twins.values()) == 150 + 147


def test_names_are_compared_in_unicode_and_never_emptied():
    assert name_key("Brandt, Helga") == name_key("hélga  BRANDT") == "brandt helga"
    assert name_key("STRASSE") == name_key("Straße")
    keys = {name_key(n) for n in ("Иван Петров", "王芳", "Αλέξης Παπαδόπουλος", "Ivan Petrov")}
    assert len(keys) == 4
    assert all(keys)
    assert name_key("ΑΛΈΞΗΣ Παπαδόπουλος") == name_key("Αλέξης Παπαδόπουλος")


def test_people_in_other_scripts_stay_apart(alice_client: Client, alice: User):
    PersonFactory(owner=alice, name="Иван Петров")
    text = vcards(
        "FN:Иван Петров\r\nEMAIL:ivan@example.ru\r\n",
        "FN:王芳\r\nEMAIL:wang.fang@example.cn\r\n",
        "FN:Αλέξης Παπαδόπουλος\r\nEMAIL:alexis@example.gr\r\n",
    )
    batch = uploaded(alice_client, "phone.vcf", text.encode("utf-16"))
    assert [r["status"] for r in batch.candidates] == ["maybe", "new", "new"]
    confirm(alice_client, batch)
    assert Person.objects.for_user(alice).count() == 4
    assert all(p.channels.count() <= 1 for p in Person.objects.for_user(alice))


def test_entries_with_one_name_are_two_people_unless_they_share_a_channel(
    alice_client: Client, alice: User
):
    text = vcards(
        "FN:Helga Brandt\r\nEMAIL:helga.one@example.org\r\n",
        "FN:Helga Brandt\r\nEMAIL:helga.two@example.org\r\n",
        "FN:Helga Brandt\r\nTEL:+49 171 1111111\r\n",
        "FN:H. Brandt\r\nTEL:0171 1111111\r\nEMAIL:hb@example.org\r\n",  # the same phone
        "FN:Helga Brandt\r\nURL:https://helga.example.org\r\n",
        "FN:Helga Brandt\r\nURL:https://www.helga.example.org/\r\n",  # same name, same link
        "FN:Tom Fletcher\r\nURL:https://helga.example.org\r\n",  # a link alone: not the same
    )
    batch = uploaded(alice_client, "phone.vcf", text.encode())
    statuses = [r["status"] for r in batch.candidates]
    assert statuses == ["new", "new", "new", "known", "new", "known", "new"]
    confirm(alice_client, batch)
    people = sorted(
        tuple(sorted(p.channels.values_list("value", flat=True)))
        for p in Person.objects.for_user(alice)
    )
    assert people == [
        ("+49 171 1111111", "hb@example.org"),  # "0171 1111111" is the same number
        ("helga.one@example.org",),
        ("helga.two@example.org",),
        ("https://helga.example.org",),
        ("https://helga.example.org",),
    ]
    assert names(alice).count("Helga Brandt") == 4


def test_a_link_in_common_is_the_same_person_only_under_the_same_name(
    alice_client: Client, alice: User
):
    """LinkedIn hides most emails: its profile links let a second import find the first."""
    samuel = PersonFactory(owner=alice, name="Samuel Brooks")
    ChannelFactory(
        person=samuel, kind="link", value="https://linkedin.com/in/samuel-brooks-example"
    )
    station = PersonFactory(owner=alice, name="Radio Eins")
    ChannelFactory(
        person=station, kind="link", value="https://www.linkedin.com/in/elif-yilmaz-example"
    )
    batch = upload(alice_client, "linkedin-connections.csv")
    assert [r["status"] for r in batch.candidates] == ["new", "known", "new"]
    page = preview(alice_client, batch, show="known")
    assert "matches Samuel Brooks (same name and link)" in page


def test_the_preview_pages_through_each_kind_100_at_a_time_with_counts(
    alice_client: Client, alice: User
):
    known = PersonFactory(owner=alice, name="Known One")
    ChannelFactory(person=known, kind="email", value="person0@example.org")
    cards = [f"FN:Person {i}\r\nEMAIL:person{i}@example.org\r\n" for i in range(250)]
    batch = uploaded(alice_client, "phone.vcf", vcards(*cards, "N:;;;;\r\n").encode())
    page = preview(alice_client, batch, show="new")
    assert "New people: 249" in page
    assert 'aria-current="page">New <span class="import-count">249</span>' in page
    assert "Page 1 of 3" in page
    assert page.count('class="import-new"') == 100
    last = preview(alice_client, batch, show="new", page=3)
    assert last.count('class="import-new"') == 49
    assert preview(alice_client, batch, show="known").count('class="import-known"') == 1
    assert "No name in this entry." in preview(alice_client, batch, show="error")


def test_ten_thousand_cards_preview_and_import_in_a_fixed_number_of_queries_per_chunk(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    """A hundred names, each shared by a hundred people with their own email and phone:
    10,000 people, never 100."""
    given = ["Anna", "Ben", "Chen", "Dmitri", "Elif", "Fynn", "Grace", "Иван", "王", "Zoë"]
    family = ["Brandt", "Çelik", "Fletcher", "Larsen", "Müller", "Petrov", "Raman", "芳"]
    family += ["Weber", "Yilmaz"]
    cards = [
        f"FN:{given[i % 10]} {family[i // 10 % 10]}\r\nEMAIL:p{i}@example.org\r\n"
        f"TEL:+49 171 {i:07}\r\n"
        for i in range(10_000)
    ]

    def queries(content: bytes) -> tuple[ImportBatch, int, int]:
        with (
            CaptureQueriesContext(connection) as reading,
            django_capture_on_commit_callbacks(execute=True),
        ):
            batch = uploaded(alice_client, "phone.vcf", content)
        with (
            CaptureQueriesContext(connection) as writing,
            django_capture_on_commit_callbacks(execute=True),
        ):
            confirm(alice_client, batch)
        batch.refresh_from_db()
        assert batch.status == "done"
        return batch, len(reading), len(writing)

    _small, read_small, write_small = queries(vcards(*cards[:1000]).encode())
    Person.objects.for_user(alice).delete()
    batch, read_all, write_all = queries(vcards(*cards).encode())
    assert Person.objects.for_user(alice).count() == 10_000
    # Two chunks of 500 against twenty: the same queries each.
    assert (read_all - read_small) % 18 == 0
    assert (read_all - read_small) // 18 <= 2
    assert (write_all - write_small) % 18 == 0
    assert (write_all - write_small) // 18 <= 12
    assert len(preview(alice_client, batch)) < 300_000  # 100 rows, not 10,000

    again, _read, _write = queries(vcards(*cards).encode())
    assert [r["status"] for r in again.candidates] == ["known"] * 10_000
    assert Person.objects.for_user(alice).count() == 10_000
    assert Channel.objects.filter(person__owner=alice).count() == 20_000


def dates_of(candidate: Candidate) -> list[tuple]:
    return [(d["kind"], d["label"], d["month"], d["day"], d["year"]) for d in candidate.dates]


@pytest.mark.parametrize(
    ("version", "line", "expected"),
    [
        ("3.0", "BDAY:--0315", (3, 15, None)),
        ("4.0", "BDAY:--03-15", (3, 15, None)),
        ("3.0", "BDAY:19710315", (3, 15, 1971)),
        ("3.0", "BDAY:1971-03-15", (3, 15, 1971)),
        ("2.1", "BDAY:1971-03-15T00:00:00Z", (3, 15, 1971)),
        ("4.0", "BDAY;VALUE=date:19710315", (3, 15, 1971)),
        ("3.0", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15", (3, 15, None)),
        ("4.0", "BDAY:--0229", (2, 29, None)),
    ],
)
def test_a_birthday_comes_in_as_every_phone_writes_it(version, line, expected):
    card = f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Helga\r\n{line}\r\nEND:VCARD\r\n"
    (helga,) = read_upload(card.encode(), "helga.vcf")
    assert dates_of(helga) == [("birthday", "", *expected)]
    assert "BDAY" not in helga.notes


def test_a_text_birthday_stays_in_the_notes():
    card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Helga\r\nBDAY;VALUE=text:circa 1800\r\nEND:VCARD\r\n"
    (helga,) = read_upload(card.encode(), "helga.vcf")
    assert helga.dates == []
    assert helga.notes == "BDAY: circa 1800"


def test_a_future_birth_year_is_left_out_and_an_impossible_day_is_listed():
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Helga\r\nBDAY:20990315\r\n"
        "item1.X-ABDATE:2023-02-29\r\nitem1.X-ABLabel:Moved\r\nEND:VCARD\r\n"
    )
    (helga,) = read_upload(card.encode(), "helga.vcf")
    assert dates_of(helga) == [("birthday", "", 3, 15, None)]
    assert helga.notes == "X-ABDATE: 2023-02-29"


def test_anniversaries_and_apples_labelled_dates_come_in():
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga\r\n"
        "ANNIVERSARY:19900601\r\n"
        "item1.X-ABDATE;type=pref:2010-06-01\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\n"
        "item2.X-ABDATE:2024-09-01\r\nitem2.X-ABLabel:Moved to Lisbon\r\n"
        "item3.X-ABDATE:--1224\r\nitem3.X-ABLabel:_$!<Other>!$_\r\n"
        "END:VCARD\r\n"
    )
    (helga,) = read_upload(card.encode(), "helga.vcf")
    assert dates_of(helga) == [
        ("anniversary", "", 6, 1, 1990),
        ("anniversary", "", 6, 1, 2010),
        ("other", "Moved to Lisbon", 9, 1, 2024),
        ("other", "Other", 12, 24, None),
    ]


def test_google_csv_birthdays_and_events_come_in():
    rows = (
        "Name,Birthday,Event 1 - Type,Event 1 - Value,Event 2 - Type,Event 2 - Value\n"
        "Helga Brandt,1965-03-15,Anniversary,1990-06-01,Moved to Lisbon,2024-09-01\n"
        "Tom,--02-29,,,,\n"
        "Lena,sometime in May,,,,\n"
    )
    helga, tom, lena = read_upload(rows.encode(), "google.csv")
    assert dates_of(helga) == [
        ("birthday", "", 3, 15, 1965),
        ("anniversary", "", 6, 1, 1990),
        ("other", "Moved to Lisbon", 9, 1, 2024),
    ]
    assert dates_of(tom) == [("birthday", "", 2, 29, None)]
    assert lena.dates == []
    assert lena.notes == "BDAY: sometime in May"


def test_imported_dates_are_written_once_and_known_people_get_only_the_ones_they_lack(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    ChannelFactory(person=helga, value="helga@example.org")
    PersonDate.objects.create(owner=alice, person=helga, month=3, day=15)
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nEMAIL:helga@example.org\r\n"
        "BDAY:1965-03-15\r\nANNIVERSARY:19900601\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom\r\nBDAY:--0229\r\nEND:VCARD\r\n"
    )
    batch = uploaded(alice_client, "people.vcf", card.encode())
    confirm(alice_client, batch)
    confirm(alice_client, batch)
    dates = PersonDate.objects.for_user(alice).order_by("person__name", "kind")
    assert [(d.person.name, d.kind, d.month, d.day) for d in dates] == [
        ("Helga Brandt", "anniversary", 6, 1),
        ("Helga Brandt", "birthday", 3, 15),
        ("Tom", "birthday", 2, 29),
    ]
