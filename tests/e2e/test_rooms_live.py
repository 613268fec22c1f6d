"""Two members in two browsers: live messages, and nothing lost across a dropped connection."""

import re
from urllib.parse import urlparse

import pytest
from django.test import override_settings
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


def _announcements_only(*, room, by, read_only=True):
    from rotesnetz.rooms import services

    services.room_update(
        room=room, by=by, name=room.name, topic="", visibility=room.visibility, read_only=read_only
    )


def _watched_page(new_page):
    """A page and the script errors it throws (the tests end with ``errors == []``)."""
    page = new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def _member_in_new_room(new_page, *, room_name, member_name, **room_options):
    """A Vorstand opens a room, a member of the Ortsverein has it open (a watched page)."""
    from rotesnetz.members.models import MembershipRole
    from rotesnetz.rooms import services

    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name=room_name, **room_options)
    member = make_member(
        tree["ov"], name=member_name, email=f"{member_name.lower()}-e2e@example.org"
    )
    page, errors = _watched_page(new_page)
    _login(page, member.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    return page, errors, room, vorstand, member


def _write(page, text):
    composer = page.get_by_label("Deine Nachricht", exact=True)
    composer.fill(text)
    composer.press("Enter")


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


def test_older_pages_offline_sends_and_focus(new_page):
    """An older page gets no newest messages glued to it; a send or an edit while the
    connection is down waits instead of leaving the page; a reaction keeps the focus; pins
    and announcements-only mode arrive live."""
    from rotesnetz.members.models import MembershipRole
    from rotesnetz.rooms import services

    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    dora = make_member(tree["ov"], name="Dora", email="dora-e2e@example.org")
    emil = make_member(tree["ov"], name="Emil", email="emil-e2e@example.org")
    frieda = make_member(tree["ov"], name="Frieda", email="frieda-e2e@example.org")

    def post_many():
        with override_settings(ROOM_RATE_LIMIT=(10_000, 10)):
            return [
                services.message_post(room=room, author=emil, text=f"Beitrag {number}")
                for number in range(60)
            ]

    posted = _in_other_thread(post_many)
    page, errors = _watched_page(new_page)
    _login(page, dora.email)

    # An older page: it ends with "Beitrag 9" and stays that way while the room goes on.
    page.goto(f"/raeume/{room.pk}/?vor={posted[10].pk}")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    log = page.get_by_role("log")
    expect(log.locator("article").last).to_contain_text("Beitrag 9")
    _in_other_thread(services.message_post, room=room, author=frieda, text="Ganz neu")
    expect(page.get_by_role("link", name=re.compile("neuere Nachrichten"))).to_be_visible()
    expect(log.locator("article", has_text="Ganz neu")).to_have_count(0)
    expect(log.locator("article", has_text="Beitrag 50")).to_have_count(0)
    expect(log.locator("article").last).to_contain_text("Beitrag 9")

    # The newest page: a reaction from the keyboard keeps the focus on the menu.
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    newest = log.locator("article", has_text="Ganz neu")
    newest.locator("summary").focus()
    page.keyboard.press("Enter")
    newest.get_by_role("button", name="Mit 👍 reagieren").focus()
    page.keyboard.press("Enter")
    expect(newest.locator(".rn-msg-reactions .rn-reaction")).to_have_text("👍 1")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Mit 👍 reagieren"

    # Offline: an edit stays in its editor, a new message waits and goes out on reconnect.
    _write(page, "Meine erste Zeile")
    expect(log.locator("article", has_text="Meine erste Zeile")).to_have_count(1)
    own = page.locator(
        "#" + log.locator("article", has_text="Meine erste Zeile").get_attribute("id")
    )
    own.locator("summary").click()
    own.get_by_role("link", name="Bearbeiten").click()
    editor = own.get_by_label("Deine Nachricht bearbeiten")
    expect(editor).to_be_visible()
    page.context.set_offline(True)
    expect(page.locator("#conn-state")).to_have_attribute(
        "data-state", re.compile("offline|connecting")
    )
    editor.fill("Meine geänderte Zeile")
    editor.press("Enter")
    expect(page.locator("#room-errors")).to_contain_text("Keine Verbindung")
    expect(editor).to_have_value("Meine geänderte Zeile")
    _write(page, "Geschrieben im Funkloch")
    expect(page.locator("#queued-note")).to_contain_text("sobald die Verbindung")
    # An action on a message while offline says so and stays here (the queue is kept).
    newest.locator(".rn-msg-reactions .rn-reaction").click()
    expect(page.locator("#room-errors")).to_contain_text("Das geht wieder")
    assert page.url.endswith(f"/raeume/{room.pk}/")
    page.context.set_offline(False)
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online", timeout=30000)
    expect(log.locator("article", has_text="Geschrieben im Funkloch")).to_have_count(1)
    expect(page.locator("#queued-note")).to_have_count(0)
    # Reconnecting brought a new version of the message: the edit in progress is still there.
    expect(editor).to_have_value("Meine geänderte Zeile")
    editor.press("Enter")
    expect(own.locator(".rn-msg-body")).to_contain_text("Meine geänderte Zeile")
    assert Message.objects.filter(room=room, text="Geschrieben im Funkloch").count() == 1

    # A pin and announcements-only mode reach the open page without a reload.
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    _in_other_thread(services.message_pin, message_id=posted[59].pk, by=vorstand, pinned=True)
    pins = page.get_by_role("region", name="Angeheftet")
    expect(pins.get_by_role("link", name="Beitrag 59")).to_be_visible()
    page.get_by_label("Deine Nachricht", exact=True).fill("Noch nicht gesendet")
    _in_other_thread(_announcements_only, room=room, by=vorstand)
    expect(page.locator("#posting-note")).to_contain_text("nur die Moderation")
    expect(page.get_by_role("button", name="Senden")).to_be_disabled()
    expect(page.get_by_label("Deine Nachricht", exact=True)).to_have_value("Noch nicht gesendet")
    # Reactions become counts to read: nothing to press that would only be refused, and no
    # empty menu under others' messages.
    expect(newest.locator(".rn-msg-reactions .rn-reaction")).to_be_hidden()
    expect(newest.locator("summary")).to_be_hidden()
    expect(own.locator("summary")).to_be_visible()
    expect(newest.locator(".rn-reaction-count")).to_contain_text("👍 1")
    page.reload()
    expect(newest.locator(".rn-msg-reactions .rn-reaction")).to_be_hidden()
    expect(newest.locator(".rn-reaction-count")).to_be_visible()
    assert errors == []


def test_unsent_messages_and_the_draft_survive_a_reload_until_sign_out(new_page):
    """What waits to be sent and the draft outlive a reload of the tab (a phone's browser
    that dropped it, a crash); signing out drops them from the browser."""
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    greta = make_member(tree["ov"], name="Greta", email="greta-e2e@example.org")
    page, errors = _watched_page(new_page)
    _login(page, greta.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")

    page.context.set_offline(True)
    expect(page.locator("#conn-state")).to_have_attribute(
        "data-state", re.compile("offline|connecting")
    )
    _write(page, "Im Funkloch geschrieben")
    expect(page.locator("#queued-note")).to_be_visible()
    # What waits is shown, not only that something waits.
    expect(page.locator("#queued-list li")).to_have_text(["Im Funkloch geschrieben"])
    composer = page.get_by_label("Deine Nachricht", exact=True)
    composer.fill("Noch ein Entwurf")
    kept = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
    assert "Im Funkloch geschrieben" in kept and "Noch ein Entwurf" in kept

    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    log = page.get_by_role("log")
    expect(log.locator("article", has_text="Im Funkloch geschrieben")).to_have_count(1)
    expect(page.locator("#queued-note")).to_have_count(0)
    expect(page.locator("#queued-list")).to_have_count(0)
    expect(composer).to_have_value("Noch ein Entwurf")
    # Sent by whichever page reached the server first, but stored once (the client id).
    assert Message.objects.filter(room=room, text="Im Funkloch geschrieben").count() == 1

    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("link", name="Anmelden").first.wait_for()
    assert page.evaluate("sessionStorage.length") == 0
    assert errors == []


def test_a_refused_reconnect_says_why_and_gives_back_what_waited(new_page):
    """A handshake refused while the page was offline looks the same for every reason: the
    page asks the server and stops retrying when the room was archived or the session ended,
    and what waited to be sent comes back into the composer."""
    from django.contrib.sessions.models import Session

    from rotesnetz.members.models import MembershipRole
    from rotesnetz.rooms import services

    tree = make_tree()
    main = Room.objects.get(gliederung=tree["ov"], is_main=True)
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    topic = services.room_create(gliederung=tree["ov"], by=vorstand, name="Sommerfest")
    hanna = make_member(tree["ov"], name="Hanna", email="hanna-e2e@example.org")
    page, errors = _watched_page(new_page)
    _login(page, hanna.email)
    state = page.locator("#conn-state")
    composer = page.get_by_label("Deine Nachricht", exact=True)

    def offline_then(write, meanwhile):
        expect(state).to_have_attribute("data-state", "online")
        page.context.set_offline(True)
        expect(state).to_have_attribute("data-state", re.compile("offline|connecting"))
        _write(page, write)
        expect(page.locator("#queued-note")).to_be_visible()
        meanwhile()
        page.context.set_offline(False)

    page.goto(f"/raeume/{topic.pk}/")
    offline_then(
        "Für das Archiv",
        lambda: _in_other_thread(services.room_archive, room=topic, by=vorstand),
    )
    expect(state).to_have_attribute("data-state", "archived", timeout=30000)
    expect(composer).to_have_value("Für das Archiv")
    expect(page.locator("#queued-note")).to_have_count(0)
    # The archived page has no composer: after a reload the text is still there to copy.
    page.reload()
    unsent = page.get_by_label("Dein Text wurde nicht gesendet", exact=False)
    expect(unsent).to_have_value("Für das Archiv")
    page.reload()
    expect(unsent).to_have_value("Für das Archiv")
    # Copied: the member discards it, and it stays gone after a reload.
    page.get_by_role("button", name="Kopiert – Text verwerfen").click()
    expect(unsent).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.reload()
    expect(page.get_by_role("log")).to_be_visible()
    expect(unsent).to_have_count(0)

    page.goto(f"/raeume/{main.pk}/")
    offline_then("Nach dem Abmelden", lambda: _in_other_thread(Session.objects.all().delete))
    expect(state).to_have_attribute("data-state", "signed_out", timeout=30000)
    expect(state).to_contain_text("abgemeldet")
    # Said again beside the composer, with the way back in; nothing stays in the browser.
    expect(page.get_by_role("link", name=re.compile("neu anmelden"))).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    expect(page.locator("#online-box")).to_be_hidden()
    expect(composer).to_have_value("Nach dem Abmelden")

    # Someone from another Ortsverein signs in in this browser meanwhile (another tab): the
    # page does not reconnect in their name, and says its member was signed out.
    _login(page, hanna.email)
    page.goto(f"/raeume/{main.pk}/")
    olaf = make_member(tree["other_ov"], name="Olaf")

    def someone_else_signs_in():
        def session_of_olaf():
            from django.test import Client

            client = Client()
            client.force_login(olaf)
            return client.cookies["sessionid"].value

        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": _in_other_thread(session_of_olaf),
                    "domain": urlparse(page.url).hostname,
                    "path": "/",
                }
            ]
        )

    offline_then("Nicht für Olaf", someone_else_signs_in)
    expect(state).to_have_attribute("data-state", "signed_out", timeout=30000)
    # The sign-in page would carry on as Olaf: the note says what to do instead.
    expect(page.locator("#posting-note")).to_contain_text("anderes Konto angemeldet")
    expect(page.locator("#posting-note").get_by_role("link")).to_have_count(0)
    expect(composer).to_have_value("Nicht für Olaf")
    assert page.evaluate("sessionStorage.length") == 0
    assert not Message.objects.filter(
        text__in=["Für das Archiv", "Nach dem Abmelden", "Nicht für Olaf"]
    ).exists()
    assert errors == []


