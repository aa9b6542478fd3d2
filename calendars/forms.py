"""What the user changes about their calendar feed."""

from django import forms

from calendars.models import CalendarFeed


class FeedForm(forms.ModelForm[CalendarFeed]):
    class Meta:
        model = CalendarFeed
        fields = ["with_stories", "with_met_days"]
