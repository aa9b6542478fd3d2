"""Where someone works and lives is kept as it was typed, and compared as people read it:
"zalando" and "Zalando" are one organisation, "lisbon", "Lisbon" and "Lisboa" one town,
wherever people are grouped or filtered by them, and each is offered back as most of its
people write it."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from connections.services import could_introduce
from relationships.services.travelling import city_counts, city_people
from tests.factories import PersonFactory

ZALANDO = ["Zalando", "zalando", "Zalando", "ZALANDO"]
LISBON = ["Lisbon", "lisbon", "Lisbon", "Lisboa"]


def test_every_grouping_and_filter_by_work_or_town_sees_one_organisation_and_one_town(
    alice_client: Client, alice: User, bob: User
):
    people = [
        PersonFactory(owner=alice, name=f"Friend {i}", organisation=work, city=town)
        for i, (work, town) in enumerate(zip(ZALANDO, LISBON, strict=True))
    ]
    PersonFactory(owner=alice, name="Elsewhere", organisation="Zal Tours", city="Porto")
    PersonFactory(owner=bob, name="Bob's", organisation="zalando", city="lisbon")
    everyone = {p.name for p in people}

    def listed(**query: str) -> set[str]:
        response = alice_client.get(reverse("contacts:list"), query)
        return {p.name for p in response.context["people"]}

    def suggested(**typed: str) -> list[str]:
        response = alice_client.get(reverse("contacts:suggest_value"), typed)
        return list(response.context["options"])

    for work in {*ZALANDO, "zalándo"}:
        # The people list's "Works at", which a person's card links to with their spelling.
        assert listed(organisation=work) == everyone
        # Who could introduce you: the people at the same organisation.
        wanted = PersonFactory(owner=alice, organisation=work, status="want_to_meet")
        around = could_introduce(person=wanted, limit=10).people
        assert {p.person.name for p in around if p.same_organisation} == everyone
        wanted.delete()
    for town in {*LISBON, "LISBOA"}:
        # Travelling, which a person's card links to with their spelling.
        found = city_people(user=alice, city=town)
        assert {p.name for p in found.people} == everyone
        assert (found.here, found.nearby) == (4, 0)
    # Suggestions as you type, and the towns before one is typed: each once, as most write it.
    assert suggested(organisation="ZAL") == ["Zalando", "Zal Tours"]
    assert suggested(organisation="zalando") == ["Zalando"]
    assert suggested(city="lis") == ["Lisbon"]
    assert suggested(city="LISBOA") == ["Lisboa"]  # only the rows holding what is typed
    assert [(row["value"], row["people"]) for row in city_counts(user=alice)] == [
        ("Lisbon", 4),
        ("Porto", 1),
    ]


# The calls that group or filter rows, and the expressions that read a column.
QUERYING = {
    "filter",
    "exclude",
    "get",
    "values",
    "values_list",
    "annotate",
    "alias",
    "order_by",
    "aggregate",
    "distinct",
    "Q",
    "F",
    "Fold",
    "Lower",
    "Upper",
    "Min",
    "Max",
    "Count",
    "MostUsed",
}
WORK_OR_TOWN = re.compile(r"^-?(organisation|city)(__|$)")
ONE_HOME = Path("contacts/models.py")


def queries_by_work_or_town(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name not in QUERYING:
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant)]
        names = [k.arg for k in node.keywords if k.arg]
        if any(isinstance(s, str) and WORK_OR_TOWN.match(s) for s in strings + names):
            found.append(f"{path}:{node.lineno}")
    return found


def test_only_the_people_queryset_groups_or_filters_by_work_or_town():
    """So that the test above, through the uses of today, covers every use to come: another
    app or view asks `PersonQuerySet` (`filtered`, `spellings`, `in_or_near`, `works_at`)."""
    root = Path(settings.BASE_DIR)
    sources = [
        path.relative_to(root)
        for path in root.rglob("*.py")
        if not {".venv", "migrations", "tests", "bench"} & set(path.relative_to(root).parts)
    ]
    assert ONE_HOME in sources
    elsewhere = [
        place
        for path in sources
        if path != ONE_HOME
        for place in queries_by_work_or_town(root / path)
    ]
    assert elsewhere == []
    # The check itself finds such a query.
    assert queries_by_work_or_town(root / ONE_HOME)