@pytest.mark.parametrize("size", [(320, 568), (375, 667)])
def test_the_composer_stays_pinned_on_a_small_phone(new_page, size):
    """Scrolled back through the conversation, the message box stays at the bottom of the
    screen (it is pinned only while it takes less than 40 % of the height)."""
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    member = make_member(tree["ov"], name="Paula", email="paula-e2e@example.org")
    Message.objects.bulk_create(
        Message(room=room, author=member, text=text, html=f"<p>{text}</p>")
        for text in (f"Nachricht {number}" for number in range(30))
    )
    Room.objects.filter(pk=room.pk).update(
        last_message_id=Message.objects.filter(room=room).latest("id").pk
    )
    page = new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    _login(page, member.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    composer = page.get_by_label("Deine Nachricht", exact=True)

    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("#composer")).to_have_class(re.compile("is-sticky"))
    expect(composer).to_be_in_viewport()
    expect(page.get_by_role("button", name="Senden")).to_be_in_viewport()

    # Answering an old message: the reply line makes the box taller; wherever it ends up, it
    # is where one is looking, and so is the help when it is unfolded.
    first = page.get_by_role("log").locator("article").first
    first.scroll_into_view_if_needed()
    first.locator("summary").click()
    first.get_by_role("link", name="Antworten").click()
    expect(page.locator("#reply-indicator")).to_be_visible()
    expect(composer).to_be_focused()
    expect(composer).to_be_in_viewport()
    page.get_by_text("Formatierung und Erwähnungen").click()
    expect(page.locator("#composer-help")).to_be_in_viewport()
    expect(composer).to_be_in_viewport()


