"""`manage.py backup`: one archive of the database and the photos, optionally encrypted."""

import getpass
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from knotwork.backup.archive import BackupError
from knotwork.backup.services import backup_create


def ask_passphrase(*, twice: bool) -> str:
    """The passphrase from BACKUP_PASSPHRASE, or asked at the terminal: never an argument,
    which anyone on the machine could read in the process list."""
    if settings.BACKUP_PASSPHRASE:
        return str(settings.BACKUP_PASSPHRASE)
    if not sys.stdin.isatty():
        raise CommandError("Set BACKUP_PASSPHRASE, or run this at a terminal to be asked.")
    passphrase = getpass.getpass("Passphrase: ")
    if twice and getpass.getpass("The same passphrase again: ") != passphrase:
        raise CommandError("The two passphrases differ.")
    if not passphrase:
        raise CommandError("An empty passphrase protects nothing.")
    return passphrase


class Command(BaseCommand):
    help = "Write one archive of the database and every uploaded file (photos)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder for the archive (default: BACKUP_DIR, or the current folder).",
        )
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help="Encrypt with a passphrase: BACKUP_PASSPHRASE, or asked. (Set, it always is.)",
        )
        parser.add_argument("--database", default="default", help="The database to back up.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["output"] or Path(settings.BACKUP_DIR or ".")
        encrypt = options["encrypt"] or bool(settings.BACKUP_PASSPHRASE)
        passphrase = ask_passphrase(twice=True) if encrypt else ""
        try:
            made = backup_create(folder=folder, passphrase=passphrase, using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up to {made} ({made.stat().st_size:,} bytes).")
