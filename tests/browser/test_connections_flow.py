"""Connections in a real browser, in English and German, on a phone and a desktop: link two
people and see it from both sides, be refused a link to oneself, name who introduced you and see
their favour, see who could introduce you to someone you want to meet, and read the brief; the
link form reads as a sentence about the two, and takes a part of a name or asks which one."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from connections.models import Connection
from favours.models import Favour
from tests.browser.conftest import log_in, screenshot, serious_accessibility_violations
from tests.dates import days_ago
from tests.factories import ConversationFactory, PersonFactory

WORDS = {
    "en": {
        "link": "Link Helga Brandt to someone",
        "who": "Who",
        "how": "How",
        "what": "Arjun is Helga's …",
        "link them": "Link them",
        "linked": "Linked Helga Brandt and Arjun Mehta.",
        "mentee": "Helga Brandt's mentee",
        "colleague": "Arjun Mehta's colleague",
        "colleagues": "Colleagues",
        "self": "That is Helga Brandt themselves. Name someone else.",
        "introduced?": "Who introduced you?",
        "introduced by": "Introduced by",
        "save": "Save",
        "introduced": "Introduced to you by",
        "favour": "Introduced you to Arjun Mehta",
        "could": "Who could introduce you to Wen Li",
        "also at": "also at Acme",
        "brief": "Brief before you meet",
        "before": "Before you meet",
        "in common": "People in common",
    },
    "de": {
        "link": "Helga Brandt mit jemandem verknüpfen",
        "who": "Wer",
        "how": "Wie",
        "what": "Arjun ist … von Helga",
        "link them": "Verknüpfen",
        "linked": "Helga Brandt und Arjun Mehta sind verknüpft.",
        "mentee": "mentee von Helga Brandt",
        "colleague": "arbeitet mit Arjun Mehta",
        "colleagues": "Kollegen",
        "self": "Das ist Helga Brandt selbst. Nenne jemand anderen.",
        "introduced?": "Wer hat euch vorgestellt?",
        "introduced by": "Vorgestellt von",
        "save": "Speichern",
        "introduced": "Vorgestellt von",
        "favour": "Hat dir Arjun Mehta vorgestellt",
        "could": "Wer dich Wen Li vorstellen könnte",
        "also at": "auch bei Acme",
        "brief": "Kurzinfo vor dem Treffen",
        "before": "Vor dem Treffen",
        "in common": "Gemeinsame Bekannte",
    },
}


@pytest.mark.parametrize("language", WORDS)
def test_link_two_people_name_an_introducer_find_an_introduction_and_read_the_brief(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = WORDS[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    helga = PersonFactory(owner=alice, name="Helga Brandt", met_on=days_ago(300))
    arjun = PersonFactory(owner=alice, name="Arjun Mehta", organisation="Acme", met_on=days_ago(30))
    wen = PersonFactory(owner=alice, name="Wen Li", status="want_to_meet", organisation="Acme")
    ConversationFactory(owner=alice, people=[helga, arjun], place="Climbing festival")
    log_in(page, live_server, alice)

    # Link Helga to Arjun from Helga's page; the section is redrawn in place.
    page.goto(f"{live_server.url}{helga.get_absolute_url()}")
    section = page.locator("#connections")
    section.get_by_text(words["link"]).click()
    section.get_by_label(words["who"], exact=True).fill("Arjun Mehta")
    section.get_by_label(words["how"], exact=True).select_option(label=words["colleagues"])
    section.get_by_label(words["what"]).fill("mentee")
    section.get_by_role("button", name=words["link them"]).click()
    expect(section.get_by_text(words["linked"])).to_be_visible()
    expect(section.get_by_text(words["mentee"])).to_be_visible()
    assert Connection.objects.filter(person_a=helga, person_b=arjun, label="mentee").exists()
    expect(
        section.locator(f"svg.around-picture a[href='{arjun.get_absolute_url()}']")
    ).to_have_count(1)
    screenshot(page, f"connections-linked-{language}")

    # A link to oneself is refused beside the field, and what was typed stays.
    section.get_by_text(words["link"]).click()
    section.get_by_label(words["who"], exact=True).fill("Helga Brandt")
    section.get_by_role("button", name=words["link them"]).click()
    expect(section.locator("#id_other_error")).to_have_text(words["self"])
    expect(section.get_by_label(words["who"], exact=True)).to_have_value("Helga Brandt")

    # From Arjun's side, and who introduced you: Helga, whose favour shows on her timeline.
    page.goto(f"{live_server.url}{arjun.get_absolute_url()}")
    section = page.locator("#connections")
    expect(section.get_by_text(words["colleague"]).first).to_be_visible()
    section.get_by_text(words["introduced?"]).click()
    section.get_by_label(words["introduced by"]).fill("Helga Brandt")
    section.get_by_role("button", name=words["save"], exact=True).click()
    introduced = section.locator(".introduction p").filter(has_text=words["introduced"])
    expect(introduced.get_by_role("link", name="Helga Brandt")).to_be_visible()
    assert Favour.objects.get(person=helga).status == "done"
    page.goto(f"{live_server.url}{helga.get_absolute_url()}")
    expect(page.locator("#timeline").get_by_text(words["favour"])).to_be_visible()

    # Someone you want to meet: who could introduce you, and why.
    page.goto(f"{live_server.url}{wen.get_absolute_url()}")
    introducers = page.locator(".introducers")
    expect(introducers.get_by_role("heading", name=words["could"])).to_be_visible()
    expect(introducers.get_by_text(words["also at"])).to_be_visible()
    expect(introducers.get_by_role("link", name="Arjun Mehta")).to_be_visible()
    screenshot(page, f"connections-could-introduce-{language}")
    assert serious_accessibility_violations(page) == []

    # The brief, from Arjun's page.
    page.goto(f"{live_server.url}{arjun.get_absolute_url()}")
    page.get_by_role("link", name=words["brief"]).click()
    expect(page.get_by_role("heading", name="Arjun Mehta")).to_be_visible()
    expect(page.get_by_text(words["before"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["in common"])).to_be_visible()
    expect(page.locator(".brief").get_by_role("link", name="Helga Brandt").first).to_be_visible()
    screenshot(page, f"connections-brief-{language}")
    assert serious_accessibility_violations(page) == []


SENTENCES = {
    "en": {
        "link": "Link Tom Baker to someone",
        "who": "Who",
        "they": ("They are Tom's …", "Tom is their …"),
        "mei": ("Mei is Tom's …", "Tom is Mei's …"),
        "which": "“mei” could be more than one person. Did you mean Mei Lin or Mei Tanaka?",
        "link them": "Link them",
        "partner": "Tom Baker's partner",
    },
    "de": {
        "link": "Tom Baker mit jemandem verknüpfen",
        "who": "Wer",
        "they": ("Diese Person ist … von Tom", "Tom ist … von dieser Person"),
        "mei": ("Mei ist … von Tom", "Tom ist … von Mei"),
        "which": "„mei“ könnte mehr als eine Person sein. Meinst du Mei Lin oder Mei Tanaka?",
        "link them": "Verknüpfen",
        "partner": "partner von Tom Baker",
    },
}


@pytest.mark.parametrize("language", SENTENCES)
def test_the_link_form_reads_as_a_sentence_and_asks_which_one_was_meant(
    page: Page, live_server: LiveServer, alice: User, language: str
):
    words = SENTENCES[language]
    User.objects.filter(pk=alice.pk).update(language=language)
    tom = PersonFactory(owner=alice, name="Tom Baker")
    mei = PersonFactory(owner=alice, name="Mei Tanaka")
    PersonFactory(owner=alice, name="Mei Lin")
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{tom.get_absolute_url()}")
    section = page.locator("#connections")
    section.get_by_text(words["link"]).click()
    label, reverse_label = (
        section.locator("label[for=id_label]"),
        section.locator("label[for=id_reverse_label]"),
    )
    # Before a name is typed the labels say "they"; as one is typed, they name both people.
    expect(label).to_contain_text(words["they"][0])
    expect(reverse_label).to_contain_text(words["they"][1])
    who = section.get_by_label(words["who"], exact=True)
    who.press_sequentially("mei")
    expect(label).to_contain_text(words["mei"][0])
    expect(reverse_label).to_contain_text(words["mei"][1])
    # The box offers both Meis, and the form asks which one "mei" is.
    options = section.locator(f"#{who.get_attribute('list')} option")
    expect(options).to_have_count(2)
    section.get_by_label(words["mei"][0]).fill("partner")
    screenshot(page, f"link-sentence-{language}")
    section.get_by_role("button", name=words["link them"]).click()
    expect(section.locator("#id_other_error")).to_have_text(words["which"])
    # The form comes back with the sentence still naming Mei, before and after the script.
    expect(section.locator("label[for=id_label]")).to_contain_text(words["mei"][0])
    screenshot(page, f"link-which-one-{language}")
    assert serious_accessibility_violations(page) == []
    section.get_by_label(words["who"], exact=True).fill("Mei Tanaka")
    section.get_by_role("button", name=words["link them"]).click()
    expect(section.get_by_text(words["partner"]).first).to_be_visible()
    assert Connection.objects.filter(person_a=tom, person_b=mei, label="partner").exists()