def test_without_javascript_a_member_acts_on_their_own_old_messages_in_an_announcement_room(
    chromium, asgi_server
):
    from rotesnetz.members.models import MembershipRole
    from rotesnetz.rooms import services

    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"], name="Nora", email="nora-e2e@example.org")
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name="Infos")
    services.message_post(room=room, author=member, text="Mein alter Beitrag")
    services.message_post(room=room, author=vorstand, text="Ab jetzt nur Ankündigungen")
    _announcements_only(room=room, by=vorstand)
    context = chromium.new_context(base_url=asgi_server, locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        _login(page, member.email)
        page.goto(f"/raeume/{room.pk}/")
        log = page.get_by_role("log")
        mine = log.locator("article", has_text="Mein alter Beitrag")
        theirs = log.locator("article", has_text="Ab jetzt nur Ankündigungen")

        expect(theirs.get_by_role("link", name=re.compile("^Aktionen"))).to_be_hidden()
        mine.get_by_role("link", name=re.compile("^Aktionen")).click()
        page.get_by_role("link", name="Bearbeiten").click()
        page.locator("textarea[name=text]").fill("Mein korrigierter Beitrag")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("log").locator("article", has_text="korrigierter")).to_be_visible()
    finally:
        context.close()


def test_sends_that_waited_come_back_when_the_room_became_announcements_only(new_page):
    page, errors, room, vorstand, _ida = _member_in_new_room(
        new_page, room_name="Termine", member_name="Ida"
    )
    state = page.locator("#conn-state")

    page.context.set_offline(True)
    expect(state).to_have_attribute("data-state", re.compile("offline|connecting"))
    _write(page, "Wartende Nachricht 1")
    _write(page, "Wartende Nachricht 2")
    composer = page.get_by_label("Deine Nachricht", exact=True)
    composer.fill("Offener Entwurf 3")
    _in_other_thread(_announcements_only, room=room, by=vorstand)
    page.context.set_offline(False)

    expect(state).to_have_attribute("data-state", "online", timeout=30000)
    # Nothing got through, nothing is lost: all of it is back in the box, in order, to copy.
    expect(composer).to_have_value(
        "Wartende Nachricht 1\n\nWartende Nachricht 2\n\nOffener Entwurf 3"
    )
    expect(composer).not_to_be_editable()
    expect(page.get_by_role("button", name="Senden")).to_be_disabled()
    expect(page.locator("#posting-note")).to_contain_text("nur die Moderation schreiben")
    expect(page.locator("#no-messages")).to_have_text("Noch keine Nachrichten.")
    expect(page.locator("#queued-note")).to_have_count(0)
    assert not Message.objects.filter(room=room).exists()
    assert errors == []


