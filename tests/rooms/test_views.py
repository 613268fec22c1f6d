import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rotesnetz.cache import KeptInProcess
from rotesnetz.members.models import Gliederung, MembershipRole
from rotesnetz.rooms import services
from rotesnetz.rooms.models import Message, Reaction, ReadState, Room
from rotesnetz.rooms.render import CSRF_MARK
from tests.support.factories import make_gliederung, make_member, make_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def room(tree):
    return Room.objects.get(gliederung=tree["ov"], is_main=True)


def _queries(client, url) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_room_list_queries_do_not_grow_with_rooms_and_gliederungen(client, tree):
    member = make_member(tree["ov"])
    client.force_login(member)
    url = reverse("rooms:list")
    few = _queries(client, url)

    for number in range(8):
        ov = make_gliederung(kind="ortsverein", parent=tree["ub"])
        make_member_of = Gliederung.objects.get(pk=ov.pk)
        from rotesnetz.members.models import Membership

        Membership.objects.create(user=member, gliederung=make_member_of)
        Room.objects.create(gliederung=ov, name=f"Thema {number}")
        services.message_post(
            room=Room.objects.get(gliederung=ov, is_main=True), author=make_member(ov), text="x"
        )
    many = _queries(client, url)

    assert many == few
    assert client.get(url).content.decode().count('class="list-group-item') == 3 + 16


def test_room_list_names_announcements_once(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    for name in ("Ankündigungen", "Termine"):
        services.room_create(
            gliederung=tree["ov"], by=vorstand, name=name, visibility="members", read_only=True
        )
    client.force_login(vorstand)

    items = re.findall(
        r'<li class="list-group-item.*?</li>',
        client.get(reverse("rooms:list")).content.decode(),
        flags=re.S,
    )
    named = next(item for item in items if ">Ankündigungen</a>" in item)
    other = next(item for item in items if ">Termine</a>" in item)

    assert named.count("Ankündigungen") == 1
    assert ">Ankündigungen</span>" in other


def test_room_list_shows_unread_counts(client, tree, room):
    member = make_member(tree["ov"])
    other = make_member(tree["ov"])
    for number in range(3):
        services.message_post(room=room, author=other, text=f"Neu {number}")
    client.force_login(member)

    response = client.get(reverse("rooms:list"))

    assert "3 ungelesen" in response.content.decode()


def test_room_page_queries_do_not_grow_with_messages(client, tree, room):
    member = make_member(tree["ov"])
    client.force_login(member)
    services.message_post(room=room, author=member, text="eins")
    few = _queries(client, reverse("rooms:detail", args=[room.pk]))

    authors = [make_member(tree["ov"]) for _ in range(5)]
    for number in range(40):
        parent = Message.objects.order_by("id").first()
        message = services.message_post(
            room=room, author=authors[number % 5], text=f"Nachricht {number}", parent_id=parent.pk
        )
        Reaction.objects.create(message=message, user=authors[0], emoji="👍")
    from django.core.cache import cache

    cache.clear()
    many = _queries(client, reverse("rooms:detail", args=[room.pk]))

    assert many == few


def test_opening_a_room_the_first_time_writes_the_read_marker_in_one_statement(client, tree, room):
    """At a conference start everyone opens the room for the first time."""
    services.message_post(room=room, author=make_member(tree["ov"]), text="Willkommen")
    member = make_member(tree["ov"])
    client.force_login(member)
    client.get(reverse("rooms:list"))  # the session is warm, the room not yet opened

    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("rooms:detail", args=[room.pk])).status_code == 200

    marker = [q["sql"] for q in context.captured_queries if "rooms_readstate" in q["sql"]]
    assert len(marker) == 2  # read it, then insert it
    assert "INSERT INTO" in marker[1].upper()  # prepared statements log as "QUERY = '…'"
    assert ReadState.objects.get(room=room, user=member).last_read_id == room.messages.last().pk


