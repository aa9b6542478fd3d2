"""Benchmark: backing up and restoring an account of 10,000 people with a photo each.

Each person has a photo (two JPEG files of softened noise, about the size a real photograph
makes: some 45 KB and 3 KB) and the rows of bench/exports.py: a channel, a tag, two
conversations with a story each, a favour and a touch. The script prints the time and size
of a plain and an encrypted backup, and the time to restore the plain one into a second
database.
Run with: uv run python bench/backup.py
"""

import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-media-")

from django.db import connection, connections
from django.db.utils import load_backend
from exports import seed
from harness import scratch_database
from PIL import Image, ImageFilter

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
PASSPHRASE = "bench passphrase"  # noqa: S105 -- a throwaway archive


def add_photos(media: Path) -> int:
    """A photo for everyone, as photo_set stores it; returns the bytes written."""
    from contacts.models import Person
    from contacts.photos import photo_read

    photos = []
    for size in range(20):
        noise = Image.effect_noise((900 + size, 700), 32).convert("RGB")
        image = noise.filter(ImageFilter.GaussianBlur(1))
        path = media / "source.jpg"
        image.save(path, "JPEG", quality=90)
        photos.append(photo_read(data=path.read_bytes()))
    (media / "photos").mkdir(exist_ok=True)
    people, written = list(Person.objects.only("pk")), 0
    for i, person in enumerate(people):
        photo, name = photos[i % len(photos)], f"photos/{secrets.token_urlsafe(24)}"
        (media / f"{name}-large.jpg").write_bytes(photo.large)
        (media / f"{name}-thumbnail.jpg").write_bytes(photo.thumbnail)
        person.photo, person.photo_thumbnail = f"{name}-large.jpg", f"{name}-thumbnail.jpg"
        written += len(photo.large) + len(photo.thumbnail)
    Person.objects.bulk_update(people, ["photo", "photo_thumbnail"], batch_size=1000)
    return written


def timed(label: str, action: object) -> object:
    start = time.perf_counter()
    result = action()  # type: ignore[operator]
    print(f"{label:<44} {time.perf_counter() - start:7.1f} s")
    return result


def main() -> None:
    from django.conf import settings

    from knotwork.backup.services import backup_create, backup_restore

    media = Path(settings.MEDIA_ROOT)
    with scratch_database():
        seed(PEOPLE)
        photo_bytes = add_photos(media)
        print(f"{PEOPLE:,} people, {photo_bytes / 2**20:,.0f} MiB of photos")
        out = Path(tempfile.mkdtemp(prefix="bench-backups-"))
        for passphrase in ("", PASSPHRASE):
            kind = "encrypted" if passphrase else "plain"
            made = timed(
                f"backup ({kind})", lambda p=passphrase: backup_create(folder=out, passphrase=p)
            )
            print(f"{'  archive size':<44} {made.stat().st_size / 2**20:7.1f} MiB")  # type: ignore[attr-defined]
            if not passphrase:
                plain = made
            time.sleep(1)  # archives are named to the second

        name = f"{connection.settings_dict['NAME']}_restored"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        wrapper = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper
        connections["restored"] = wrapper({**connection.settings_dict, "NAME": name}, "restored")
        settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-restored-")
        try:
            timed(
                "restore (plain) into a new database",
                lambda: backup_restore(archive=plain, using="restored"),
            )
        finally:
            connections["restored"].close()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            for folder in (out, media, Path(settings.MEDIA_ROOT)):
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
