from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from rotesnetz.members.models import Gliederung, MembershipRole
from rotesnetz.rooms import selectors, services
from rotesnetz.rooms.models import Mention, Message, ModerationLog, Reaction, ReadState, Room
from rotesnetz.rooms.services import RoomError
from tests.support.factories import make_member, make_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def room(tree):
    return Room.objects.get(gliederung=tree["ov"], is_main=True)


def test_every_gliederung_gets_its_main_room(tree):
    ov = Gliederung.objects.create(
        name="OV Neu", slug="ov-neu", kind="ortsverein", parent=tree["ub"]
    )

    main = Room.objects.get(gliederung=ov, is_main=True)
    assert main.name == "Allgemein"
    assert main.visibility == "members"
    assert Room.objects.get(gliederung=tree["ub"], is_main=True).visibility == "subtree"


def test_message_post_stores_rendered_safe_html(room, tree):
    member = make_member(tree["ov"])

    message = services.message_post(
        room=room, author=member, text="**Hallo** <script>alert(1)</script>"
    )

    assert message.html == "<p><strong>Hallo</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    room.refresh_from_db()
    assert room.last_message_id == message.pk


def test_message_post_refuses_empty_oversized_and_outsiders(room, tree):
    member = make_member(tree["ov"])

    for text, code in [("   ", "empty"), ("x" * 4001, "too_long"), (None, "invalid")]:
        with pytest.raises(RoomError) as error:
            services.message_post(room=room, author=member, text=text)
        assert error.value.code == code
    with pytest.raises(RoomError) as error:
        services.message_post(room=room, author=make_user(), text="Hallo")
    assert error.value.code == "forbidden"
    assert Message.objects.count() == 0


def test_message_post_with_the_same_client_id_is_stored_once(room, tree):
    member = make_member(tree["ov"])

    first = services.message_post(room=room, author=member, text="Hallo", client_id="abc")
    second = services.message_post(room=room, author=member, text="Hallo", client_id="abc")

    assert first.pk == second.pk
    assert Message.objects.count() == 1


def test_replies_are_one_level_deep(room, tree):
    member = make_member(tree["ov"])
    top = services.message_post(room=room, author=member, text="Frage")
    reply = services.message_post(room=room, author=member, text="Antwort", parent_id=top.pk)

    reply_to_reply = services.message_post(
        room=room, author=member, text="Noch", parent_id=reply.pk
    )

    assert reply.parent_id == top.pk
    assert reply_to_reply.parent_id == top.pk


def test_flooding_is_slowed_down(room, tree, settings):
    settings.ROOM_RATE_LIMIT = (3, 60)
    member = make_member(tree["ov"])
    for number in range(3):
        services.message_post(room=room, author=member, text=f"Nachricht {number}")

    with pytest.raises(RoomError) as error:
        services.message_post(room=room, author=member, text="zu viel")

    assert error.value.code == "rate_limited"
    assert error.value.retry_after > 0
    assert "schnell" in error.value.message
    assert Message.objects.count() == 3


def test_edit_and_delete_only_own_messages(room, tree):
    author = make_member(tree["ov"])
    other = make_member(tree["ov"])
    message = services.message_post(room=room, author=author, text="Erst")

    with pytest.raises(RoomError):
        services.message_edit(message_id=message.pk, by=other, text="Fremd")
    with pytest.raises(RoomError):
        services.message_delete(message_id=message.pk, by=other)
    services.message_edit(message_id=message.pk, by=author, text="Zweit")
    message.refresh_from_db()
    assert (message.text, message.edited_at is not None) == ("Zweit", True)

    services.message_delete(message_id=message.pk, by=author)
    message.refresh_from_db()
    assert (message.text, message.html, message.deleted_at is not None) == ("", "", True)


def test_moderators_hide_with_a_reason_and_pin(room, tree):
    author = make_member(tree["ov"])
    moderator = make_member(tree["ov"], MembershipRole.MODERATION)
    message = services.message_post(room=room, author=author, text="Pöbelei")

    with pytest.raises(RoomError):
        services.message_hide(message_id=message.pk, by=author, reason="x")
    with pytest.raises(RoomError) as error:
        services.message_hide(message_id=message.pk, by=moderator, reason=" ")
    assert error.value.code == "reason_missing"
    services.message_hide(message_id=message.pk, by=moderator, reason="Beleidigung")
    services.message_pin(message_id=message.pk, by=moderator, pinned=True)

    message.refresh_from_db()
    assert message.hidden_reason == "Beleidigung"
    assert message.pinned_at is not None
    assert list(ModerationLog.objects.values_list("action", flat=True).order_by("id")) == [
        "hide",
        "pin",
    ]


