"""The live room over the real Redis channel layer, through the full ASGI application."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rotesnetz.asgi import application
from rotesnetz.members import services as member_services
from rotesnetz.members.models import Membership, MembershipRole
from rotesnetz.rooms import services
from rotesnetz.rooms.models import MESSAGE_MAX_LENGTH, Message, Room
from tests.support.factories import make_member, make_tree

pytestmark = [pytest.mark.channels, pytest.mark.django_db(transaction=True)]
ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture
def world(redis_url):
    tree = make_tree()
    return {
        "tree": tree,
        "room": Room.objects.get(gliederung=tree["ov"], is_main=True),
        "other_room": Room.objects.get(gliederung=tree["other_ov"], is_main=True),
        "alice": make_member(tree["ov"], name="Alice"),
        "bob": make_member(tree["ov"], name="Bob"),
        "outsider": make_member(tree["other_ov"], name="Olaf"),
    }


def _cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def _open(user, room_id, *, origin=ORIGIN, client=None, query=""):
    headers = [origin]
    if client is not None:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    elif user is not None:
        headers.append(await sync_to_async(_cookie)(user))
    communicator = WebsocketCommunicator(
        application, f"/ws/raeume/{room_id}/{query}", headers=headers
    )
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def _next(communicator, kind, timeout=5):
    """The next frame of ``kind``, skipping presence/typing noise."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def test_member_receives_a_message_posted_by_another(world):
    alice, _, _ = await _open(world["alice"], world["room"].pk)
    bob, connected, _ = await _open(world["bob"], world["room"].pk)
    assert connected

    await alice.send_json_to({"type": "send", "text": "Hallo **Bob**", "ref": "r1"})

    ack = await _next(alice, "ack")
    frame = await _next(bob, "message")
    assert frame["id"] == ack["id"]
    assert "<strong>Bob</strong>" in frame["html"]
    assert await sync_to_async(Message.objects.filter(pk=ack["id"]).exists)()
    await alice.disconnect()
    await bob.disconnect()


async def test_each_member_gets_the_frame_in_their_language(world):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/raeume/{world['room'].pk}/",
        headers=[ORIGIN, await sync_to_async(_cookie)(world["bob"]), (b"accept-language", b"en")],
    )
    english, _ = await communicator.connect(timeout=5)
    assert english
    alice, _, _ = await _open(world["alice"], world["room"].pk)

    await alice.send_json_to({"type": "send", "text": "Hallo", "ref": "r1"})

    assert "Aktionen" in (await _next(alice, "message"))["html"]
    assert "Actions" in (await _next(communicator, "message"))["html"]
    await alice.disconnect()
    await communicator.disconnect()


async def test_outsider_is_refused_and_receives_nothing(world):
    refused, connected, _ = await _open(world["outsider"], world["room"].pk)
    assert not connected
    # The outsider's own room is next door; nothing of ours may arrive there.
    outsider, connected, _ = await _open(world["outsider"], world["other_room"].pk)
    assert connected
    alice, _, _ = await _open(world["alice"], world["room"].pk)

    await alice.send_json_to({"type": "send", "text": "Nur für uns", "ref": "r2"})
    await _next(alice, "message")

    # Only its own room's online list (the outsider alone) reaches the outsider.
    await asyncio.sleep(3)  # past the next presence announcement of both rooms
    while not await outsider.receive_nothing(timeout=0.5):
        frame = await outsider.receive_json_from()
        assert frame == {"type": "presence", "users": ["Olaf"]}
    await alice.disconnect()
    await outsider.disconnect()


