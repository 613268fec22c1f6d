"""Two members in two browsers: live messages, and nothing lost across a dropped connection."""

import re

import pytest
from playwright.sync_api import expect

from rotesnetz.rooms.models import Message, Room
from tests.support.factories import PASSWORD, make_member, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_role("textbox", name=re.compile(r"^Passwort\W*$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("^Anmeld")).click()
    page.get_by_role("heading", name=re.compile("Mein Netz")).wait_for()


def _write(page, text):
    page.get_by_label("Deine Nachricht").fill(text)
    page.get_by_label("Deine Nachricht").press("Enter")


def test_live_messages_and_resync_after_going_offline(new_page):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    alice = make_member(tree["ov"], name="Alice", email="alice-e2e@example.org")
    bob = make_member(tree["ov"], name="Bob", email="bob-e2e@example.org")

    alice_page = new_page()
    bob_page = new_page()
    csp_errors = []
    page_errors = []
    for page in (alice_page, bob_page):
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.on(
            "console",
            lambda msg: (
                csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
    _login(alice_page, alice.email)
    _login(bob_page, bob.email)
    for page in (alice_page, bob_page):
        page.goto(f"/raeume/{room.pk}/")
        expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")

    _write(alice_page, "Hallo Bob, **live**!")
    bob_log = bob_page.get_by_role("log")
    expect(bob_log.locator("article", has_text="Hallo Bob")).to_have_count(1)
    expect(bob_log.locator("strong", has_text="live")).to_be_visible()

    # Bob reacts through the action menu of a message that arrived live; Alice sees it.
    live_message = bob_log.locator("article", has_text="Hallo Bob")
    live_message.locator("summary").click()
    live_message.get_by_role("button", name="Mit 👍 reagieren").click()
    expect(
        alice_page.get_by_role("log")
        .locator("article", has_text="Hallo Bob")
        .locator(".rn-reaction")
    ).to_have_text("👍 1")

    bob_page.context.set_offline(True)
    expect(bob_page.locator("#conn-state")).to_have_attribute(
        "data-state", re.compile("offline|connecting")
    )
    for text in ("Erstens", "Zweitens", "Drittens"):
        _write(alice_page, text)
    expect(alice_page.get_by_role("log").locator("article")).to_have_count(4)
    assert Message.objects.filter(room=room).count() == 4

    bob_page.context.set_offline(False)
    expect(bob_page.locator("#conn-state")).to_have_attribute("data-state", "online", timeout=30000)
    for text in ("Erstens", "Zweitens", "Drittens"):
        expect(bob_log.locator("article", has_text=text)).to_have_count(1)
    expect(bob_log.locator("article")).to_have_count(4)
    ids = bob_log.locator("article").evaluate_all("els => els.map(e => Number(e.dataset.id))")
    assert ids == sorted(ids)

    # Alice deletes her own message from its open action menu: both see it marked deleted.
    alice_page.on("dialog", lambda dialog: dialog.accept())
    own = alice_page.get_by_role("log").locator("article", has_text="Erstens")
    own.locator("summary").click()
    own.get_by_role("button", name="Löschen").click()
    for page in (alice_page, bob_page):
        expect(page.get_by_role("log").locator("article.is-deleted")).to_have_count(1)
    assert page_errors == []
    assert csp_errors == []


def _in_other_thread(function, **kwargs):
    """A service that broadcasts, called beside Playwright's event loop in this thread."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def call():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def test_a_room_archived_while_open_says_so_and_keeps_the_draft(new_page):
    from rotesnetz.members.models import MembershipRole
    from rotesnetz.rooms import services

    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"], name="Carla", email="carla-e2e@example.org")
    topic = services.room_create(gliederung=tree["ov"], by=vorstand, name="Sommerfest")
    page = new_page()
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "403" in msg.text else None)
    _login(page, member.email)
    page.goto(f"/raeume/{topic.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    page.get_by_label("Deine Nachricht").fill("Ich bringe Kuchen mit")

    _in_other_thread(services.room_archive, room=topic, by=vorstand)

    expect(page.locator("#conn-state")).to_have_attribute("data-state", "archived")
    expect(page.locator("#conn-state")).to_contain_text("archiviert")
    expect(page.get_by_label("Deine Nachricht")).to_have_value("Ich bringe Kuchen mit")
    expect(page.get_by_role("button", name="Senden")).to_be_disabled()

    # Opened later, the archived room does not try to connect at all.
    page.reload()
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "archived")
    page.wait_for_timeout(1500)
    assert refused == []
