"""One search over people, stories, conversations and favours."""

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection, transaction
from django.db.models import (
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Replace

from accounts.models import User
from common.search import LANGUAGES, Fold, folded, name_likeness, stemmed_query
from contacts.models import Person
from conversations.models import Conversation, Story
from favours.models import Favour

SEARCH_LIMIT = 30
SEARCH_CANDIDATES = 200
# Marks around highlighted words; plain control characters, so the text can be escaped first.
MARK_START, MARK_END = "\x02", "\x03"
LT, GT = "\ue000", "\ue001"


@dataclass
class Hit:
    kind: str
    item: Any
    snippet: str


def _ranked(owned: QuerySet[Any], kind: str, condition: Q, rank: Any) -> QuerySet[Any]:
    """At most SEARCH_CANDIDATES rows of one kind, found through its own index and ranked as
    they are read, so that a word in thousands of stories does not make every one of them be
    ranked. No order: rows are ranked against each other once, across every kind."""
    candidates: QuerySet[Any] = (
        owned.filter(condition)
        .order_by()
        .annotate(hit_kind=Value(kind), score=Cast(rank, FloatField()))
        .values_list("hit_kind", "id", "score")[:SEARCH_CANDIDATES]
    )
    return candidates


def search_everything(*, user: User, text: str) -> list[Hit]:
    """People, stories, conversation notes and favours matching the words, best first.
    Stemmed full-text search in English and German, plus trigram similarity on names so a
    misspelt name still finds the person. Fixed queries: one ranked union, one fetch per kind."""
    query = stemmed_query(text)
    matches = Q(search=query)
    rank = SearchRank(F("search"), query)  # the stored vector, not one parsed again from text
    people = Person.objects.for_user(user).alias(folded_name=Fold("name"))
    # A misspelt name is its own arm, read through the trigram index; it leaves out the people
    # the words found already, so nobody is listed twice.
    misspelt = Q(folded_name__trigram_similar=folded(text)) & ~matches
    person_rank = rank + name_likeness(text, "name")
    selects = [
        _ranked(people, "person", matches, person_rank),
        _ranked(people, "person", misspelt, person_rank),
        _ranked(Story.objects.for_user(user), "story", matches, rank),
        _ranked(Conversation.objects.for_user(user), "conversation", matches, rank),
        _ranked(Favour.objects.for_user(user), "favour", matches, rank),
    ]
    kinds = ["person", "story", "conversation", "favour"]
    with transaction.atomic():
        # Each kind's candidates come with a LIMIT, which tempts the planner to walk the owner
        # index row by row, or the whole table from wherever the last scan of it stopped; for
        # a rare word either reads every row of every user. Bitmap scans of the (owner, search)
        # and trigram indexes find the candidates directly.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        rows = list(selects[0].union(*selects[1:], all=True).order_by("-score")[:SEARCH_LIMIT])
    ids: dict[str, list[int]] = {kind: [] for kind in kinds}
    for kind, pk, _score in rows:
        ids[kind].append(pk)

    def snippet(field: str) -> SearchHeadline:
        # ts_headline drops anything that looks like an HTML tag; hide the angle brackets
        # from it so the snippet shows exactly what was typed.
        text = Replace(Replace(field, Value("<"), Value(LT)), Value(">"), Value(GT))
        # Highlight English stems, then German ones, so a match in either language is marked.
        english_config, german_config = LANGUAGES
        english = SearchHeadline(
            text,
            query,
            config=english_config,
            max_words=40,
            min_words=20,
            start_sel=MARK_START,
            stop_sel=MARK_END,
        )
        return SearchHeadline(
            english,
            query,
            config=german_config,
            highlight_all=True,
            start_sel=MARK_START,
            stop_sel=MARK_END,
        )

    fetched: dict[str, QuerySet[Any]] = {
        "person": Person.objects.filter(pk__in=ids["person"]).annotate(
            snippet=snippet("spark"), name_snippet=snippet("name")
        ),
        "story": Story.objects.filter(pk__in=ids["story"])
        .select_related("person", "conversation")
        .annotate(snippet=snippet("text")),
        "conversation": Conversation.objects.filter(pk__in=ids["conversation"])
        .prefetch_related("people")
        .annotate(snippet=snippet("notes")),
        "favour": Favour.objects.filter(pk__in=ids["favour"])
        .select_related("person")
        .annotate(snippet=snippet("what")),
    }
    found = {(kind, obj.pk): obj for kind, qs in fetched.items() for obj in qs}
    return [Hit(kind, found[(kind, pk)], _restored(found[(kind, pk)])) for kind, pk, _ in rows]


def _restored(item: Any) -> str:
    """Undo what the headline needed: angle brackets back, and words that both languages
    marked marked once."""
    for name in ("snippet", "name_snippet"):
        if hasattr(item, name):
            text = getattr(item, name).replace(LT, "<").replace(GT, ">")
            text = text.replace(MARK_START * 2, MARK_START).replace(MARK_END * 2, MARK_END)
            setattr(item, name, text)
    return str(item.snippet)
