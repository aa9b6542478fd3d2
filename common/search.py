"""Full-text search plumbing shared by every app that stores searchable text.

Each searchable row keeps one stored, indexed vector holding both English and German
stemming, so a story is found in either language whatever the writer's UI language. Both
configurations drop accents first ("cafe" finds "café"), and names are compared folded the same
way; migration common 0002 makes the configurations and the folding function.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import models
from django.db.models import Aggregate, Expression, Func, TextField, Value

LANGUAGES = ("knotwork_english", "knotwork_german")


def stemmed_vector(*weighted_fields: tuple[str, str]) -> Expression:
    """English and German stems of the given (field, weight) pairs, as one tsvector."""
    vectors = [
        SearchVector(field, config=config, weight=weight)
        for config in LANGUAGES
        for field, weight in weighted_fields
    ]
    combined: Expression = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_vector_field(*weighted_fields: tuple[str, str]) -> models.GeneratedField:
    return models.GeneratedField(
        expression=stemmed_vector(*weighted_fields),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def stemmed_query(text: str) -> SearchQuery:
    """What the person typed, stemmed both ways: "Operationen" finds "Operation"."""
    english, german = (SearchQuery(text, config=c, search_type="websearch") for c in LANGUAGES)
    return english | german


class Fold(Func):
    """Text as it is compared: lower case, with no accents. `Fold("name")` for a column,
    `Fold(Value(text))` for what someone typed."""

    function = "knotwork_fold"
    output_field = TextField()


def folded(text: str) -> Fold:
    return Fold(Value(text))


def name_likeness(typed: str, field: str) -> TrigramWordSimilarity:
    """How alike, word by word and folded, what was typed is to a name (0 to 1)."""
    # Django takes any expression as the typed side; its stubs only admit a string.
    return TrigramWordSimilarity(folded(typed), Fold(field))  # type: ignore[arg-type]


class MostUsed(Aggregate):
    """The value most rows of a group hold: "Zalando" for three "Zalando" and one "zalando".
    A tie goes to the first in code-point order, capitals before small letters."""

    function = "MODE"
    template = '%(function)s() WITHIN GROUP (ORDER BY %(expressions)s COLLATE "C")'
    output_field = TextField()
