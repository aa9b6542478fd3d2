"""Every page of the app, for tests that must cover them all: an account holding one of every
kind of object with every text field set to chosen text, and a crawl that starts from every URL
in the URLconf and follows every link and htmx request it finds.

A new model or a new view is covered without anyone remembering to add it: a model with text
fields that no seed makes fails `test_every_model_with_text_is_seeded`, and a URL whose argument
names no seeded object fails the crawl."""

import contextlib
import datetime
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from unittest import mock
from urllib.parse import urljoin, urlsplit

from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.http import HttpResponse, QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import AccessToken, User
from calendars.models import CalendarFeed
from common.models import Removal
from common.undo import removal_delete
from connections.models import Connection
from connections.services import introduction_set
from contacts.models import Channel, Person, PersonDate, Tag
from conversations.models import Conversation, Story, Touch
from digest.services import Action, action_token
from favours.models import Favour
from portability.models import ImportBatch
from relationships.services.muscles import muscles_recompute
from tests.factories import with_photo

LONG_AGO = datetime.date(2020, 3, 1)

# Fields that hold no free text a person typed: formats checked on the way in, or plumbing.
NOT_FREE_TEXT = (
    models.EmailField,
    models.URLField,
    models.UUIDField,
    models.SlugField,
    models.GeneratedField,
)
SKIPPED_FIELDS = {"password", "time_zone", "language"}


def content_of(response: HttpResponse) -> bytes:
    """The body of any response, a file sent as it is written too."""
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


@dataclass
class Seeded:
    """The objects made for one owner, by the URL argument that names each kind."""

    owner: User
    objects: dict[str, models.Model] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)


def free_text_fields(model: type[models.Model]) -> list[models.Field[object, object]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, NOT_FREE_TEXT)
        and not f.choices
        and f.name not in SKIPPED_FIELDS
    ]


# Reference data the same for every account, loaded by a migration and never written by a
# page: the gazetteer of towns.
REFERENCE_APPS = {"places"}


def project_models(*, include_auto_created: bool = False) -> list[type[models.Model]]:
    """The project's own models (not Django's or allauth's), without reference data."""
    root = str(settings.BASE_DIR)
    return [
        model
        for config in apps.get_app_configs()
        if config.path.startswith(root)
        and "/.venv/" not in config.path
        and config.label not in REFERENCE_APPS
        for model in config.get_models(include_auto_created=include_auto_created)
    ]


def fill_text(obj: models.Model, text: Callable[[int], str], seeded: Seeded) -> None:
    """Set every free-text field of `obj` to its own text, numbered so a failure names it."""
    for f in free_text_fields(type(obj)):
        value = text(len(seeded.texts))[: f.max_length or None]
        seeded.texts.append(f"{type(obj).__name__}.{f.name}: {value}")
        setattr(obj, f.attname, value)
    obj.save()