def test_reaction_toggles(room, tree):
    member = make_member(tree["ov"])
    message = services.message_post(room=room, author=member, text="Gut")

    services.reaction_toggle(message_id=message.pk, by=member, emoji="👍")
    assert Reaction.objects.count() == 1
    services.reaction_toggle(message_id=message.pk, by=member, emoji="👍")
    assert Reaction.objects.count() == 0
    with pytest.raises(RoomError):
        services.reaction_toggle(message_id=message.pk, by=member, emoji="💩")


def test_mentions_of_room_members_only(room, tree):
    author = make_member(tree["ov"])
    mentioned = make_member(tree["ov"], name="Maria M")
    make_user(name="Fremde F")

    message = services.message_post(room=room, author=author, text="@**Maria M** und @**Fremde F**")

    assert list(Mention.objects.values_list("user_id", flat=True)) == [mentioned.pk]
    assert '<span class="mention">@Maria M</span>' in message.html
    assert '<span class="mention">@Fremde F</span>' not in message.html


def test_mention_digest_sends_one_mail_per_member(room, tree, django_capture_on_commit_callbacks):
    author = make_member(tree["ov"])
    mentioned = make_member(tree["ov"], name="Maria M")
    muted = make_member(tree["ov"], name="Stille S")
    services.mention_mails_set(room=room, user=muted, enabled=False)
    for number in range(3):
        services.message_post(room=room, author=author, text=f"@**Maria M** @**Stille S** {number}")

    with time_machine.travel(timezone.now() + timedelta(minutes=15)):
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.mention_digests_send()
        with django_capture_on_commit_callbacks(execute=True):
            again = services.mention_digests_send()

    assert (sent, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [[mentioned.email]]
    assert "3" in mail.outbox[0].subject
    assert mail.outbox[0].body.count("/raeume/") == 3
    # When it was said (Berlin time, weekday first), and where to turn the mails off.
    posted = timezone.localtime(Message.objects.filter(room=room).first().created_at)
    assert posted.strftime("%d.%m. %H:%M") in mail.outbox[0].body
    assert "„E-Mails bei Erwähnung ausschalten“" in mail.outbox[0].body


def test_mentions_already_read_are_not_mailed(room, tree, django_capture_on_commit_callbacks):
    author = make_member(tree["ov"])
    make_member(tree["ov"], name="Maria M")
    message = services.message_post(room=room, author=author, text="@**Maria M**")
    reader = Mention.objects.get().user
    services.read_mark(room=room, user=reader, message_id=message.pk)

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=15)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.mention_digests_send() == 0
    assert mail.outbox == []


def test_read_mark_only_moves_forward(room, tree):
    member = make_member(tree["ov"])
    first = services.message_post(room=room, author=make_member(tree["ov"]), text="1")
    second = services.message_post(room=room, author=make_member(tree["ov"]), text="2")

    services.read_mark(room=room, user=member, message_id=second.pk)
    services.read_mark(room=room, user=member, message_id=first.pk)

    assert ReadState.objects.get(room=room, user=member).last_read_id == second.pk


def test_room_create_archive_and_reopen(tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])

    with pytest.raises(RoomError):
        services.room_create(gliederung=tree["ov"], by=member, name="Wahlkampf")
    room = services.room_create(
        gliederung=tree["ov"], by=vorstand, name="Wahlkampf", invitees=[member]
    )
    with pytest.raises(RoomError):
        services.room_create(gliederung=tree["ov"], by=vorstand, name="wahlkampf")
    services.room_archive(room=room, by=vorstand)
    assert room.archived_at is not None
    services.room_reopen(room=room, by=vorstand)
    assert room.archived_at is None
    with pytest.raises(RoomError):
        services.room_archive(
            room=Room.objects.get(gliederung=tree["ov"], is_main=True), by=vorstand
        )


