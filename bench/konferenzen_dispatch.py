"""Dial-in mail dispatch: 5,000 registrants through the real path, against plain smtplib.

    bash scripts/bench.sh konferenzen_dispatch      (starts PostgreSQL and Redis itself)
    .venv/bin/python bench/konferenzen_dispatch.py  (with DATABASE_URL and CELERY_BROKER_URL set)

The platform path is what happens on the Monday before a conference: the periodic task hands
the conference to a real Celery worker (its own processes, Redis broker), which renders one
mail per registrant into the outbox and sends them in batches over SMTP to a local aiosmtpd
sink (its own process, counting recipients, parsing nothing). The baseline sends the very same
messages (built beforehand, untimed) with plain smtplib over one connection to the same sink,
once before and once after the platform run. Target: at least 70 % of the baseline's mails/s,
and every registrant exactly one mail.
"""

import argparse
import multiprocessing
import os
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = 0.70


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The SMTP sink, in its own process ------------------------------------------------------


def _sink_main(port: int, pipe) -> None:
    import logging

    from tests.support.smtp import KeepingController

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    counts: Counter = Counter()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            for rcpt in envelope.rcpt_tos:
                counts[rcpt] += 1
            return "250 OK"

    # Keeps a mail whose final "." arrived even if the client dies right after, as Postfix does.
    controller = KeepingController(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    while True:
        command = pipe.recv()
        if command == "total":
            pipe.send(sum(counts.values()))
        elif command == "counts":
            pipe.send(dict(counts))
        elif command == "reset":
            counts.clear()
            pipe.send("ok")
        elif command == "stop":
            controller.stop()
            pipe.send("ok")
            return


class Sink:
    def __init__(self):
        self.port = free_port()
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_sink_main, args=(self.port, child))
        self.process.start()
        assert self.pipe.recv() == "ready"

    def ask(self, command):
        self.pipe.send(command)
        return self.pipe.recv()

    def stop(self):
        self.ask("stop")
        self.process.join(timeout=10)


# --- Database for the run -------------------------------------------------------------------


def bench_database_url(base: str) -> tuple[str, str]:
    parts = urlsplit(base)
    name = f"bench_konferenzen_{uuid.uuid4().hex[:8]}"
    return urlunsplit(parts._replace(path="/" + name)), name


def admin(base: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(base)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/"),
        autocommit=True,
    ) as connection:
        connection.execute(sql)


# --- CPU accounting (Linux /proc) -----------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_groups(worker_pid: int, sink_pid: int) -> dict[str, list[int]]:
    """Processes whose CPU time counts: the worker (and its pool), the sink, PostgreSQL's
    backends of this cluster and Redis (both from scripts/services.sh when it started them)."""
    groups = {"worker": [worker_pid, *_children(worker_pid)], "sink": [sink_pid]}
    pg_data = os.environ.get("RN_PG_DATA")
    if pg_data and Path(pg_data, "postmaster.pid").exists():
        postmaster = int(Path(pg_data, "postmaster.pid").read_text().split()[0])
        groups["postgres"] = [postmaster, *_children(postmaster)]
    redis_pid = Path(pg_data or "/nonexistent").parent.parent / "redis.pid"
    if redis_pid.exists():
        groups["redis"] = [int(redis_pid.read_text().strip())]
    return groups


def cpu_snapshot(groups: dict[str, list[int]]) -> dict[str, float]:
    return {name: sum(_cpu_seconds(pid) for pid in pids) for name, pids in groups.items()}


# --- The two runs ---------------------------------------------------------------------------


def baseline(messages: list[tuple[str, str, bytes]], sink: Sink) -> float:
    sink.ask("reset")
    smtp = smtplib.SMTP("127.0.0.1", sink.port)
    started = time.perf_counter()
    for sender, recipient, data in messages:
        smtp.sendmail(sender, [recipient], data)
    elapsed = time.perf_counter() - started
    smtp.quit()
    assert sink.ask("total") == len(messages)
    return len(messages) / elapsed


def start_worker(env: dict, concurrency: int, log: Path, pool: str = "prefork") -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 - the worker writes to it until it ends
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "rotesnetz",
            "worker",
            "--loglevel=INFO",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"bench-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("worker did not start:\n" + log.read_text()[-2000:])
        time.sleep(0.1)
    return process


