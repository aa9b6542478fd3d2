"""The account tag of quick capture, for the logout form: logging out clears what the phone
keeps for that account, and nothing of any other."""

from django import template

from accounts.models import User
from relationships.capture import capture_account as account_tag

register = template.Library()


@register.filter
def capture_account(user: User) -> str:
    return account_tag(user)
