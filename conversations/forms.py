"""Forms to log a conversation (with a first story), add a story, and name who was there."""

from typing import Any, cast

from django import forms
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.once import CreatesOnce
from contacts.forms import PersonNameField
from contacts.models import Person
from conversations.models import Conversation, Story, validate_follow_up_date
from conversations.services import follow_up_asked


class FollowUpsField(forms.ModelMultipleChoiceField[Story]):
    def label_from_instance(self, story: Story) -> str:
        return _("“%(story)s”") % {"story": Truncator(story.text).words(12)}


class ConversationForm(CreatesOnce, forms.ModelForm[Conversation]):
    """A conversation with the given person and anyone else named, plus an optional story."""

    also_there = PersonNameField(
        label=_("Also there"),
        several=True,
        required=False,
        help_text=_("Names of other people you know, separated by commas."),
    )
    story = forms.CharField(
        label=_("What did they tell you?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    topics = forms.CharField(label=_("Topics"), required=False, max_length=200)
    ask_on = forms.DateField(
        label=_("Ask about this on"),
        required=False,
        validators=[validate_follow_up_date],
        help_text=_("Makes it a follow-up, e.g. “ask how the operation went”."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    answered = FollowUpsField(
        label=_("You asked about"),
        queryset=Story.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you asked about, and the follow-up is done."),
    )

    class Meta:
        model = Conversation
        fields = ["happened_on", "kind", "place", "notes"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, owner: User, person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.person = person
        cast(PersonNameField, self.fields["also_there"]).among(owner)
        # Logging a new conversation offers to close what you meant to ask this person about.
        follow_ups = Story.objects.filter(person=person).open_follow_ups().order_by("ask_on")
        if person and not self.instance.pk and follow_ups.exists():
            cast(FollowUpsField, self.fields["answered"]).queryset = follow_ups
        else:
            del self.fields["answered"]
        if self.instance.pk:
            for name in ("story", "topics", "ask_on"):
                del self.fields[name]
            others = [p.name for p in self.instance.people.all() if p != person]
            self.initial["also_there"] = ", ".join(others)
        if person is None:
            self.fields["also_there"].label = _("Who was there")
            self.fields["also_there"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("topics") or data.get("ask_on")) and not data.get("story"):
            self.add_error("story", _("Write down what they told you, to keep the topics or date."))
        return data

    def participants(self) -> list[Person]:
        named = self.cleaned_data.get("also_there", [])
        return list(dict.fromkeys([self.person, *named] if self.person else named))

    @transaction.atomic
    def save(self, commit: bool = True) -> Conversation:
        conversation = super().save(commit=False)
        conversation.owner = self.owner
        conversation.save()
        conversation.people.set(self.participants())
        if self.cleaned_data.get("story"):
            Story.objects.create(
                owner=self.owner,
                conversation=conversation,
                person=self.participants()[0],
                text=self.cleaned_data["story"],
                topics=self.cleaned_data["topics"],
                ask_on=self.cleaned_data["ask_on"],
            )
        for story in self.cleaned_data.get("answered", []):
            follow_up_asked(story=story, on=conversation.happened_on)
        return conversation


class StoryForm(CreatesOnce, forms.ModelForm[Story]):
    class Meta:
        model = Story
        fields = ["person", "text", "topics", "ask_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "ask_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conversation = conversation
        person_field = cast(forms.ModelChoiceField[Person], self.fields["person"])
        person_field.queryset = conversation.people.all()
        person_field.empty_label = None

    def save(self, commit: bool = True) -> Story:
        story = super().save(commit=False)
        story.owner = self.conversation.owner
        story.conversation = self.conversation
        story.save()
        return story
