"""Benchmark: the people list, a search and a person page for a user with 10,000 people.

Prints p50 and p95 server time for each, next to a bare logged-in view measured in the
same run, so the figures can be read against what the framework itself costs.
Run with: uv run python bench/people.py
"""

from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from harness import measure, scratch_database

from accounts.models import User
from contacts.models import Channel, Circle, Person, Tag

PEOPLE = 10_000


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare), path("", include("knotwork.urls"))]


def seed() -> tuple[User, Person]:
    user = User.objects.create_user("bench", "bench@example.org", "bench-password")
    circles = list(Circle)
    Person.objects.bulk_create(
        Person(
            owner=user,
            name=f"Person {i} {'Helga' if i % 500 == 0 else 'Jonas'}",
            spark=f"Told a story about project {i}",
            met_at=f"Event {i % 40}",
            circle=circles[i % 4],
        )
        for i in range(PEOPLE)
    )
    person = Person.objects.for_user(user).first()
    assert person is not None
    tags = Tag.objects.bulk_create(Tag(owner=user, name=f"tag {i}") for i in range(30))
    person.tags.set(tags[:3])
    Channel.objects.create(person=person, kind="email", value="p@example.org")
    return user, person


def main() -> None:
    with scratch_database(), override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"]):
        user, person = seed()
        client = Client()
        client.force_login(user)
        print(f"{PEOPLE:,} people for one user")
        measure("bare logged-in view", lambda: client.get("/bare/"))
        measure("people list, page 1", lambda: client.get("/people/"))
        measure("people list, page 100", lambda: client.get("/people/?page=100"))
        measure("search 'helga'", lambda: client.get("/people/?q=helga"))
        measure(
            "search as you type (htmx)",
            lambda: client.get(
                "/people/?q=project 12", headers={"HX-Request": "true", "HX-Target": "results"}
            ),
        )
        measure("person page", lambda: client.get(f"/people/{person.pk}/"))


if __name__ == "__main__":
    main()
