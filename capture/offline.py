"""What the service worker keeps so the capture page opens with no connection: the static
files the page loads, and a version that changes whenever one of them does."""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static

# What the capture page loads from /static/: the service worker keeps these for offline use.
OFFLINE_ASSETS = (
    "css/knotwork.css",
    "js/knotwork.js",
    "js/capture.js",
    "django_htmx/htmx-2.min.js",
    "favicon.svg",
    "manifest.webmanifest",
)


def offline_assets() -> list[str]:
    return [static(path) for path in OFFLINE_ASSETS]


def offline_version() -> str:
    """Changes whenever a file the offline page needs changes, so a deploy refreshes the copy
    the service worker keeps. Hashed from the files, as their URLs only change in production."""
    digest = hashlib.sha256()
    for path in OFFLINE_ASSETS:
        found = finders.find(path)
        if not isinstance(found, str):
            raise ImproperlyConfigured(f"The capture page needs the static file {path}.")
        digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]
