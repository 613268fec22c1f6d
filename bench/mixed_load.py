"""Mixed load: chat users in many rooms plus members browsing the parts, as its own process.

    scripts/bench.sh mixed_load [--minutes 10] [--chat-users 200] [--rooms 20] [--browsers 50]

Starts uvicorn (one process) and a Celery worker against PostgreSQL, Redis and a local SMTP
sink; chat users post at a steady rate while browsers load catalogue, offices, ideas and
conferences and now and then ask to join an Ortsverein (which sends mail through the outbox).
Prints the chat delivery ratio and p95/p99 latency, HTTP p95 and error counts, and how long
the mail queue takes to drain after the load stops, next to the targets of issue 9.
"""

import argparse
import asyncio
import logging
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rooms_fanout as rf  # noqa: E402 - also sets Django up
from aiosmtpd.controller import Controller  # noqa: E402

ROOT = rf.ROOT
LINK = re.compile(r'href="(/(?:parteischule|buero|ideen|konferenzen)/[^"#?]*)"')


def prepare(rooms: int, per_room: int, browsers: int) -> dict:
    from rotesnetz.members.models import Gliederung, Membership, User
    from rotesnetz.rooms.models import Room

    rf.call_command("migrate", verbosity=0)
    lv, _ = Gliederung.objects.get_or_create(
        slug="mix-lv", defaults={"name": "Mix LV", "kind": "landesverband"}
    )
    kv, _ = Gliederung.objects.get_or_create(
        slug="mix-kv", defaults={"name": "Mix KV", "kind": "kreisverband", "parent": lv}
    )
    chat = []
    for number in range(rooms):
        ov, _ = Gliederung.objects.get_or_create(
            slug=f"mix-ov-{number}",
            defaults={"name": f"Mix OV {number}", "kind": "ortsverein", "parent": kv},
        )
        emails = [f"mix{number}-{i}@bench.example" for i in range(per_room)]
        User.objects.bulk_create(
            [User(email=e, display_name=e.split("@")[0], password="!") for e in emails],
            ignore_conflicts=True,
        )
        users = list(User.objects.filter(email__in=emails).order_by("id"))
        Membership.objects.bulk_create(
            [Membership(user=u, gliederung=ov) for u in users], ignore_conflicts=True
        )
        chat.append(
            {
                "id": Room.objects.get(gliederung=ov, is_main=True).pk,
                "cookies": [rf._session_cookie(u) for u in users],
            }
        )
    emails = [f"browse{i}@bench.example" for i in range(browsers)]
    User.objects.bulk_create(
        [User(email=e, display_name=e.split("@")[0], password="!") for e in emails],
        ignore_conflicts=True,
    )
    browsing = [rf._session_cookie(u) for u in User.objects.filter(email__in=emails)]
    join_target = Gliederung.objects.get(slug="mix-ov-0")
    # The Vorstand of the joined OV gets a mail for every request.
    vorstand, _ = User.objects.get_or_create(
        email="mix-vorstand@bench.example", defaults={"display_name": "V"}
    )
    Membership.objects.update_or_create(
        user=vorstand, gliederung=join_target, defaults={"role": "vorstand"}
    )
    join_target = join_target.slug
    return {"chat": chat, "browsing": browsing, "join": join_target}


class Sink:
    def __init__(self):
        self.count = 0
        self.port = rf.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        # aiosmtpd logs every command at INFO: thousands of lines over the figures.
        logging.getLogger("mail.log").setLevel(logging.WARNING)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


