"""Every email is three templates, `<name>-subject.txt`, `<name>-body.txt` and
`<name>-body.html` (for the digest, `digest/email-…`), rendered and sent here."""

from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string


def _plain_text(template: str, context: dict[str, Any]) -> str:
    """A text template rendered as plain text. render_to_string marks what it returns as safe
    HTML, which plain text is not: slicing drops the mark, so a page that shows the text
    escapes it like any other string."""
    return render_to_string(template, context)[:]


def build(
    name: str, context: dict[str, Any], *, to: str, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    subject = " ".join(_plain_text(f"{name}-subject.txt", context).split())
    text = _plain_text(f"{name}-body.txt", context)
    html = render_to_string(f"{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def connection() -> BaseEmailBackend:
    """One open connection to send a batch through."""
    return mailers.default
