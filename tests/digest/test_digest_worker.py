"""The digest through a real Celery worker on the Redis broker, to a real SMTP server on
loopback, including a worker killed with SIGKILL part-way through a batch."""

import datetime
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection
from django.db.models.functions import Now
from django.utils import timezone

from accounts.models import User
from digest.models import DigestOutbox
from relationships.services.muscles import muscles_recompute
from tests.factories import PersonFactory, UserFactory
from tests.smtp import Sink, SMTPServer, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
# A database of Redis's own for these tests, emptied first, so no stale task is picked up; one
# for each process of a parallel run (gw0, gw1, ...), counting down from 15.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
BROKER = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - WORKER}")

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test run's own DATABASE_URL, pointed at the test database."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def worker_env() -> dict[str, str]:
    redis.Redis.from_url(BROKER).flushdb()
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": BROKER,
        "EMAIL_USE_TLS": "0",
        "DIGEST_SPREAD_SECONDS": "1",
        "DIGEST_CLAIM_LEASE_SECONDS": "2",
    }


class Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.clock",  # on the run's clock, however far it was moved
                "celery",
                "-A",
                "knotwork",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.fixture
def workers(worker_env: dict[str, str]) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def queue_send_task(env: dict[str, str]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "knotwork",
            "call",
            "digest.tasks.send_digests",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def users_with_a_due_digest(count: int) -> list[User]:
    now = timezone.now()
    users = []
    for _ in range(count):
        user = UserFactory(time_zone="UTC", password=None)  # no password hashing: fast
        PersonFactory(
            owner=user,
            name="Helga Brandt",
            circle="inner",
            met_on=now.date() - datetime.timedelta(days=400),
        )
        users.append(user)
    muscles_recompute(user_ids=[u.pk for u in users])
    monday = now.date() - datetime.timedelta(days=now.weekday())
    # Spread over the last minutes, one after the other, as the hash spreads them in production:
    # a claim takes the longest-waiting rows first, whether queued or left behind by a sender.
    DigestOutbox.objects.bulk_create(
        DigestOutbox(user=u, week=monday, send_after=now - datetime.timedelta(seconds=600 - i))
        for i, u in enumerate(users)
    )
    return users


def test_a_real_worker_sends_the_digest_to_a_real_smtp_server(worker_env, workers):
    port = free_port()
    env = {**worker_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    (user,) = users_with_a_due_digest(1)
    with SMTPServer(port, Sink()) as sink:
        workers.append(Worker(env))
        queue_send_task(env)
        wait_for(lambda: len(sink.messages) == 1)
    (message,) = sink.messages
    assert message["To"] == user.email
    assert message["Subject"] == "1 person to reach out to this week"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    wait_for(lambda: DigestOutbox.objects.get(user=user).status == "sent")


def test_a_worker_killed_mid_batch_and_restarted_sends_the_rest_and_no_one_gets_two(
    worker_env, workers
):
    port = free_port()
    env = {**worker_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    users = users_with_a_due_digest(8)
    with SMTPServer(port, Sink(delay=0.4)) as sink:
        first = Worker(env)
        workers.append(first)
        queue_send_task(env)
        wait_for(lambda: len(sink.messages) >= 2)
        first.kill()  # mid-batch: the rest of the batch stays claimed by a dead worker
        assert len(sink.messages) < len(users)

        workers.append(Worker(env))
        # The dead worker's rows stay claimed until the lease has run out since their last
        # renewal, by the database's clock.
        lease = datetime.timedelta(seconds=int(env["DIGEST_CLAIM_LEASE_SECONDS"]))
        wait_for(
            lambda: DigestOutbox.objects.filter(
                status="sending", claimed_at__lt=Now() - lease
            ).exists()
        )
        queue_send_task(env)  # what beat does every few minutes
        wait_for(lambda: len(sink.messages) >= len(users), timeout=60)
        wait_for(lambda: not DigestOutbox.objects.exclude(status="sent").exists(), timeout=30)
    assert sink.recipients() == sorted(u.email for u in users)


class Sender:
    """What beat's task does, in a process of its own: send everything due, print how many."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from tests.clock import moved_clock\n"
                "from digest.services import digests_send_due\n"
                "with moved_clock(): print(digests_send_due())",
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "knotwork.settings"},
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def sent(self) -> int:
        """How many digests this sender sent, once it has finished."""
        output, _ = self.process.communicate(timeout=60)
        assert self.process.returncode == 0
        return int(output.split()[-1])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def senders() -> Iterator[list[Sender]]:
    started: list[Sender] = []
    yield started
    for sender in started:
        sender.stop()


def test_a_sender_started_a_lease_later_leaves_the_first_senders_batches_alone(worker_env, senders):
    """The first run lasts several leases and each of its batches takes longer than a lease;
    a second run starts a lease and a little later. Each user still gets one digest."""
    port = free_port()
    lease = 3  # a live sender renews every quarter second or so: ample margin under load
    env = {
        **worker_env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "DIGEST_CLAIM_LEASE_SECONDS": str(lease),
        "DIGEST_BATCH_SIZE": "20",  # 20 messages at 0.25 s or more: a batch outlasts the lease
    }
    users = users_with_a_due_digest(60)
    with SMTPServer(port, Sink(delay=0.25)) as sink:
        senders.append(Sender(env))
        # The first sender's run began before its first message: once its messages span more
        # than a lease, its run is older than a lease, and so are the rows it claimed first.
        wait_for(lambda: len(sink.arrivals) > 1 and sink.arrivals[-1] - sink.arrivals[0] > lease)
        senders.append(Sender(env))
        first, second = (sender.sent() for sender in senders)
    by_recipient = Counter(str(message["To"]) for message in sink.messages)
    assert by_recipient == Counter(u.email for u in users)  # everyone once, no one twice
    assert len({message["Message-ID"] for message in sink.messages}) == len(users)
    assert first > 0
    assert second > 0  # the two runs really overlapped
    assert first + second == len(users)
    assert set(DigestOutbox.objects.values_list("status", flat=True)) == {"sent"}


def test_a_user_who_turns_the_digest_off_while_their_batch_is_sent_gets_nothing(
    worker_env, senders
):
    port = free_port()
    env = {
        **worker_env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "DIGEST_CLAIM_LEASE_SECONDS": "600",  # one sender: the lease plays no part here
    }
    users = users_with_a_due_digest(5)
    with SMTPServer(port, Sink(hold_after=1)) as sink:
        senders.append(Sender(env))
        # The first digest went out and the second is on its way: the rest are claimed.
        wait_for(lambda: sink.holding)
        waiting = DigestOutbox.objects.filter(user__in=users[1:])
        assert set(waiting.values_list("status", flat=True)) == {"sending"}
        # The very next user in the batch, and the last one, turn the digest off (committed).
        opted_out = [users[2], users[4]]
        User.objects.filter(pk__in=[u.pk for u in opted_out]).update(digest_enabled=False)
        sink.release()
        assert senders[0].sent() == 3
    assert sink.recipients() == sorted(u.email for u in (users[0], users[1], users[3]))
    statuses = dict(DigestOutbox.objects.values_list("user_id", "status"))
    assert [statuses[u.pk] for u in users] == ["sent", "sent", "skipped", "sent", "skipped"]
