"""The Undo button beside a message that says what was removed (common.undo.removal_offer)."""

from django import template
from django.contrib.messages.storage.base import Message

register = template.Library()


@register.filter
def removal_pk(message: Message) -> int | None:
    """The removal a message offers to undo, if it offers one."""
    for tag in (message.extra_tags or "").split():
        if tag.startswith("undo:") and tag[5:].isdigit():
            return int(tag[5:])
    return None
