"""GET never changes state: crawling every page and htmx partial, the digest's action links
included, leaves every row of every table as it was."""

from django.db import connection
from django.test import Client

from accounts.models import User
from tests.test_escaping import attack
from tests.walk import crawl, project_models, seed_account, start_urls


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    tables = [model._meta.db_table for model in project_models()]
    with connection.cursor() as cursor:
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 -- our table names
            rows[table] = cursor.fetchall()
    return rows


def test_crawling_every_page_changes_nothing(alice: User, alice_client: Client):
    seeded = seed_account(alice, attack, alice_client)
    before = snapshot()
    responses = crawl(alice_client, start_urls(seeded))
    assert len(responses) > 60
    assert snapshot() == before