def test_the_message_box_comes_when_an_announcement_room_opens_up(new_page):
    page, errors, room, vorstand, ida = _member_in_new_room(
        new_page, room_name="Infos", member_name="Ida", read_only=True
    )
    composer = page.get_by_label("Deine Nachricht", exact=True)
    expect(composer).to_be_hidden()
    expect(page.locator("#read-only-note")).to_be_visible()

    _in_other_thread(_announcements_only, room=room, by=vorstand, read_only=False)

    # No reload: the box is there, and what is written in it goes out live.
    expect(composer).to_be_visible()
    expect(page.locator("#read-only-note")).to_be_hidden()
    expect(page.locator("#posting-note")).to_have_text("Du kannst in diesem Raum wieder schreiben.")
    _write(page, "Endlich darf ich mitreden")
    expect(page.get_by_role("log").locator("article", has_text="mitreden")).to_be_visible()
    assert Message.objects.filter(room=room, author=ida).count() == 1
    assert errors == []


def test_quotes_in_replies_follow_an_edit_and_lose_deleted_words(new_page):
    from rotesnetz.rooms import services

    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    maria = make_member(tree["ov"], name="Maria")
    vera = make_member(tree["ov"], name="Vera", email="vera-e2e@example.org")
    first = services.message_post(room=room, author=maria, text="Erster **Entwurf**")
    services.message_post(room=room, author=vera, text="Da widerspreche ich", parent_id=first.pk)
    page = new_page()
    _login(page, vera.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    quote = (
        page.get_by_role("log")
        .locator("article", has_text="Da widerspreche ich")
        .locator(".rn-msg-reply")
    )
    expect(quote).to_have_text("Antwort an Maria: Erster Entwurf")

    _in_other_thread(services.message_edit, message_id=first.pk, by=maria, text="Zweiter Entwurf")
    expect(quote).to_have_text("Antwort an Maria: Zweiter Entwurf")
    _in_other_thread(services.message_delete, message_id=first.pk, by=maria)
    expect(quote).to_have_text("Antwort an Maria")
    expect(quote.get_by_role("link")).to_have_attribute("href", f"#m-{first.pk}")


def test_an_archived_room_offers_no_edits(new_page):
    from rotesnetz.members.models import MembershipRole
    from rotesnetz.rooms import services

    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name="Wahlkampf")
    karl = make_member(tree["ov"], name="Karl", email="karl-e2e@example.org")
    services.message_post(room=room, author=karl, text="Plakate hängen am Samstag")
    page = new_page()
    _login(page, karl.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    mine = page.get_by_role("log").locator("article", has_text="Plakate")
    actions = mine.locator("summary", has_text="Aktionen")
    expect(actions).to_be_visible()

    _in_other_thread(services.room_archive, room=room, by=vorstand)
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "archived")
    expect(actions).to_be_hidden()
    page.reload()
    expect(mine).to_be_visible()
    expect(mine.get_by_role("link", name=re.compile("^Aktionen"))).to_be_hidden()
    expect(actions).to_be_hidden()


