import pytest
from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from common.search import stemmed_query
from relationships.services.search import search_everything
from tests.factories import (
    ConversationFactory,
    FavourFactory,
    PersonFactory,
    StoryFactory,
)


def kinds_found(user: User, text: str) -> list[tuple[str, str]]:
    return [(hit.kind, str(hit.item)) for hit in search_everything(user=user, text=text)]


def test_german_stemming_finds_other_forms_of_a_word(alice: User):
    StoryFactory(owner=alice, text="Die Operation ihrer Mutter ist im März.")
    hits = search_everything(user=alice, text="Operationen")
    assert [hit.kind for hit in hits] == ["story"]
    assert "\x02Operation\x03" in hits[0].snippet


def test_english_stemming_finds_other_forms_of_a_word(alice: User):
    StoryFactory(owner=alice, text="He loves to travel by night train.")
    hits = search_everything(user=alice, text="travelling")
    assert [hit.kind for hit in hits] == ["story"]
    assert "\x02travel\x03" in hits[0].snippet


def test_a_german_word_is_found_whatever_the_ui_language(alice: User):
    alice.language = "en"
    StoryFactory(owner=alice, text="Sie zieht nach Lissabon, wegen der Wohnungen am Fluss.")
    assert [k for k, _ in kinds_found(alice, "Wohnung")] == ["story"]


def test_search_finds_people_stories_conversation_notes_and_favours(alice: User):
    helga = PersonFactory(owner=alice, name="Helga Brandt", spark="Her bicycle brooch")
    ConversationFactory(owner=alice, people=[helga], notes="We talked about bicycles and Munich")
    StoryFactory(owner=alice, text="She crossed the Alps by bicycle at sixty.")
    FavourFactory(person=helga, what="Lend her my bicycle panniers")
    assert sorted(k for k, _ in kinds_found(alice, "bicycle")) == [
        "conversation",
        "favour",
        "person",
        "story",
    ]


def test_a_misspelt_name_still_finds_the_person(alice: User):
    PersonFactory(owner=alice, name="Katharina Engel", spark="")
    assert kinds_found(alice, "Katarina") == [("person", "Katharina Engel")]


def test_search_never_sees_another_users_data(alice: User, bob: User):
    StoryFactory(owner=bob, text="Bob's secret operation story")
    PersonFactory(owner=bob, name="Secret Friend")
    assert search_everything(user=alice, text="operation") == []
    assert search_everything(user=alice, text="Secret Friend") == []


def test_the_search_page_shows_context_and_escapes_script(alice_client: Client, alice: User):
    helga = PersonFactory(owner=alice, name="Helga <b>Brandt</b>")
    conversation = ConversationFactory(owner=alice, people=[helga], place="Stanford <i>dinner</i>")
    StoryFactory(
        owner=alice,
        conversation=conversation,
        person=helga,
        text='Her <script>alert("x")</script> operation is in March.',
    )
    html = alice_client.get(reverse("relationships:search"), {"q": "operation"}).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>operation</mark>" in html
    assert "Told by Helga &lt;b&gt;Brandt&lt;/b&gt; at Stanford &lt;i&gt;dinner&lt;/i&gt;" in html


def test_the_search_page_answers_htmx_with_only_the_results(alice_client: Client, alice: User):
    StoryFactory(owner=alice, text="Lisbon flat hunting")
    response = alice_client.get(
        reverse("relationships:search"),
        {"q": "Lisbon"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )
    assert "Lisbon" in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize("count", [10, 300])
def test_search_runs_a_fixed_number_of_queries(alice_client: Client, alice: User, count: int):
    helga = PersonFactory(owner=alice, name="Helga Brandt")
    for i in range(count // 10):
        conversation = ConversationFactory(owner=alice, people=[helga], notes=f"operation {i}")
        for _ in range(9):
            StoryFactory(owner=alice, conversation=conversation, person=helga, text="An operation")
    FavourFactory(person=helga, what="Drive her to the operation")
    with CaptureQueriesContext(connection) as queries:
        alice_client.get(reverse("relationships:search"), {"q": "operation Helga"})
    assert len(queries) <= 9


OWNER_SEARCH_INDEXES = [
    (model, index.name)
    for model in apps.get_models()
    for index in model._meta.indexes
    if isinstance(index, GinIndex) and index.expressions == (F("owner"), F("search"))
]


def test_every_search_index_is_read_for_the_owner_as_well_as_the_words(db: None):
    """A user's search reads only their own matches out of each (owner, search) index, not
    every user's: an owner id of another type than the column's would keep the owner out of
    the index condition. The table's other indexes on the owner are dropped for the look (and
    back when the transaction rolls back), so the planner has only this index to choose."""
    assert len(OWNER_SEARCH_INDEXES) == 4
    owner = User.objects.create_user("owner")
    for model, index_name in OWNER_SEARCH_INDEXES:
        mine = model.objects.for_user(owner).filter(search=stemmed_query("bicycle"))
        with transaction.atomic():
            _drop_other_owner_indexes(model._meta.db_table, keep=index_name)
            plan = mine.explain()
            transaction.set_rollback(True)
        conditions = [line for line in plan.splitlines() if "Index Cond" in line]
        assert any("owner_id" in line and "@@" in line for line in conditions), plan


def _drop_other_owner_indexes(table: str, keep: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute(
            """
            SELECT index.relname, constraint_.conname
            FROM pg_index
            JOIN pg_class AS index ON index.oid = pg_index.indexrelid
            JOIN pg_attribute AS owner ON owner.attrelid = pg_index.indrelid
                AND owner.attnum = pg_index.indkey[0] AND owner.attname = 'owner_id'
            LEFT JOIN pg_constraint AS constraint_ ON constraint_.conindid = index.oid
                AND constraint_.conrelid = pg_index.indrelid
            WHERE pg_index.indrelid = %s::regclass AND index.relname <> %s
            """,
            [table, keep],
        )
        for index, constraint in cursor.fetchall():
            if constraint:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}" CASCADE')
            else:
                cursor.execute(f'DROP INDEX "{index}" CASCADE')
