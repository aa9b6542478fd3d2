"""Every email is three templates, `emails/<name>-subject.txt`, `-body.txt` and `-body.html`,
rendered and sent here."""

from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string


def build(
    name: str, context: dict[str, Any], *, to: str, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def connection() -> BaseEmailBackend:
    """One open connection to send a batch through."""
    return mailers.default
