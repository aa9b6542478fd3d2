"""Imports keep faces, work and home towns: vCard PHOTO (never fetched when it is only a link),
ORG, TITLE and ADR; LinkedIn's Company and Position; Google's and Outlook's organisation and
address columns. Every file is made in the test and goes through the real upload view."""

import base64
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DataError
from django.test import Client

from accounts.models import User
from contacts.models import Person
from portability.importing import apply, match, parse
from portability.models import ImportBatch
from tests.factories import ChannelFactory, PersonFactory, image_bytes, with_photo
from tests.portability.test_import import confirm, preview, uploaded

JPEG = image_bytes("JPEG", size=(300, 400))
B64 = base64.b64encode(JPEG).decode()


def stored_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def imported(client: Client, user: User, text: str, name: str = "phone.vcf") -> Person:
    confirm(client, uploaded(client, name, text.encode()))
    return Person.objects.for_user(user).get()


CARDS = {
    # Android writes base64 over folded lines, ending with an empty one.
    "2.1": (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Brandt;Helga\r\nFN:Helga Brandt\r\n"
        "ORG:Bäckerei Weber;Vertrieb\r\nTITLE:Head of Sales, EMEA\r\n"
        "ADR;WORK:;;Werkstr. 2;Augsburg;;86150;Germany\r\n"
        "ADR;HOME:;;Hauptstr. 1;München;;80331;Germany\r\n"
        "PHOTO;ENCODING=BASE64;JPEG:"
        + "\r\n  ".join(textwrap.wrap(B64, 72))
        + "\r\n\r\nEND:VCARD\r\n"
    ),
    "3.0": (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nORG:Bäckerei Weber;Vertrieb\r\n"
        "TITLE:Head of Sales\\, EMEA\r\nADR;TYPE=WORK:;;;Augsburg;;;\r\n"
        "ADR;TYPE=HOME:;;;München;;;\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:" + "\r\n ".join(textwrap.wrap(B64, 74)) + "\r\nEND:VCARD\r\n"
    ),
    "4.0": (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Helga Brandt\r\nORG:Bäckerei Weber;Vertrieb\r\n"
        "TITLE:Head of Sales\\, EMEA\r\nADR;TYPE=home:;;;München;;;\r\n"
        "PHOTO;MEDIATYPE=image/jpeg:data:image/jpeg;base64,"
        + "\r\n ".join(textwrap.wrap(B64, 74))
        + "\r\nEND:VCARD\r\n"
    ),
}


@pytest.mark.parametrize("version", CARDS)
def test_a_card_brings_its_photo_work_and_home_town(
    alice_client: Client, alice: User, version: str
):
    helga = imported(alice_client, alice, CARDS[version])

    assert helga.name == "Helga Brandt"
    assert (helga.organisation, helga.role) == ("Bäckerei Weber, Vertrieb", "Head of Sales, EMEA")
    assert helga.city == "München"  # the home address, not the work one
    assert helga.notes == ""  # no "ORG:" or "TITLE:" lines any more
    response = alice_client.get(helga.photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert len(stored_files()) == 2


def test_a_card_with_only_a_work_address_gives_that_town(alice_client: Client, alice: User):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jonas\r\nADR;TYPE=WORK:;;;Hamburg;;;\r\nEND:VCARD\r\n"
    assert imported(alice_client, alice, card).city == "Hamburg"


class Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.end_headers()
        self.wfile.write(JPEG)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def photo_server() -> Iterator[str]:
    """A real web server holding a photo, which records every request it gets."""
    Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_photo_the_card_only_links_to_is_never_fetched(
    alice_client: Client, alice: User, photo_server: str
):
    card = (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ingrid\r\nPHOTO;VALUE=uri:{photo_server}/a.jpg\r\n"
        f"END:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Tom\r\nPHOTO:{photo_server}/b.jpg\r\n"
        "END:VCARD\r\n"
    )
    batch = uploaded(alice_client, "google.vcf", card.encode())
    assert "with photo" not in preview(alice_client, batch)
    confirm(alice_client, batch)
    assert Person.objects.for_user(alice).count() == 2
    assert not Person.objects.for_user(alice).exclude(photo="").exists()
    assert Recorder.requests == []
    assert stored_files() == []


def test_a_photo_that_is_not_one_costs_only_the_photo(alice_client: Client, alice: User):
    svg = base64.b64encode(b"<svg onload=alert(1)></svg>").decode()
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marcus\r\nPHOTO;ENCODING=b:{svg}\r\nEND:VCARD\r\n"
    batch = uploaded(alice_client, "phone.vcf", card.encode())
    assert "Photo: This is not a photo Knotwork can read." in preview(alice_client, batch)
    confirm(alice_client, batch)
    marcus = Person.objects.for_user(alice).get()
    assert not marcus.photo
    assert stored_files() == []


def test_the_preview_shows_work_town_and_that_a_photo_comes(alice_client: Client, alice: User):
    batch = uploaded(alice_client, "phone.vcf", CARDS["3.0"].encode())
    page = preview(alice_client, batch)
    assert "Head of Sales, EMEA · Bäckerei Weber, Vertrieb · lives in München" in page
    assert "with photo" in page
    assert stored_files() == []  # nothing is stored before the import is confirmed


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # Google, older columns, with the home address second.
        (
            "First Name,Last Name,Organization 1 - Name,Organization 1 - Title,"
            "Address 1 - Type,Address 1 - City,Address 2 - Type,Address 2 - City",
            "Helga,Brandt,Alpenverein,Chair,Work,Augsburg,Home,München",
        ),
        # Google, newer columns, labels instead of types.
        (
            "First Name,Last Name,Organization Name,Organization Title,"
            "Address 1 - Label,Address 1 - City,Address 2 - Label,Address 2 - City",
            "Helga,Brandt,Alpenverein,Chair,Work,Augsburg,Home,München",
        ),
        # Outlook.
        (
            "First Name,Last Name,Company,Job Title,Business City,Home City",
            "Helga,Brandt,Alpenverein,Chair,Augsburg,München",
        ),
    ],
    ids=["google older", "google newer", "outlook"],
)
def test_a_csv_brings_work_and_home_town(alice_client: Client, alice: User, header: str, row: str):
    helga = imported(alice_client, alice, f"{header}\n{row}\n", "contacts.csv")
    assert (helga.organisation, helga.role, helga.city) == ("Alpenverein", "Chair", "München")
    assert helga.notes == ""


