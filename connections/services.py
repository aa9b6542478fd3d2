"""Links between people, and what they are for: who is around someone (people in common), who
could introduce you to someone you want to meet, and introductions recorded as favours."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    When,
    Window,
)
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from common.counts import count_of
from connections.models import Connection, Introduction
from contacts.models import Person, works_at
from conversations.models import Conversation
from favours.models import Favour


@dataclass
class Around:
    """Someone near a person in your network, and why: the links between them, how many
    conversations you had with both, whether they work at the same place, and introductions."""

    person: Person
    links: list[str] = field(default_factory=list)
    link_id: int | None = None
    met_together: int = 0
    same_organisation: bool = False
    introduced: str = ""

    @property
    def linked(self) -> bool:
        return bool(self.links or self.introduced)


@dataclass
class AroundPage:
    people: list[Around]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.people)


def people_around(
    *, person: Person, limit: int, organisation: bool = False, known_only: bool = False
) -> AroundPage:
    """People linked to `person`, met with them in a conversation, introduced by or to them,
    and with `organisation` also those who work at the same place; knots first, then the
    strongest. Three queries however large the network; at most `limit` people, with the
    total."""
    through = Conversation.people.through
    # The conversations they were in, read from the join table alone: no conversation rows.
    theirs = through.objects.filter(person=person).values("conversation_id")
    met = (
        through.objects.filter(conversation_id__in=theirs)
        .exclude(person=person)
        .values("person_id")
    )
    linked_a = Connection.objects.filter(person_b=person).values("person_a_id")
    linked_b = Connection.objects.filter(person_a=person).values("person_b_id")
    introduced = Introduction.objects.filter(introducer=person).values("person_id")
    introducer = Introduction.objects.filter(person=person).values("introducer_id")
    near = (
        Q(pk__in=met)
        | Q(pk__in=linked_a)
        | Q(pk__in=linked_b)
        | Q(pk__in=introduced)
        | Q(pk__in=introducer)
    )
    same_place = Q(pk__in=[])
    if organisation and person.organisation.strip():
        same_place = works_at(person.organisation)
        near |= same_place
    together = count_of(
        through.objects.filter(person_id=OuterRef("pk"), conversation_id__in=theirs)
    )
    people = (
        Person.objects.for_user(person.owner)
        .exclude(pk=person.pk)
        .filter(archived=False)
        .filter(near)
        .annotate(
            met_together=together,
            same_organisation=Case(
                When(same_place, then=True), default=False, output_field=BooleanField()
            ),
            total=Window(Count("*")),
        )
        .select_related("muscle")
        .order_by(
            F("is_knot").desc(),
            F("muscle__strength").desc(nulls_last=True),
            Upper("name"),
            "pk",
        )
    )
    if known_only:
        people = people.filter(status=Person.Status.KNOWN)
    found = list(people[:limit])
    if not found:
        return AroundPage([], 0)
    ids = [p.pk for p in found]
    links: dict[int, list[str]] = {}
    link_ids: dict[int, int] = {}
    for link in Connection.objects.filter(
        Q(person_a=person, person_b__in=ids) | Q(person_b=person, person_a__in=ids)
    ):
        other = link.other(person.pk)
        links.setdefault(other, []).append(link.seen_from(other, person.name))
        link_ids[other] = link.pk
    introductions: dict[int, str] = {}
    for intro in Introduction.objects.filter(
        Q(person=person, introducer__in=ids) | Q(introducer=person, person__in=ids)
    ):
        if intro.introducer_id == person.pk:
            introductions[intro.person_id] = _("met through %(name)s") % {"name": person.name}
        else:
            introductions[intro.introducer_id] = _("introduced you to %(name)s") % {
                "name": person.name
            }
    return AroundPage(
        [
            Around(
                person=p,
                links=links.get(p.pk, []),
                link_id=link_ids.get(p.pk),
                met_together=p.met_together,  # type: ignore[attr-defined]
                same_organisation=p.same_organisation,  # type: ignore[attr-defined]
                introduced=introductions.get(p.pk, ""),
            )
            for p in found
        ],
        found[0].total,  # type: ignore[attr-defined]
    )


def could_introduce(*, person: Person, limit: int) -> AroundPage:
    """Who in your network could introduce you to someone you want to meet: people you know
    who are linked to them, were in a conversation with them, or work at the same place;
    knots first, then the strongest relationships."""
    return people_around(person=person, limit=limit, organisation=True, known_only=True)


@transaction.atomic
def introduction_set(*, person: Person, introducer: Person | None) -> Introduction | None:
    """Record who introduced you to `person`, with a done favour from the introducer ("Helga
    introduced you to Arjun"): an introduction is a favour given. Naming someone else, or
    no one, takes back the favour this recorded before; naming the same person changes nothing."""
    current = Introduction.objects.filter(person=person).select_related("favour").first()
    if current and introducer and current.introducer_id == introducer.pk:
        return current
    if current:
        if current.favour:
            current.favour.delete()
        current.delete()
    if introducer is None:
        return None
    favour = Favour.objects.create(
        owner_id=person.owner_id,
        person=introducer,
        giver=Favour.Giver.THEM,
        origin=Favour.Origin.OFFERED,
        what=_("Introduced you to %(name)s") % {"name": person.name},
        happened_on=_introduced_on(person),
        status=Favour.Status.DONE,
    )
    return Introduction.objects.create(
        owner_id=person.owner_id, person=person, introducer=introducer, favour=favour
    )


def _introduced_on(person: Person) -> datetime.date:
    return person.met_on or timezone.localdate()


def connections_merge(*, keep: Person, merge: Person) -> None:
    """Carry every link and introduction of `merge` over to `keep`. A link between the two
    goes (it would join `keep` to themselves), and so does a link `keep` already has."""
    theirs = {link.other(keep.pk) for link in Connection.objects.of(keep)}
    for link in Connection.objects.of(merge):
        other = link.other(merge.pk)
        if other == keep.pk or other in theirs:
            link.delete()
            continue
        theirs.add(other)
        if link.person_a_id == merge.pk:
            link.person_a = keep
        else:
            link.person_b = keep
        link.save(update_fields=["person_a", "person_b"])
    Introduction.objects.filter(person=merge, introducer=keep).delete()
    Introduction.objects.filter(person=keep, introducer=merge).delete()
    if not Introduction.objects.filter(person=keep).exists():
        Introduction.objects.filter(person=merge).update(person=keep)
    Introduction.objects.filter(introducer=merge).update(introducer=keep)
