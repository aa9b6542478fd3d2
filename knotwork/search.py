"""Full-text search plumbing shared by every app that stores searchable text.

Each searchable row keeps one stored, indexed vector holding both English and German
stemming, so a story is found in either language whatever the writer's UI language.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import models
from django.db.models import Expression

LANGUAGES = ("english", "german")


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
    english = SearchQuery(text, config="english", search_type="websearch")
    german = SearchQuery(text, config="german", search_type="websearch")
    return english | german
