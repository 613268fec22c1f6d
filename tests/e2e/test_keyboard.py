"""Keyboard only: the skip link leads to the content and a message can be sent without a mouse."""

import re

import pytest
from playwright.sync_api import expect

from rotesnetz.rooms.models import Message, Room
from tests.support.factories import PASSWORD, make_member, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, predicate: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return True
    return False


def test_signing_in_and_sending_a_message_with_the_keyboard_only(new_page):
    tree = make_tree()
    member = make_member(tree["ov"], email="tastatur@example.org")
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    page = new_page()

    page.goto("/konto/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert _tab_to(page, "document.activeElement.id === 'id_login'")
    page.keyboard.type(member.email)
    assert _tab_to(page, "document.activeElement.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/mein-netz/"))

    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    assert _tab_to(page, "document.activeElement.id === 'id_text'")
    page.keyboard.type("Nur mit der Tastatur geschrieben")
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("log").locator("article", has_text="Nur mit der Tastatur")
    ).to_have_count(1)
    assert Message.objects.filter(room=room, text="Nur mit der Tastatur geschrieben").exists()
    # The new message was announced without taking the focus away from the composer.
    assert page.evaluate("document.activeElement.id") == "id_text"
