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

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    counts: Counter = Counter()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            for rcpt in envelope.rcpt_tos:
                counts[rcpt] += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
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


def start_worker(env: dict, concurrency: int, log: Path) -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 - the worker writes to it until it ends
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "rotesnetz",
            "worker",
            "--loglevel=INFO",
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (compose: 2)")
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
    }
    os.environ.update(env)
    worker = None
    try:
        import django

        import rotesnetz.celery  # noqa: F401 - the Celery entry point names the settings

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from konferenzen import mails, tasks
        from konferenzen.enums import MailPurpose
        from konferenzen.models import Conference, DialIn
        from rotesnetz.celery import app
        from rotesnetz.outbox.models import MailStatus, OutboundMail
        from rotesnetz.outbox.services import _mime_bytes, _render
        from tests.support.factories import make_gliederung
        from tests.support.konferenzen_factories import make_conference, make_guest_registrants

        app.control.purge()
        conference = make_conference(
            gliederung=make_gliederung(kind="landesverband", name="SPD Benchmarkland"),
            title="Dialogtour: Mobilität",
        )
        registrations = make_guest_registrants(conference, args.registrants)
        expected = {registration.email for registration in registrations}

        # The same messages, built untimed for the baseline.
        batch = mails.dial_in_batch(conference, DialIn.objects.get(conference=conference))
        sender = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
        prepared = []
        for number, registration in enumerate(registrations):
            row = _render(batch.spec(registration))
            row.pk = number + 1
            prepared.append((sender, row.to, _mime_bytes(row, settings.DEFAULT_FROM_EMAIL)))
        before = baseline(prepared, sink)

        worker = start_worker(env, args.concurrency, Path("/tmp") / f"{database_name}.log")
        sink.ask("reset")
        Conference.objects.filter(pk=conference.pk).update(dial_in_send_at=conference.created_at)
        rows = OutboundMail.objects.filter(
            related=conference.related_key, purpose=MailPurpose.DIAL_IN
        )
        started = time.perf_counter()
        tasks.dispatch_due.delay()  # what beat does on the Monday before
        deadline = time.monotonic() + 600
        while True:
            done = rows.filter(status__in=[MailStatus.SENT, MailStatus.FAILED]).count()
            if (
                done >= args.registrants
                and sink.ask("total") >= rows.filter(status=MailStatus.SENT).count()
            ):
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        time.sleep(2)  # anything sent twice arrives now
        counts = Counter(sink.ask("counts"))
        failed = rows.filter(status=MailStatus.FAILED).count()
        platform = args.registrants / elapsed
        after = baseline(prepared, sink)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        sink.stop()
        from django.db import connections

        connections.close_all()
        admin(base_url, f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')

    reference = (before + after) / 2
    missing = len(expected - set(counts))
    duplicates = sum(1 for value in counts.values() if value > 1)
    strangers = len(set(counts) - expected)
    exact = missing == 0 and duplicates == 0 and strangers == 0 and len(counts) == len(expected)
    ratio = platform / reference
    print(
        f"konferenzen dispatch: {args.registrants} registrants, Celery worker (prefork x"
        f"{args.concurrency}) on Redis, aiosmtpd sink in its own process"
    )
    print(
        f"  baseline  smtplib, one connection:  {before:7.0f} mails/s before, "
        f"{after:7.0f} after, mean {reference:7.0f} mails/s"
    )
    print(
        f"  platform  beat task -> worker -> outbox -> SMTP: {args.registrants} mails in "
        f"{elapsed:6.2f} s = {platform:7.0f} mails/s"
    )
    print(
        f"  failures  {failed} failed rows, {missing} missing, {duplicates} duplicated, "
        f"{strangers} unexpected recipients"
    )
    print(f"  exactly one mail per registrant: {'yes' if exact else 'NO'}")
    print(
        f"  ratio     {ratio:.2f} of the baseline (target >= {TARGET:.2f}: "
        f"{'met' if ratio >= TARGET else 'NOT met'})"
    )
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
