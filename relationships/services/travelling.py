"""Travelling to a city: everyone you know who lives there, the closest first, then those who
live near it, the nearest first."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Upper

from accounts.models import User
from contacts.models import Circle, Person, PersonQuerySet
from places.models import Place

CIRCLE_ORDER = [Circle.INNER, Circle.CLOSE, Circle.WIDER, Circle.ACQUAINTANCE]
CITIES_SHOWN = 24


@dataclass(frozen=True)
class Travellers:
    """Who lives in the city typed and near it: `people` in the order shown, and how many
    live there and nearby."""

    people: PersonQuerySet
    here: int
    nearby: int


def city_people(*, user: User, city: str) -> Travellers:
    """The user's people living in the city ("Munich" finds München, "munchen" too), by circle
    and then by how strong the relationship is now, then those they want to meet; after them
    the people within NEARBY_KM, nearest first. Each carries `here`, `distance`, and
    `strength` and `last_contact_on` from their muscle. Four queries however many people."""
    place = Place.objects.named(city).first()
    people = (
        Person.objects.for_user(user)
        .filter(archived=False)
        .in_or_near(city, place)
        .annotate(strength=F("muscle__strength"), last_contact_on=F("muscle__last_contact_on"))
        .order_by(
            F("here").desc(),
            F("distance").asc(),
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
    counts = dict(people.order_by().values_list("here").annotate(n=Count("pk")))
    return Travellers(people, counts.get(True, 0), counts.get(False, 0))


def city_counts(*, user: User) -> Sequence[Mapping[str, object]]:
    """The towns the user's people live in, with how many, most first: "Munich" and "München"
    are one town, and so are spellings that differ only in case or accents; each is written
    as most of its people write it."""
    people = Person.objects.for_user(user).filter(archived=False)
    return list(people.spellings("city")[:CITIES_SHOWN])
