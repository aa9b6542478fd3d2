"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for mail tests."""

import asyncio
import email
import email.message
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sink:
    """Keeps each message the server accepted, and when (`arrivals`, monotonic seconds).
    `delay` slows every MAIL FROM, so a test can stop a sender part-way through a batch before
    the next message is accepted. With `hold_after`, the server accepts that many messages and
    then keeps every further MAIL FROM waiting (`holding` is true) until `release()`."""

    delay: float = 0.0
    hold_after: int | None = None
    messages: list[email.message.Message] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    holding: bool = False
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()

    async def handle_MAIL(
        self,
        server: Any,
        session: Any,
        envelope: Any,
        address: str,
        options: list[str],
    ) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.holding = not self.released.is_set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            self.holding = False
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
        self.arrivals.append(time.monotonic())
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return sorted(str(message["To"]) for message in self.messages)


class SMTPServer:
    def __init__(self, port: int, sink: Sink) -> None:
        self.sink = sink
        self.controller = Controller(sink, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self.sink

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll another process's progress (a worker, a server) until the condition holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)