def test_nobody_is_shut_out_of_a_room_by_an_empty_or_misplaced_invitation_list(tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    member = make_member(tree["ov"])
    main = Room.objects.get(gliederung=tree["ov"], is_main=True)
    settings = {"topic": "", "read_only": False}

    with pytest.raises(RoomError, match="mindestens ein Mitglied"):
        services.room_create(gliederung=tree["ov"], by=vorstand, name="Leer", visibility="invite")
    room = services.room_create(
        gliederung=tree["ov"], by=vorstand, name="Kreis", visibility="invite", invitees=[member]
    )
    with pytest.raises(RoomError, match="mindestens ein Mitglied"):
        services.room_update(
            room=room, by=vorstand, name="Kreis", visibility="invite", invitees=[], **settings
        )
    # Without a new list the stored one counts.
    services.room_update(room=room, by=vorstand, name="Kreis", visibility="invite", **settings)
    with pytest.raises(RoomError, match="Hauptraum"):
        services.room_update(
            room=main,
            by=vorstand,
            name=main.name,
            visibility="invite",
            invitees=[member],
            **settings,
        )
    main.refresh_from_db()
    assert main.visibility == "members"
    assert list(room.invited.all()) == [member]
    assert not Room.objects.filter(name="Leer").exists()


def test_room_export_contains_the_history_and_is_logged(room, tree):
    author = make_member(tree["ov"], name="Anna A")
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    services.message_post(room=room, author=author, text="Antrag zur Tagesordnung")

    with pytest.raises(RoomError):
        services.room_export(room=room, by=author)
    text = services.room_export(room=room, by=vorstand)

    assert "Anna A" in text and "Antrag zur Tagesordnung" in text
    assert ModerationLog.objects.filter(action="export").count() == 1


def test_room_export_numbers_messages_and_marks_replies_edits_and_mentions(room, tree):
    anna = make_member(tree["ov"], name="Anna A")
    bernd = make_member(tree["ov"], name="Bernd B")
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND, name="Vera V")
    other_room = Room.objects.get(gliederung=tree["other_ov"], is_main=True)
    first = services.message_post(room=room, author=anna, text="Antrag zur Tagesordnung")
    # A message elsewhere leaves a gap in this room's ids.
    services.message_post(room=other_room, author=make_member(tree["other_ov"]), text="anderswo")
    reply = services.message_post(
        room=room, author=bernd, text="Dafür, @**Anna A**!", parent_id=first.pk
    )
    services.message_edit(message_id=reply.pk, by=bernd, text="Ich bin dafür, @**Anna A**!")
    gone = services.message_post(room=room, author=bernd, text="Tippfehler")
    services.message_delete(message_id=gone.pk, by=bernd)
    services.message_post(room=room, author=anna, text="Danke!\n\nZweiter Absatz")
    # The database stamps a message's time itself; 8:00 UTC is 10:00 in Berlin in May.
    may_day = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    Message.objects.filter(room=room).update(created_at=may_day)

    with time_machine.travel(may_day, tick=False):
        text = services.room_export(room=room, by=vorstand)

    assert text.splitlines() == [
        "OV Test · Allgemein",
        "Exportiert am 1. Mai 2026, 10:00 von Vera V",
        "",
        "Nr. 1 · 01.05.2026 10:00 · Anna A",
        "  Antrag zur Tagesordnung",
        "",
        "Nr. 2 · 01.05.2026 10:00 · Bernd B (bearbeitet)",
        "↳ Antwort auf Nr. 1",
        "  Ich bin dafür, @Anna A!",
        "",
        "Nr. 3 · 01.05.2026 10:00 · Bernd B",
        "(von der Autorin oder dem Autor gelöscht)",
        "",
        "Nr. 4 · 01.05.2026 10:00 · Anna A",
        "  Danke!",
        "",
        "  Zweiter Absatz",
    ]


def test_room_export_shows_a_hidden_message_without_its_text(room, tree):
    author = make_member(tree["ov"], name="Anna A")
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    message = services.message_post(
        room=room, author=author, text="Ich wohne im Musterweg 5, kommt vorbei"
    )
    services.message_edit(message_id=message.pk, by=author, text="Ich wohne im Musterweg 5!")
    services.message_hide(message_id=message.pk, by=vorstand, reason="enthielt eine Privatadresse")

    lines = services.room_export(room=room, by=vorstand).splitlines()

    assert not any("Musterweg" in line for line in lines)
    assert lines[3].endswith(" · Anna A")
    assert lines[4:] == ["(von der Moderation ausgeblendet: enthielt eine Privatadresse)"]


def test_room_export_names_no_number_for_a_parent_outside_the_export(room, tree):
    member = make_member(tree["ov"])
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    elsewhere = services.message_post(
        room=Room.objects.get(gliederung=tree["other_ov"], is_main=True),
        author=make_member(tree["other_ov"]),
        text="anderswo",
    )
    reply = services.message_post(room=room, author=member, text="Antwort")
    Message.objects.filter(pk=reply.pk).update(parent=elsewhere)

    lines = services.room_export(room=room, by=vorstand).splitlines()

    assert lines[4:6] == [
        "↳ Antwort auf eine Nachricht, die nicht in diesem Export enthalten ist",
        "  Antwort",
    ]


