"""Redis restarted under chat traffic: 20 rooms, 200 members on websockets, a real server.

uvicorn serves the platform in its own process with the Redis pub/sub channel layer (on a Redis
of the test's own) and PostgreSQL. Members write at a steady rate; Redis is stopped while they
keep writing (the messages are stored, their broadcasts fail) and started again on the same
port; meanwhile some members lose their connection. The clients behave like the browser
(tests/support/room_client.py): they fetch a gap when a live message's ``prev`` is not the last
id they have, and reconnect with backoff. In the end every client has exactly the room's
messages from the database, in order, each once.
"""

import asyncio
import random
import time

import pytest

from rotesnetz.rooms import services
from rotesnetz.rooms.models import Message
from tests.support.asgi import AsgiServer
from tests.support.room_client import RoomClient, make_rooms_with_members
from tests.support.services import OwnRedis

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

ROOMS = 20
MEMBERS = 10
RATE = 1.0  # messages per second in each room
BEFORE, OUTAGE = 4.0, 4.0  # seconds of writing before and while Redis is away


async def _until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return predicate()


async def _scenario(server: AsgiServer, redis: OwnRedis, world: list[dict], seeds: dict) -> dict:
    rooms = {
        entry["room"].pk: [
            RoomClient(server.port, entry["room"].pk, cookie, seed=number)
            for number, cookie in enumerate(entry["cookies"])
        ]
        for entry in world
    }
    clients = [client for members in rooms.values() for client in members]
    runners = [asyncio.ensure_future(client.run()) for client in clients]
    report: dict = {"clients": clients, "rooms": rooms}
    try:
        assert await _until(lambda: all(client.transcript for client in clients), 90), (
            f"{sum(1 for c in clients if not c.transcript)} clients never got their backlog"
        )
        sent: list[tuple[int, RoomClient, str, str]] = []  # (room, client, ref, phase)
        phase = "before"
        writing = asyncio.Event()
        writing.set()

        async def write(room_id: int, members: list[RoomClient]):
            chooser = random.Random(room_id)
            await asyncio.sleep(chooser.random() / RATE)
            while writing.is_set():
                open_ = [client for client in members if client.is_open]
                if open_:
                    client = chooser.choice(open_)
                    ref = await client.post(f"Nachricht {len(sent)} in Raum {room_id}")
                    sent.append((room_id, client, ref, phase))
                await asyncio.sleep(1 / RATE)

        writers = [asyncio.ensure_future(write(r, members)) for r, members in rooms.items()]
        await asyncio.sleep(BEFORE)
        phase = "outage"
        await asyncio.to_thread(redis.stop)
        await asyncio.sleep(OUTAGE / 2)
        # Some members lose their connection meanwhile, one of them right after writing: they
        # cannot reconnect until Redis is back (backoff), then fetch what they missed and send
        # again what was not acknowledged.
        for members in rooms.values():
            writer_, quiet = members[0], members[1]
            if writer_.is_open:
                ref = await writer_.post(f"Nachricht {len(sent)} kurz vor dem Abbruch")
                sent.append((writer_.room_id, writer_, ref, phase))
            await asyncio.gather(writer_.abandon(), quiet.abandon())
        report["abandoned"] = 2 * len(rooms)
        await asyncio.sleep(OUTAGE / 2)
        await asyncio.to_thread(redis.start)
        phase = "after"
        report["restarted_at"] = time.monotonic()

        def ids_written(room_id: int, in_phase: str) -> set[int]:
            return {
                client.acked[ref]
                for room, client, ref, written in sent
                if room == room_id and written == in_phase and ref in client.acked
            }

        def everyone_live_again() -> bool:
            after = {room_id: ids_written(room_id, "after") for room_id in rooms}
            return all(
                any(message_id in client.live_at for message_id in after[client.room_id])
                for client in clients
            )

        # Write on until every socket gets live messages again, then a little longer.
        live_again = await _until(everyone_live_again, 60)
        report["live_again_after"] = time.monotonic() - report["restarted_at"]
        await asyncio.sleep(2)
        writing.clear()
        await asyncio.gather(*writers)
        deaf = [
            c for c in clients if not any(i in c.live_at for i in ids_written(c.room_id, "after"))
        ]
        assert live_again, (
            f"{len(deaf)} clients got no live message 60 s after Redis came back: "
            + "; ".join(
                f"open={c.is_open} connects={c.connects} failed={c.failed_connects} "
                f"closes={c.close_codes} live={len(c.live_at)} pending={len(c.pending)}"
                for c in deaf[:10]
            )
        )

        assert await _until(lambda: not any(client.pending for client in clients), 60), (
            "sends never acknowledged"
        )
        expected = {
            room_id: sorted(
                {seeds[room_id]} | {c.acked[ref] for r, c, ref, _ in sent if r == room_id}
            )
            for room_id in rooms
        }
        report["expected"] = expected
        report["sent"] = sent
        converged = await _until(
            lambda: all(client.transcript == expected[client.room_id] for client in clients), 60
        )
        report["converged"] = converged
    finally:
        for client in clients:
            await client.stop()
        ended = await asyncio.gather(*runners, return_exceptions=True)
        report["crashed"] = [error for error in ended if isinstance(error, Exception)]
    return report