def test_the_invitation_list_shows_for_invitation_rooms_and_filters_long_lists(new_page):
    from rotesnetz.members.models import MembershipRole

    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND, email="renate-e2e@example.org")
    for number in range(12):
        make_member(tree["ov"], name=f"Mitglied {number:02d}")
    nora = make_member(tree["ov"], name="Nora Neumann")
    page, errors = _watched_page(new_page)
    _login(page, vorstand.email)
    page.goto(f"/gliederungen/{tree['ov'].slug}/raeume/neu/")
    invitees = page.get_by_role("group", name=re.compile("^Eingeladene Mitglieder"))

    expect(invitees).to_be_hidden()
    page.get_by_label("Nur eingeladene Mitglieder").check()
    expect(invitees).to_be_visible()
    page.get_by_label("Namen filtern").fill("nora")
    expect(invitees.get_by_role("checkbox")).to_have_count(1)
    invitees.get_by_label(re.compile("Nora Neumann")).check()
    page.get_by_label("Namen filtern").fill("")
    expect(invitees.get_by_role("checkbox")).to_have_count(14)
    page.get_by_role("textbox", name=re.compile(r"^Name\W*$")).fill("Kleiner Kreis")
    page.get_by_role("button", name="Raum eröffnen").click()

    expect(page.get_by_role("heading", name="Kleiner Kreis")).to_be_visible()
    assert list(Room.objects.get(name="Kleiner Kreis").invited.all()) == [nora]
    assert errors == []


