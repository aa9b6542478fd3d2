"""A backup restores: into a second database of its own on the same server, every table comes
back row for row and every photo byte for byte; a damaged, newer or wrongly unlocked archive is
refused before anything is written."""

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend
from django.utils import timezone

from knotwork import tasks
from knotwork.backup import services
from knotwork.backup.archive import BackupError, archive_verify
from knotwork.backup.postgres import libpq_environment, tool_for, tool_major
from knotwork.backup.services import backup_create, backup_restore
from relationships.models import JobRun
from tests.factories import (
    ConnectionFactory,
    FavourFactory,
    PersonDateFactory,
    PersonFactory,
    StoryFactory,
    TouchFactory,
    UserFactory,
    with_photo,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "backups"
pytestmark = pytest.mark.django_db(transaction=True)


def contents(alias: str) -> dict[str, str]:
    """Every table's rows, as one digest a table, to compare two databases row for row."""
    db = connections[alias]
    with db.cursor() as cursor:
        tables = sorted(db.introspection.table_names(cursor))
        found = {}
        for table in tables:
            rows = "count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            cursor.execute(f"SELECT {rows} FROM {db.ops.quote_name(table)} t")  # noqa: S608
            found[table] = "{} rows, {}".format(*cursor.fetchone())
    return found


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def restored() -> Iterator[str]:
    """A second, empty database on the same server, as the alias "restored"; dropped after."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    # Made here rather than in the settings, so Django's test isolation lets the test use it.
    wrapper = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper
    connections["restored"] = wrapper({**connection.settings_dict, "NAME": name}, "restored")
    try:
        yield "restored"
    finally:
        connections["restored"].close()
        del connections["restored"]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media_elsewhere(settings: Any, tmp_path: Path) -> Callable[[], Path]:
    """Once the backup is made: photos go to a folder of their own, empty, as on a new disk."""

    def move() -> Path:
        settings.MEDIA_ROOT = tmp_path / "restored-media"
        return Path(settings.MEDIA_ROOT)

    return move


@pytest.fixture
def account(settings: Any) -> Path:
    """An account with a little of everything, two people with photos; returns the media
    folder it wrote."""
    alice = UserFactory(username="alice", language="de")
    helga = with_photo(PersonFactory(owner=alice, name="Helga Brandt"))
    with_photo(PersonFactory(owner=alice, name="Jonas Weber"))
    StoryFactory(owner=alice, conversation__people=[helga], text="Ihre Operation ist im März.")
    FavourFactory(person=helga)
    TouchFactory(person=helga)
    PersonDateFactory(person=helga)
    ConnectionFactory(person_a=helga)
    PersonFactory(owner=UserFactory(username="bob"), name="Someone else's friend")
    return Path(settings.MEDIA_ROOT)


def test_a_backup_restores_every_row_and_photo_into_a_fresh_database(
    account: Path, restored: str, media_elsewhere: Callable[[], Path], tmp_path: Path
):
    before, photos = contents("default"), files(account)
    archive = backup_create(folder=tmp_path / "backups")
    empty_media = media_elsewhere()

    manifest = backup_restore(archive=archive, using=restored)

    assert contents(restored) == before
    assert files(empty_media) == photos
    assert len(photos) == 4  # two people, a large photo and a thumbnail each
    assert archive.stat().st_mode & 0o777 == 0o600
    assert {p.stat().st_mode & 0o777 for p in empty_media.rglob("*")} == {0o600, 0o700}
    assert manifest.rows["contacts_person"] == 4  # with the one Helga is linked to
    assert JobRun.objects.get(name="backup").failures == 0


def test_the_manifest_says_what_the_archive_holds(account: Path, tmp_path: Path):
    manifest = archive_verify(path=backup_create(folder=tmp_path))

    assert manifest.version == services.__version__
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest.migrations == sorted(f"{app}.{name}" for app, name in applied)
    assert manifest.rows["accounts_user"] == 2
    photos = sorted(f"media/{name}" for name in files(account))
    assert sorted(manifest.files) == ["database.dump", *photos]


def test_a_cut_off_archive_is_refused_and_nothing_is_written(
    account: Path, restored: str, media_elsewhere: Callable[[], Path], tmp_path: Path
):
    archive = backup_create(folder=tmp_path)
    empty_media = media_elsewhere()
    with archive.open("r+b") as file:
        file.truncate(archive.stat().st_size // 2)

    with pytest.raises(BackupError, match="damaged or cut off"):
        backup_restore(archive=archive, using=restored)

    assert connections[restored].introspection.table_names() == []
    assert not empty_media.exists() or files(empty_media) == {}


def test_a_changed_byte_is_refused(
    account: Path, restored: str, media_elsewhere: Callable[[], Path], tmp_path: Path
):
    archive = backup_create(folder=tmp_path)
    media_elsewhere()
    data = bytearray(archive.read_bytes())
    data[data.index(b"JFIF") + 100] ^= 1  # inside the first photo
    archive.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_restore(archive=archive, using=restored)

    assert connections[restored].introspection.table_names() == []


def test_an_encrypted_backup_restores_with_its_passphrase(
    account: Path, restored: str, media_elsewhere: Callable[[], Path], tmp_path: Path
):
    before = contents("default")
    archive = backup_create(folder=tmp_path, passphrase="lange nacht am hafen")
    media_elsewhere()

    assert archive.name.endswith(".age.tar")
    assert b"Helga Brandt" not in archive.read_bytes()
    backup_restore(archive=archive, passphrase="lange nacht am hafen", using=restored)
    assert contents(restored) == before


def test_a_wrong_passphrase_is_refused(
    account: Path, restored: str, media_elsewhere: Callable[[], Path], tmp_path: Path
):
    archive = backup_create(folder=tmp_path, passphrase="lange nacht am hafen")
    media_elsewhere()

    with pytest.raises(BackupError, match="Wrong passphrase"):
        backup_restore(archive=archive, passphrase="kurze nacht", using=restored)
    with pytest.raises(BackupError, match="encrypted"):
        backup_restore(archive=archive, using=restored)

    assert connections[restored].introspection.table_names() == []


def test_an_archive_from_a_newer_version_is_refused(
    account: Path,
    restored: str,
    media_elsewhere: Callable[[], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(services, "__version__", "99.0.0")
    archive = backup_create(folder=tmp_path)
    media_elsewhere()
    monkeypatch.undo()

    with pytest.raises(BackupError, match=r"Knotwork 99\.0\.0, newer than this"):
        backup_restore(archive=archive, using=restored)

    assert connections[restored].introspection.table_names() == []


def test_a_database_that_is_not_empty_is_refused_unless_forced(
    account: Path, restored: str, media_elsewhere: Callable[[], Path], tmp_path: Path
):
    before = contents("default")
    archive = backup_create(folder=tmp_path)
    media_elsewhere()

    with pytest.raises(BackupError, match="not empty"):
        backup_restore(archive=archive)  # into the very database it came from
    backup_restore(archive=archive, using=restored)
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(archive=archive, using=restored)
    backup_restore(archive=archive, using=restored, force=True)

    assert contents(restored) == before


def test_the_last_release_s_archive_restores_and_is_migrated_forward(
    restored: str, media_elsewhere: Callable[[], Path]
):
    empty_media = media_elsewhere()
    manifest = backup_restore(archive=DATA / "knotwork-0.1.0.tar", using=restored)

    assert manifest.version == "0.1.0"
    # Every migration this version has is applied, those made since the archive too.
    applied = {
        f"{app}.{name}"
        for app, name in MigrationRecorder(connections[restored]).applied_migrations()
    }
    assert applied == {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    assert set(manifest.migrations) <= applied
    with connections[restored].cursor() as cursor:
        cursor.execute("SELECT name FROM contacts_person ORDER BY name")
        assert [row[0] for row in cursor.fetchall()] == ["Helga Brandt", "Jonas Weber"]
    assert len(files(empty_media)) == 2


def test_pg_dump_is_at_least_the_server_s_version():
    assert tool_for("pg_dump", server=12).name == "pg_dump"
    # Here the machine's tools are PostgreSQL 15's; 18's come with the embedded PostgreSQL.
    assert tool_major(tool_for("pg_restore", server=18)) >= 18
    with pytest.raises(BackupError, match="pg_dump 99 or newer is needed"):
        tool_for("pg_dump", server=99)


def test_scheduled_backups_are_counted_when_they_fail(settings: Any, tmp_path: Path):
    settings.BACKUP_DIR = str(tmp_path / "not-a-folder")
    Path(settings.BACKUP_DIR).write_text("a file where the folder should be")

    for _ in range(2):
        with pytest.raises(FileExistsError):
            services.backup_scheduled()

    assert JobRun.objects.get(name="backup").failures == 2


def test_the_commands_take_the_passphrase_from_the_environment_only(
    account: Path,
    restored: str,
    media_elsewhere: Callable[[], Path],
    tmp_path: Path,
    settings: Any,
):
    settings.BACKUP_PASSPHRASE = "lange nacht am hafen"
    said = io.StringIO()
    call_command("backup", output=tmp_path, stdout=said)
    (archive,) = tmp_path.glob("knotwork-*.age.tar")
    assert f"Backed up to {archive}" in said.getvalue()
    media_elsewhere()

    settings.BACKUP_PASSPHRASE = ""
    with pytest.raises(CommandError, match="Set BACKUP_PASSPHRASE"):
        call_command("restore", str(archive), database=restored)  # no terminal to ask at
    settings.BACKUP_PASSPHRASE = "lange nacht am hafen"
    call_command("restore", str(archive), database=restored, stdout=said)

    assert "4 people and 4 files, migrated to this version" in said.getvalue()


def test_pg_dump_connects_as_the_app_does_with_the_password_out_of_sight():
    """A socket folder given as ?host=/path (the embedded PostgreSQL's address) reaches libpq."""
    settings_dict = {**connection.settings_dict, "HOST": "", "PASSWORD": "s3cret"}
    settings_dict["OPTIONS"] = {"host": "/run/postgresql", "sslmode": "require"}
    wrapper = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper
    connections["socket"] = wrapper(settings_dict, "socket")
    try:
        env = libpq_environment(using="socket")
    finally:
        del connections["socket"]

    assert env["PGHOST"] == "/run/postgresql"
    assert env["PGSSLMODE"] == "require"
    assert env["PGPASSWORD"] == "s3cret"  # in the environment, not among the arguments


def test_the_nightly_job_backs_up_into_backup_dir_and_trims_it(
    account: Path, settings: Any, tmp_path: Path
):
    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 1, 0
    (tmp_path / "knotwork-2026-01-01T031500Z.tar").write_bytes(b"an old one")
    JobRun.objects.create(name="backup", finished_at=timezone.now(), failures=3)

    made = Path(tasks.backup.delay().get())

    assert [path.name for path in tmp_path.glob("knotwork-*")] == [made.name]
    assert archive_verify(path=made).rows["contacts_person"] == 4
    assert JobRun.objects.get(name="backup").failures == 0


def test_the_nightly_job_is_scheduled_only_with_backup_dir():
    script = "from django.conf import settings; print('backup' in settings.CELERY_BEAT_SCHEDULE)"
    said = [
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env={**os.environ, "BACKUP_DIR": folder},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        for folder in ("", "/backups")
    ]
    assert said == ["False", "True"]