def platform_round(*, registrants: int, worker, sink: Sink, models) -> dict:
    """One platform run: a fresh conference, its dial-in mails due, beat's task, wait."""
    from konferenzen import mails, tasks
    from konferenzen.enums import MailPurpose
    from konferenzen.models import Conference, DialIn
    from rotesnetz.outbox.models import MailStatus, OutboundMail
    from rotesnetz.outbox.services import _mime_bytes, _render
    from tests.support.konferenzen_factories import make_conference, make_guest_registrants

    settings = models["settings"]
    conference = make_conference(gliederung=models["landesverband"], title="Dialogtour: Mobilität")
    registrations = make_guest_registrants(conference, registrants, prefix=f"r{conference.pk}-")
    expected = {registration.email for registration in registrations}
    # The same messages, built untimed, for the baseline next to this run.
    batch = mails.dial_in_batch(conference, DialIn.objects.get(conference=conference))
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    prepared = []
    for number, registration in enumerate(registrations):
        row = _render(batch.spec(registration))
        row.pk = number + 1
        prepared.append((sender, row.to, _mime_bytes(row, settings.DEFAULT_FROM_EMAIL)))
    before = baseline(prepared, sink)

    sink.ask("reset")
    Conference.objects.filter(pk=conference.pk).update(dial_in_send_at=conference.created_at)
    rows = OutboundMail.objects.filter(related=conference.related_key, purpose=MailPurpose.DIAL_IN)
    groups = cpu_groups(worker.pid, sink.process.pid)
    cpu_before = cpu_snapshot(groups)
    started = time.perf_counter()
    tasks.dispatch_due.delay()  # what beat does on the Monday before
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        done = rows.filter(status__in=[MailStatus.SENT, MailStatus.FAILED]).count()
        if done >= registrants and sink.ask("total") >= rows.filter(status=MailStatus.SENT).count():
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    cpu_after = cpu_snapshot(groups)
    time.sleep(2)  # anything sent twice arrives now
    counts = Counter(sink.ask("counts"))
    after = baseline(prepared, sink)
    return {
        "before": before,
        "after": after,
        "elapsed": elapsed,
        "platform": registrants / elapsed,
        "failed": rows.filter(status=MailStatus.FAILED).count(),
        "missing": len(expected - set(counts)),
        "duplicates": sum(1 for value in counts.values() if value > 1),
        "strangers": len(set(counts) - expected),
        "cpu": {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (compose: 2)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="platform runs, each between two baselines"
    )
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
    if not base_url.startswith("postgres") or not broker:
        raise SystemExit("Needs DATABASE_URL (PostgreSQL) and REDIS_URL: bash scripts/bench.sh")
    database_url, database_name = bench_database_url(base_url)
    admin(base_url, f'CREATE DATABASE "{database_name}"')
    sink = Sink()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_POOL": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_BROKER_URL": broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",  # as in production: no query log in the worker
    }
    os.environ.update(env)
    worker = None
    results = []
    try:
        import django

        import rotesnetz.celery  # noqa: F401 - the Celery entry point names the settings

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from rotesnetz.celery import app
        from tests.support.factories import make_gliederung

        app.control.purge()
        models = {
            "settings": settings,
            "landesverband": make_gliederung(kind="landesverband", name="SPD Benchmarkland"),
        }
        worker = start_worker(env, args.concurrency, Path("/tmp") / f"{database_name}.log")
        for _round in range(args.rounds):
            results.append(
                platform_round(
                    registrants=args.registrants, worker=worker, sink=sink, models=models
                )
            )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        sink.stop()
        from django.db import connections

        connections.close_all()
        admin(base_url, f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')

    print(
        f"konferenzen dispatch: {args.registrants} registrants, Celery worker (prefork x"
        f"{args.concurrency}) on Redis, aiosmtpd sink in its own process, {args.rounds} rounds"
    )
    ratios = []
    exact = True
    for number, result in enumerate(results, start=1):
        reference = (result["before"] + result["after"]) / 2
        ratio = result["platform"] / reference
        ratios.append(ratio)
        ok = not (result["missing"] or result["duplicates"] or result["strangers"])
        exact = exact and ok
        cpu = ", ".join(
            f"{name} {seconds / args.registrants * 1000:.2f}"
            for name, seconds in result["cpu"].items()
        )
        print(f"  round {number}")
        print(
            f"    baseline  smtplib, one connection: {result['before']:6.0f} mails/s before, "
            f"{result['after']:6.0f} after, mean {reference:6.0f} mails/s"
        )
        print(
            f"    platform  beat task -> worker -> outbox -> SMTP: {args.registrants} mails in "
            f"{result['elapsed']:6.2f} s = {result['platform']:6.0f} mails/s   ratio {ratio:.2f}"
        )
        print(
            f"    failures  {result['failed']} failed rows, {result['missing']} missing, "
            f"{result['duplicates']} duplicated, {result['strangers']} unexpected recipients; "
            f"exactly one mail per registrant: {'yes' if ok else 'NO'}"
        )
        print(f"    CPU ms per mail: {cpu}")
    median = sorted(ratios)[len(ratios) // 2]
    print(
        f"  median ratio {median:.2f} of the baseline (target >= {TARGET:.2f}: "
        f"{'met' if median >= TARGET else 'NOT met'}); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end"
    )
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