def test_linkedin_company_and_position_become_work(alice_client: Client, alice: User):
    text = (
        'Notes:\n"Some text LinkedIn puts first"\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ingrid,Larsen,https://www.linkedin.com/in/ingrid,,Nordic Bank,Mentor,12 Mar 2024\n"
    )
    ingrid = imported(alice_client, alice, text, "Connections.csv")
    assert (ingrid.organisation, ingrid.role) == ("Nordic Bank", "Mentor")
    assert ingrid.notes == "Connected on: 12 Mar 2024"


def test_someone_known_gets_what_they_lack_and_keeps_what_they_have(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice, name="Helga Brandt", organisation="", role="Mentor")
    ChannelFactory(person=helga, kind="email", value="helga@example.org")
    jonas = with_photo(PersonFactory(owner=alice, name="Jonas Weber", city="Berlin"))
    ChannelFactory(person=jonas, kind="email", value="jonas@example.org")
    own_photo = jonas.photo.name
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Helga Brandt\r\nEMAIL:helga@example.org\r\n"
        "ORG:Alpenverein\r\nTITLE:Chair\r\nADR;TYPE=HOME:;;;München;;;\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{B64}\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jonas Weber\r\nEMAIL:jonas@example.org\r\n"
        "ADR;TYPE=HOME:;;;Hamburg;;;\r\nORG:Bäckerei\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{B64}\r\nEND:VCARD\r\n"
    )
    for _ in range(2):  # importing again changes nothing more
        confirm(alice_client, uploaded(alice_client, "phone.vcf", card.encode()))
    helga.refresh_from_db()
    jonas.refresh_from_db()
    assert (helga.organisation, helga.role, helga.city) == ("Alpenverein", "Mentor", "München")
    assert helga.photo
    assert (jonas.organisation, jonas.city, jonas.photo.name) == ("Bäckerei", "Berlin", own_photo)
    assert Person.objects.for_user(alice).count() == 2
    assert len(stored_files()) == 4


def test_a_chunk_that_fails_takes_its_photos_files_with_it(alice: User):
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@example.org\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{B64}\r\nEND:VCARD\r\n"
        for i in range(3)
    )
    candidates = match(user=alice, candidates=parse(cards))
    rows = [asdict(c) for c in candidates]
    # A row the database refuses, after the people and their photos were written.
    rows[2]["channels"] = [["email", "x" * 400 + "@example.org", ""]]
    batch = ImportBatch.objects.create(
        owner=alice, filename="phone.vcf", status="importing", candidates=rows, total=3
    )
    with pytest.raises(DataError):
        apply(batch=batch)
    assert not Person.objects.for_user(alice).exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "photo",
    [
        "PHOTO;ENCODING=BASE64;JPEG:!!!not base64\r\n  more!!\r\n\r\n",
        "PHOTO;ENCODING=b;TYPE=JPEG:abc\r\n",
        "item1.PHOTO;ENCODING=b:abc\r\n d\r\n",
    ],
    ids=["2.1 over folded lines", "3.0", "grouped and folded"],
)
def test_damaged_base64_costs_only_the_photo(alice_client: Client, alice: User, photo: str):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marcus Oyelaran\r\nEMAIL:marcus@example.org\r\n"
        f"{photo}TEL:+49 30 1234567\r\nEND:VCARD\r\n"
    )
    batch = uploaded(alice_client, "phone.vcf", card.encode())
    assert "Photo: This is not a photo Knotwork can read." in preview(alice_client, batch)
    confirm(alice_client, batch)
    marcus = Person.objects.for_user(alice).get()
    assert marcus.name == "Marcus Oyelaran"
    assert sorted(marcus.channels.values_list("value", flat=True)) == [
        "+49 30 1234567",
        "marcus@example.org",
    ]
    assert not marcus.photo