def test_room_export_keeps_members_words_indented_so_they_forge_no_message(room, tree):
    # Each of these characters ends a line in some editor.
    author = make_member(tree["ov"], name="Anna\nNr. 9 · 01.05.2026 10:00 · Vorstand")
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    services.message_post(
        room=room,
        author=author,
        text="Hallo\nNr. 2 · 01.05.2026 10:00 · Vorstand\u2028(von der Moderation "
        "ausgeblendet: x)\rEnde\x85<script>alert(1)</script>",
    )

    lines = services.room_export(room=room, by=vorstand).splitlines()

    assert lines[3].endswith(" · Anna Nr. 9 · 01.05.2026 10:00 · Vorstand")
    assert lines[4:] == [
        "  Hallo",
        "  Nr. 2 · 01.05.2026 10:00 · Vorstand",
        "  (von der Moderation ausgeblendet: x)",
        "  Ende",
        "  <script>alert(1)</script>",
    ]


def test_search_finds_only_readable_rooms_with_german_stemming(room, tree):
    member = make_member(tree["ov"])
    services.message_post(room=room, author=member, text="Wir brauchen mehr Fahrradwege und Busse")
    other_room = Room.objects.get(gliederung=tree["other_ov"], is_main=True)
    services.message_post(
        room=other_room, author=make_member(tree["other_ov"]), text="Geheime Fahrradwege"
    )

    results = selectors.search_messages(user=member, query="Fahrradwege")

    assert [m.room_id for m in results] == [room.pk]


