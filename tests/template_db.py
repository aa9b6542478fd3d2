"""A migrated database every test run clones rather than migrates.

Migrating a new test database takes half a minute (the gazetteer's towns come in with it), once
for each process of a parallel run. The first run after a migration changes migrates one
template database; every test database is then a copy of it, made by PostgreSQL in a second.
The template's name carries a hash of the migrations, so one made before they changed is never
used, and it is kept between runs."""

import hashlib
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
# Every process of a run, and every run on the server, builds the template under this lock.
LOCK = 0x6B6E6F74


def _migrations_hash() -> str:
    """What decides the migrated schema: the project's migrations and the versions of the
    libraries whose migrations it applies."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    for package in ("django", "django-allauth"):
        digest.update(importlib.metadata.version(package).encode())
    return digest.hexdigest()[:12]


def migrated_template(database: dict[str, Any]) -> str:
    """The name of a template holding `database`'s schema fully migrated, built if need be."""
    name = f"{database['NAME']}_template_{_migrations_hash()}"
    building = f"{name}_building"
    server = {
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        try:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                _drop_older(admin, database["NAME"])
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
                _migrate(building)
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(name)
                    )
                )
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
    return name


def _drop_older(admin: psycopg.Connection[Any], base: str) -> None:
    """Templates of this database made for other migrations, and any left half-built."""
    pattern = base.replace("_", r"\_") + r"\_template\_%"
    found = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])
    for (old,) in found.fetchall():
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(old)))


def _migrate(name: str) -> None:
    """In a process of its own, so this one's connections and settings stay as they are."""
    url = urlsplit(os.environ["DATABASE_URL"])
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": urlunsplit(url._replace(path=f"/{name}"))},
        check=True,
    )
