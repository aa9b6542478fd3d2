"""Shared fixtures: alice owns the data, bob is the stranger who must never see it."""

import os
from collections.abc import Iterator

import dj_database_url
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from knotwork.celery import app as celery_app
from knotwork.embedded_db import ensure_database_url
from tests.clock import moved_clock
from tests.factories import UserFactory
from tests.template_db import migrated_template

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """With no DATABASE_URL the tests run on the embedded PostgreSQL, started here. Each test
    database is a copy of one migrated template (tests/template_db.py)."""
    if not os.environ.get("DATABASE_URL"):
        ensure_database_url()
        django_settings.DATABASES["default"].update(
            dj_database_url.parse(os.environ["DATABASE_URL"])
        )
    database = django_settings.DATABASES["default"]
    database.setdefault("TEST", {})["TEMPLATE"] = migrated_template(database)


@pytest.fixture(scope="session", autouse=True)
def _clock() -> Iterator[None]:
    """KNOTWORK_TEST_CLOCK moves the whole run's clock far from today (see tests/clock.py)."""
    with moved_clock():
        yield


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_in_process() -> None:
    """Tasks queued on commit run right away in the test process; the job tests that need a
    real worker start one themselves."""
    celery_app.conf.task_always_eager = True


@pytest.fixture(scope="session", autouse=True)
def _quick_passwords() -> Iterator[None]:
    """Every test user has a password, and production's hasher spends half a second on each
    on purpose. How a password is hashed is Django's to test, not ours."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache(settings: object) -> None:
    """Rate limits live in the cache: each test starts with none counted."""
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Photos a test stores go to a folder of its own, never into the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@pytest.fixture
def alice(db: None) -> User:
    return UserFactory(username="alice", email="alice@example.org", first_name="Alice")


@pytest.fixture
def bob(db: None) -> User:
    return UserFactory(username="bob", email="bob@example.org", first_name="Bob")


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def reauthenticate(client: Client, password: str = PASSWORD) -> None:
    """Give the password again, as a sensitive action (export, deletion, tokens) asks."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302
