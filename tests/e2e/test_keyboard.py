"""Keyboard only: the skip link leads to the content and a message can be sent without a mouse;
live messages are announced without taking the focus from the composer."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rotesnetz.rooms.models import Message, Room
from tests.e2e.a11y import (
    focus_problem,
    patient_expect,  # noqa: F401 - the fixture, used by name
    sign_in_by_keyboard,
    tab_to,
)
from tests.support.factories import PASSWORD, make_member, make_tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]


def test_signing_in_and_sending_a_message_with_the_keyboard_only(new_page):
    tree = make_tree()
    member = make_member(tree["ov"], email="tastatur@example.org")
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    page = new_page()

    page.goto("/konto/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    tab_to(page, "el.id === 'id_login'")
    page.keyboard.type(member.email)
    tab_to(page, "el.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/mein-netz/"))

    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    tab_to(page, "el.id === 'id_text'")
    page.keyboard.type("Nur mit der Tastatur geschrieben")
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("log").locator("article", has_text="Nur mit der Tastatur")
    ).to_have_count(1)
    assert Message.objects.filter(room=room, text="Nur mit der Tastatur geschrieben").exists()
    # The new message was announced without taking the focus away from the composer.
    assert page.evaluate("document.activeElement.id") == "id_text"


@pytest.mark.parametrize("text_size", [16, 32], ids=["text-100", "text-200"])
def test_live_messages_are_announced_without_taking_the_focus_from_the_composer(
    new_page, text_size
):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    alice = make_member(tree["ov"], name="Alice", email="alice-live@example.org")
    bob = make_member(tree["ov"], name="Bob", email="bob-live@example.org")
    # A long conversation, so that the page scrolls and the composer can leave the screen.
    Message.objects.bulk_create(
        Message(room=room, author=alice, text=text, html=f"<p>{text}</p>")
        for text in (f"Ältere Nachricht {number}" for number in range(15))
    )
    # Older by an hour, as their text says: fifteen messages of Alice in the last seconds would
    # put her over the flood limit, which counts stored messages.
    Message.objects.filter(room=room).update(created_at=timezone.now() - timedelta(hours=1))
    alice_page = new_page()
    bob_page = new_page()
    bob_page.set_viewport_size({"width": 1280, "height": 800})
    if text_size != 16:
        session = bob_page.context.new_cdp_session(bob_page)
        session.send("Page.setFontSizes", {"fontSizes": {"standard": text_size, "fixed": 13}})
    sign_in_by_keyboard(bob_page, bob.email)
    sign_in_by_keyboard(alice_page, alice.email)
    for page in (alice_page, bob_page):
        page.goto(f"/raeume/{room.pk}/")
        expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")

    # The message list is a polite live region of its own; the composer is not part of it.
    log = bob_page.get_by_role("log", name="Nachrichten")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_attribute("aria-relevant", re.compile("additions"))
    assert log.evaluate("el => !el.contains(document.getElementById('id_text'))")
    expect(bob_page.locator("#typing")).to_have_attribute("aria-live", "polite")
    # Mark a message that is already there: new ones must be added, not the list redrawn.
    log.locator("article").first.evaluate("el => { el.dataset.probe = 'still-here'; }")

    tab_to(bob_page, "el.id === 'id_text'")
    bob_page.keyboard.type("Ich schreibe gerade")

    alice_page.get_by_label("Deine Nachricht").fill("Neu von Alice")
    alice_page.get_by_label("Deine Nachricht").press("Enter")
    alice_page.get_by_label("Deine Nachricht").fill("Und noch eine von Alice")
    alice_page.get_by_label("Deine Nachricht").press("Enter")

    expect(log.locator("article", has_text="Und noch eine von Alice")).to_have_count(1)
    expect(log.locator("article", has_text="Neu von Alice")).to_have_count(1)
    expect(log.locator("article[data-probe='still-here']")).to_have_count(1)
    # Bob's focus, caret and draft are where they were, and he can still see where he types.
    state = bob_page.evaluate(
        "() => { const el = document.activeElement;"
        " return [el.id, el.value, el.selectionStart, el.selectionEnd]; }"
    )
    assert state == ["id_text", "Ich schreibe gerade", 19, 19]
    assert focus_problem(bob_page) is None, focus_problem(bob_page)
    bob_page.keyboard.type(" und weiter")
    bob_page.keyboard.press("Enter")
    expect(log.locator("article", has_text="Ich schreibe gerade und weiter")).to_have_count(1)
    assert bob_page.evaluate("[document.activeElement.id, document.activeElement.value]") == [
        "id_text",
        "",
    ]
    assert Message.objects.filter(room=room, author=bob).count() == 1
    assert Message.objects.filter(room=room, author=alice).count() == 17


def test_mentions_edits_and_menus_answer_enter_and_escape(new_page):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    make_member(tree["ov"], name="Volker Beispiel")
    member = make_member(tree["ov"], name="Tina", email="tina-keys@example.org")
    Message.objects.bulk_create(  # more than one page, and the room opens at the newest
        Message(room=room, author=member, text=text, html=f"<p>{text}</p>")
        for text in (f"Alt {number}" for number in range(60))
    )
    Message.objects.filter(room=room).update(created_at=timezone.now() - timedelta(hours=1))
    Room.objects.filter(pk=room.pk).update(
        last_message_id=Message.objects.filter(room=room).latest("id").pk
    )
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in_by_keyboard(page, member.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    newest = page.get_by_role("log").locator("article", has_text="Alt 59")
    expect(newest).to_be_in_viewport()

    composer = page.get_by_label("Deine Nachricht")
    composer.focus()
    page.keyboard.type("Hallo @Vol")
    expect(page.get_by_role("option", name="@Volker Beispiel")).to_be_visible()
    # A textarea cannot be a combobox: a status says that names wait to be chosen.
    expect(page.locator("#mention-status")).to_have_text(
        "1 Namen zur Auswahl: Pfeiltasten wählen, Enter übernimmt."
    )
    assert composer.get_attribute("aria-controls") == "mention-suggestions"
    page.keyboard.press("Enter")
    expect(composer).to_have_value("Hallo @**Volker Beispiel** ")
    expect(page.get_by_role("option")).to_have_count(0)
    expect(page.locator("#mention-status")).to_have_text("")
    page.keyboard.type("kommst du?")
    page.keyboard.press("Enter")
    mine = page.get_by_role("log").locator("article", has_text="kommst du?")
    expect(mine).to_have_count(1)

    # Escape closes an action menu and cancels an edit, and the focus stays on the menu.
    summary = mine.locator("summary")
    # Named after its message's header (who, when), as screen readers list the menus.
    expect(summary).to_have_accessible_name(
        re.compile(r"^Aktionen Tina \d\d\.\d\d\.\d{4} \d\d:\d\d")
    )
    summary.focus()
    page.keyboard.press("Enter")
    expect(mine.locator("details")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(mine.locator("details")).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    mine.get_by_role("link", name="Bearbeiten").click()
    expect(page.get_by_label("Deine Nachricht bearbeiten")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_label("Deine Nachricht bearbeiten")).to_have_count(0)
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
