"""Back up, restore, and keep a folder of archives trimmed to a few days and weeks."""

import datetime
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F
from django.utils import timezone

from knotwork import __version__
from knotwork.backup.archive import (
    DATABASE,
    BackupError,
    Manifest,
    archive_extract,
    archive_extract_media,
    archive_seal,
    archive_unseal,
    archive_verify,
    archive_write,
    is_sealed,
    media_files,
)
from knotwork.backup.postgres import (
    database_dump,
    database_empty,
    database_is_empty,
    database_restore,
)
from relationships.models import JobRun

BACKUP_JOB = "backup"
NAME = re.compile(r"knotwork-(\d{4}-\d\d-\d\dT\d{6}Z)(\.age)?\.tar")


def _migrations(using: str) -> list[str]:
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _rows(using: str) -> dict[str, int]:
    connection = connections[using]
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = cursor.fetchone()[0]
    return rows


def backup_create(*, folder: Path, passphrase: str = "", using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write one archive of the database and the photos into `folder`, encrypted when a
    passphrase is given, and return its path. The rows counted in the manifest and the dump
    are one snapshot; the archive appears under its name only once it is whole."""
    now = timezone.now().astimezone(datetime.UTC)
    name = f"knotwork-{now:%Y-%m-%dT%H%M%SZ}{'.age' if passphrase else ''}.tar"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".knotwork-backup-") as work_dir:
        work = Path(work_dir)
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server = cursor.fetchone()
            manifest = Manifest(
                version=__version__,
                created_at=now.isoformat(),
                migrations=_migrations(using),
                rows=_rows(using),
                postgres=server,
            )
            dumped_by = database_dump(to=work / DATABASE, snapshot=snapshot, using=using)
            manifest.postgres = f"{server}, pg_dump {dumped_by}"
        plain = work / "backup.tar"
        archive_write(
            to=plain, dump=work / DATABASE, media_root=Path(settings.MEDIA_ROOT), manifest=manifest
        )
        whole = work / name
        if passphrase:
            archive_seal(plain=plain, to=whole, passphrase=passphrase)
        else:
            plain.rename(whole)
        whole.chmod(0o600)  # as private as the database it holds
        with whole.open("rb") as file:
            os.fsync(file.fileno())
        whole.replace(folder / name)
    JobRun.objects.using(using).update_or_create(
        name=BACKUP_JOB, defaults={"finished_at": timezone.now(), "failures": 0}
    )
    return folder / name


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _refuse_newer(manifest: Manifest) -> None:
    """An archive from a newer Knotwork may hold what this one cannot read or would undo."""
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    if _version(manifest.version) > _version(__version__) or set(manifest.migrations) - known:
        raise BackupError(
            f"This archive was made by Knotwork {manifest.version}, newer than this "
            f"Knotwork {__version__}. Upgrade Knotwork first, then restore."
        )


def _media_empty(media_root: Path) -> None:
    for path in media_root.iterdir() if media_root.is_dir() else []:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def backup_restore(
    *, archive: Path, passphrase: str = "", force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Manifest:
    """Bring an archive back into an empty database and media folder, then migrate it to this
    version. The archive is checked whole first: a damaged, cut-off or newer one, a wrong
    passphrase or a target that is not empty (unless `force`) writes nothing."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="knotwork-restore-") as work_dir:
        work, plain = Path(work_dir), archive
        if is_sealed(archive):
            if not passphrase:
                raise BackupError("This archive is encrypted: give its passphrase.")
            plain = work / "backup.tar"
            archive_unseal(path=archive, to=plain, passphrase=passphrase)
        manifest = archive_verify(path=plain)
        _refuse_newer(manifest)
        if force:
            database_empty(using=using)
            _media_empty(media_root)
        elif not database_is_empty(using=using) or next(media_files(media_root), None):
            raise BackupError(
                "The database or the media folder is not empty. Restore into an empty one, "
                "or use --force to replace everything in them."
            )
        archive_extract(path=plain, member=DATABASE, to=work)
        database_restore(dump=work / DATABASE, using=using)
        archive_extract_media(path=plain, media_root=media_root)
    call_command("migrate", database=using, interactive=False, verbosity=0)
    return manifest


def _day(when: datetime.datetime) -> object:
    return when.date()


def _week(when: datetime.datetime) -> object:
    return when.isocalendar()[:2]


def backups_prune(*, folder: Path, daily: int, weekly: int) -> list[Path]:
    """Keep the newest archive of each of the last `daily` days that have one, and of each of
    the last `weekly` weeks; remove the other archives. Returns what was removed."""
    archives = sorted(
        (
            (
                datetime.datetime.strptime(found[1], "%Y-%m-%dT%H%M%SZ").replace(
                    tzinfo=datetime.UTC
                ),
                path,
            )
            for path in folder.iterdir()
            if (found := NAME.fullmatch(path.name))
        ),
        reverse=True,
    )
    kept: set[Path] = set()
    for count, period in ((daily, _day), (weekly, _week)):
        periods: set[object] = set()
        for when, path in archives:
            if len(periods) < count and period(when) not in periods:
                periods.add(period(when))
                kept.add(path)
    removed = [path for _, path in archives if path not in kept]
    for path in removed:
        path.unlink()
    return removed


def backup_scheduled() -> Path:
    """The scheduled backup into BACKUP_DIR, then the trim; a failure is counted for the health
    line and raised again for the worker's log."""
    try:
        made = backup_create(
            folder=Path(settings.BACKUP_DIR), passphrase=settings.BACKUP_PASSPHRASE
        )
        backups_prune(
            folder=Path(settings.BACKUP_DIR),
            daily=settings.BACKUP_KEEP_DAILY,
            weekly=settings.BACKUP_KEEP_WEEKLY,
        )
    except Exception:
        JobRun.objects.get_or_create(name=BACKUP_JOB, defaults={"finished_at": timezone.now()})
        JobRun.objects.filter(name=BACKUP_JOB).update(failures=F("failures") + 1)
        raise
    return made
