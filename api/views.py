"""The API's operations. Each one reads or writes through the same services and forms as the
pages, so a conversation, a capture or a touch made here is the one the pages would make."""

import uuid
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from api.auth import TokenRequest, require_write
from api.errors import ANY, CHECKED, CREATES, ONE_PERSON, WRITES
from api.schemas import (
    CaptureIn,
    CaptureOut,
    CaughtUpOut,
    ConversationIn,
    ConversationOut,
    Id,
    PersonDetailOut,
    PersonOut,
    ReachOutOut,
)
from capture.forms import CaptureForm
from common.once import KeySpent, create_once, fingerprint
from common.ownership import get_owned_or_404
from contacts.models import Person
from conversations.forms import ConversationForm, StoryForm
from conversations.models import Conversation
from conversations.services import touch_record
from relationships.services.reach_out import reach_out

router = Router()
# Keys that are not a UUID (a shortcut's timestamp, say) name one all the same.
KEY_NAMESPACE = uuid.UUID("5b4f4c3e-0a5e-4b9b-9b8e-6b6e6f74776b")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond anyone's people, and its offset far inside what PostgreSQL can count to.
MAX_PAGE = 10**6


class FormErrors(Exception):
    """A form refused the input: answered as 400 with its messages, field by field."""

    def __init__(self, errors: dict[str, list[dict[str, str]]]) -> None:
        super().__init__("invalid")
        self.errors = errors


def once_key(key: str) -> uuid.UUID:
    try:
        return uuid.UUID(key)
    except ValueError:
        return uuid.uuid5(KEY_NAMESPACE, key)


def blanks(data: dict[str, Any]) -> dict[str, Any]:
    """Form data as a browser sends it: nothing left out is an empty field."""
    return {name: "" if value is None else value for name, value in data.items()}


def owned_people(request: TokenRequest, ids: list[int]) -> list[Person]:
    """The people with these ids, in the order given. An id the token's owner has no one by
    (anyone else's, say) is a 404 that names it, so a script can tell which one was wrong."""
    found = Person.objects.for_user(request.auth.owner).in_bulk(set(ids))
    for pk in ids:
        if pk not in found:
            raise HttpError(404, _("No person with id %(id)s.") % {"id": pk})
    return [found[pk] for pk in dict.fromkeys(ids)]


def require_tellers_present(payload: ConversationIn) -> None:
    """A story is told by one of the conversation's people; a 404 names anyone else."""
    for story in payload.stories:
        if story.person not in payload.people:
            raise HttpError(
                404,
                _("No person with id %(id)s among the conversation's people.")
                % {"id": story.person},
            )


class PeopleFilter(Schema):
    q: str = ""


class Pages(PageNumberPagination):
    """Page numbers and sizes within bounds the schema states, rather than a page so far on
    that its offset overflows the database."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


@router.get("/people", response={200: list[PersonOut]} | CHECKED, summary="People, by name")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def people_list(request: TokenRequest, filters: Query[PeopleFilter]) -> Any:
    """Everyone not archived, in name order; `q` matches part of a name, spark, where you met,
    organisation, role or town, case and accents aside (as the people list does)."""
    return Person.objects.for_user(request.auth.owner).filtered(q=filters.q[:200])


@router.get("/people/{person_id}", response={200: PersonDetailOut} | ONE_PERSON)
def person_detail(request: TokenRequest, person_id: Path[Id]) -> Any:
    """One person, with their tags, how to reach them and their dates."""
    return get_owned_or_404(
        Person.objects.prefetch_related("tags", "channels", "dates"),
        request.auth.owner,
        pk=person_id,
    )


@router.post(
    "/people/{person_id}/caught-up",
    response={200: CaughtUpOut, 201: CaughtUpOut} | WRITES,
    summary="We caught up",
)
def caught_up(request: TokenRequest, person_id: Path[Id]) -> Any:
    """A minimal "we caught up" today: once a day for each person, however often it is sent."""
    require_write(request)
    person = get_owned_or_404(Person, request.auth.owner, pk=person_id)
    touch, created = touch_record(person=person)
    return Status(
        201 if created else 200,
        {"person": person.pk, "happened_on": touch.happened_on, "created": created},
    )


@router.post(
    "/conversations",
    response={200: ConversationOut, 201: ConversationOut} | CREATES,
)
def conversation_create(request: TokenRequest, payload: ConversationIn) -> Any:
    """A conversation with one or more of your people, and the stories they told in it. Sent
    again with the same key, it records nothing and answers with the first one."""
    require_write(request)
    owner = request.auth.owner
    people = owned_people(request, payload.people)
    require_tellers_present(payload)
    form = ConversationForm(
        {
            "happened_on": payload.happened_on or timezone.localdate(),
            "kind": payload.kind,
            "place": payload.place,
            "notes": payload.notes,
            "once": once_key(payload.key),
        },
        owner=owner,
        person=people[0],
    )
    if not form.is_valid():
        return Status(400, {"errors": form.errors.get_json_data()})

    def record() -> Conversation:
        conversation = form.save()
        conversation.people.add(*people[1:])
        for story in payload.stories:
            # The conversation's key covers its stories: each story form gets a key of its own.
            story_form = StoryForm(
                blanks(story.dict()) | {"once": uuid.uuid4()}, conversation=conversation
            )
            if not story_form.is_valid():
                raise FormErrors(story_form.errors.get_json_data())
            story_form.save()
        return conversation

    try:
        conversation, created = create_once(
            owner=owner,
            key=form.key,
            model=Conversation,
            fingerprint=fingerprint(payload.dict()),
            create=record,
        )
    except FormErrors as refused:
        return Status(400, {"errors": refused.errors})
    except KeySpent as spent:
        return Status(409, {"detail": str(spent.message)})
    prefetch_related_objects([conversation], "people", "stories")
    return Status(201 if created else 200, conversation)


@router.post(
    "/capture",
    response={200: CaptureOut, 201: CaptureOut} | CREATES,
)
def capture(request: TokenRequest, payload: CaptureIn) -> Any:
    """The capture page's entry, for a phone shortcut: someone met just now, where, what drew
    you to them and what they told you. Sent again with the same key, it records nothing."""
    require_write(request)
    owner = request.auth.owner
    if payload.person is not None:
        owned_people(request, [payload.person])
    birthday = payload.birthday
    data = payload.dict(exclude={"birthday"}) | {
        "key": once_key(payload.key),
        "person": payload.person or "",
        # The form's own fields, so the page and the API check a birthday alike.
        "birthday_day": birthday.day if birthday else None,
        "birthday_month": birthday.month if birthday else None,
        "birthday_year": birthday.year if birthday else None,
    }
    form = CaptureForm(blanks(data), owner=owner)
    recorded = form.is_valid() and form.save()
    if form.spent:
        return Status(409, {"detail": str(form.spent.message)})
    if not recorded:
        return Status(400, {"errors": form.errors.get_json_data()})
    person, created = recorded
    return Status(201 if created else 200, {"created": created, "person": person})


@router.get(
    "/reach-out", response={200: list[ReachOutOut]} | ANY, summary="This week's reach-out list"
)
def reach_out_list(request: TokenRequest) -> Any:
    """The few people to reach out to this week, each with why and how to start."""
    page = reach_out(user=request.auth.owner)
    return [
        {
            "person": entry.person,
            "last_contact_on": entry.muscle.last_contact_on if entry.muscle else None,
            "reason": entry.reason(),
            "starter": entry.starter(),
        }
        for entry in page.people
    ]
