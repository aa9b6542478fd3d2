"""The traffic of bench/load.py: people using Knotwork at once, each logged in, mixing what a
day of use looks like. Run by bench/load.py, which starts the server and reads the results."""

import json
import os
import random
import re
import time
import uuid
from typing import Any

from locust import HttpUser, LoadTestShape, between, events, task

PEOPLE = [int(pk) for pk in os.environ["LOAD_PEOPLE"].split(",")]
TYPED = ["He", "Hel", "Helg", "Jo", "Jon", "Ma", "Mar", "Pri", "Lena", "Tom"]
# (seconds from the start, users): the load steps up until the server stops keeping pace.
STEPS = [(10, 4), (20, 8), (30, 16), (40, 24), (50, 32), (60, 48)]
RECORDS: list[tuple[float, float, bool]] = []


class Person(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.client.headers["Cookie"] = os.environ["LOAD_COOKIE"]
        page = self.client.get("/capture/", name="capture page").text
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.account = re.search(r'name="account"[^>]*value="([^"]+)"', page).group(1)
        cookie = self.client.cookies.get("csrftoken")
        self.client.headers["Cookie"] = f"{os.environ['LOAD_COOKIE']}; csrftoken={cookie}"

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(2)
    def people(self) -> None:
        self.client.get("/people/", name="people list")

    @task(3)
    def search_as_you_type(self) -> None:
        headers = {"HX-Request": "true", "HX-Target": "results"}
        self.client.get(f"/people/?q={random.choice(TYPED)}", headers=headers, name="people search")

    @task(3)
    def person(self) -> None:
        self.client.get(f"/people/{random.choice(PEOPLE)}/", name="person page")

    @task(1)
    def capture(self) -> None:
        entry = {
            "csrfmiddlewaretoken": self.csrf,
            "account": self.account,
            "key": str(uuid.uuid4()),
            "name": f"Guest {uuid.uuid4().hex[:6]}",
            "event": "Load test evening",
            "story": "Told us about the load test.",
            "favour_giver": "me",
        }
        self.client.post("/capture/", entry, headers={"Accept": "application/json"}, name="capture")

    @task(1)
    def conversation(self) -> None:
        form = {
            "csrfmiddlewaretoken": self.csrf,
            "once": str(uuid.uuid4()),
            "happened_on": time.strftime("%Y-%m-%d"),
            "kind": "call",
        }
        person = random.choice(PEOPLE)
        headers = {"HX-Request": "true"}
        self.client.post(
            f"/conversations/with/{person}/", form, headers=headers, name="conversation"
        )


class Steps(LoadTestShape):
    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        for end, users in STEPS:
            if elapsed < end:
                return users, users
        return None


@events.request.add_listener
def record(response_time: float, exception: Any, response: Any, **kwargs: Any) -> None:
    failed = exception is not None or response is None or response.status_code >= 400
    RECORDS.append((time.time(), response_time, failed))


@events.quitting.add_listener
def save(**kwargs: Any) -> None:
    with open(os.environ["LOAD_RESULTS"], "w") as results:
        json.dump({"steps": STEPS, "requests": RECORDS}, results)
