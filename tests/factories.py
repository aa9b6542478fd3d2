"""factory_boy factories for every model the tests need."""

import io
import uuid
from typing import Any

import factory
from PIL import Image

from accounts.models import User
from connections.models import Connection
from contacts.models import Channel, Person, PersonDate, Tag
from contacts.photos import photo_read, photo_set
from conversations.models import Conversation, Story, Touch
from favours.models import Favour


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("name")
    spark = "Told a great story about sailing to Lisbon."
    met_at = "Stanford alumni dinner"


class PersonDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonDate

    person = factory.SubFactory(PersonFactory)
    owner = factory.LazyAttribute(lambda date: date.person.owner)
    kind = PersonDate.Kind.BIRTHDAY
    month = 3
    day = 15


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    person = factory.SubFactory(PersonFactory)
    kind = Channel.Kind.EMAIL
    value = factory.Sequence(lambda n: f"friend{n}@example.org")


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    place = "Stanford alumni dinner"
    notes = "Long talk over dessert."

    @factory.post_generation
    def people(self, create: bool, extracted: list[Person] | None, **kwargs: object) -> None:
        if create:
            self.people.set(extracted or [PersonFactory(owner=self.owner)])


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    owner = factory.SubFactory(UserFactory)
    conversation = factory.SubFactory(ConversationFactory, owner=factory.SelfAttribute("..owner"))
    person = factory.LazyAttribute(lambda story: story.conversation.people.first())
    text = "Her mother's operation is in March."


class FavourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Favour

    person = factory.SubFactory(PersonFactory)
    owner = factory.SelfAttribute("person.owner")
    giver = Favour.Giver.THEM
    origin = Favour.Origin.ASKED
    what = "An introduction to her editor"


class TouchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touch

    person = factory.SubFactory(PersonFactory)
    owner = factory.SelfAttribute("person.owner")


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    person_a = factory.SubFactory(PersonFactory)
    person_b = factory.SubFactory(PersonFactory, owner=factory.SelfAttribute("..person_a.owner"))
    owner = factory.SelfAttribute("person_a.owner")
    kind = Connection.Kind.COLLEAGUE


def drawn_form() -> dict[str, str]:
    """The key a create form carries when it is drawn: a fresh one for every new form."""
    return {"once": str(uuid.uuid4())}


def image_bytes(
    image_format: str = "JPEG", size: tuple[int, int] = (640, 480), **options: Any
) -> bytes:
    """A real picture, made with Pillow: an orange frame around a teal middle, so a turn or a
    crop shows in its corners."""
    image = Image.new("RGB", size, "orange")
    image.paste("teal", (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4))
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def with_photo(person: Person) -> Person:
    """The person with a photo stored as an upload stores it."""
    photo_set(person=person, photo=photo_read(data=image_bytes()))
    return person
