"""The app's settings with the benchmarks' URLconf, which adds the floor page."""

from knotwork.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
