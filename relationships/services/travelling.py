"""Travelling to a city: everyone you know who lives there, the closest first."""

from collections.abc import Mapping, Sequence

from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When
from django.db.models.functions import Upper

from accounts.models import User
from common.search import Fold, folded
from contacts.models import Circle, Person, PersonQuerySet

CIRCLE_ORDER = [Circle.INNER, Circle.CLOSE, Circle.WIDER, Circle.ACQUAINTANCE]
CITIES_SHOWN = 24


def city_people(*, user: User, city: str) -> PersonQuerySet:
    """The user's people living in the city, case and accents aside ("munchen" is München, and
    "Frankfurt" is Frankfurt am Main too): people they know, by circle and then by how strong
    the relationship is now; then those they want to meet. Each carries `strength` and
    `last_contact_on` from their muscle."""
    typed = city.strip()
    return (
        Person.objects.for_user(user)
        .filter(archived=False)
        .alias(folded_city=Fold("city"))
        .filter(Q(folded_city=folded(typed)) | Q(folded_city__startswith=folded(f"{typed} ")))
        .annotate(strength=F("muscle__strength"), last_contact_on=F("muscle__last_contact_on"))
        .order_by(
            Case(When(status=Person.Status.WANT_TO_MEET, then=1), default=0),
            Case(
                *(When(circle=c, then=Value(rank)) for rank, c in enumerate(CIRCLE_ORDER)),
                output_field=IntegerField(),
            ),
            F("strength").desc(nulls_last=True),
            Upper("name"),
            "pk",
        )
    )


def city_counts(*, user: User) -> Sequence[Mapping[str, object]]:
    """The cities the user's people live in, with how many, most first; spellings that differ
    only in case or accents count as one."""
    return list(
        Person.objects.for_user(user)
        .filter(archived=False)
        .exclude(city="")
        .values(key=Fold("city"))
        .annotate(city=Min("city"), people=Count("pk"))
        .order_by("-people", "key")[:CITIES_SHOWN]
    )
