"""A person's photo: taken or chosen on their page, kept only when it is a real image, upright and
without its metadata, in two sizes, shown to its owner only, and gone with the person. Every
file here is a real one, made with Pillow in the test."""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from accounts.models import User
from common.models import UNDO_WINDOW
from common.undo import removals_end
from contacts.models import Person
from contacts.photos import photo_read, photo_set, photo_writer
from digest.services import digest_message
from relationships.services.muscles import muscles_recompute
from relationships.services.reach_out import reach_out
from tests.conftest import reauthenticate
from tests.dates import days_ago
from tests.factories import PersonFactory, image_bytes, with_photo

HTMX = {"HX-Request": "true"}


def stored_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def upload(client: Client, person: Person, data: bytes, name: str = "photo.jpg", **headers: str):
    file = SimpleUploadedFile(name, data, content_type="image/jpeg")
    url = reverse("contacts:photo_upload", args=[person.pk])
    return client.post(url, {"photo": file}, headers=headers)


def phone_photo() -> bytes:
    """A photo as a phone takes it: held upright, stored sideways with an EXIF orientation, and
    carrying where it was taken, the camera's name, a comment and XMP."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn 90° clockwise to show
    exif[ExifTags.Base.Model] = "Secret Phone 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 8.0, 14.0)
    return image_bytes(
        "JPEG",
        size=(800, 600),
        exif=exif.tobytes(),
        comment=b"taken at home",
        xmp=b"<x:xmpmeta><GPSLatitude>48,8.2N</GPSLatitude></x:xmpmeta>",
    )


def test_it_keeps_a_phone_photo_upright_and_without_where_it_was_taken(
    alice_client: Client, alice: User
):
    helga = PersonFactory(owner=alice)
    original = phone_photo()
    assert b"Secret Phone" in original
    assert b"GPSLatitude" in original

    response = upload(alice_client, helga, original)

    assert response.status_code == 302
    helga.refresh_from_db()
    large, thumbnail = (
        Path(settings.MEDIA_ROOT) / f.name for f in (helga.photo, helga.photo_thumbnail)
    )
    with Image.open(large) as image:
        assert image.format == "JPEG"
        assert image.size == (384, 512)  # upright: portrait, within 512 px
        assert not image.getexif()
        assert "comment" not in image.info
        assert "xmp" not in image.info
        # The orange frame is on the long sides now, as the phone's owner saw it.
        assert image.convert("RGB").getpixel((5, 256))[0] > 200
    with Image.open(thumbnail) as image:
        assert image.size == (128, 128)
    for path in (large, thumbnail):
        content = path.read_bytes()
        assert b"Exif" not in content
        assert b"GPS" not in content
        assert b"Secret Phone" not in content
        assert b"taken at home" not in content


def test_it_stores_two_sizes_under_names_no_one_can_guess(alice: User):
    helga, jonas = PersonFactory(owner=alice), PersonFactory(owner=alice)
    for person in (helga, jonas):
        with_photo(person)
    names = [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files()]
    assert len(names) == 4
    assert all(re.fullmatch(r"photos/[\w-]{32}-(large|thumbnail)\.jpg", name) for name in names)
    tokens = {name.split("/")[1].rsplit("-", 1)[0] for name in names}
    assert len(tokens) == 2
    # Only the app's own user reads them.
    assert {oct(p.stat().st_mode & 0o777) for p in stored_files()} == {"0o600"}


def test_the_photo_is_served_to_its_owner_only(alice_client: Client, bob_client: Client, alice):
    helga = with_photo(PersonFactory(owner=alice))
    for name, url in (("photo", helga.photo_url), ("photo_thumbnail", helga.thumbnail_url)):
        response = alice_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == "inline"
        assert response["Cache-Control"] == "private, max-age=31536000, immutable"
        body = b"".join(response.streaming_content)
        assert body == (Path(settings.MEDIA_ROOT) / getattr(helga, name).name).read_bytes()
        assert Image.open(io.BytesIO(body)).format == "JPEG"
        assert bob_client.get(url).status_code == 404
    # The files themselves are at no address of their own.
    for path in (
        f"/{helga.photo.name}",
        f"/media/{helga.photo.name}",
        f"/static/{helga.photo.name}",
    ):
        assert alice_client.get(path).status_code == 404
    # An address from before the photo changed is not kept.
    stale = alice_client.get(reverse("contacts:photo", args=[helga.pk]), {"v": "old"})
    assert stale["Cache-Control"] == "private, no-cache"


def test_someone_without_a_photo_has_their_initial_and_no_photo_address(alice_client, alice):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    assert alice_client.get(reverse("contacts:photo", args=[helga.pk])).status_code == 404
    page = alice_client.get(helga.get_absolute_url()).text
    assert '<span class="avatar large" aria-hidden="true">H</span>' in page
    assert "/photo/" not in page.split('class="photo-actions"')[0]


def noise_png() -> bytes:
    """A real PNG over 10 MB: random pixels do not compress."""
    size = (1900, 1900)
    return image_to_bytes(Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)), "PNG")


def image_to_bytes(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
REFUSED = {
    "too large": (noise_png, "photo.png", "This photo is larger than 10 MB."),
    "not an image": (
        lambda: b"<html><script>alert(1)</script></html>",
        "photo.jpg",
        "This is not a photo Knotwork can read.",
    ),
    "a lying extension": (lambda: SVG, "photo.png", "This is not a photo Knotwork can read."),
    "a decompression bomb": (
        # 100 megapixels in a few kilobytes.
        lambda: image_to_bytes(Image.new("1", (10_000, 10_000)), "PNG"),
        "photo.png",
        "This picture has too many pixels to open safely (over 50 megapixels).",
    ),
    "a cut-off file": (
        lambda: image_bytes("JPEG")[:-3000],
        "photo.jpg",
        "This photo is cut off: the file ends before the picture does.",
    ),
}


# Pillow warns of the bomb as it opens it; the refusal is what this test is about.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("kind", REFUSED)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_it_refuses_what_is_not_a_photo_it_can_keep_and_says_why_beside_the_field(
    alice_client: Client, alice: User, kind: str, htmx: bool
):
    make, name, message = REFUSED[kind]
    data = make()
    helga = PersonFactory(owner=alice)

    response = upload(alice_client, helga, data, name, **(HTMX if htmx else {}))

    assert response.status_code == 200
    errors = response.text.split('id="photo-errors"')[1].split("</div>")[0]
    assert message in errors
    assert 'aria-invalid="true"' in response.text
    helga.refresh_from_db()
    assert not helga.photo
    assert not helga.photo_thumbnail
    assert stored_files() == []


def test_it_says_in_german_why_a_photo_was_refused(alice_client: Client, alice: User):
    alice.language = "de"
    alice.save()
    helga = PersonFactory(owner=alice)
    response = upload(alice_client, helga, image_bytes("JPEG")[:-3000], **HTMX)
    assert "Dieses Foto ist abgeschnitten" in response.text


def test_a_save_that_fails_leaves_no_file_behind(alice: User):
    helga = PersonFactory(owner=alice)
    Person.objects.filter(pk=helga.pk).delete()  # gone while the photo was on its way
    with pytest.raises(DatabaseError):
        photo_set(person=helga, photo=photo_read(data=image_bytes()))
    assert stored_files() == []

    def fails_after_writing() -> None:
        with photo_writer() as write:
            write(photo_read(data=image_bytes()))
            assert len(stored_files()) == 2
            raise RuntimeError("anything that fails after the files were written")

    with pytest.raises(RuntimeError):
        fails_after_writing()
    assert stored_files() == []


def test_a_new_photo_replaces_the_old_files_once_saved(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    helga = with_photo(PersonFactory(owner=alice))
    old = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        upload(alice_client, helga, image_bytes("PNG", size=(300, 300)), "new.png", **HTMX)
    helga.refresh_from_db()
    assert len(stored_files()) == 2
    assert not set(old) & set(stored_files())
    assert helga.photo.name in {
        p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files()
    }


def test_removing_the_photo_removes_its_files_once_that_can_no_longer_be_undone(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    helga = with_photo(PersonFactory(owner=alice, name="Helga"))
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("contacts:photo_remove", args=[helga.pk]))
    assert response.url == helga.get_absolute_url()
    helga.refresh_from_db()
    assert not helga.photo
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        removals_end(now=timezone.now() + UNDO_WINDOW)
    assert stored_files() == []


def test_deleting_a_person_removes_their_photo(alice: User, django_capture_on_commit_callbacks):
    helga = with_photo(PersonFactory(owner=alice))
    jonas = with_photo(PersonFactory(owner=alice))
    with django_capture_on_commit_callbacks(execute=True):
        helga.delete()
    assert len(stored_files()) == 2
    assert all(
        p.name.startswith(Path(jonas.photo.name).stem.rsplit("-", 1)[0]) for p in stored_files()
    )


def test_deleting_the_account_removes_every_photo(
    alice_client: Client, alice: User, bob: User, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with_photo(PersonFactory(owner=alice))
    bobs = with_photo(PersonFactory(owner=bob))
    reauthenticate(alice_client)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("accounts:delete"))
    assert not User.objects.filter(pk=alice.pk).exists()
    assert [p.name for p in stored_files()] == sorted(
        Path(name).name for name in (bobs.photo.name, bobs.photo_thumbnail.name)
    )


def test_merging_keeps_a_photo(
    alice_client: Client, alice: User, django_capture_on_commit_callbacks
):
    keep = PersonFactory(owner=alice, name="Helga Brandt")
    twin = with_photo(PersonFactory(owner=alice, name="Helga B."))
    photo = twin.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("relationships:merge", args=[twin.pk]), {"into": "Helga Brandt"})
    keep.refresh_from_db()
    assert keep.photo.name == photo
    assert len(stored_files()) == 2
    assert alice_client.get(keep.photo_url).status_code == 200

    # Both with a photo: the one kept keeps its own, and the other's files go.
    other = with_photo(PersonFactory(owner=alice, name="Helga Brandt-Vogt"))
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("relationships:merge", args=[other.pk]), {"into": "Helga Brandt"})
    keep.refresh_from_db()
    assert keep.photo.name == photo
    assert len(stored_files()) == 2


def test_the_photo_shows_on_the_person_page_the_list_and_the_reach_out_card(
    alice_client: Client, alice: User
):
    helga = with_photo(PersonFactory(owner=alice, name="Helga Brandt", met_on=days_ago(300)))
    PersonFactory(owner=alice, name="Tom Fletcher", met_on=days_ago(300))
    muscles_recompute(user_ids=[alice.pk])  # quiet since: both on the reach-out list

    page = alice_client.get(helga.get_absolute_url()).text
    assert f'src="{helga.photo_url}" alt="Photo of Helga Brandt"' in page
    people = alice_client.get(reverse("contacts:list")).text
    home = alice_client.get(reverse("home")).text
    for html in (people, home):
        assert f'<img class="avatar" src="{helga.thumbnail_url}" alt=""' in html
        assert '<span class="avatar" aria-hidden="true">T</span>' in html  # Tom has none


def test_a_phone_can_take_the_photo_with_its_camera(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice)
    page = alice_client.get(helga.get_absolute_url()).text
    form = page.split('class="photo-form"')[1].split("</form>")[0]
    assert 'enctype="multipart/form-data"' in form
    assert 'hx-encoding="multipart/form-data"' in form
    camera = 'type="file" name="photo" accept="image/*" capture="environment"'
    assert f"<input {camera}" in form
    assert '<input type="file" name="photo" accept="image/*">' in form


def test_an_htmx_upload_answers_with_the_card_showing_the_photo(alice_client, alice):
    helga = PersonFactory(owner=alice, name="Helga Brandt", organisation="Acme")
    response = upload(alice_client, helga, image_bytes("WEBP"), "photo.webp", **HTMX)
    helga.refresh_from_db()
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<article")
    assert f'src="{helga.photo_url}"' in response.text
    assert "Acme" in response.text


def test_emails_carry_no_photos(alice: User):
    with_photo(PersonFactory(owner=alice, name="Helga Brandt", met_on=days_ago(300)))
    muscles_recompute(user_ids=[alice.pk])
    message = digest_message(user=alice, page=reach_out(user=alice), message_id="<x>")
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert "Helga Brandt" in html
    assert "<img" not in html
    assert "/photo" not in html
    assert not message.attachments
    assert mail.outbox == []