def seed_account(owner: User, text: Callable[[int], str], client: Client) -> Seeded:
    """One of every kind of object, every free-text field holding `text(n)`, arranged so that
    each shows somewhere: a quiet relationship on the reach-out list, a follow-up due, an open
    favour, a want-to-meet person, a search hit, an import waiting for confirmation."""
    seeded = Seeded(owner)
    fill_text(owner, text, seeded)
    person = Person.objects.create(owner=owner, name="x", met_on=LONG_AGO)
    fill_text(person, text, seeded)
    with_photo(person)
    wanted = Person.objects.create(owner=owner, name="x", status=Person.Status.WANT_TO_MEET)
    fill_text(wanted, text, seeded)
    tag = Tag.objects.create(owner=owner, name="x")
    fill_text(tag, text, seeded)
    person.tags.add(tag)
    for kind in Channel.Kind:
        fill_text(Channel(person=person, kind=kind, value="x"), text, seeded)
    # A link is the one channel shown as an address to follow.
    Channel.objects.create(person=person, kind=Channel.Kind.LINK, value="javascript:xss(0)")
    conversation = Conversation.objects.create(owner=owner, happened_on=LONG_AGO)
    conversation.people.add(person)
    fill_text(conversation, text, seeded)
    story = Story(owner=owner, conversation=conversation, person=person, text="x")
    story.ask_on = timezone.localdate()
    fill_text(story, text, seeded)
    favour = Favour(owner=owner, person=person, giver=Favour.Giver.ME, happened_on=LONG_AGO)
    fill_text(favour, text, seeded)
    Touch.objects.create(owner=owner, person=person, happened_on=LONG_AGO)
    # A birthday today, so it is a reason on the reach-out list and comes up everywhere.
    today = timezone.localdate()
    date = PersonDate(owner=owner, person=person, kind=PersonDate.Kind.OTHER)
    date.month, date.day = today.month, today.day
    fill_text(date, text, seeded)
    CalendarFeed.objects.create(owner=owner, with_stories=True)
    # Linked to the want-to-meet person, who they could introduce; introduced by a third.
    connection = Connection(owner=owner, person_a=person, person_b=wanted, kind="other")
    fill_text(connection, text, seeded)
    introducer = Person.objects.create(owner=owner, name="x", is_knot=True)
    fill_text(introducer, text, seeded)
    introduction_set(person=person, introducer=introducer)
    muscles_recompute(user_ids=[owner.pk])
    token = AccessToken(owner=owner, scope=AccessToken.Scope.READ, digest=uuid.uuid4().hex)
    fill_text(token, text, seeded)
    device = signed_in_elsewhere(owner, text(len(seeded.texts)))
    batch = _import_waiting(client, owner, text(len(seeded.texts)))
    removal = a_removal(owner)
    seeded.objects = {
        "pk": person,
        "person_pk": person,
        "story_pk": story,
        "batch_pk": batch,
        "conversation": conversation,
        "favour": favour,
        "date_pk": date,
        "connection": connection,
        "token_pk": token,
        "session_pk": device,
        "removal_pk": removal,
    }
    return seeded


def a_removal(owner: User) -> Removal:
    """A tag removed a moment ago, which can still be undone."""
    tag = Tag.objects.create(owner=owner, name="gone")
    return removal_delete(owner=owner, objects=[tag], label="Tag deleted.", back="/people/")


def signed_in_elsewhere(owner: User, user_agent: str) -> UserSession:
    """Another device's session, named by whatever its browser claimed to be."""
    store = SessionStore()
    store.create()
    return UserSession.objects.create(
        user=owner, ip="192.0.2.1", session_key=store.session_key, user_agent=user_agent
    )


def _import_waiting(client: Client, owner: User, name: str) -> ImportBatch:
    """A contacts file read into a preview, the way a user uploads it."""
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nNOTE:{name}\r\nEND:VCARD\r\n"
    upload = SimpleUploadedFile("contacts.vcf", card.encode(), content_type="text/vcard")
    client.post(
        reverse("portability:import_contacts"), {"contacts": upload, "once": str(uuid.uuid4())}
    )
    return ImportBatch.objects.filter(owner=owner).latest("pk")


# Each app's URL argument, and which seeded object it names.
ARGUMENTS = {
    ("conversations", "pk"): "conversation",
    ("favours", "pk"): "favour",
    ("connections", "pk"): "connection",
}
# allauth's pages, and the JSON API's operations (ninja's views), which answer a token and not
# the session: tests/api/test_api.py walks those as a stranger.
THIRD_PARTY = ("allauth.", "ninja.")
# Pages that only take a POST, or that end the session, are not crawled.
NOT_CRAWLED = {"account_logout"}


def url_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.pattern.regex.groupindex:
                continue  # URLs whose argument sits in the prefix: only allauth's passkey keys
            yield from url_patterns(entry.url_patterns, entry.namespace or namespace)
        else:
            yield namespace, entry


