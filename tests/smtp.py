"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for mail tests."""

import email
import email.message
import socket
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
    """Keeps each message the server accepted. `delay` slows every MAIL FROM, so a test can
    stop a sender part-way through a batch before the next message is accepted."""

    delay: float = 0.0
    messages: list[email.message.Message] = field(default_factory=list)

    async def handle_MAIL(
        self,
        server: Any,
        session: Any,
        envelope: Any,
        address: str,
        options: list[str],
    ) -> str:
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
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