async def test_every_refusal_looks_the_same(world):
    archived = await sync_to_async(Room.objects.create)(
        gliederung=world["tree"]["ov"], name="Alt", archived_at="2026-01-01T00:00:00Z"
    )
    attempts = [
        await _open(world["outsider"], world["room"].pk),
        await _open(None, world["room"].pk),
        await _open(world["alice"], world["room"].pk, origin=(b"origin", b"https://evil.example")),
        await _open(world["alice"], 999999),
        await _open(world["alice"], archived.pk),
        # A page of Bob's, reconnecting with Alice's session (Bob signed out, Alice signed
        # in, in another tab): nothing goes out in Alice's name.
        await _open(world["alice"], world["room"].pk, query=f"?u={world['bob'].pk}"),
    ]
    own_page, connected, _ = await _open(
        world["alice"], world["room"].pk, query=f"?u={world['alice'].pk}"
    )

    assert [(connected, code) for _, connected, code in attempts] == [(False, 1000)] * 6
    assert connected
    await own_page.disconnect()


async def test_a_removed_member_is_disconnected(world):
    bob, _, _ = await _open(world["bob"], world["room"].pk)
    vorstand = await sync_to_async(make_member)(world["tree"]["ov"], MembershipRole.VORSTAND)
    membership = await sync_to_async(Membership.objects.get)(user=world["bob"])

    await sync_to_async(member_services.membership_end)(membership=membership, by=vorstand)

    closing = await bob.receive_output(timeout=5)
    assert closing == {"type": "websocket.close", "code": 4403}