def start_urls(seeded: Seeded) -> list[str]:
    """Every URL in the URLconf, with each argument naming one of the seeded objects."""
    urls = []
    owner = seeded.owner
    person = seeded.objects["pk"]
    for namespace, pattern in url_patterns():
        if pattern.name in NOT_CRAWLED or pattern.name is None:
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        arguments = list(pattern.pattern.regex.groupindex)
        if pattern.lookup_str.startswith(THIRD_PARTY) and arguments:
            continue  # allauth's key-carrying links (password reset, email confirmation)
        if name == "digest:action":
            urls += [
                reverse(name, args=[action_token(Action(owner.pk, action, person.pk))])
                for action in ("caught_up", "snooze")
            ]
            urls.append(reverse(name, args=[action_token(Action(owner.pk, "unsubscribe"))]))
            continue
        if name == "calendars:feed":
            feed = CalendarFeed.objects.get(owner=owner)
            urls.append(reverse(name, args=[feed.pk, feed.token]))
            continue
        kwargs = {
            argument: seeded.objects[ARGUMENTS.get((namespace, argument), argument)].pk
            for argument in arguments
        }
        urls.append(reverse(name, kwargs=kwargs))
    return urls


class Links(HTMLParser):
    """The same-site addresses a page can GET: links, and htmx requests with their target."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        target = (values.get("hx-target") or "").removeprefix("#")
        for name in ("href", "hx-get"):
            if values.get(name):
                self.found.append((str(values[name]), target if name == "hx-get" else ""))


@dataclass
class Response:
    url: str
    htmx_target: str | None
    status: int
    content_type: str
    headers: dict[str, str]
    body: str
    # The query parameters the view read; ANY_NAME when it read them all (their values, say).
    read: set[str] = field(default_factory=set)


ANY_NAME = "*"


@contextmanager
def reads_of_query_parameters() -> Iterator[set[str]]:
    """Note the name of every query parameter a view reads, however it reads it: directly,
    through a form, or by going through all of them."""
    read: set[str] = set()

    def by_name(method: Callable[..., Any]) -> Callable[..., Any]:
        def reading(self: QueryDict, key: str, *args: Any) -> Any:
            read.add(key)
            return method(self, key, *args)

        return reading

    def all_of(method: Callable[..., Any]) -> Callable[..., Any]:
        def reading(self: QueryDict, *args: Any) -> Any:
            read.add(ANY_NAME)
            return method(self, *args)

        return reading

    patches = [
        *(
            mock.patch.object(QueryDict, name, by_name(getattr(QueryDict, name)))
            for name in ("__getitem__", "get", "getlist", "__contains__")
        ),
        *(
            mock.patch.object(QueryDict, name, all_of(getattr(QueryDict, name)))
            for name in ("items", "values", "lists", "__iter__")
        ),
    ]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield read


def crawl(client: Client, urls: list[str], limit: int = 400) -> list[Response]:
    """GET every URL, then every same-site link and htmx request found on the pages, each
    once as a page and once as htmx would (with its target). Logout is never followed."""
    seen: set[tuple[str, str | None]] = set()
    queue: list[tuple[str, str | None]] = [(url, None) for url in urls]
    queue += [(url, "") for url in urls]
    responses = []
    while queue and len(responses) < limit:
        url, target = queue.pop(0)
        if (url, target) in seen or _leaves(url):
            continue
        seen.add((url, target))
        headers = {} if target is None else {"HX-Request": "true", "HX-Target": target}
        with reads_of_query_parameters() as read:
            response = client.get(url, headers=headers)
        content_type = response.get("Content-Type", "")
        body = content_of(response).decode(errors="replace") if "text" in content_type else ""
        responses.append(
            Response(
                url,
                target,
                response.status_code,
                content_type,
                dict(response.headers),
                body,
                set(read),
            )
        )
        if "text/html" in content_type:
            parser = Links()
            parser.feed(body)
            for link, link_target in parser.found:
                absolute = urljoin(url, link)
                if urlsplit(absolute).netloc in {"", "testserver"}:
                    path = urlsplit(absolute)._replace(scheme="", netloc="", fragment="").geturl()
                    queue += [(path, None), (path, link_target)]
    return responses


def _leaves(url: str) -> bool:
    """Addresses that are not pages of this app, or that would end the session."""
    path = urlsplit(url).path
    return (
        path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/")
        or path == reverse("account_logout")
        or not path.startswith("/")
        or bool(re.match(r"^/(mailto|tel):", path))
    )


# What a person would type into a required field of each kind.
TYPED = {
    "date": datetime.date(2026, 1, 15).isoformat(),
    "email": "friend@example.org",
    "tel": "+49 30 1234567",
    "url": "https://example.org",
    "number": "30",
}


@dataclass
class Form:
    action: str
    data: dict[str, str] = field(default_factory=dict)
    radios: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)
    typed: bool = False
    # The value of the button it is sent with: forms alike but for it do different things.
    button: str = ""


class Forms(HTMLParser):
    """Every POST form on a page, filled as a person would: what is drawn stays as drawn, and
    each required field gets something typed into it."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.form = Form(a.get("action") or self.page_url)
            self.forms.append(self.form)
        if self.form is None:
            return
        chosen = "selected" in a or self.select not in self.form.data
        if tag == "option" and self.select and a.get("value") and chosen:
            self.form.data[self.select] = a["value"]
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            self._input(self.form, name, a)
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            self.form.data[name] = "Typed text" if "required" in a else ""
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("value"):
            self._button(self.form, name, a["value"])

    @staticmethod
    def _button(form: Form, name: str, value: str) -> None:
        """The first submit button is the one pressed."""
        if name not in form.data:
            form.data[name] = form.button = value

    def _input(self, form: Form, name: str, a: dict[str, str]) -> None:
        kind = a.get("type", "text")
        if kind in {"checkbox", "radio"}:
            first_radio = kind == "radio" and name not in form.radios
            if "checked" in a or first_radio:
                form.data[name] = a.get("value", "on")
            form.radios.add(name)
        elif kind == "file":
            return
        elif kind == "hidden":
            form.hidden.add(name)
            form.data[name] = a.get("value", "")
        elif a.get("value") or not self._to_type(form, a):
            form.data[name] = a.get("value", "")
        else:
            form.data[name] = TYPED.get(kind, "Typed text")
            form.typed = True

    @staticmethod
    def _to_type(form: Form, a: dict[str, str]) -> bool:
        """A required field, or else the first field of a form that requires none: nobody
        sends a form with nothing typed into it."""
        first_text = not form.typed and a.get("type", "text") == "text"
        return "required" in a or first_text

    def handle_data(self, data: str) -> None:
        if self.form is not None and self.textarea and data.strip():
            self.form.data[self.textarea] = data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the block does to the database is undone once it ends."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """How many rows each of the project's tables holds, in one query."""
    tables = {
        model._meta.db_table
        for model in project_models(include_auto_created=True)
        if not model._meta.proxy
    }
    counting = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM {table}"  # noqa: S608 -- our own table names
        for table in sorted(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(counting)
        return dict(cursor.fetchall())


def page_forms(client: Client, seeded: Seeded) -> list[Form]:
    """Every POST form on every page of the account, filled as a person would, once each."""
    logout = reverse("account_logout")
    forms: dict[tuple[str, tuple[str, ...], str], Form] = {}
    for response in crawl(client, start_urls(seeded)):
        if response.htmx_target is None and "text/html" in response.content_type:
            parser = Forms(response.url)
            parser.feed(response.body)
            for form in parser.forms:
                if not form.action.startswith(logout):
                    forms.setdefault((form.action, tuple(sorted(form.data)), form.button), form)
    return list(forms.values())