async def http(
    port: int, method: str, path: str, cookie: str, body: bytes = b"", extra: str = ""
) -> tuple[int, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n{extra}"
    if body:
        head += (
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        )
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    status = int(raw.split(b" ", 2)[1])
    return status, raw.decode(errors="replace")


async def browse(port: int, cookie: str, join_slug: str, stop_at: float, stats: dict):
    paths = ["/parteischule/", "/buero/", "/ideen/", "/konferenzen/", "/mein-netz/", "/raeume/"]
    while time.perf_counter() < stop_at:
        path = random.choice(paths)
        started = time.perf_counter()
        try:
            status, page = await http(port, "GET", path, cookie)
        except OSError:
            stats["http_errors"] += 1
            continue
        stats["http_times"].append(time.perf_counter() - started)
        stats["status"][status] = stats["status"].get(status, 0) + 1
        links = LINK.findall(page)
        if status == 200 and links:
            detail = random.choice(links)
            started = time.perf_counter()
            try:
                status, _ = await http(port, "GET", detail, cookie)
                stats["http_times"].append(time.perf_counter() - started)
                stats["status"][status] = stats["status"].get(status, 0) + 1
            except OSError:
                stats["http_errors"] += 1
        if random.random() < 0.05:
            await join_and_withdraw(port, cookie, join_slug, stats)
        await asyncio.sleep(random.uniform(1, 3))


async def join_and_withdraw(port: int, cookie: str, slug: str, stats: dict):
    """A write that sends mail (to the Vorstand) through the outbox and Celery."""
    status, page = await http(port, "GET", f"/gliederungen/{slug}/", cookie)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    csrf = re.search(r"csrftoken=([^;]+)", page)
    if not token:
        return
    cookie_with_csrf = cookie + (f"; csrftoken={csrf.group(1)}" if csrf else "")
    body = f"csrfmiddlewaretoken={token.group(1)}&message=Bench".encode()
    status, _ = await http(port, "POST", f"/gliederungen/{slug}/beitreten/", cookie_with_csrf, body)
    stats["writes"] += 1
    stats["status"][status] = stats["status"].get(status, 0) + 1


async def run(args, data):
    from rotesnetz.outbox.models import MailStatus, OutboundMail

    sink = Sink()
    sink.controller.start()
    env = {
        "ROOM_RATE_LIMIT_COUNT": "1000000",
        "DATABASE_POOL": "1",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
    }
    server = rf.Server("rotesnetz", "rotesnetz.asgi:application", env, workers=args.workers)
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "rotesnetz",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    duration = args.minutes * 60
    stats = {"http_times": [], "http_errors": 0, "status": {}, "writes": 0}
    try:
        fleets = []
        for room in data["chat"]:
            fleet = rf.Fleet(server, f"/ws/raeume/{room['id']}/")
            await fleet.connect(room["cookies"])
            fleets.append(fleet)
        stop_at = time.perf_counter() + duration
        expected = 0

        async def chat(fleet: rf.Fleet):
            nonlocal expected
            while time.perf_counter() < stop_at:
                socket = random.choice(fleet.sockets)
                expected += len(fleet.sockets)
                await fleet.send(socket, next(rf._seq))
                # each member writes about every 20 s: rooms of 10 post about every 2 s
                await asyncio.sleep(random.expovariate(len(fleet.sockets) / 20))

        print(
            f"Mixed load: {len(data['chat'])} rooms x {len(data['chat'][0]['cookies'])} chat users, "
            f"{len(data['browsing'])} browsing users, {args.minutes:g} min"
        )
        await asyncio.gather(
            *(chat(f) for f in fleets),
            *(browse(server.port, c, data["join"], stop_at, stats) for c in data["browsing"]),
        )
        await rf.wait_for(lambda: sum(f.delivered for f in fleets) >= expected, 30)
        drain_started = time.perf_counter()

        def queued() -> int:
            return OutboundMail.objects.filter(
                status__in=[MailStatus.QUEUED, MailStatus.SENDING]
            ).count()

        while time.perf_counter() - drain_started < 300 and await asyncio.to_thread(queued):
            await asyncio.sleep(0.5)
        drain = time.perf_counter() - drain_started
        latencies = [lat for f in fleets for lat in f.latencies]
        delivered = sum(f.delivered for f in fleets)
        for fleet in fleets:
            await fleet.close()
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=20)
        sink.controller.stop()
    times = stats["http_times"]
    errors_5xx = sum(n for s, n in stats["status"].items() if s >= 500)
    print(
        f"  chat delivery            {delivered}/{expected} = {100 * delivered / max(1, expected):.3f} %   target >= 99.9 %"
    )
    print(f"  chat latency p95         {rf.pct(latencies, 0.95):8.1f} ms   target < 300 ms")
    print(f"  chat latency p99         {rf.pct(latencies, 0.99):8.1f} ms   target < 1000 ms")
    print(
        f"  HTTP requests            {len(times)} ({stats['writes']} writes), statuses {dict(sorted(stats['status'].items()))}"
    )
    print(f"  HTTP p95                 {rf.pct(times, 0.95):8.1f} ms   target < 500 ms")
    print(f"  HTTP 5xx / conn. errors  {errors_5xx} / {stats['http_errors']}   target 0")
    print(
        f"  mail queue drained in    {drain:8.1f} s   ({sink.count} mails received)   target <= 60 s"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--chat-users", type=int, default=200)
    parser.add_argument("--browsers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes (one per core)")
    args = parser.parse_args()
    data = prepare(args.rooms, args.chat_users // args.rooms, args.browsers)
    asyncio.run(run(args, data))


if __name__ == "__main__":
    main()