async def test_archiving_tells_the_open_sockets_and_a_later_command_stores_nothing(world):
    """Members may still read an archived room: their sockets close with their own code (the
    page then says "archived", not "no access") and stop reconnecting."""
    topic = await sync_to_async(Room.objects.create)(gliederung=world["tree"]["ov"], name="Thema")
    bob, connected, _ = await _open(world["bob"], topic.pk)
    alice, _, _ = await _open(world["alice"], topic.pk)
    assert connected
    vorstand = await sync_to_async(make_member)(world["tree"]["ov"], MembershipRole.VORSTAND)
    await sync_to_async(Room.objects.filter(pk=topic.pk).update)(archived_at="2026-01-01T00:00Z")

    # Archived without the event that tells open sockets: the command's own check sees it.
    await alice.send_json_to({"type": "send", "text": "Noch offen?", "ref": "r1"})
    while (output := await alice.receive_output(timeout=5))["type"] != "websocket.close":
        assert json.loads(output["text"])["type"] not in {"ack", "message"}
    assert output["code"] == 4410

    await sync_to_async(Room.objects.filter(pk=topic.pk).update)(archived_at=None)
    topic.archived_at = None
    await sync_to_async(services.room_archive)(room=topic, by=vorstand)
    while (output := await bob.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert output["code"] == 4410
    assert not await sync_to_async(Message.objects.filter(room=topic).exists)()


@pytest.mark.parametrize("text", ["Noch da?", ""])
async def test_a_command_after_losing_access_closes_the_socket_and_stores_nothing(world, text):
    bob, _, _ = await _open(world["bob"], world["room"].pk)
    # Removed without the event that closes open sockets: the command's own check must see it.
    await sync_to_async(Membership.objects.filter(user=world["bob"]).delete)()

    await bob.send_json_to({"type": "send", "text": text, "ref": "r1"})

    while (output := await bob.receive_output(timeout=5))["type"] != "websocket.close":
        assert json.loads(output["text"])["type"] not in {"ack", "error", "message"}
    assert output["code"] == 4403
    assert not await sync_to_async(Message.objects.exists)()


async def test_logout_closes_the_sockets_of_that_session(world):
    client = Client()
    await sync_to_async(client.force_login)(world["bob"])
    bob, connected, _ = await _open(None, world["room"].pk, client=client)
    assert connected

    await sync_to_async(client.post)("/konto/logout/")

    closing = await bob.receive_output(timeout=5)
    assert closing == {"type": "websocket.close", "code": 4401}


async def test_reconnecting_client_gets_exactly_what_it_missed(world):
    bob, _, _ = await _open(world["bob"], world["room"].pk)
    first = await sync_to_async(services.message_post)(
        room=world["room"], author=world["alice"], text="eins"
    )
    seen = await _next(bob, "message")
    assert seen["id"] == first.pk
    await bob.disconnect()
    missed = [
        await sync_to_async(services.message_post)(
            room=world["room"], author=world["alice"], text=t
        )
        for t in ("zwei", "drei", "vier")
    ]

    bob, _, _ = await _open(world["bob"], world["room"].pk)
    await bob.send_json_to({"type": "hello", "after": seen["id"]})
    backlog = await _next(bob, "backlog")

    assert [m["id"] for m in backlog["messages"]] == [m.pk for m in missed]
    assert backlog["has_more"] is False
    await bob.disconnect()


async def test_script_payload_is_rendered_inert(world):
    alice, _, _ = await _open(world["alice"], world["room"].pk)

    await alice.send_json_to({"type": "send", "text": "<script>alert(1)</script>", "ref": "x"})
    frame = await _next(alice, "message")

    assert "<script" not in frame["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in frame["html"]
    await alice.disconnect()


async def test_bad_frames_get_typed_errors_and_the_socket_stays_usable(world):
    foreign = await sync_to_async(services.message_post)(
        room=world["room"], author=world["bob"], text="von Bob"
    )
    alice, _, _ = await _open(world["alice"], world["room"].pk)
    cases = [
        ("{not json", "invalid_json"),
        (json.dumps([1, 2]), "invalid_frame"),
        (json.dumps({"type": "explode"}), "unknown_command"),
        (json.dumps({"type": "send", "text": "x" * 20000}), "frame_too_large"),
        (json.dumps({"type": "send", "text": "x" * 4500}), "too_long"),
        (json.dumps({"type": "send", "text": ""}), "empty"),
        (json.dumps({"type": "edit", "id": foreign.pk, "text": "gekapert"}), "forbidden"),
        (json.dumps({"type": "edit", "id": "abc", "text": "x"}), "invalid_frame"),
        (json.dumps({"type": "hide", "id": foreign.pk, "reason": "x"}), "forbidden"),
    ]
    for text, code in cases:
        await alice.send_to(text_data=text)
        error = await _next(alice, "error")
        assert error["code"] == code, text[:40]
        assert error["message"]

    await alice.send_json_to({"type": "ping"})
    assert (await _next(alice, "pong"))["type"] == "pong"
    assert await sync_to_async(Message.objects.count)() == 1
    await sync_to_async(foreign.refresh_from_db)()
    assert foreign.text == "von Bob"
    await alice.disconnect()


async def test_flooding_member_gets_an_error_frame_and_stays_connected(world, settings):
    settings.ROOM_RATE_LIMIT = (3, 60)
    alice, _, _ = await _open(world["alice"], world["room"].pk)

    for number in range(3):
        await alice.send_json_to({"type": "send", "text": f"m{number}", "ref": f"r{number}"})
        await _next(alice, "ack")
    await alice.send_json_to({"type": "send", "text": "zu viel", "ref": "r9"})
    error = await _next(alice, "error")

    assert (error["code"], error["ref"]) == ("rate_limited", "r9")
    assert error["retry_after"] > 0
    await alice.send_json_to({"type": "ping"})
    assert (await _next(alice, "pong"))["type"] == "pong"
    await alice.disconnect()


async def test_announcement_room_refuses_members_but_not_moderators(world):
    room = await sync_to_async(Room.objects.create)(
        gliederung=world["tree"]["ov"], name="Ankündigungen", read_only=True
    )
    moderator = await sync_to_async(make_member)(world["tree"]["ov"], MembershipRole.MODERATION)
    alice, _, _ = await _open(world["alice"], room.pk)
    mod, _, _ = await _open(moderator, room.pk)

    # The page hears on connect whether it may write (the room may have changed meanwhile).
    await alice.send_json_to({"type": "hello", "after": 0})
    await mod.send_json_to({"type": "hello", "after": 0})
    backlog = await _next(alice, "backlog")
    assert (backlog["can_post"], backlog["read_only"]) == (False, True)
    assert (await _next(mod, "backlog"))["can_post"] is True

    await alice.send_json_to({"type": "send", "text": "Darf ich?", "ref": "a"})
    await mod.send_json_to({"type": "send", "text": "Termin am Montag", "ref": "m"})

    error = await _next(alice, "error")
    # A reader is told why (an outsider never gets this far: the socket is refused).
    assert (error["code"], error["ref"]) == ("read_only", "a")
    assert "Termin am Montag" in (await _next(alice, "message"))["html"]
    await alice.disconnect()
    await mod.disconnect()


async def test_reactions_edits_and_typing_reach_the_others(world):
    alice, _, _ = await _open(world["alice"], world["room"].pk)
    bob, _, _ = await _open(world["bob"], world["room"].pk)
    await alice.send_json_to({"type": "send", "text": "Treffen am Freitag?", "ref": "q"})
    message_id = (await _next(alice, "ack"))["id"]
    await _next(bob, "message")

    await bob.send_json_to({"type": "react", "id": message_id, "emoji": "👍"})
    reacted = await _next(alice, "message_updated")
    await alice.send_json_to({"type": "edit", "id": message_id, "text": "Treffen am Samstag?"})
    edited = await _next(bob, "message_updated")
    while "Samstag" not in edited["html"]:  # bob first sees his own reaction come back
        edited = await _next(bob, "message_updated")
    await alice.send_json_to({"type": "typing"})
    typing = await _next(bob, "typing")

    assert "👍" in reacted["html"]
    assert f'data-users="{world["bob"].pk}"' in reacted["html"]
    assert "bearbeitet" in edited["html"]
    assert typing["name"] == "Alice"
    await alice.disconnect()
    await bob.disconnect()


async def test_an_edit_is_confirmed_or_refused_by_its_ref(world):
    alice, _, _ = await _open(world["alice"], world["room"].pk)
    await alice.send_json_to({"type": "send", "text": "Erster Entwurf", "ref": "q"})
    message_id = (await _next(alice, "ack"))["id"]

    await alice.send_json_to(
        {"type": "edit", "id": message_id, "text": "x" * (MESSAGE_MAX_LENGTH + 1), "ref": "e1"}
    )
    refused = await _next(alice, "error")
    await alice.send_json_to({"type": "edit", "id": message_id, "text": "Zweiter", "ref": "e2"})
    confirmed = await _next(alice, "ack")

    # The page keeps its editor until one of these: a refused edit loses nothing.
    assert (refused["code"], refused["ref"]) == ("too_long", "e1")
    assert confirmed["ref"] == "e2"
    message = await sync_to_async(Message.objects.get)(pk=message_id)
    assert message.text == "Zweiter"
    await alice.disconnect()


async def test_presence_lists_who_is_in_the_room(world):
    alice, _, _ = await _open(world["alice"], world["room"].pk)
    bob, _, _ = await _open(world["bob"], world["room"].pk)

    await alice.send_json_to({"type": "presence"})
    # The room may also announce its list by itself meanwhile (arrivals): the answer or an
    # announcement names both within moments.
    while (presence := await _next(alice, "presence"))["users"] != ["Alice", "Bob"]:
        assert set(presence["users"]) <= {"Alice", "Bob"}
    await alice.disconnect()
    await bob.disconnect()


async def test_arrivals_and_departures_reach_the_online_list_without_asking(world):
    alice, _, _ = await _open(world["alice"], world["room"].pk)
    bob, _, _ = await _open(world["bob"], world["room"].pk)

    while (await _next(alice, "presence", timeout=5))["users"] != ["Alice", "Bob"]:
        pass
    await bob.disconnect()
    while (await _next(alice, "presence", timeout=5))["users"] != ["Alice"]:
        pass
    await alice.disconnect()


def _post_without_broadcast(room, author, text):
    # As if the channel layer had lost this one broadcast.
    with services.events_collected():
        return services.message_post(room=room, author=author, text=text)


async def test_each_message_names_its_predecessor_so_clients_see_gaps(world):
    bob, _, _ = await _open(world["bob"], world["room"].pk)
    await bob.send_json_to({"type": "hello", "after": 0})
    await _next(bob, "backlog")
    lost = await sync_to_async(_post_without_broadcast)(world["room"], world["alice"], "verloren")
    seen = await sync_to_async(services.message_post)(
        room=world["room"], author=world["alice"], text="angekommen"
    )

    frame = await _next(bob, "message")
    await bob.send_json_to({"type": "hello", "after": lost.pk - 1})
    backlog = await _next(bob, "backlog")

    assert (frame["id"], frame["prev"]) == (seen.pk, lost.pk)
    assert [m["id"] for m in backlog["messages"]] == [lost.pk, seen.pk]
    await bob.disconnect()


async def test_pins_and_announcement_mode_reach_open_pages(world):
    """The pinned list and whether one may write change on open pages without a reload."""
    topic = await sync_to_async(Room.objects.create)(gliederung=world["tree"]["ov"], name="Thema")
    vorstand = await sync_to_async(make_member)(world["tree"]["ov"], MembershipRole.VORSTAND)
    message = await sync_to_async(services.message_post)(
        room=topic, author=world["bob"], text="Treffpunkt: **Rathaus**, 18 Uhr"
    )
    alice, connected, _ = await _open(world["alice"], topic.pk)
    assert connected

    await sync_to_async(services.message_pin)(message_id=message.pk, by=vorstand, pinned=True)
    pinned = await _next(alice, "pins")
    await sync_to_async(services.message_edit)(
        message_id=message.pk, by=world["bob"], text="Treffpunkt: Bahnhof"
    )
    edited = await _next(alice, "pins")
    await sync_to_async(services.message_pin)(message_id=message.pk, by=vorstand, pinned=False)
    unpinned = await _next(alice, "pins")
    await sync_to_async(services.room_update)(
        room=topic, by=vorstand, name="Thema", topic="", visibility=topic.visibility, read_only=True
    )
    closed = await _next(alice, "room")
    await sync_to_async(services.room_update)(
        room=topic,
        by=vorstand,
        name="Thema",
        topic="",
        visibility=topic.visibility,
        read_only=False,
    )
    opened = await _next(alice, "room")

    assert pinned["pins"] == [{"id": message.pk, "text": "Treffpunkt: Rathaus, 18 Uhr"}]
    assert edited["pins"] == [{"id": message.pk, "text": "Treffpunkt: Bahnhof"}]
    assert unpinned["pins"] == []
    assert (closed["can_post"], closed["read_only"]) == (False, True)
    assert (opened["can_post"], opened["read_only"]) == (True, False)
    await alice.disconnect()


def _expire_session_in(client, seconds: float):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() + timedelta(seconds=seconds)
    )


async def _open_expiring(world, seconds: float):
    """Bob's socket on a session that expires in ``seconds``, and his client."""
    client = Client()
    await sync_to_async(client.force_login)(world["bob"])
    await sync_to_async(_expire_session_in)(client, seconds)
    bob, connected, _ = await _open(None, world["room"].pk, client=client)
    assert connected
    return bob, client


async def test_a_socket_closes_when_its_session_expires(world):
    bob, _ = await _open_expiring(world, 1)

    while (output := await bob.receive_output(timeout=6))["type"] != "websocket.close":
        pass
    assert output["code"] == 4401


async def test_a_socket_stays_open_while_its_session_is_extended(world):
    bob, client = await _open_expiring(world, 1)
    # Saved again meanwhile (a request that changed it): the socket looks again and stays.
    await sync_to_async(_expire_session_in)(client, 3600)
    await asyncio.sleep(2.5)

    await bob.send_json_to({"type": "ping"})
    assert await _next(bob, "pong")
    await bob.disconnect()
