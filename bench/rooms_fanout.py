"""Websocket fan-out benchmark for Räume, against a raw ASGI baseline measured in the same run.

Started by ``scripts/bench.sh rooms`` (which provides PostgreSQL and Redis on loopback). It starts
the real ASGI server (uvicorn, one process, Redis pub/sub channel layer, PostgreSQL) and the
baseline (bench/baseline_server.py, one process), connects authenticated members and prints:
delivered/expected, p50/p99/max delivery latency, deliveries per second, server memory, and the
ratios against the baseline. Targets (issue 3) are printed next to each figure.
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotesnetz.settings")

import django  # noqa: E402

django.setup()

import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

SEQ = re.compile(r"bench-(\d+)-")
# Client ids are unique per run: a database kept from an earlier run already holds "r1", and a
# resent client id is answered with the stored message instead of a new broadcast.
RUN = f"{int(time.time()):x}"
WS_IMPL = os.environ.get("RN_BENCH_WS", "websockets-sansio")  # what production picks


@contextlib.contextmanager
def collector_paused():
    """The measuring client's own garbage collection stays out of what it measures, as timeit
    does it: collected before a measured phase, paused during it. With a thousand sockets in
    this one process, its full collections took 0.2-0.7 s each (gc.callbacks) and landed in the
    latencies and connect times of whichever server was being measured."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --- fixtures -------------------------------------------------------------------------------


def prepare(sizes: list[int]) -> dict:
    """Members, rooms and sessions for the benchmark (created once, reused on the next run)."""
    from rotesnetz.members.models import Gliederung, Membership, User
    from rotesnetz.rooms.models import Room

    call_command("migrate", verbosity=0)
    lv, _ = Gliederung.objects.get_or_create(
        slug="bench-lv", defaults={"name": "Bench LV", "kind": "landesverband"}
    )
    kv, _ = Gliederung.objects.get_or_create(
        slug="bench-kv", defaults={"name": "Bench KV", "kind": "kreisverband", "parent": lv}
    )
    needed = max(sizes)
    rooms = {}
    for name, count in [("big", needed), *[(f"small{i}", 100) for i in range(5)]]:
        ov, _ = Gliederung.objects.get_or_create(
            slug=f"bench-{name}",
            defaults={"name": f"Bench {name}", "kind": "ortsverein", "parent": kv},
        )
        existing = User.objects.filter(
            email__startswith=f"{name}-", email__endswith="@bench.example"
        ).count()
        User.objects.bulk_create(
            [
                User(email=f"{name}-{i}@bench.example", display_name=f"{name} {i}", password="!")
                for i in range(existing, count)
            ]
        )
        users = list(
            User.objects.filter(
                email__startswith=f"{name}-", email__endswith="@bench.example"
            ).order_by("id")[:count]
        )
        Membership.objects.bulk_create(
            [Membership(user=u, gliederung=ov) for u in users], ignore_conflicts=True
        )
        room = Room.objects.get(gliederung=ov, is_main=True)
        rooms[name] = {"id": room.pk, "cookies": [_session_cookie(u) for u in users]}
    return rooms


_cookie_cache: dict[int, str] = {}


