"""`manage.py restore ARCHIVE`: a backup back into an empty database and media folder."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from knotwork.backup.archive import BackupError, is_sealed
from knotwork.backup.services import backup_restore
from knotwork.management.commands.backup import ask_passphrase


class Command(BaseCommand):
    help = "Restore an archive made by `backup` into an empty database and media folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database and the media folder hold now.",
        )
        parser.add_argument("--database", default="default", help="The database to restore into.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        passphrase = ask_passphrase(twice=False) if is_sealed(archive) else ""
        try:
            manifest = backup_restore(
                archive=archive,
                passphrase=passphrase,
                force=options["force"],
                using=options["database"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        people = manifest.rows.get("contacts_person", 0)
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} (Knotwork {manifest.version}): "
            f"{people:,} people and {len(manifest.files) - 1:,} files, migrated to this version."
        )