def test_room_page_works_without_javascript(client, tree, room):
    member = make_member(tree["ov"])
    client.force_login(member)

    response = client.post(reverse("rooms:post", args=[room.pk]), {"text": "Ohne **JS**"})

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#m-{message.pk}")
    page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    assert "<strong>JS</strong>" in page
    assert 'role="log"' in page


def test_posting_bad_input_keeps_the_text_and_stores_nothing(client, tree, room):
    member = make_member(tree["ov"])
    client.force_login(member)

    response = client.post(reverse("rooms:post", args=[room.pk]), {"text": "x" * 4001}, follow=True)

    assert Message.objects.count() == 0
    assert "höchstens" in response.content.decode()
    assert "x" * 4001 in response.content.decode()


def test_outsiders_get_404_for_every_room_page(client, tree, room):
    message = services.message_post(room=room, author=make_member(tree["ov"]), text="intern")
    client.force_login(make_member(tree["other_ov"]))

    urls = [
        reverse("rooms:detail", args=[room.pk]),
        reverse("rooms:member_names", args=[room.pk]),
        reverse("rooms:settings", args=[room.pk]),
        reverse("rooms:export", args=[room.pk]),
        reverse("rooms:log", args=[room.pk]),
        reverse("rooms:edit", args=[room.pk, message.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ["post", "mention_mails", "archive"]:
        assert (
            client.post(reverse(f"rooms:{name}", args=[room.pk]), {"text": "x"}).status_code == 404
        )
    for name in ["react", "delete", "hide", "unhide", "pin"]:
        url = reverse(f"rooms:{name}", args=[room.pk, message.pk])
        assert client.post(url, {"emoji": "👍", "reason": "x"}).status_code == 404, name
    assert Message.objects.count() == 1
    search = client.get(reverse("rooms:search") + "?q=intern").content.decode()
    assert "0 Nachrichten gefunden" in search


def test_members_cannot_reach_moderator_pages(client, tree, room):
    client.force_login(make_member(tree["ov"]))

    assert client.get(reverse("rooms:settings", args=[room.pk])).status_code == 404
    assert client.get(reverse("rooms:export", args=[room.pk])).status_code == 404
    assert client.get(reverse("rooms:create", args=[tree["ov"].slug])).status_code == 404


def test_vorstand_opens_a_room_with_an_invitation_list(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    guest = make_member(tree["ov"])
    client.force_login(vorstand)

    response = client.post(
        reverse("rooms:create", args=[tree["ov"].slug]),
        {"name": "Vorstandsrunde", "topic": "", "visibility": "invite", "invitees": [guest.pk]},
    )

    room = Room.objects.get(name="Vorstandsrunde")
    assert response.status_code == 302
    assert list(room.invited.all()) == [guest]


def test_the_moderation_log_says_what_changed_and_whose_message_it_was(
    client, tree, django_assert_max_num_queries
):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND, name="Renate")
    maria = make_member(tree["ov"], name="Maria")
    karl = make_member(tree["ov"], name="Karl")
    room = services.room_create(
        gliederung=tree["ov"], by=vorstand, name="Kreis", visibility="invite", invitees=[karl]
    )
    # The second save changes nothing: nothing to log.
    for _ in range(2):
        services.room_update(
            room=room,
            by=vorstand,
            name="Kleiner Kreis",
            topic="Wahlkampf",
            visibility="invite",
            read_only=True,
            invitees=[maria],
        )
    message = services.message_post(room=room, author=vorstand, text="Adresse: Musterstr. 5")
    services.message_hide(message_id=message.pk, by=vorstand, reason="Private Adresse")
    client.force_login(vorstand)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("rooms:log", args=[room.pk])).content.decode()

    assert "Raum eröffnet" in page
    assert "Name: „Kreis“ → „Kleiner Kreis“" in page
    assert "Thema geändert" in page
    assert "Nur Ankündigungen: an" in page
    assert "1 Mitglied eingeladen" in page
    assert "1 Einladung zurückgenommen" in page
    assert "Nachricht von Renate vom" in page
    assert "Grund: Private Adresse" in page
    assert page.count("Einstellungen geändert") == 1
    # Counts, not names: who was (un)invited stays out of the log.
    assert "Maria" not in page and "Karl" not in page
    # The hidden words: for the room's moderators, on the message's own page only.
    message_url = reverse("rooms:message", args=[room.pk, message.pk])
    assert f'href="{message_url}"' in page
    assert "Musterstr. 5" in client.get(message_url).content.decode()
    assert (
        "Musterstr. 5" not in client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    )
    client.force_login(maria)
    assert "Musterstr. 5" not in client.get(message_url).content.decode()


def test_room_form_offers_only_what_makes_sense(client, tree):
    vorstand = make_member(tree["ub"], MembershipRole.VORSTAND)
    client.force_login(vorstand)
    main = Room.objects.get(gliederung=tree["ov"], is_main=True)

    ov_form = client.get(reverse("rooms:create", args=[tree["ov"].slug])).content.decode()
    ub_form = client.get(reverse("rooms:create", args=[tree["ub"].slug])).content.decode()
    main_form = client.get(reverse("rooms:settings", args=[main.pk])).content.decode()
    empty_list = client.post(
        reverse("rooms:create", args=[tree["ov"].slug]),
        {"name": "Geheim", "visibility": "invite"},
    )

    # An Ortsverein has nothing below it; an Unterbezirk has.
    assert 'value="subtree"' not in ov_form
    assert 'value="subtree"' in ub_form
    # The main room is the members' room: no invitation list to shut them out with.
    assert 'value="invite"' not in main_form
    assert 'name="invitees"' not in main_form
    assert empty_list.status_code == 200
    assert "Lade mindestens ein Mitglied ein" in empty_list.content.decode()
    assert not Room.objects.filter(name="Geheim").exists()


def test_room_form_bad_input_rerenders_with_messages(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    client.force_login(vorstand)
    url = reverse("rooms:create", args=[tree["ov"].slug])

    for data in [
        {},
        {"name": "x" * 500, "visibility": "members"},
        {"name": "Allgemein", "visibility": "members"},
        {"name": "A", "visibility": "public"},
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert Room.objects.filter(gliederung=tree["ov"]).count() == 1


def test_export_downloads_plain_text_with_an_ascii_file_name(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name="Küche & Ökologie")
    services.message_post(room=room, author=vorstand, text="Protokollpunkt")
    client.force_login(vorstand)

    response = client.get(reverse("rooms:export", args=[room.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="raum-ov-test-kuche-okologie-{timezone.localdate()}.txt"'
    )
    assert "  Protokollpunkt" in response.content.decode().splitlines()


def test_export_queries_do_not_grow_with_messages(client, tree, room, settings):
    settings.ROOM_RATE_LIMIT = (100, 10)
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"], name="Anna A")
    client.force_login(vorstand)
    url = reverse("rooms:export", args=[room.pk])

    def add_thread():
        # Every kind the export writes: a reply, an edit, a mention, a hidden message.
        first = services.message_post(room=room, author=member, text="Frage")
        reply = services.message_post(
            room=room, author=make_member(tree["ov"]), text="@**Anna A**", parent_id=first.pk
        )
        services.message_edit(message_id=reply.pk, by=reply.author, text="@**Anna A** ja")
        services.message_hide(message_id=first.pk, by=vorstand, reason="privat")

    add_thread()
    few = _queries(client, url)
    for _ in range(5):
        add_thread()
    many = _queries(client, url)

    assert many == few


def test_member_names_for_mentions(client, tree, room):
    make_member(tree["ov"], name="Maria Muster")
    make_member(tree["other_ov"], name="Maria Fremd")
    # The one writing is not offered to themselves.
    client.force_login(make_member(tree["ov"], name="Maria Selbst"))

    response = client.get(reverse("rooms:member_names", args=[room.pk]) + "?q=maria")

    assert response.json() == {"names": ["Maria Muster"]}


def test_room_state_tells_the_script_why_a_handshake_was_refused(client, tree, room):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    old = services.room_create(gliederung=tree["ov"], by=vorstand, name="Alt")
    services.room_archive(room=old, by=vorstand)
    url = reverse("rooms:state", args=[room.pk])

    anonymous = client.get(url)
    stranger = make_member(tree["other_ov"])
    client.force_login(stranger)
    outsider = client.get(url)
    reader = make_member(tree["ov"])
    client.force_login(reader)
    member = client.get(url)
    archived = client.get(reverse("rooms:state", args=[old.pk]))

    assert anonymous.status_code == 302 and "/konto/login/" in anonymous["Location"]
    # Only whose session asked: the page learns whether it is still its member's.
    assert (outsider.status_code, outsider.json()) == (404, {"user": stranger.pk})
    assert member.json() == {"archived": False, "can_post": True, "user": reader.pk}
    assert archived.json() == {"archived": True, "can_post": False, "user": reader.pk}


def test_archived_room_is_readable_but_closed(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name="Alt")
    services.message_post(room=room, author=vorstand, text="Früher")
    services.room_archive(room=room, by=vorstand)
    client.force_login(vorstand)

    page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    client.post(reverse("rooms:post", args=[room.pk]), {"text": "Jetzt"})

    assert "archiviert" in page
    assert 'id="composer"' not in page
    assert Message.objects.filter(room=room).count() == 1


def test_mention_mail_setting_toggles(client, tree, room):
    member = make_member(tree["ov"])
    client.force_login(member)

    client.post(reverse("rooms:mention_mails", args=[room.pk]), {"enabled": "0"})

    from rotesnetz.rooms.models import ReadState

    assert ReadState.objects.get(room=room, user=member).mention_mails is False


def test_unknown_room_is_404(client):
    client.force_login(make_user())

    assert client.get(reverse("rooms:detail", args=[424242])).status_code == 404


def test_message_page_offers_every_action_without_javascript(client, tree, room):
    author = make_member(tree["ov"])
    message = services.message_post(room=room, author=author, text="Mit Formularen")
    client.force_login(author)

    page = client.get(reverse("rooms:message", args=[room.pk, message.pk])).content.decode()
    client.post(reverse("rooms:react", args=[room.pk, message.pk]), {"emoji": "👍"})
    asked = client.post(reverse("rooms:delete", args=[room.pk, message.pk]))
    assert "Diese Nachricht löschen?" in asked.content.decode()
    message.refresh_from_db()
    assert message.deleted_at is None  # without JavaScript, deleting asks first
    client.post(reverse("rooms:delete", args=[room.pk, message.pk]), {"confirmed": "1"})

    article = page[page.index("<article") : page.index("</article>")]
    assert article.count("<form") == 9  # six reactions, delete, pin, hide
    assert Reaction.objects.count() == 0  # a deleted message keeps its place, nothing else
    message.refresh_from_db()
    assert message.deleted_at is not None


def test_the_cached_action_menus_carry_each_visitors_own_csrf_token(tree, room):
    """The menus the script clones are rendered once per room and language; the token in
    their forms is put in per request and is accepted for that visitor only."""
    import re

    from django.test import Client

    author = make_member(tree["ov"])
    message = services.message_post(room=room, author=author, text="Hallo")
    tokens = {}
    for name in ("first", "second"):
        visitor = Client(enforce_csrf_checks=True)
        visitor.force_login(make_member(tree["ov"]))
        page = visitor.get(reverse("rooms:detail", args=[room.pk])).content.decode()
        menus = page[page.index('id="rn-actions-open"') :]
        assert "rn-csrf-token-mark" not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', menus).group(1)
        url = reverse("rooms:react", args=[room.pk, message.pk])
        assert visitor.post(url, {"emoji": "👍", "csrfmiddlewaretoken": token}).status_code == 302
        tokens[name] = (visitor, token)

    first, _ = tokens["first"]
    _, second_token = tokens["second"]
    stolen = first.post(
        reverse("rooms:react", args=[room.pk, message.pk]),
        {"emoji": "❤️", "csrfmiddlewaretoken": second_token},
    )
    assert stolen.status_code == 403
    assert Reaction.objects.filter(message=message).count() == 2


def test_the_cached_message_list_shows_a_new_message_at_once(client, tree, room):
    """New posts move no version counter: the room's last message is part of the cache key."""
    member = make_member(tree["ov"])
    client.force_login(member)
    url = reverse("rooms:detail", args=[room.pk])
    services.message_post(room=room, author=member, text="Erste Nachricht")
    assert "Erste Nachricht" in client.get(url).content.decode()
    version = Room.objects.get(pk=room.pk).page_version

    services.message_post(room=room, author=make_member(tree["ov"]), text="Zweite Nachricht")

    assert Room.objects.get(pk=room.pk).page_version == version
    assert "Zweite Nachricht" in client.get(url).content.decode()


def test_previews_show_text_not_markdown(client, tree, room):
    """Pins, reply quotes and search hits show a message's words, not its asterisks."""
    moderator = make_member(tree["ov"], role=MembershipRole.MODERATION)
    first = services.message_post(
        room=room, author=moderator, text="Willkommen im Raum des **OV**!\n\n- Infostand\n- Feier"
    )
    services.message_pin(message_id=first.pk, by=moderator, pinned=True)
    services.message_post(room=room, author=moderator, text="Gern", parent_id=first.pk)
    client.force_login(moderator)

    page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    found = client.get(reverse("rooms:search"), {"q": "Willkommen"}).content.decode()

    assert f'href="#m-{first.pk}">Willkommen im Raum des OV! Infostand Feier</a>' in page
    assert ": Willkommen im Raum des OV! Infostand Feier</p>" in page  # the reply's quote
    assert "Willkommen im Raum des OV! Infostand Feier</a>" in found
    assert "**" not in page.split('id="messages"')[0]
    assert "**" not in found


def test_the_message_page_links_reply_and_quote_into_the_room(client, tree, room):
    """Without JavaScript: the message's own page has no composer and shows no other message."""
    member = make_member(tree["ov"])
    first = services.message_post(room=room, author=member, text="Frage")
    answer = services.message_post(room=room, author=member, text="Antwort", parent_id=first.pk)
    client.force_login(member)

    page = client.get(reverse("rooms:message", args=[room.pk, answer.pk])).content.decode()

    assert f'href="/raeume/{room.pk}/?antwort={answer.pk}#composer"' in page
    assert f'href="/raeume/{room.pk}/n/{first.pk}/#m-{first.pk}"' in page
    room_page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    assert f'href="#m-{first.pk}"' in room_page  # in the room itself the quote stays in place


def _post_many(room, author, count, text="Eintrag"):
    from django.conf import settings

    limit = settings.ROOM_RATE_LIMIT
    settings.ROOM_RATE_LIMIT = (10_000, 10)
    try:
        return [
            services.message_post(room=room, author=author, text=f"{text} {number}")
            for number in range(count)
        ]
    finally:
        settings.ROOM_RATE_LIMIT = limit


def test_links_to_older_messages_open_the_conversation_around_them(client, tree, room):
    """A room page shows the newest 50: a pin or a search hit further back opens the page
    that ends with it, where its anchor is."""
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    old = services.message_post(room=room, author=vorstand, text="Infostand am Markt")
    recent = _post_many(room, vorstand, 54)[-1]
    services.message_pin(message_id=old.pk, by=vorstand, pinned=True)
    services.message_pin(message_id=recent.pk, by=vorstand, pinned=True)
    client.force_login(vorstand)
    room_url = reverse("rooms:detail", args=[room.pk])

    page = client.get(room_url).content.decode()
    found = client.get(reverse("rooms:search"), {"q": "Infostand"}).content.decode()
    around = client.get(f"{room_url}?vor={old.pk + 1}").content.decode()

    assert f'href="#m-{recent.pk}"' in page
    assert f'href="{room_url}?vor={old.pk + 1}#m-{old.pk}"' in page
    assert f'id="m-{old.pk}"' not in page
    assert f'id="m-{old.pk}"' in around
    assert f"{room_url}?vor={old.pk + 1}#m-{old.pk}" in found


def test_search_pages_through_more_than_fifty_hits(client, tree, room):
    member = make_member(tree["ov"])
    _post_many(room, member, 55, text="Haustür")
    client.force_login(member)
    url = reverse("rooms:search")

    first = client.get(url, {"q": "Haustür"}).content.decode()
    second = client.get(url, {"q": "Haustür", "seite": "2"}).content.decode()

    assert "Treffer 1 bis 50" in first
    assert "seite=2" in first
    assert "Treffer 51 bis 55" in second
    assert second.count('class="list-group-item"') == 5
    assert "seite=3" not in second
    assert client.get(url, {"q": "Haustür", "seite": "x"}).status_code == 200


def test_edit_and_delete_pages_say_why_they_are_refused(client, tree, room):
    author = make_member(tree["ov"])
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    topic = services.room_create(gliederung=tree["ov"], by=vorstand, name="Thema")
    mine = services.message_post(room=topic, author=author, text="Meins")
    theirs = services.message_post(room=topic, author=vorstand, text="Nicht meins")
    client.force_login(author)

    edit_theirs = client.get(reverse("rooms:edit", args=[topic.pk, theirs.pk]), follow=True)
    wrong_room = client.get(reverse("rooms:edit", args=[room.pk, mine.pk]))
    services.room_archive(room=topic, by=vorstand)
    delete_archived = client.post(reverse("rooms:delete", args=[topic.pk, mine.pk]), follow=True)

    assert "nur deine eigenen Nachrichten" in edit_theirs.content.decode()
    assert wrong_room.status_code == 404
    assert delete_archived.redirect_chain[-1][0] == reverse("rooms:detail", args=[topic.pk])
    assert "archiviert" in delete_archived.content.decode()
    mine.refresh_from_db()
    assert mine.deleted_at is None


def test_search_pages_stop_at_the_last_allowed_page(tree, room, monkeypatch):
    from rotesnetz.rooms import selectors

    member = make_member(tree["ov"])
    monkeypatch.setattr(selectors, "SEARCH_PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "SEARCH_MAX_PAGES", 3)
    _post_many(room, member, 9, text="Haustür")

    below = selectors.search_page(user=member, query="Haustür", number=0)
    beyond = selectors.search_page(user=member, query="Haustür", number=7)

    assert (below.number, below.first, below.last, below.has_more) == (1, 1, 2, True)
    # Hits remain after page 3, but no page after the last allowed one is offered.
    assert (beyond.number, beyond.first, beyond.last, beyond.has_more) == (3, 5, 6, False)


def test_room_list_says_just_now_not_zero_minutes(client, tree, room):
    member = make_member(tree["ov"])
    services.message_post(room=room, author=member, text="Hallo")
    client.force_login(member)

    listing = client.get(reverse("rooms:list")).content.decode()

    assert "Letzte Nachricht gerade eben" in listing
    assert "0 Minuten" not in listing


def test_a_post_refused_because_the_room_was_archived_keeps_the_text(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name="Thema")
    client.force_login(member)
    services.room_archive(room=room, by=vorstand)

    response = client.post(reverse("rooms:post", args=[room.pk]), {"text": "Mein Beitrag"})
    page = client.get(response.url).content.decode()

    assert 'data-archived="1"' in page
    assert "Dein Text wurde nicht gesendet" in page
    assert "Mein Beitrag</textarea>" in page
    assert not Message.objects.filter(room=room).exists()


def test_a_hidden_message_offers_its_menu_to_moderators_only(client, tree, room):
    author = make_member(tree["ov"])
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    message = services.message_post(room=room, author=author, text="Unpassend")
    services.message_hide(message_id=message.pk, by=vorstand, reason="Ton")
    client.force_login(author)

    detail = client.get(reverse("rooms:message", args=[room.pk, message.pk])).content.decode()

    assert 'class="rn-msg-actions rn-mod-only rn-mod-menu"' in detail


def test_reaction_buttons_under_messages_work_without_javascript(tree, room):
    from django.test import Client

    author = make_member(tree["ov"])
    reader = make_member(tree["ov"])
    message = services.message_post(room=room, author=author, text="Gute Idee")
    services.reaction_toggle(message_id=message.pk, by=author, emoji="👍")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    # The shared message list carries this page's token, not the mark it is cached with.
    assert "rn-csrf-token-mark" not in page
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        reverse("rooms:react", args=[room.pk, message.pk]),
        {"emoji": "👍", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert Reaction.objects.filter(message=message, user=reader).exists()


def test_an_older_page_tells_the_script_where_it_ends(client, tree, room):
    member = make_member(tree["ov"])
    posted = _post_many(room, member, 5)
    client.force_login(member)

    older = client.get(reverse("rooms:detail", args=[room.pk]), {"vor": posted[3].pk})
    newest = client.get(reverse("rooms:detail", args=[room.pk]))

    assert f'data-last-id="{posted[2].pk}" data-history="1"' in older.content.decode()
    assert f'data-last-id="{posted[4].pk}" data-server-time' in newest.content.decode()


def test_a_reply_to_a_reply_without_javascript_stays_in_the_thread(client, tree, room):
    mona = make_member(tree["ov"], name="Mona")
    maria = make_member(tree["ov"], name="Maria")
    first = services.message_post(room=room, author=mona, text="Wer kommt mit?")
    answer = services.message_post(room=room, author=maria, text="Ich!", parent_id=first.pk)
    client.force_login(make_member(tree["ov"]))

    page = client.get(reverse("rooms:detail", args=[room.pk]), {"antwort": answer.pk})
    html = page.content.decode()

    assert f'name="parent" id="id_parent" value="{first.pk}"' in html
    assert "Antwort an Mona" in html
    assert f"@**{maria.public_name}** </textarea>" in html


def test_announcement_rooms_offer_members_no_replies_or_reactions(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])
    news = services.room_create(gliederung=tree["ov"], by=vorstand, name="News", read_only=True)
    message = services.message_post(room=news, author=vorstand, text="Termin am Montag")
    services.reaction_toggle(message_id=message.pk, by=vorstand, emoji="👍")
    client.force_login(member)

    page = client.get(reverse("rooms:detail", args=[news.pk])).content.decode()
    single = client.get(reverse("rooms:message", args=[news.pk, message.pk])).content.decode()

    assert "rn-cannot-post" in page
    assert "rn-cannot-post" in single
    # The composer waits hidden: room.js shows it if the room opens up while the page is open.
    assert 'class="rn-composer" hidden>' in page
    assert '<details class="rn-msg-actions" open>' in single
    # Reaction buttons are for those who may write (rooms.css hides them here); the same
    # counts are there to read.
    assert 'class="rn-reaction-form rn-post-only"' in page
    assert '<span class="rn-reaction-count rn-read-only-only">' in page


def test_without_the_script_members_keep_the_actions_on_their_own_old_messages(client, tree):
    """The shared list is marked per viewer (data-own): rooms.css shows the actions link on
    one's own messages in an announcement room, and on nobody else's."""
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])
    room = services.room_create(gliederung=tree["ov"], by=vorstand, name="Infos")
    mine = services.message_post(room=room, author=member, text="Mein alter Beitrag")
    theirs = services.message_post(room=room, author=vorstand, text="Ab jetzt nur Ankündigungen")
    services.room_update(
        room=room, by=vorstand, name=room.name, topic="", visibility=room.visibility, read_only=True
    )
    client.force_login(member)

    page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()

    assert f'id="m-{mine.pk}" data-id="{mine.pk}" data-author="{member.pk}" data-own=""' in page
    assert f'data-author="{vorstand.pk}" data-own' not in page
    assert f'id="m-{theirs.pk}"' in page
    # The same list as others see it: the mark is per request, not in the shared cache.
    client.force_login(vorstand)
    page = client.get(reverse("rooms:detail", args=[room.pk])).content.decode()
    assert f'data-author="{member.pk}" data-own' not in page
    assert f'data-author="{vorstand.pk}" data-own=""' in page


# --- The room page kept per process (views._pages) ---------------------------------------

_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
_TIME = re.compile(r'data-server-time="[^"]+"')


def _page(client, room) -> str:
    response = client.get(reverse("rooms:detail", args=[room.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _comparable(html: str) -> str:
    """Every request masks its CSRF token anew and has its own server time."""
    return _TIME.sub('data-server-time=""', _TOKEN.sub(r'\1"', html))


def test_a_kept_room_page_is_what_a_fresh_render_would_be(client, tree, room):
    tina = make_member(tree["ov"], name="Tina")
    karl = make_member(tree["ov"], name="Karl")
    services.message_post(room=room, author=tina, text="Von Tina")
    services.message_post(room=room, author=karl, text="Von Karl")
    client.force_login(tina)
    _page(client, room)  # Tina's visit keeps the page
    client.force_login(karl)
    _page(client, room)  # Karl's first visit moves his marker; now he sees the room alike

    kept = _page(client, room)
    KeptInProcess.clear_all()
    fresh = _page(client, room)

    assert _comparable(kept) == _comparable(fresh)
    assert f'data-user="{karl.pk}"' in kept
    assert kept.count("data-own") == 1  # his message, not Tina's
    assert "rn-hole" not in kept and CSRF_MARK not in kept


def test_a_kept_room_page_carries_this_requests_working_token(tree, room):
    from django.test import Client

    member = make_member(tree["ov"])
    make_member(tree["ov"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    _page(client, room)
    page = _page(client, room)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(
        reverse("rooms:post", args=[room.pk]), {"text": "Geht", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert room.messages.filter(text="Geht").exists()


def test_a_kept_room_page_follows_the_viewers_rights_and_settings(client, tree, room):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])
    settings_url = reverse("rooms:settings", args=[room.pk])
    client.force_login(vorstand)
    assert settings_url in _page(client, room)

    client.force_login(member)
    assert settings_url not in _page(client, room)
    assert 'name="enabled" value="0"' in _page(client, room)
    services.mention_mails_set(room=room, user=member, enabled=False)
    page = _page(client, room)
    assert 'name="enabled" value="1"' in page


def test_a_kept_room_page_shows_changes_at_once(client, tree, room):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])
    client.force_login(member)
    _page(client, room)

    services.room_update(
        room=room,
        by=vorstand,
        name=room.name,
        topic="Neues Thema",
        visibility=room.visibility,
        read_only=False,
    )
    message = services.message_post(room=room, author=vorstand, text="Ganz neu")
    services.message_pin(message_id=message.pk, by=vorstand, pinned=True)
    page = _page(client, room)

    assert "Neues Thema" in page
    assert "Ganz neu" in page
    assert re.search(r'<section id="pinned"[^>]*hidden', page) is None


def test_a_notice_is_shown_once_even_on_a_kept_room_page(client, tree, room):
    member = make_member(tree["ov"])
    client.force_login(member)
    _page(client, room)

    client.post(reverse("rooms:post", args=[room.pk]), {"text": ""})  # refused: a notice
    with_notice = _page(client, room)
    after = _page(client, room)

    assert 'role="status" aria-live="polite" tabindex="-1" data-rn-focus' in with_notice
    assert "data-rn-focus" not in after