def _session_cookie(user) -> str:
    if user.pk not in _cookie_cache:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "rotesnetz.members.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        _cookie_cache[user.pk] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return _cookie_cache[user.pk]


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, app: str, env: dict, workers: int = 1):
        self.name = name
        self.port = free_port()
        # RN_BENCH_PROFILE=<file> profiles our server (cProfile) to find where the time goes.
        profile = os.environ.get("RN_BENCH_PROFILE") if name == "rotesnetz" else None
        runner = (
            [sys.executable, "-m", "cProfile", "-o", profile, "-m", "uvicorn"]
            if profile
            else [str(Path(sys.executable).parent / "uvicorn")]
        )
        self.process = subprocess.Popen(
            [
                *runner,
                app,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws",
                WS_IMPL,
                # As in production (scripts/run.sh, docker-compose.yml): compressing each
                # frame once per recipient cost more CPU than the whole fan-out otherwise.
                "--ws-per-message-deflate",
                "false",
                "--lifespan",
                "off",
                "--log-level",
                "warning",
                "--backlog",
                "4096",
                "--timeout-keep-alive",
                "30",
                *(["--workers", str(workers)] if workers > 1 else []),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                import urllib.request

                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)  # noqa: S310
                break
            except Exception as error:
                if getattr(error, "code", None) == 404:
                    break  # the baseline answers 404 to HTTP: it is up
                time.sleep(0.2)

    def _pids(self) -> list[int]:
        """The server and, with several workers, the worker processes."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        return [pid, *(int(child) for child in children)]

    def rss_kb(self) -> int:
        return sum(_status(pid, "VmRSS") for pid in self._pids())

    def peak_kb(self) -> int:
        return sum(_status(pid, "VmHWM") for pid in self._pids())

    def stop(self):
        import signal

        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _status(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # a worker that has just ended
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# --- clients --------------------------------------------------------------------------------


class Fleet:
    """Many websocket clients in one event loop, recording delivery latency per message."""

    def __init__(self, server: Server, room_path: str):
        self.server = server
        self.room_path = room_path
        self.sockets: list = []
        self.readers: list = []
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.delivered = 0
        self.failed = 0
        self.reasons: dict[str, int] = {}

    async def connect(
        self,
        cookies: list[str],
        *,
        page: str | None = None,
        concurrency: int = 200,
        spread: float = 0.0,
    ):
        """``spread``: the members arrive evenly over that many seconds instead of at once."""
        gate = asyncio.Semaphore(concurrency)

        async def one(index, cookie):
            if spread:
                await asyncio.sleep(spread * index / len(cookies))
            async with gate:
                try:
                    if page:
                        await http_get(self.server.port, page, cookie)
                    socket = await websockets.connect(
                        f"ws://127.0.0.1:{self.server.port}{self.room_path}",
                        additional_headers={
                            "Cookie": cookie,
                            "Origin": f"http://127.0.0.1:{self.server.port}",
                        },
                        max_size=2**20,
                        ping_interval=None,
                        open_timeout=30,
                    )
                except Exception as error:
                    self.failed += 1
                    reason = f"{type(error).__name__}: {str(error)[:80]}"
                    self.reasons[reason] = self.reasons.get(reason, 0) + 1
                    return
                self.sockets.append(socket)
                self.readers.append(asyncio.ensure_future(self._read(socket)))

        await asyncio.gather(*(one(i, c) for i, c in enumerate(cookies)))

    async def _read(self, socket):
        try:
            async for frame in socket:
                if not frame.startswith('{"type": "message"'):
                    continue
                match = SEQ.search(frame)
                if match:
                    sent = self.sent_at.get(int(match.group(1)))
                    if sent is not None:
                        self.latencies.append(time.perf_counter() - sent)
                        self.delivered += 1
        except websockets.ConnectionClosed:
            pass

    async def send(self, socket, seq: int):
        self.sent_at[seq] = time.perf_counter()
        await socket.send(
            json.dumps({"type": "send", "text": f"bench-{seq}-x", "ref": f"r{RUN}-{seq}"})
        )

    async def close(self):
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


async def http_get(port: int, path: str, cookie: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    await reader.read()
    writer.close()
    return status


async def wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        await asyncio.sleep(0.02)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- scenarios ------------------------------------------------------------------------------

_seq = iter(range(1, 10**9))


async def burst(server: Server, path: str, cookies: list[str], messages: int, senders: int) -> dict:
    fleet = Fleet(server, path)
    await fleet.connect(cookies)
    expected = messages * len(fleet.sockets)
    per_sender = messages // senders

    async def sender(socket):
        for _ in range(per_sender):
            await fleet.send(socket, next(_seq))
            await asyncio.sleep(0)

    with collector_paused():
        started = time.perf_counter()
        await asyncio.gather(*(sender(s) for s in fleet.sockets[:senders]))
        await wait_for(lambda: fleet.delivered >= expected, 120)
        elapsed = time.perf_counter() - started
    await fleet.close()
    return {
        "connected": len(fleet.sockets),
        "failed": fleet.failed,
        "delivered": fleet.delivered,
        "expected": expected,
        "rate": fleet.delivered / elapsed,
        "p50": pct(fleet.latencies, 0.5),
        "p99": pct(fleet.latencies, 0.99),
        "max": pct(fleet.latencies, 1.0),
    }


async def steady(server: Server, rooms: list[tuple[str, list[str], float]], seconds: float) -> dict:
    """Rooms of members posting at a steady rate; each message from a different member."""
    fleets = []
    for path, cookies, rate in rooms:
        fleet = Fleet(server, path)
        await fleet.connect(cookies)
        fleets.append((fleet, rate))
    expected = 0

    async def drive(fleet: Fleet, rate: float):
        nonlocal expected
        interval = 1 / rate
        next_at = time.perf_counter()
        index = 0
        while time.perf_counter() < stop_at:
            socket = fleet.sockets[index % len(fleet.sockets)]
            index += 1
            expected += len(fleet.sockets)
            await fleet.send(socket, next(_seq))
            next_at += interval
            await asyncio.sleep(max(0, next_at - time.perf_counter()))

    with collector_paused():
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(drive(f, r) for f, r in fleets))
        await wait_for(lambda: sum(f.delivered for f, _ in fleets) >= expected, 30)
    latencies = [lat for f, _ in fleets for lat in f.latencies]
    delivered = sum(f.delivered for f, _ in fleets)
    for fleet, _ in fleets:
        await fleet.close()
    return {
        "delivered": delivered,
        "expected": expected,
        "p50": pct(latencies, 0.5),
        "p99": pct(latencies, 0.99),
        "max": pct(latencies, 1.0),
        "failed": sum(f.failed for f, _ in fleets),
    }


async def conference_start(
    server: Server, path: str, cookies: list[str], page: str | None, spread: float = 0.0
) -> dict:
    """Every member loads ``page`` (if given) and connects to the room, all at once or
    arriving evenly over ``spread`` seconds."""
    fleet = Fleet(server, path)
    rss_before = server.rss_kb()
    with collector_paused():
        started = time.perf_counter()
        await fleet.connect(cookies, page=page, concurrency=len(cookies), spread=spread)
        connect_time = time.perf_counter() - started
        await asyncio.sleep(2)
        rss_after = server.rss_kb()
        await fleet.send(fleet.sockets[0], next(_seq))
        await wait_for(lambda: fleet.delivered >= len(fleet.sockets), 30)
    result = {
        "reasons": fleet.reasons,
        "connected": len(fleet.sockets),
        "failed": fleet.failed,
        "connect_s": connect_time,
        "first_p99": pct(fleet.latencies, 0.99),
        "first_delivered": fleet.delivered,
        "kb_per_member": (rss_after - rss_before) / max(1, len(fleet.sockets)),
    }
    await fleet.close()
    return result


async def pages(server: Server, cookie: str, paths: dict[str, str], seconds: float = 5) -> dict:
    results = {}
    for name, path in paths.items():
        done = 0
        stop_at = time.perf_counter() + seconds

        async def worker():
            nonlocal done
            while time.perf_counter() < stop_at:
                assert await http_get(server.port, path, cookie) == 200, path
                done += 1

        with collector_paused():
            await asyncio.gather(*(worker() for _ in range(8)))
        results[name] = done / seconds
    return results


# --- main -----------------------------------------------------------------------------------


def line(label: str, ours, base=None, unit="", target=""):
    text = f"  {label:38} {ours:>10.1f}{unit}"
    if base is not None:
        text += (
            f"   baseline {base:>10.1f}{unit}   ratio {ours / base if base else float('nan'):5.2f}"
        )
    if target:
        text += f"   target {target}"
    print(text)


async def run(args, rooms: dict):
    sizes = [int(s) for s in args.sizes.split(",")]
    env = {
        "ROOM_RATE_LIMIT_COUNT": "1000000",
        "DATABASE_POOL": "1",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    ours = Server("rotesnetz", "rotesnetz.asgi:application", env)
    base = Server("baseline", "bench.baseline_server:app", {})
    big = rooms["big"]
    our_path = f"/ws/raeume/{big['id']}/"
    only = set(args.only.split(","))
    try:
        print(f"\nRooms fan-out benchmark ({os.cpu_count()} cores, uvicorn, 1 process each)")
        if "burst" in only:
            await burst_report(ours, base, big, our_path, sizes)
        if "steady" in only:
            await steady_report(ours, base, rooms, big, our_path, args.seconds)
        if "conference" in only:
            await conference_fresh(env, big, our_path, sizes)
            if args.conference_workers > 1:
                await conference_deployed(args.conference_workers, env, big, our_path, sizes)
        if "pages" in only:
            await pages_report(ours, big)
    finally:
        ours.stop()
        base.stop()


BURST_ROUNDS = 3


def _median_burst(outcomes: list[dict]) -> dict:
    """The round with the median rate; what was not delivered in any round is counted."""
    ordered = sorted(outcomes, key=lambda outcome: outcome["rate"])
    median = dict(ordered[len(ordered) // 2])
    for key in ("delivered", "expected", "failed"):
        median[key] = sum(outcome[key] for outcome in outcomes)
    return median


async def burst_report(ours, base, big, our_path, sizes):
    print("\nBurst: one room, 20 senders, as fast as possible")
    for size in sizes:
        messages = max(40, 20000 // size)
        # Taking turns for a few rounds and comparing medians, as for the conference start:
        # a burst at N=100 lasts under two seconds.
        rounds = [
            (
                await burst(base, "/ws/base-big/", big["cookies"][:size], messages, 20),
                await burst(ours, our_path, big["cookies"][:size], messages, 20),
            )
            for _ in range(BURST_ROUNDS)
        ]
        b = _median_burst([b for b, _ in rounds])
        o = _median_burst([o for _, o in rounds])
        print(
            "  each round, deliveries/s ours / baseline: "
            + ", ".join(f"{o['rate']:.0f} / {b['rate']:.0f}" for b, o in rounds)
        )
        print(
            f" N={size}: {o['delivered']}/{o['expected']} delivered "
            f"(baseline {b['delivered']}/{b['expected']}), failed connects {o['failed']}"
        )
        line("deliveries/s", o["rate"], b["rate"], target="ratio >= 0.25")
        line("p50 latency", o["p50"], b["p50"], " ms")
        line("p99 latency", o["p99"], b["p99"], " ms")
        line("max latency", o["max"], b["max"], " ms")


async def steady_report(ours, base, rooms, big, our_path, seconds):
    print(f"\nSteady chat: 1 room x 500 at 2 msg/s + 5 rooms x 100 at 0.5 msg/s, {seconds:.0f} s")
    steady_rooms = [(our_path, big["cookies"][:500], 2.0)] + [
        (f"/ws/raeume/{rooms[f'small{i}']['id']}/", rooms[f"small{i}"]["cookies"], 0.5)
        for i in range(5)
    ]
    base_rooms = [("/ws/base-big/", big["cookies"][:500], 2.0)] + [
        (f"/ws/base-small{i}/", rooms[f"small{i}"]["cookies"], 0.5) for i in range(5)
    ]
    sb = await steady(base, base_rooms, seconds)
    so = await steady(ours, steady_rooms, seconds)
    target = max(100.0, 2.5 * sb["p99"])
    print(
        f"  delivered {so['delivered']}/{so['expected']} (lost {so['expected'] - so['delivered']}); "
        f"baseline {sb['delivered']}/{sb['expected']}"
    )
    line("p50 latency", so["p50"], sb["p50"], " ms")
    line("p99 latency", so["p99"], sb["p99"], " ms", target=f"<= {target:.0f} ms")
    line("max latency", so["max"], sb["max"], " ms")


async def conference_fresh(env: dict, big, our_path, sizes):
    """The conference start on servers that have run nothing before: the burst and steady
    scenarios would have grown the heaps, and the memory per idle member would mean nothing."""
    ours = Server("rotesnetz", "rotesnetz.asgi:application", env)
    base = Server("baseline", "bench.baseline_server:app", {})
    try:
        await conference_report(ours, base, big, our_path, max(sizes))
    finally:
        ours.stop()
        base.stop()


async def conference_deployed(workers: int, env: dict, big, our_path, sizes):
    """The conference start again, both servers with several worker processes, as deployed."""
    ours = Server("rotesnetz", "rotesnetz.asgi:application", env, workers=workers)
    base = Server("baseline", "bench.baseline_server:app", {}, workers=workers)
    try:
        print(f"\n(as deployed: {workers} uvicorn workers for each server)")
        await conference_report(ours, base, big, our_path, max(sizes))
    finally:
        ours.stop()
        base.stop()


CONFERENCE_ROUNDS = 3
ARRIVAL_S = 1.0


def _median_round(outcomes: list[dict]) -> dict:
    """The round with the median connect time; failures add up and the slowest first
    broadcast counts, so that no bad round is hidden."""
    ordered = sorted(outcomes, key=lambda outcome: outcome["connect_s"])
    median = dict(ordered[len(ordered) // 2])
    median["failed"] = sum(outcome["failed"] for outcome in outcomes)
    median["first_p99"] = max(outcome["first_p99"] for outcome in outcomes)
    median["reasons"] = {}
    for outcome in outcomes:
        for reason, count in outcome["reasons"].items():
            median["reasons"][reason] = median["reasons"].get(reason, 0) + count
    return median


async def conference_report(ours, base, big, our_path, n):
    print(f"\nConference start: {n} members load the room page and connect")
    # Sockets only first: on a server whose heap the page phase has not grown yet, the memory
    # per idle member means something. Both servers take turns for CONFERENCE_ROUNDS rounds and
    # the medians are compared: one start lasts about a second, and a single pair of them
    # gave ratios from 3 to 8 on the same code on these shared cores.
    rounds = []
    for _ in range(CONFERENCE_ROUNDS):
        rounds.append(
            (
                await conference_start(base, "/ws/base-conf/", big["cookies"][:n], page=None),
                await conference_start(ours, our_path, big["cookies"][:n], page=None),
            )
        )
    cb = _median_round([b for b, _ in rounds])
    co_ws = _median_round([o for _, o in rounds])
    co_ws["kb_per_member"] = rounds[0][1]["kb_per_member"]
    print(
        "  socket only, each round (ours / baseline): "
        + ", ".join(f"{o['connect_s']:.2f} / {b['connect_s']:.2f} s" for b, o in rounds)
    )
    co = await conference_start(
        ours, our_path, big["cookies"][:n], page=our_path.replace("/ws", "")
    )
    # The floor of any page: each member loads a bare Django view (the whole middleware chain,
    # session and user included) instead of the room page.
    co_bare = await conference_start(ours, our_path, big["cookies"][:n], page="/branding.css")
    # The issue's own scenario: the members "load the room page and connect within about a
    # second", so they arrive evenly over ARRIVAL_S; the baseline's members arrive the same way
    # and only connect (it has no page).
    arriving = []
    for _ in range(CONFERENCE_ROUNDS):
        arriving.append(
            (
                await conference_start(
                    base, "/ws/base-conf/", big["cookies"][:n], page=None, spread=ARRIVAL_S
                ),
                await conference_start(
                    ours,
                    our_path,
                    big["cookies"][:n],
                    page=our_path.replace("/ws", ""),
                    spread=ARRIVAL_S,
                ),
            )
        )
    cb_arr = _median_round([b for b, _ in arriving])
    co_arr = _median_round([o for _, o in arriving])
    print(
        f"  arriving over {ARRIVAL_S:.0f} s with page, each round (ours / baseline): "
        + ", ".join(f"{o['connect_s']:.2f} / {b['connect_s']:.2f} s" for b, o in arriving)
    )
    print(
        f"  connected {co['connected']}/{n}, failed {co['failed']} "
        f"(baseline {cb['connected']}/{n}, failed {cb['failed']}); socket only: failed {co_ws['failed']}; "
        f"with bare view: failed {co_bare['failed']}"
    )
    print(
        f"  arriving over {ARRIVAL_S:.0f} s: failed {co_arr['failed']} (baseline {cb_arr['failed']})"
    )
    for label, outcome in (
        ("with page", co),
        ("with bare view", co_bare),
        ("socket only", co_ws),
        ("arriving with page", co_arr),
    ):
        for reason, count in outcome["reasons"].items():
            print(f"  failed ({label}): {count} x {reason}")
    line(
        f"all in, arriving over {ARRIVAL_S:.0f} s, with page",
        co_arr["connect_s"],
        cb_arr["connect_s"],
        " s",
        target="ratio <= 4 (the issue's scenario)",
    )
    line(
        "all in, all at once, with page",
        co["connect_s"],
        cb["connect_s"],
        " s",
        target="(harsher: no arrival spread)",
    )
    line(
        "all in, all at once, bare view",
        co_bare["connect_s"],
        cb["connect_s"],
        " s",
        target="(the floor of a Django page)",
    )
    line(
        "all in, all at once, socket only",
        co_ws["connect_s"],
        cb["connect_s"],
        " s",
        target="(no page, no arrival spread)",
    )
    line(
        "first broadcast p99 (after pages)",
        co["first_p99"],
        cb["first_p99"],
        " ms",
        target="<= 250 ms",
    )
    line(
        f"first broadcast p99 (arriving over {ARRIVAL_S:.0f} s)",
        co_arr["first_p99"],
        cb_arr["first_p99"],
        " ms",
        target="<= 250 ms",
    )
    line(
        "first broadcast p99 (socket only)",
        co_ws["first_p99"],
        cb["first_p99"],
        " ms",
        target="<= 250 ms",
    )
    line(
        "server memory per idle member",
        co_ws["kb_per_member"],
        cb["kb_per_member"],
        " KB",
        target="<= 80 KB",
    )
    print(
        f"  server peak memory: ours {ours.peak_kb() / 1024:.0f} MB, baseline {base.peak_kb() / 1024:.0f} MB"
    )


async def pages_report(ours, big):
    print("\nPages (8 concurrent clients, 5 s each)")
    cookie = big["cookies"][0]
    results = await pages(
        ours,
        cookie,
        {
            "bare view (/branding.css)": "/branding.css",
            "room list (/raeume/)": "/raeume/",
            "room page, 50 messages": f"/raeume/{big['id']}/",
        },
    )
    bare = results.pop("bare view (/branding.css)")
    line("bare view req/s", bare)
    for name, rate in results.items():
        line(f"{name} req/s", rate, bare)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,500,1000")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="duration of the steady scenario"
    )
    parser.add_argument("--only", default="burst,steady,conference,pages", help="scenarios to run")
    parser.add_argument(
        "--conference-workers",
        type=int,
        default=0,
        help="also run the conference start with this many uvicorn workers for both servers "
        "(docker-compose runs 2)",
    )
    args = parser.parse_args()
    rooms = prepare([int(s) for s in args.sizes.split(",")])  # the ORM outside the event loop
    # The migrations' model states are garbage now; what is left lives through the run.
    gc.collect()
    gc.freeze()
    asyncio.run(run(args, rooms))


if __name__ == "__main__":
    main()
