"""Shows search highlights as <mark>, with everything else escaped."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from relationships.services.search import MARK_END, MARK_START

register = template.Library()


@register.filter
def highlight(value: str | None) -> SafeString:
    """Escape the text first, then turn the database's plain markers into <mark> tags."""
    text = escape(value or "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308
