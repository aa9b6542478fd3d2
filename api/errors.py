"""What the API answers when it does not do what was asked: the shape of each error, which
errors each kind of operation can give, and what each one means, declared once for them all."""

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str


class FormErrorsOut(Schema):
    errors: dict[str, list[dict[str, str]]] = Field(
        ..., description="What the form refused, field by field, in the token owner's language."
    )


class InvalidItemOut(Schema):
    type: str
    loc: list[str | int] = Field(..., description="Where: query, path or body, then the field.")
    msg: str
    ctx: dict[str, Any] | None = None


class InvalidOut(Schema):
    detail: list[InvalidItemOut]


# Every operation: a NUL byte anywhere in the request, no live token, too many requests.
ANY = {400: ErrorOut, 401: ErrorOut, 429: ErrorOut}
# One that reads parameters or a body, which may not fit the schema.
CHECKED = ANY | {422: InvalidOut}
# One that reads a person by id, whom the token's owner may not have.
ONE_PERSON = CHECKED | {404: ErrorOut}
# One that changes something, which a read-only token may not.
WRITES = ONE_PERSON | {403: ErrorOut}
# One that creates through a form under the caller's key: the form may refuse the details, the
# body may not be JSON at all, and the key may already be spent.
CREATES = WRITES | {400: FormErrorsOut | ErrorOut, 409: ErrorOut}

MEANINGS = {
    400: "Refused as sent: `detail` says why (a NUL byte anywhere in the request, a body that "
    "is not JSON), or, where a form reads the body, `errors` says what it refused, field by field.",
    401: "No token, or a wrong, expired or revoked one: all look alike.",
    403: "The token may only read.",
    404: "The token's owner has no person with that id (`detail` names one sent in the body).",
    409: "The key was already used with other details, for the other kind of entry, or for "
    "something since deleted. Send the entry with a new key.",
    422: "A parameter or the body does not fit this schema: `detail` lists each problem.",
    429: "More requests this minute than the token may make: wait `Retry-After` seconds.",
}
HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": "The scheme to authenticate with (RFC 6750).",
            "required": True,
            "schema": {"type": "string", "const": "Bearer"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the token may ask again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


def described(responses: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """An operation's answers in order of status, each error saying what it means and the
    headers it comes with: ninja gives only the name of the status."""
    for status, response in responses.items():
        if status in MEANINGS:
            response["description"] = MEANINGS[status]
        if status in HEADERS:
            response["headers"] = HEADERS[status]
    return dict(sorted(responses.items()))
