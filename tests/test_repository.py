"""What must never be committed: files a local broker writes while a worker runs."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIT = shutil.which("git") or "git"


def test_no_broker_files_are_committed():
    tracked = subprocess.run(
        [GIT, "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    broker_files = [
        path for path in tracked if path.endswith(".exchange") or "/control/" in f"/{path}"
    ]
    assert broker_files == []
    assert tracked  # the check ran inside the repository


def test_the_broker_folders_are_ignored():
    ignored = subprocess.run(
        [GIT, "check-ignore", "bench/control/celery.exchange", "control/x.msg"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == ["bench/control/celery.exchange", "control/x.msg"]