def test_chat_through_a_redis_restart_ends_with_every_transcript_equal_to_the_database(
    chat_server, redis_server
):
    world = make_rooms_with_members(ROOMS, MEMBERS)
    seeds = {
        entry["room"].pk: services.message_post(
            room=entry["room"], author=entry["users"][0], text="Willkommen"
        ).pk
        for entry in world
    }
    started = time.monotonic()

    report = asyncio.run(_scenario(chat_server, redis_server, world, seeds))

    clients: list[RoomClient] = report["clients"]
    sent = report["sent"]
    stats = {
        "seconds": round(time.monotonic() - started, 1),
        "messages": len(sent),
        "written during the outage": sum(1 for *_, phase in sent if phase == "outage"),
        "live again after (s)": round(report["live_again_after"], 1),
        "slowest acknowledgement (s)": {
            phase: round(
                max(
                    (c.acked_at[ref] - c.posted_at[ref] for _, c, ref, p in sent if p == phase),
                    default=0,
                ),
                1,
            )
            for phase in ("before", "outage", "after")
        },
        "gap fetches": sum(c.gap_fetches for c in clients),
        "connects": sum(c.connects for c in clients),
        "failed connects": sum(c.failed_connects for c in clients),
        "close codes": sorted({code for c in clients for code in c.close_codes}, key=str),
    }
    print(stats)
    assert not report["crashed"], report["crashed"][:3]
    assert not [c.closed_for_good for c in clients if c.closed_for_good], stats
    assert not [e for c in clients for e in c.errors], stats
    # Writing went on while Redis was away: those messages were stored and acknowledged.
    outage_refs = [(client, ref) for _, client, ref, phase in sent if phase == "outage"]
    assert len(outage_refs) >= ROOMS, stats
    assert all(ref in client.acked for client, ref in outage_refs), stats
    # Their broadcasts were lost: clients noticed and fetched what they missed.
    assert stats["gap fetches"] > 0, stats
    # The members who lost their connection came back.
    assert stats["connects"] >= len(clients) + report["abandoned"], stats

    for room_id, expected in report["expected"].items():
        stored = list(
            Message.objects.filter(room_id=room_id).order_by("id").values_list("id", flat=True)
        )
        assert stored == expected, (
            f"room {room_id}: the database differs from what was acknowledged"
        )
    wrong = {
        id(client): (
            client.room_id,
            sorted(set(report["expected"][client.room_id]) - set(client.transcript)),
        )
        for client in clients
        if client.transcript != report["expected"][client.room_id]
    }
    assert report["converged"] and not wrong, (
        f"{len(wrong)} clients differ; missing ids: {list(wrong.values())[:5]}"
    )
    assert not [c.duplicate_live for c in clients if c.duplicate_live], (
        "a socket got a message twice"
    )
