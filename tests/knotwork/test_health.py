"""/healthz: 200 when the database, the broker and the jobs are well, 503 when one is not, 429
for a flood; no login, and nothing about any account."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from knotwork import __version__
from knotwork.celery import app as celery_app
from relationships.models import JobRun
from tests.dates import NOW
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_all_well_is_200_with_the_version_and_the_jobs_ages():
    JobRun.objects.create(name="muscles", finished_at=NOW - datetime.timedelta(minutes=12))
    JobRun.objects.create(name="backup", finished_at=NOW - datetime.timedelta(hours=20))

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "database": True,
        "broker": True,
        "jobs": {
            "muscles": {"age_seconds": 720, "failures": 0, "overdue": False},
            "digest": None,
            "backup": {"age_seconds": 72000, "failures": 0, "overdue": False},
        },
    }


def test_a_broker_that_does_not_answer_is_503(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")  # discard port

    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["broker"] is False
    assert response.json()["database"] is True


def test_a_job_that_stopped_or_failed_is_503(settings: object):
    settings.BACKUP_DIR = "/backups"  # type: ignore[attr-defined]
    JobRun.objects.create(name="muscles", finished_at=NOW - datetime.timedelta(hours=3))
    assert Client().get(reverse("healthz")).status_code == 503

    JobRun.objects.filter(name="muscles").update(finished_at=NOW)
    JobRun.objects.create(name="backup", finished_at=NOW, failures=1)
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["jobs"]["backup"]["failures"] == 1


def test_a_flood_gets_429(settings: object):
    settings.HEALTHZ_RATE_LIMIT_PER_MINUTE = 5  # type: ignore[attr-defined]
    client = Client()
    statuses = [client.get(reverse("healthz")).status_code for _ in range(7)]

    assert statuses == [200] * 5 + [429] * 2
    assert Client(REMOTE_ADDR="198.51.100.7").get(reverse("healthz")).status_code == 200


def test_it_shows_nothing_of_any_account(alice: User, alice_client: Client):
    PersonFactory(owner=alice, name="Helga Brandt")

    text = alice_client.get(reverse("healthz")).text

    assert "alice" not in text
    assert "Helga" not in text
    assert "Set-Cookie" not in str(Client().get(reverse("healthz")).headers)
