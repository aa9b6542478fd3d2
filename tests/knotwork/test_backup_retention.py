"""A folder of scheduled backups keeps the newest of each of the last few days and weeks."""

import datetime
from pathlib import Path

from knotwork.backup.services import backups_prune

START = datetime.datetime(2026, 11, 1, 3, 15, tzinfo=datetime.UTC)  # a Sunday


def archive(folder: Path, when: datetime.datetime, suffix: str = ".tar") -> Path:
    path = folder / f"knotwork-{when:%Y-%m-%dT%H%M%SZ}{suffix}"
    path.write_bytes(b"")
    return path


def test_it_keeps_seven_days_and_four_weeks(tmp_path: Path):
    for day in range(60):  # 1 November to 30 December, nightly
        archive(tmp_path, START + datetime.timedelta(days=day))
    manual = archive(tmp_path, datetime.datetime(2026, 12, 30, 12, 15, tzinfo=datetime.UTC))
    (tmp_path / "notes.txt").write_text("not an archive")

    removed = backups_prune(folder=tmp_path, daily=7, weekly=4)

    # The newest of each of the last seven days (the manual one, on the 30th), and of each of
    # the last four ISO weeks (Monday to Sunday): the 30th's week, then Sundays the 27th, 20th
    # and 13th.
    nightly = [f"knotwork-2026-12-{day}T031500Z.tar" for day in (13, 20, 24, 25, 26, 27, 28, 29)]
    assert sorted(path.name for path in tmp_path.iterdir()) == [*nightly, manual.name, "notes.txt"]
    assert len(removed) == 60 - 8


def test_encrypted_archives_count_alike(tmp_path: Path):
    older = archive(tmp_path, START, ".age.tar")
    newer = archive(tmp_path, START + datetime.timedelta(hours=1), ".age.tar")

    assert backups_prune(folder=tmp_path, daily=1, weekly=0) == [older]
    assert newer.exists()
