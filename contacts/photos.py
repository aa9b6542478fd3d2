"""A person's photo. Only a real image is kept: Pillow reads it whole, within a pixel limit that
refuses decompression bombs, turns it upright and drops its metadata (EXIF can hold where it was
taken). Both sizes are made once, when it is saved, and stored under names no one can guess, in
MEDIA_ROOT, which nothing serves: contacts.views.person_photo hands them to their owner."""

import io
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from common.models import Removal
from common.undo import removal_record
from contacts.models import Person

MAX_BYTES = 10 * 1024 * 1024
# Enough for a 48-megapixel phone photo. A file that claims more pixels would take hundreds of
# megabytes to decode, however small it is: a decompression bomb, refused before decoding.
MAX_PIXELS = 50_000_000
# Only the formats phones and browsers send (a JPEG with several pictures, MPO, is read as a
# JPEG); Pillow's other readers are never tried.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "AVIF")
# The person's page shows the large one, sharp on a phone's screen; lists and cards show the
# thumbnail, a square that stays sharp in a small round avatar at three device pixels per point.
LARGE = 512
THUMBNAIL = 128
FOLDER = "photos"
CONTENT_TYPE = "image/jpeg"
# What saving or removing a photo writes, and what undoing a removal writes back.
PHOTO_FIELDS = ["photo", "photo_thumbnail", "updated_at"]


NOT_A_PHOTO = gettext_lazy(
    "This is not a photo Knotwork can read. Try a JPEG, PNG or WebP picture."
)


class PhotoRefused(ValueError):
    """Not a photo that can be kept; the message says why, in words for the user."""


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: both sizes, as JPEG, without metadata."""

    large: bytes
    thumbnail: bytes


def photo_read(*, data: bytes) -> Photo:
    """The photo in `data`, upright and in both sizes, or PhotoRefused saying why not: too
    large, not an image (whatever its name claims), too many pixels, or cut off."""
    if len(data) > MAX_BYTES:
        raise PhotoRefused(_("This photo is larger than 10 MB. Try a smaller copy of it."))
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _bomb()
            # A JPEG decodes straight at a fraction of its size, which saves most of the memory.
            image.draft("RGB", (LARGE, LARGE))
            image.load()
            upright = ImageOps.exif_transpose(image)
            icc_profile = image.info.get("icc_profile")
            return Photo(
                large=_jpeg(_contained(upright), icc_profile),
                thumbnail=_jpeg(_square(upright), icc_profile),
            )
    except Image.DecompressionBombError:
        raise _bomb() from None
    except UnidentifiedImageError:
        raise PhotoRefused(str(NOT_A_PHOTO)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        if isinstance(error, PhotoRefused):
            raise
        if "truncated" in str(error) or isinstance(error, EOFError):
            raise PhotoRefused(
                _("This photo is cut off: the file ends before the picture does. Send it again.")
            ) from None
        raise PhotoRefused(str(NOT_A_PHOTO)) from None


def _bomb() -> PhotoRefused:
    return PhotoRefused(
        _("This picture has too many pixels to open safely (over %(n)d megapixels).")
        % {"n": MAX_PIXELS // 1_000_000}
    )


def _rgb(image: Image.Image) -> Image.Image:
    """The picture as plain RGB; what was transparent becomes white."""
    if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _contained(image: Image.Image) -> Image.Image:
    smaller = _rgb(image)
    smaller.thumbnail((LARGE, LARGE), Image.Resampling.LANCZOS)
    return smaller


def _square(image: Image.Image) -> Image.Image:
    return ImageOps.fit(_rgb(image), (THUMBNAIL, THUMBNAIL), Image.Resampling.LANCZOS)


def _jpeg(image: Image.Image, icc_profile: bytes | None) -> bytes:
    """The pixels alone, with only the colour profile kept: no EXIF, XMP or comment comes
    along, whatever the original carried."""
    image.info = {}
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 85, "optimize": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    image.save(out, "JPEG", **options)
    return out.getvalue()


# Storing --------------------------------------------------------------------------------------


def _write(photo: Photo) -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    names: list[str] = []
    try:
        for size, content in (("large", photo.large), ("thumbnail", photo.thumbnail)):
            names.append(default_storage.save(f"{FOLDER}/{token}-{size}.jpg", ContentFile(content)))
    except BaseException:
        photo_files_delete(names)
        raise
    return names[0], names[1]


@contextmanager
def photo_writer() -> Iterator[Callable[[Photo], tuple[str, str]]]:
    """Write photo files for rows saved inside the block: `write(photo)` stores both sizes and
    returns their names. If the block fails, every file it wrote is removed again, so a failed
    save leaves nothing half-stored. Put it around the transaction that saves the rows."""
    written: list[str] = []

    def write(photo: Photo) -> tuple[str, str]:
        names = _write(photo)
        written.extend(names)
        return names

    try:
        yield write
    except BaseException:
        photo_files_delete(written)
        raise


def photo_files_delete(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def photo_files_delete_on_commit(names: Iterable[str]) -> None:
    """Remove files once the change that let go of them is committed; a rollback keeps them."""
    gone = [name for name in names if name]
    if gone:
        transaction.on_commit(lambda: photo_files_delete(gone))


def photo_set(*, person: Person, photo: Photo) -> None:
    """Give the person this photo in place of the one they had; the old files go once the
    change is committed."""
    old = [person.photo.name or "", person.photo_thumbnail.name or ""]
    with photo_writer() as write, transaction.atomic():
        person.photo, person.photo_thumbnail = write(photo)
        person.save(update_fields=PHOTO_FIELDS)
    photo_files_delete_on_commit(old)


def photo_remove(*, owner: User, person: Person, label: str, back: str) -> Removal:
    """No photo any more, at once; its files stay for as long as that can be undone."""
    with transaction.atomic():
        removal = removal_record(
            owner=owner,
            label=label,
            back=back,
            changed=[person],
            fields=PHOTO_FIELDS,
            files=[person.photo.name or "", person.photo_thumbnail.name or ""],
        )
        person.photo, person.photo_thumbnail = "", ""
        person.save(update_fields=PHOTO_FIELDS)
    return removal


@receiver(post_delete, sender=Person)
def photo_files_go_with_the_person(instance: Person, **kwargs: Any) -> None:
    """Deleting a person, on their own or with the whole account, deletes their photo files."""
    photo_files_delete_on_commit([instance.photo.name or "", instance.photo_thumbnail.name or ""])
