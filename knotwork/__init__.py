from knotwork.celery import app as celery_app

# Knotwork's version, in semantic versioning: the one place it is written. pyproject.toml repeats
# it for tools, and tests/test_version.py keeps the two equal.
__version__ = "1.0.0"

__all__ = ["__version__", "celery_app"]
