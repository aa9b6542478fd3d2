"""Run the same job several times at once, each on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(action: Callable[[], object], times: int) -> list[BaseException]:
    """Start `times` threads running `action` together; return what any of them raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # every failure is returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
