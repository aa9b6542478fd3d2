"""Logging conversations and stories, and the one-tap "we caught up"."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.forms import paged_after
from common.ownership import get_owned_or_404
from common.responses import TIMELINE_CHANGED, form_page, safe_next, saved
from common.types import AuthedRequest
from common.undo import removal_delete, removal_offer
from contacts.models import Person
from conversations.forms import ConversationForm, StoryForm
from conversations.models import Conversation, Story
from conversations.services import follow_up_asked as record_asked
from conversations.services import touch_record


@require_http_methods(["GET", "POST"])
def conversation_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=person_pk)
    form = ConversationForm(request.POST or None, owner=request.user, person=person)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.create_once(owner=request.user, model=Conversation)
    ):
        return saved(
            request,
            message=_("Conversation saved to the timeline."),
            next_url=safe_next(request, person.get_absolute_url()),
        )
    return form_page(
        request, "conversations/conversation_form.html", {"form": form, "person": person}
    )


STORIES_PAGE = 50


@require_GET
def conversation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A conversation and its stories, a page at a time: a long conference evening can hold
    thousands. Without JavaScript "More stories" is a link; with htmx it appends in place."""
    conversation = get_owned_or_404(
        Conversation.objects.prefetch_related("people"), request.user, pk=pk
    )
    after = paged_after(request.GET)
    stories = list(
        conversation.stories.select_related("person")
        .filter(pk__gt=after or 0)
        .order_by("pk")[: STORIES_PAGE + 1]
    )
    context = {
        "conversation": conversation,
        "stories": stories[:STORIES_PAGE],
        "after": stories[STORIES_PAGE - 1].pk if len(stories) > STORIES_PAGE else None,
        "story_form": StoryForm(conversation=conversation),
        "next_url": request.path,
    }
    if request.htmx and after:
        return render(request, "conversations/conversation_detail.html#stories", context)
    return render(request, "conversations/conversation_detail.html", context)


@require_http_methods(["GET", "POST"])
def conversation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    conversation = get_owned_or_404(Conversation, request.user, pk=pk)
    form = ConversationForm(request.POST or None, instance=conversation, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Conversation saved."))
        return redirect("conversations:detail", pk=conversation.pk)
    return form_page(
        request,
        "conversations/conversation_form.html",
        {"form": form, "conversation": conversation},
    )


@require_POST
def conversation_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    conversation = get_owned_or_404(Conversation, request.user, pk=pk)
    first = conversation.people.first()
    fallback = first.get_absolute_url() if first else reverse("home")
    removal = removal_delete(
        owner=request.user, objects=[conversation], label=_("Conversation deleted."), back=fallback
    )
    removal_offer(request, removal)
    return redirect(fallback)


@require_http_methods(["GET", "POST"])
def story_create(request: AuthedRequest, pk: int) -> HttpResponse:
    conversation = get_owned_or_404(Conversation, request.user, pk=pk)
    form = StoryForm(request.POST or None, conversation=conversation)
    next_url = safe_next(request, reverse("conversations:detail", args=[conversation.pk]))
    if (
        request.method == "POST"
        and form.is_valid()
        and form.create_once(owner=request.user, model=Story)
    ):
        return saved(request, message=_("Story saved."), next_url=next_url)
    return form_page(
        request,
        "conversations/story_form.html",
        {"form": form, "conversation": conversation, "next_url": next_url},
    )


@require_http_methods(["GET", "POST"])
def story_edit(request: AuthedRequest, story_pk: int) -> HttpResponse:
    story = get_owned_or_404(
        Story.objects.select_related("conversation"), request.user, pk=story_pk
    )
    form = StoryForm(request.POST or None, instance=story, conversation=story.conversation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Story saved."))
        return redirect("conversations:detail", pk=story.conversation_id)
    return form_page(
        request,
        "conversations/story_form.html",
        {"form": form, "conversation": story.conversation, "story": story, "next_url": ""},
    )


@require_POST
def story_delete(request: AuthedRequest, story_pk: int) -> HttpResponse:
    story = get_owned_or_404(Story, request.user, pk=story_pk)
    back = reverse("conversations:detail", args=[story.conversation_id])
    removal = removal_delete(
        owner=request.user, objects=[story], label=_("Story deleted."), back=back
    )
    removal_offer(request, removal)
    return redirect(back)


@require_POST
def touch_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_owned_or_404(Person, request.user, pk=person_pk)
    touch_record(person=person)
    return saved(
        request,
        message=_("Noted: you caught up with %(name)s today.") % {"name": person.name},
        next_url=safe_next(request, person.get_absolute_url()),
    )


@require_POST
def follow_up_asked(request: AuthedRequest, story_pk: int) -> HttpResponse:
    """One tap: you asked about it. htmx gets the button's place back saying so; the person's
    timeline, listening, shows the story as asked."""
    story = get_owned_or_404(Story, request.user, pk=story_pk)
    record_asked(story=story)
    if request.htmx:
        response = render(request, "conversations/_asked.html")
        response.headers["HX-Trigger"] = TIMELINE_CHANGED
        return response
    return redirect(safe_next(request, story.person.get_absolute_url()))
