"""/healthz for uptime monitors: can the app reach its database and broker, when did the jobs
last run, which version is this. No login, nothing about any account, a few answers a minute."""

from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from knotwork import __version__
from knotwork.celery import app as celery_app
from relationships.models import JobRun

JOBS = ("muscles", "digest", "backup")


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _broker() -> bool:
    """A connection to Celery's broker within a couple of seconds, as a worker would open it."""
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:  # whatever the transport raises, the broker is down
        return False
    return True


def _jobs() -> dict[str, dict[str, Any] | None]:
    runs = {run.name: run for run in JobRun.objects.filter(name__in=JOBS)}
    now = timezone.now()
    return {
        name: {
            "age_seconds": int((now - run.finished_at).total_seconds()),
            "failures": run.failures,
            "overdue": run.overdue,
        }
        if (run := runs.get(name))
        else None
        for name in JOBS
    }


def _limited(request: HttpRequest) -> bool:
    """Counts the client's requests this minute in the cache, as allauth's rate limits do."""
    key = f"healthz:{get_adapter().get_client_ip(request)}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=60)
    return cache.incr(key) > settings.HEALTHZ_RATE_LIMIT_PER_MINUTE


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    if _limited(request):
        return JsonResponse(
            {"status": "too many requests"}, status=429, headers={"Retry-After": "60"}
        )
    database = _database()
    checks: dict[str, Any] = {"database": database, "broker": _broker()}
    checks["jobs"] = _jobs() if database else {}
    stale = [
        name for name, job in checks["jobs"].items() if job and (job["overdue"] or job["failures"])
    ]
    healthy = checks["database"] and checks["broker"] and not stale
    body = {"status": "ok" if healthy else "failing", "version": __version__, **checks}
    return JsonResponse(body, status=200 if healthy else 503)
