"""A loopback SMTP server that accepts and drops every message, in a process of its own, so a
benchmark's sender does not share its interpreter. On SIGTERM it prints how many it accepted.
Run with: python bench/smtp_sink.py PORT"""

import signal
import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller


class Count:
    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted += 1
        return "250 Message accepted"


def main() -> None:
    handler = Count()
    controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    controller.start()
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    print(handler.accepted, flush=True)


if __name__ == "__main__":
    main()