def test_search_uses_german_stemming_on_postgresql(room, tree, postgres):
    member = make_member(tree["ov"])
    services.message_post(room=room, author=member, text="Die Mieten für Wohnungen steigen überall")

    assert len(selectors.search_messages(user=member, query="Miete")) == 1
    assert len(selectors.search_messages(user=member, query="Wohnung")) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_form_one_chain_of_predecessors(tree, room, postgres, settings):
    """Each post locks the room for the statement that stores it: whatever the interleaving,
    every message names the one stored just before it, and the room ends on the newest."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    settings.ROOM_RATE_LIMIT = (10_000, 10)
    authors = [make_member(tree["ov"]) for _ in range(6)]
    mentioned = make_member(tree["ov"], name="Maria M")

    def post(number: int) -> Message:
        try:
            author = authors[number % len(authors)]
            text = f"Nr. {number}"
            if number % 3 == 0:
                text += f" @**{mentioned.display_name}**"
            return services.message_post(
                room=room, author=author, text=text, client_id=f"c{number}"
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        posted = list(pool.map(post, range(60)))

    chain = sorted((message.pk, message.previous_id) for message in posted)
    assert [prev for _id, prev in chain[1:]] == [message_id for message_id, _prev in chain[:-1]]
    room.refresh_from_db()
    assert room.last_message_id == chain[-1][0]
    assert Message.objects.filter(room=room).count() == 60
    stored = Message.objects.get(pk=posted[3].pk)
    assert (stored.created_at, stored.updated_at) == (posted[3].created_at, posted[3].updated_at)
    # One clock reading: a new message's change stamp is its creation stamp, to the microsecond
    # (two readings differed by one, and the returned message no longer matched the stored one).
    assert all(
        created == updated
        for created, updated in Message.objects.filter(room=room).values_list(
            "created_at", "updated_at"
        )
    )
    # Mentions came with their messages.
    assert Mention.objects.filter(user=mentioned).count() == len(
        [n for n in range(60) if n % 3 == 0]
    )


def test_a_retried_post_inside_a_transaction_returns_the_stored_message(room, tree):
    member = make_member(tree["ov"])
    first = services.message_post(room=room, author=member, text="Einmal", client_id="abc")

    again = services.message_post(room=room, author=member, text="Einmal", client_id="abc")

    assert again.pk == first.pk
    assert Message.objects.filter(room=room).count() == 1
    # The caller's transaction is still usable after the refused insert.
    assert services.message_post(room=room, author=member, text="Weiter", client_id="def").pk


@pytest.mark.parametrize(
    "who", ["member", "outsider", "vorstand_above", "moderator", "invited", "superuser"]
)
@pytest.mark.parametrize("state", ["open", "archived", "read_only", "invite_only"])
def test_the_post_statement_allows_what_the_full_checks_allow(tree, postgres, who, state):
    """A socket's send is checked inside the storing statement; that check must agree with
    can_post (and refuse only where the full checks then run, never let more through)."""
    from rotesnetz.rooms.models import RoomInvite
    from rotesnetz.rooms.rules import can_post

    room = Room.objects.create(
        gliederung=tree["ov"],
        name=f"Raum {state}",
        archived_at=timezone.now() if state == "archived" else None,
        read_only=state == "read_only",
        visibility="invite" if state == "invite_only" else "members",
    )
    user = {
        "member": lambda: make_member(tree["ov"]),
        "outsider": lambda: make_member(tree["other_ov"]),
        "vorstand_above": lambda: make_member(tree["ub"], MembershipRole.VORSTAND),
        "moderator": lambda: make_member(tree["ov"], MembershipRole.MODERATION),
        "invited": lambda: make_member(tree["other_ov"]),
        "superuser": lambda: make_user(is_superuser=True, is_staff=True),
    }[who]()
    if who == "invited":
        RoomInvite.objects.create(room=room, user=user)

    try:
        services.message_post(room=room, author=user, text="Hallo", checked_in_statement=True)
        stored_at_once = True
    except services.PostRefused:
        stored_at_once = False

    allowed = can_post(user, room)
    moderator_announcement = state == "read_only" and allowed
    assert stored_at_once == (allowed and not moderator_announcement)
    assert Message.objects.filter(room=room).count() == int(stored_at_once)


def test_the_post_statement_keeps_the_rate_limit(room, tree, postgres, settings):
    settings.ROOM_RATE_LIMIT = (3, 60)
    member = make_member(tree["ov"])
    for number in range(3):
        services.message_post(
            room=room, author=member, text=f"Nr. {number}", checked_in_statement=True
        )

    with pytest.raises(services.PostRefused):
        services.message_post(room=room, author=member, text="zu viel", checked_in_statement=True)
    # The full checks that follow a refusal name the reason.
    with pytest.raises(RoomError) as error:
        services.message_post(room=room, author=member, text="zu viel")
    assert error.value.code == "rate_limited"
    assert Message.objects.filter(room=room).count() == 3


def test_the_rate_limit_counts_a_sliding_window(room, tree, settings):
    settings.ROOM_RATE_LIMIT = (2, 10)
    member = make_member(tree["ov"])
    start = timezone.now()
    for number, seconds in enumerate([0, 4]):
        message = services.message_post(room=room, author=member, text=f"Nr. {number}")
        Message.objects.filter(pk=message.pk).update(created_at=start + timedelta(seconds=seconds))

    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        # The first message leaves the window 10 s after it was posted: 5 s from now.
        assert services.rate_limit_wait(user_id=member.pk) == pytest.approx(5)
        with pytest.raises(RoomError):
            services.message_post(room=room, author=member, text="zu früh")
    with time_machine.travel(start + timedelta(seconds=10.5), tick=False):
        assert services.rate_limit_wait(user_id=member.pk) is None


def test_new_messages_are_rendered_in_the_languages_of_the_rooms_sockets(
    room, tree, postgres, django_capture_on_commit_callbacks
):
    member = make_member(tree["ov"])
    with services.events_collected() as events, django_capture_on_commit_callbacks(execute=True):
        services.message_post(room=room, author=member, text="Hallo")
    assert set(events[0][1]["frames"]) == {"de"}

    services.socket_language_add(room=room, language="en")
    services.socket_language_add(room=room, language="en")  # known: nothing to do
    services.socket_language_add(room=room, language="de")  # the default is always rendered
    with services.events_collected() as events, django_capture_on_commit_callbacks(execute=True):
        services.message_post(room=room, author=member, text="Hello")

    frames = events[0][1]["frames"]
    assert set(frames) == {"de", "en"}
    assert ("Aktionen" in frames["de"], "Actions" in frames["en"]) == (True, True)
    room.refresh_from_db()
    assert room.socket_languages == "en"


def test_presence_is_written_in_batches(room, tree):
    from rotesnetz.rooms.models import Presence

    alice, bob = make_member(tree["ov"]), make_member(tree["ov"])
    services.presence_write(
        joins={"s1": (room.pk, alice.pk), "s2": (room.pk, bob.pk)}, leaves=set()
    )
    # A socket written twice (a retried flush) stays one row; a leave removes its row.
    services.presence_write(joins={"s1": (room.pk, alice.pk)}, leaves={"s2", "never-written"})

    assert list(Presence.objects.values_list("channel_name", "room_id", "user_id")) == [
        ("s1", room.pk, alice.pk)
    ]
