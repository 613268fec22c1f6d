"""A member whose socket stops reading, in a busy room with large messages.

A real uvicorn serves the platform (Redis pub/sub channel layer, PostgreSQL). Ten members chat
fast with messages of up to 4000 characters; first without, then with an eleventh member whose
socket has a tiny receive buffer and never reads. The server must drop that member within
bounded time (it leaves the room; its socket ends with a close frame or a closed connection),
its memory must stay bounded, and the others must keep getting every message live, with a p99
latency not far from the run without the silent member.

Before rotesnetz/websocket_close.py the member was never dropped: the consumer's close (4408)
waited behind the full buffers for as long as the client stayed connected, and the server's
memory grew with every message of the room.
"""

import asyncio
import random
import time

import pytest
from django.db import connections

from rotesnetz.rooms import services
from rotesnetz.rooms.models import Presence
from tests.support.asgi import AsgiServer
from tests.support.room_client import RoomClient, SilentClient, make_rooms_with_members

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

MEMBERS = 10
RATE = 15.0  # messages per second in the room
WARM_UP, BASELINE = 2.0, 8.0  # seconds of chat without the silent member (warm-up not measured)
DROP_WITHIN = 90.0  # the server gives up on the silent member within this many seconds
AFTER_DROP = 4.0  # seconds of chat after it did
RSS_GROWTH_LIMIT_MB = 32
P99_FACTOR, P99_SLACK = 4.0, 0.5
IN_FLIGHT = 5  # writers wait while this many sends are unacknowledged (a busy machine)
# Text as people paste it: code and markup, which the page shows escaped (and so longer: the
# silent member's buffers fill sooner).
WORDS = ["<", ">", "&&", "<b>", "</b>", "x<y", "a>b", "&amp;", "if", "="]


def _text(chooser: random.Random) -> str:
    length = chooser.randint(3000, 4000)
    words: list[str] = []
    while sum(len(word) + 1 for word in words) < length:
        words.append(chooser.choice(WORDS))
    return " ".join(words)[:length].strip()


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def _in_room(user_id: int) -> bool:
    """Whether the server still has the member's socket in the room (its presence row)."""
    try:
        return Presence.objects.filter(user_id=user_id).exists()
    finally:
        connections.close_all()  # this runs in a helper thread: leave no connection behind


async def _until(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(interval)
    return await predicate()


async def _scenario(server: AsgiServer, room_id: int, cookies: list[str], silent_user) -> dict:
    clients = [RoomClient(server.port, room_id, cookie, seed=n) for n, cookie in enumerate(cookies)]
    runners = [asyncio.ensure_future(client.run()) for client in clients]
    silent = SilentClient(server.port, room_id, silent_user["cookie"])
    result: dict = {"clients": clients, "rss": []}
    sent: list[tuple[RoomClient, str, str, float]] = []  # (client, ref, phase, when)
    phase = "warm-up"
    writing = asyncio.Event()
    writing.set()

    async def write():
        chooser = random.Random(7)
        next_at = time.monotonic()
        while writing.is_set():
            open_ = [client for client in clients if client.is_open]
            if open_ and sum(len(client.pending) for client in clients) < IN_FLIGHT:
                client = chooser.choice(open_)
                when = time.monotonic()
                ref = await client.post(_text(chooser))
                sent.append((client, ref, phase, when))
            next_at += 1 / RATE
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def sample_memory():
        while True:
            result["rss"].append((phase, server.status_kb("VmRSS")))
            await asyncio.sleep(0.2)

    async def all_have_backlog():
        return all(client.transcript for client in clients)

    async def silent_in_room():
        return await asyncio.to_thread(_in_room, silent_user["id"])

    async def silent_gone():
        return not await silent_in_room()

    sampler = asyncio.ensure_future(sample_memory())
    try:
        assert await _until(all_have_backlog, 60)
        writer = asyncio.ensure_future(write())
        await asyncio.sleep(WARM_UP)
        phase = "baseline"
        await asyncio.sleep(BASELINE)

        phase = "silent"
        await asyncio.to_thread(silent.open)
        opened = time.monotonic()
        assert await _until(silent_in_room, 10), "the silent member never joined"
        result["dropped"] = await _until(silent_gone, DROP_WITHIN, interval=0.5)
        result["drop_seconds"] = time.monotonic() - opened
        result["server_side_state"] = silent.server_side_state()
        if result["dropped"]:
            phase = "after"
            await asyncio.sleep(AFTER_DROP)
        writing.clear()
        await writer

        async def all_acknowledged():
            return not any(client.pending for client in clients)

        assert await _until(all_acknowledged, 60)
        ids = [client.acked[ref] for client, ref, _, _ in sent]

        async def all_live():
            return all(all(i in client.live_at for i in ids) for client in clients)

        result["all_live"] = await _until(all_live, 60)
        result["ending"] = await asyncio.to_thread(silent.read_to_the_end)
    finally:
        sampler.cancel()
        silent.close()
        for client in clients:
            await client.stop()
        ended = await asyncio.gather(*runners, return_exceptions=True)
        result["crashed"] = [error for error in ended if isinstance(error, Exception)]
    latencies: dict[str, list[float]] = {"warm-up": [], "baseline": [], "silent": [], "after": []}
    for sender, ref, written, when in sent:
        message_id = sender.acked[ref]
        for client in clients:
            if message_id in client.live_at:
                latencies[written].append(client.live_at[message_id] - when)
    result["latencies"] = latencies
    result["sent"] = sent
    return result


def test_a_socket_that_never_reads_is_dropped_and_does_not_hold_up_the_room(chat_server):
    [entry] = make_rooms_with_members(1, MEMBERS + 1, prefix="langsam")
    room = entry["room"]
    services.message_post(room=room, author=entry["users"][0], text="Willkommen")
    silent_user = {"id": entry["users"][-1].pk, "cookie": entry["cookies"][-1]}
    started = time.monotonic()

    result = asyncio.run(_scenario(chat_server, room.pk, entry["cookies"][:-1], silent_user))

    latencies = result["latencies"]
    rss = {phase: [kb for p, kb in result["rss"] if p == phase] for phase in latencies}
    with_silent = latencies["silent"] + latencies["after"]
    stats = {
        "seconds": round(time.monotonic() - started, 1),
        "messages": len(result["sent"]),
        "silent member dropped after (s)": round(result["drop_seconds"], 1),
        "server side of its socket": result["server_side_state"],
        "its socket ended": result["ending"],
        "p50/p99 baseline (s)": (
            round(sorted(latencies["baseline"])[len(latencies["baseline"]) // 2], 3),
            round(_p99(latencies["baseline"]), 3),
        ),
        "p50/p99 with the silent member (s)": (
            round(sorted(with_silent)[len(with_silent) // 2], 3),
            round(_p99(with_silent), 3),
        ),
        "rss MB baseline end / max later": (
            round(rss["baseline"][-1] / 1024, 1),
            round(max(rss["silent"] + rss["after"]) / 1024, 1),
        ),
        "gap fetches": sum(c.gap_fetches for c in result["clients"]),
    }
    print(stats)
    assert not result["crashed"], result["crashed"][:3]
    assert result["dropped"], stats
    how, code, _frames = result["ending"]
    assert how in ("eof", "reset") or (how == "close" and code in (4408, 1011)), stats
    assert result["all_live"], stats
    growth_kb = max(rss["silent"] + rss["after"]) - rss["baseline"][-1]
    assert growth_kb < RSS_GROWTH_LIMIT_MB * 1024, stats
    assert _p99(with_silent) <= P99_FACTOR * _p99(latencies["baseline"]) + P99_SLACK, stats