def test_a_refused_edit_keeps_its_text_in_the_editor(new_page):
    from rotesnetz.rooms import services
    from rotesnetz.rooms.models import MESSAGE_MAX_LENGTH

    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    renate = make_member(tree["ov"], name="Renate", email="renate-e2e@example.org")
    message = services.message_post(room=room, author=renate, text="Kurzer Bericht")
    page, errors = _watched_page(new_page)
    _login(page, renate.email)
    page.goto(f"/raeume/{room.pk}/")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    mine = page.locator(f"#m-{message.pk}")
    mine.locator("summary").click()
    mine.get_by_role("link", name="Bearbeiten").click()
    editor = page.get_by_label("Deine Nachricht bearbeiten")
    assert editor.get_attribute("maxlength") == str(MESSAGE_MAX_LENGTH)

    # Longer than allowed (pasted past the field's limit by a script, or an older page): the
    # server refuses, and the long text is still in the editor to shorten.
    long_text = "Langer Bericht " + "x" * MESSAGE_MAX_LENGTH
    editor.evaluate(
        "(area, text) => { area.removeAttribute('maxlength'); area.value = text; }", long_text
    )
    editor.press("Enter")
    expect(page.locator("#room-errors")).to_contain_text("höchstens")
    expect(editor).to_have_value(long_text)
    expect(editor).to_be_editable()

    editor.fill("Langer Bericht, gekürzt")
    editor.press("Enter")
    expect(editor).to_have_count(0)
    expect(mine).to_contain_text("Langer Bericht, gekürzt")
    message.refresh_from_db()
    assert message.text == "Langer Bericht, gekürzt"
    assert errors == []


def test_on_a_phone_enter_starts_a_new_line_and_the_button_sends(chromium, asgi_server):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    ida = make_member(tree["ov"], name="Ida", email="ida-e2e@example.org")
    context = chromium.new_context(
        base_url=asgi_server,
        locale="de-DE",
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        _login(page, ida.email)
        page.goto(f"/raeume/{room.pk}/")
        expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
        assert page.evaluate("matchMedia('(hover: none) and (pointer: coarse)').matches")
        expect(page.locator("#composer-keys")).to_have_text(
            "Enter: neue Zeile; „Senden“ schickt ab."
        )
        composer = page.get_by_label("Deine Nachricht", exact=True)
        composer.tap()
        page.keyboard.type("Mitbringen:")
        page.keyboard.press("Enter")
        page.keyboard.type("- Kuchen")

        expect(composer).to_have_value("Mitbringen:\n- Kuchen")
        assert not Message.objects.filter(room=room).exists()
        page.get_by_role("button", name="Senden").tap()
        expect(page.get_by_role("log").locator("article li", has_text="Kuchen")).to_be_visible()
    finally:
        context.close()


def test_a_reopened_room_is_noticed_and_the_kept_text_survives_the_reload(new_page):
    from rotesnetz.rooms import services

    page, errors, room, vorstand, _karl = _member_in_new_room(
        new_page, room_name="Wahlkampf", member_name="Karl"
    )
    state = page.locator("#conn-state")
    composer = page.get_by_label("Deine Nachricht", exact=True)
    composer.fill("Halb geschriebener Gedanke")

    _in_other_thread(services.room_archive, room=room, by=vorstand)
    expect(state).to_have_attribute("data-state", "archived")
    _in_other_thread(services.room_reopen, room=room, by=vorstand)
    # Coming back to the tab is when a member looks again (and every two minutes).
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    reload = state.get_by_role(
        "link", name="Der Raum ist wieder offen: Seite neu laden, um zu schreiben."
    )
    expect(reload).to_be_visible()
    reload.click()
    expect(state).to_have_attribute("data-state", "online")
    expect(composer).to_have_value("Halb geschriebener Gedanke")
    expect(composer).to_be_editable()
    assert errors == []
