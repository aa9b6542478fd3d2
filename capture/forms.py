"""Quick capture after an event: a person (new or known), where you met, the spark, the story
they told, and optionally a follow-up date, a favour and how to reach them, in one save."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.once import CreatesOnce
from contacts.forms import BirthdayFields, validate_channel
from contacts.models import Channel, Person
from conversations.models import Conversation, Story, validate_follow_up_date
from favours.models import Favour

MATCHES = 5


def people_matching(*, user: User, name: str) -> list[Person]:
    """Known people whose name looks like what was typed, closest first: misspellings too."""
    if len(name.strip()) < 2:
        return []
    return list(Person.objects.for_user(user).offered_for(name)[:MATCHES])


class CaptureForm(BirthdayFields, CreatesOnce):
    # The phone keeps entries under this name while offline, so it stays "key".
    key_field = "key"
    once = None  # type: ignore[assignment]
    # A birthday heard at the event is added; one the person has already is kept.
    birthday_replaces = False
    key = forms.UUIDField(widget=forms.HiddenInput)  # type: ignore[assignment]
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )
    name = forms.CharField(label=_("Who"), max_length=200, required=False)
    event = forms.CharField(label=_("Where"), max_length=200, required=False)
    spark = forms.CharField(
        label=_("What drew you to them"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    story = forms.CharField(
        label=_("What they told you"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ask_on = forms.DateField(
        label=_("Ask about this on"),
        required=False,
        validators=[validate_follow_up_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    favour = forms.CharField(label=_("A favour offered"), max_length=300, required=False)
    favour_giver = forms.ChoiceField(
        label=_("Who offered"),
        choices=[(Favour.Giver.ME, _("I did")), (Favour.Giver.THEM, _("They did"))],
        initial=Favour.Giver.ME,
        widget=forms.RadioSelect,
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=300,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        cast(
            forms.ModelChoiceField[Person], self.fields["person"]
        ).queryset = Person.objects.for_user(owner)

    def clean_email(self) -> str:
        return self._channel(Channel.Kind.EMAIL, "email")

    def clean_phone(self) -> str:
        return self._channel(Channel.Kind.PHONE, "phone")

    def _channel(self, kind: str, field: str) -> str:
        value = str(self.cleaned_data[field]).strip()
        if value:
            validate_channel(kind, value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("name") or "").strip():
            self.add_error("name", _("Who did you meet? Type a name."))
        if data.get("ask_on") and not data.get("story"):
            self.add_error("story", _("Write down what they told you, to keep the date."))
        self.birthday_clean(data.get("person"))
        return data

    def save(self) -> tuple[Person, bool] | None:
        """Record the entry once, like every form that creates something. Returns the person,
        and whether this call recorded it (a resend of the same key records nothing); None
        when the key was spent on something else, and the form says so."""
        return self.create_once(
            owner=self.owner, model=Person, create=lambda: self._record(self.cleaned_data)
        )

    def _record(self, data: dict[str, Any]) -> Person:
        today = timezone.localdate()
        person = data["person"] or Person.objects.create(
            owner=self.owner,
            name=data["name"].strip(),
            spark=data["spark"],
            met_at=data["event"],
            met_on=today,
        )
        if data["person"] and data["spark"] and not person.spark:
            person.spark = data["spark"]
            person.save(update_fields=["spark", "updated_at"])
        conversation = Conversation.objects.create(
            owner=self.owner,
            happened_on=today,
            kind=Conversation.Kind.IN_PERSON,
            place=data["event"],
        )
        conversation.people.add(person)
        if data["story"]:
            Story.objects.create(
                owner=self.owner,
                conversation=conversation,
                person=person,
                text=data["story"],
                ask_on=data["ask_on"],
            )
        if data["favour"]:
            # Right after an event a favour is almost always an offer: "I'll send you the link".
            Favour.objects.create(
                owner=self.owner,
                person=person,
                giver=data["favour_giver"],
                origin=Favour.Origin.OFFERED,
                what=data["favour"],
            )
        self.birthday_save(person)
        for kind, value in (
            (Channel.Kind.EMAIL, data["email"]),
            (Channel.Kind.PHONE, data["phone"]),
        ):
            if value:
                Channel.objects.get_or_create(person=person, kind=kind, value=value)
        return person
