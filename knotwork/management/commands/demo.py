"""Creates a demo account full of believable people, so a first run has something to show."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from connections.models import Connection
from connections.services import introduction_set
from contacts.models import Channel, Circle, Person, PersonDate, Tag
from conversations.models import Conversation, Story, Touch
from favours.models import Favour

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "knotwork-demo"  # noqa: S105 -- printed for the person trying the app

# name, circle, knot, where we met, days ago, spark, tags
PEOPLE = [
    (
        "Helga Brandt",
        Circle.INNER,
        True,
        "Stanford alumni dinner",
        410,
        "Her brooch shaped like a tiny bicycle; she laughed about crossing the Alps on one.",
        ["mentor", "Munich"],
    ),
    (
        "Jonas Weber",
        Circle.CLOSE,
        False,
        "re:publica Berlin",
        220,
        "Talked for an hour about rebuilding his grandfather's bakery as a co-op.",
        ["Berlin", "food"],
    ),
    (
        "Priya Raman",
        Circle.INNER,
        True,
        "Founders breakfast, Factory Görlitzer Park",
        95,
        "Spent six years in Shanghai building a logistics startup; asks the best questions.",
        ["founder", "connector"],
    ),
    (
        "Tom Fletcher",
        Circle.WIDER,
        False,
        "Climbing gym, Berta Block",
        60,
        "Coached me through my first overhang without making me feel slow.",
        ["climbing"],
    ),
    (
        "Anneliese Vogt",
        Circle.ACQUAINTANCE,
        False,
        "Neighbourhood flea market",
        30,
        "Sells hand-bound notebooks; taught bookbinding in Leipzig for twenty years.",
        ["Berlin", "craft"],
    ),
    (
        "Marcus Oyelaran",
        Circle.CLOSE,
        True,
        "Coaching circle, Hamburg",
        150,
        "Introduces people with a two-line email that always lands.",
        ["connector", "coaching"],
    ),
    (
        "Sophie Lambert",
        Circle.WIDER,
        False,
        "Product meetup at Betahaus",
        75,
        "Moved from Lyon to Berlin for a job and stayed for the lakes.",
        ["design"],
    ),
    (
        "Felix Hoffmann",
        Circle.ACQUAINTANCE,
        False,
        "Train to Cologne, ICE 547",
        330,
        "Shared his Kölsch and his plan to walk the Camino after retiring.",
        [],
    ),
    (
        "Grace O'Connell",
        Circle.CLOSE,
        False,
        "Dublin Web Summit side event",
        260,
        "Runs a choir for people who think they can't sing.",
        ["music"],
    ),
    (
        "Lena Schröder",
        Circle.INNER,
        False,
        "University, first semester",
        4000,
        "We argued about Kafka in the canteen until they closed.",
        ["old friends"],
    ),
    (
        "Daniel Kowalski",
        Circle.WIDER,
        False,
        "Freelancer co-working day",
        45,
        "Builds furniture from old theatre sets.",
        ["craft", "freelance"],
    ),
    (
        "Mei Tanaka",
        Circle.WIDER,
        False,
        "Language exchange, Café Pförtner",
        120,
        "Learning German through Brecht songs; her Japanese lessons are legendary.",
        ["languages"],
    ),
    (
        "Katharina Engel",
        Circle.CLOSE,
        False,
        "Parents' evening, Grundschule am Weinberg",
        180,
        "Started a repair café in the school basement.",
        ["neighbours"],
    ),
    (
        "Ben Adeyemi",
        Circle.ACQUAINTANCE,
        False,
        "Conference talk Q&A, PyCon DE",
        400,
        "Asked the question I was too shy to ask, then shared his notes.",
        ["tech"],
    ),
    (
        "Clara Meyer",
        Circle.WIDER,
        False,
        "Book club at Dussmann",
        90,
        "Reads every book twice: once for the plot, once for the sentences.",
        ["books"],
    ),
    (
        "Oliver Grant",
        Circle.ACQUAINTANCE,
        False,
        "Airbnb host in Edinburgh",
        500,
        "Retired lighthouse engineer with a drawer full of maps.",
        [],
    ),
    (
        "Yusuf Demir",
        Circle.CLOSE,
        False,
        "Football on Tempelhofer Feld",
        35,
        "Organises the Sunday game and remembers everyone's name.",
        ["Berlin", "sport"],
    ),
    (
        "Ingrid Larsen",
        Circle.WIDER,
        True,
        "Women in Tech mentoring lunch",
        200,
        "Built the first online bank in Norway; mentors three founders a year.",
        ["mentor", "finance"],
    ),
    (
        "Hannah Fischer",
        Circle.ACQUAINTANCE,
        False,
        "Yoga retreat, Uckermark",
        240,
        "Gave up law to become a beekeeper and has never looked back.",
        ["nature"],
    ),
    (
        "Samuel Brooks",
        Circle.WIDER,
        False,
        "Podcast recording, Radio Eins",
        130,
        "Interviewed me and then asked more about my grandmother than my work.",
        ["media"],
    ),
    (
        "Elif Yilmaz",
        Circle.CLOSE,
        False,
        "Startup Weekend Potsdam",
        70,
        "Pitched a tool for translators and won over a room of engineers.",
        ["founder", "languages"],
    ),
    (
        "Matthias Krüger",
        Circle.ACQUAINTANCE,
        False,
        "Bike repair workshop",
        25,
        "Fixed my gears and explained every step like a patient teacher.",
        ["Berlin"],
    ),
    (
        "Rosa Jiménez",
        Circle.WIDER,
        False,
        "Dinner at friends' in Kreuzberg",
        160,
        "Restores murals; is writing a book about forgotten Berlin facades.",
        ["art", "Berlin"],
    ),
    (
        "Paul Zimmermann",
        Circle.INNER,
        False,
        "Kindergarten in Pankow",
        12000,
        "Knows me better than anyone and still picks up on the first ring.",
        ["old friends"],
    ),
    (
        "Aisha Khan",
        Circle.ACQUAINTANCE,
        False,
        "Hackathon for public transport",
        300,
        "Mapped every broken lift in the U-Bahn in one weekend.",
        ["tech"],
    ),
    (
        "Julia Hartmann",
        Circle.WIDER,
        False,
        "Wedding of Lena and Max",
        210,
        "Gave the funniest speech of the night, entirely in rhyme.",
        [],
    ),
]

# name: (organisation, role, lives in)
WORK_AND_TOWN = {
    "Helga Brandt": ("Deutscher Alpenverein", "Chair of the Munich section", "München"),
    "Jonas Weber": ("Bäckerei Weber eG", "Baker and co-founder", "Berlin"),
    "Priya Raman": ("Lisbon Logistics", "Founder", "Lisbon"),
    "Marcus Oyelaran": ("", "Leadership coach", "Hamburg"),
    "Sophie Lambert": ("Zalando", "Product manager", "Berlin"),
    "Ingrid Larsen": ("Nordic Bank", "Advisor", "Oslo"),
    "Samuel Brooks": ("Radio Eins", "Host", "Berlin"),
    "Elif Yilmaz": ("Translate.io", "Founder", "Potsdam"),
    "Oliver Grant": ("", "", "Edinburgh"),
    "Anneliese Vogt": ("", "Bookbinder", "Leipzig"),
    "Tom Fletcher": ("Zalando", "Engineer", "Berlin"),
}

# name: (days ago, kind, place, story, topics, ask about it in N days or None)
CONVERSATIONS: dict[str, list[tuple[int, str, str, str, str, int | None]]] = {
    "Helga Brandt": [
        (
            80,
            "call",
            "",
            "Her mother's hip operation is planned for March; she is worried about the "
            "long recovery in Munich.",
            "family",
            40,
        ),
        (
            410,
            "in_person",
            "Stanford alumni dinner",
            "Crossed the Alps by bicycle at 60 and wants to write a small book about it.",
            "travel, writing",
            None,
        ),
    ],
    "Priya Raman": [
        (
            20,
            "video",
            "",
            "She is moving her team from Shanghai to Lisbon and is looking for a "
            "flat near the river.",
            "Lisbon, moving",
            30,
        ),
        (
            95,
            "in_person",
            "Founders breakfast, Factory Görlitzer Park",
            "Built a logistics startup in Shanghai for six years; sold it last spring.",
            "founder",
            None,
        ),
    ],
    "Jonas Weber": [
        (
            200,
            "in_person",
            "re:publica Berlin",
            "Rebuilding his grandfather's bakery as a co-op; "
            "the first loaves go on sale in autumn.",
            "bakery",
            None,
        ),
    ],
    "Marcus Oyelaran": [
        (
            40,
            "call",
            "",
            "Training for the Hamburg marathon, his first since his knee surgery.",
            "running",
            14,
        ),
    ],
    "Lena Schröder": [
        (
            150,
            "in_person",
            "Lena's birthday dinner in Kreuzberg",
            "Thinking of leaving the publisher to translate Kafka into Spanish full time.",
            "career",
            None,
        ),
    ],
    "Tom Fletcher": [
        (
            10,
            "message",
            "",
            "Passed his route-setting exam and sets the new boulders on Fridays.",
            "climbing",
            None,
        ),
    ],
    "Ingrid Larsen": [
        (
            190,
            "in_person",
            "Women in Tech mentoring lunch",
            "Advises three founders a year and says the best ones ask for help early.",
            "mentoring",
            None,
        ),
    ],
    "Katharina Engel": [
        (
            60,
            "in_person",
            "Repair café",
            "The repair café needs a second room; the school may lend the music room on Saturdays.",
            "neighbours",
            20,
        ),
    ],
}

FAVOURS = [
    # name, giver, origin, what, days ago, status
    ("Priya Raman", "them", "asked", "An introduction to her investor in Lisbon", 25, "done"),
    (
        "Helga Brandt",
        "me",
        "offered",
        "Lent her my bicycle panniers for the Alps trip",
        300,
        "done",
    ),
    ("Jonas Weber", "me", "asked", "Feedback on the co-op's website", 180, "done"),
    ("Ingrid Larsen", "them", "asked", "A review of my pitch deck", 30, "open"),
    ("Marcus Oyelaran", "them", "offered", "Introduce me to two coaches in Hamburg", 38, "done"),
]

# name, kind, own label, days from today, year it began (None: not known), every year
DATES: list[tuple[str, str, str, int, int | None, bool]] = [
    ("Helga Brandt", PersonDate.Kind.BIRTHDAY, "", 4, 1965, True),
    ("Tom Fletcher", PersonDate.Kind.BIRTHDAY, "", 11, None, True),
    ("Lena Schröder", PersonDate.Kind.BIRTHDAY, "", 26, 1988, True),
    ("Katharina Engel", PersonDate.Kind.ANNIVERSARY, "", 33, 2012, True),
    ("Marcus Oyelaran", PersonDate.Kind.OTHER, "his daughter Ada's birthday", 19, None, True),
    ("Sophie Lambert", PersonDate.Kind.OTHER, "moved to Berlin", 47, 2018, True),
    ("Felix Hoffmann", PersonDate.Kind.OTHER, "retires, then the Camino", 52, None, False),
    ("Priya Raman", PersonDate.Kind.BIRTHDAY, "", 140, 1984, True),
    ("Jonas Weber", PersonDate.Kind.BIRTHDAY, "", 210, None, True),
]

WANT_TO_MEET = [
    (
        "Dr. Miriam Kessler",
        "Wrote the book on quiet leadership; speaks at Betahaus in spring.",
        ["mentor"],
    ),
    ("Arjun Mehta", "Runs the best newsletter on independent bookshops.", ["books"]),
    ("Franziska Lorenz", "Founded the repair-café network; Katharina knows her.", ["connector"]),
]

# Who knows whom: (person, other, kind, what the other is to them, what they are to the other)
LINKS = [
    ("Helga Brandt", "Lena Schröder", "family", "niece", "aunt"),
    ("Jonas Weber", "Clara Meyer", "partner", "", ""),
    ("Sophie Lambert", "Tom Fletcher", "colleague", "", ""),
    ("Priya Raman", "Marcus Oyelaran", "friend", "", ""),
    ("Marcus Oyelaran", "Katharina Engel", "colleague", "", ""),
    ("Katharina Engel", "Franziska Lorenz", "friend", "", ""),
    ("Helga Brandt", "Dr. Miriam Kessler", "other", "former student", "mentor"),
    ("Priya Raman", "Elif Yilmaz", "other", "", ""),
]
# (person, who introduced you)
INTRODUCTIONS = [("Priya Raman", "Marcus Oyelaran"), ("Elif Yilmaz", "Priya Raman")]
# People you want to meet, and where they work: someone you know may work there too.
WANT_TO_MEET_WORK = {"Dr. Miriam Kessler": "Zalando", "Arjun Mehta": "Buchhandlung am Kiez"}


class Command(BaseCommand):
    help = f"Create the demo account ({DEMO_EMAIL}) with a few dozen believable people."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user, created = User.objects.get_or_create(
            username="demo", defaults={"email": DEMO_EMAIL, "first_name": "Alex"}
        )
        if not created:
            self.stdout.write(f"The demo account exists already: {DEMO_EMAIL} / {DEMO_PASSWORD}")
            return
        user.set_password(DEMO_PASSWORD)
        user.save()
        today = timezone.localdate()
        tags: dict[str, Tag] = {}

        def tag(name: str) -> Tag:
            if name not in tags:
                tags[name] = Tag.objects.create(owner=user, name=name)
            return tags[name]

        for name, circle, knot, where, days, spark, tag_names in PEOPLE:
            person = Person.objects.create(
                owner=user,
                name=name,
                circle=circle,
                is_knot=knot,
                met_at=where,
                met_on=today - datetime.timedelta(days=days),
                spark=spark,
            )
            person.tags.set([tag(t) for t in tag_names])
            handle = name.split()[0].lower().replace("'", "")
            Channel.objects.create(
                person=person, kind=Channel.Kind.EMAIL, value=f"{handle}@example.org"
            )
        for name, (organisation, role, city) in WORK_AND_TOWN.items():
            Person.objects.filter(owner=user, name=name).update(
                organisation=organisation, role=role, city=city
            )
        people = {p.name: p for p in Person.objects.for_user(user)}
        for name, talks in CONVERSATIONS.items():
            for days, kind, place, text, topics, ask_in in talks:
                conversation = Conversation.objects.create(
                    owner=user,
                    kind=kind,
                    place=place,
                    happened_on=today - datetime.timedelta(days=days),
                )
                conversation.people.add(people[name])
                ask_on = today + datetime.timedelta(days=ask_in - days) if ask_in else None
                Story.objects.create(
                    owner=user,
                    conversation=conversation,
                    person=people[name],
                    text=text,
                    topics=topics,
                    ask_on=ask_on,
                )
        for name, giver, origin, what, days, status in FAVOURS:
            Favour.objects.create(
                owner=user,
                person=people[name],
                giver=giver,
                origin=origin,
                what=what,
                happened_on=today - datetime.timedelta(days=days),
                status=status,
            )
        for name, kind, label, days_ahead, year, repeats in DATES:
            on = today + datetime.timedelta(days=days_ahead)
            PersonDate.objects.create(
                owner=user,
                person=people[name],
                kind=kind,
                label=label,
                month=on.month,
                day=28 if (on.month, on.day) == (2, 29) else on.day,
                year=on.year if not repeats else year,
                repeats=repeats,
            )
        Touch.objects.create(
            owner=user, person=people["Yusuf Demir"], happened_on=today - datetime.timedelta(days=3)
        )
        for name, spark, tag_names in WANT_TO_MEET:
            person = Person.objects.create(
                owner=user,
                name=name,
                spark=spark,
                status=Person.Status.WANT_TO_MEET,
                circle=Circle.ACQUAINTANCE,
            )
            person.tags.set([tag(t) for t in tag_names])
        for name, organisation in WANT_TO_MEET_WORK.items():
            Person.objects.filter(owner=user, name=name).update(organisation=organisation)
        people = {p.name: p for p in Person.objects.for_user(user)}
        for name, other, kind, label, reverse_label in LINKS:
            Connection.objects.create(
                owner=user,
                person_a=people[name],
                person_b=people[other],
                kind=kind,
                label=label,
                reverse_label=reverse_label,
            )
        for name, introducer in INTRODUCTIONS:
            introduction_set(person=people[name], introducer=people[introducer])
        panel = Conversation.objects.create(
            owner=user,
            kind=Conversation.Kind.ONLINE,
            place="Live Q&A on independent bookshops",
            happened_on=today - datetime.timedelta(days=12),
        )
        panel.people.add(people["Arjun Mehta"], people["Priya Raman"], people["Mei Tanaka"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is ready. Log in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}."
            )
        )
