"""Random SIGKILLs of the Celery worker in the middle of dial-in batches: what is lost or doubled.

    bash scripts/bench.sh outbox_kills [--tries 30] [--registrants 300]

The fault and celery tiers kill the worker at chosen points of the SMTP dialogue and must end
with exactly one mail each. This run kills it at random moments instead, to measure the one
window left between committing "sent" and writing the final "." (rotesnetz/outbox/services.py,
"Delivery"). Each try: a fresh conference with its registrants, the dial-in dispatch, a SIGKILL
at a random moment after the first mails arrived at the sink, a new worker, the sweeper until
every row is sent; then the sink's count per registrant. Prints lost and doubled mails per try.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import konferenzen_dispatch as dispatch_bench  # noqa: E402
from konferenzen_dispatch import Sink, admin, bench_database_url  # noqa: E402


def start_worker(env: dict, log: Path):
    """One process (solo pool): a SIGKILL ends the very process that is sending."""
    return dispatch_bench.start_worker(env, 1, log, pool="solo")


def one_try(number: int, *, registrants: int, env: dict, sink: Sink, landesverband) -> dict:
    from konferenzen import tasks
    from konferenzen.enums import MailPurpose
    from konferenzen.models import Conference
    from rotesnetz.outbox import tasks as outbox_tasks
    from rotesnetz.outbox.models import MailStatus, OutboundMail
    from tests.support.konferenzen_factories import make_conference, make_guest_registrants

    log = Path("/tmp") / f"outbox-kills-{os.getpid()}-{number}.log"
    worker = start_worker(env, log)
    conference = make_conference(gliederung=landesverband, title=f"Dialogtour {number}")
    registrations = make_guest_registrants(conference, registrants, prefix=f"k{conference.pk}-")
    expected = {registration.email for registration in registrations}
    rows = OutboundMail.objects.filter(related=conference.related_key, purpose=MailPurpose.DIAL_IN)
    sink.ask("reset")
    Conference.objects.filter(pk=conference.pk).update(dial_in_send_at=conference.created_at)
    tasks.dispatch_due.delay()
    deadline = time.monotonic() + 60
    while sink.ask("total") < 5 and time.monotonic() < deadline:
        time.sleep(0.002)
    # A random moment in the batch; the phase within one mail is random at this resolution.
    time.sleep(random.uniform(0.0, 0.25))  # noqa: S311 - not for security
    at_kill = sink.ask("total")
    killed_at = time.time()
    worker.kill()
    worker.wait(timeout=10)
    in_flight = rows.filter(status=MailStatus.SENDING).count()

    worker = start_worker(env, log.with_suffix(".2.log"))
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if rows.exclude(status=MailStatus.SENT).count() == 0:
                break
            outbox_tasks.sweep.delay()
            tasks.dispatch_due.delay()
            time.sleep(1.0)
        time.sleep(1.5)  # a late second copy arrives now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    counts = Counter(sink.ask("counts"))
    for address in sorted(expected - set(counts)):
        row = rows.filter(to=address).first()
        if row is None:
            print(f"    lost {address}: no outbox row", flush=True)
            continue
        print(
            f"    lost {address}: row {row.pk} {row.status}, attempt {row.attempts}, marked sent "
            f"{row.sent_at.timestamp() - killed_at:+.4f} s from the kill, error {row.last_error!r}",
            flush=True,
        )
    return {
        "at_kill": at_kill,
        "in_flight": in_flight,
        "unsent_rows": rows.exclude(status=MailStatus.SENT).count(),
        "lost": len(expected - set(counts)),
        "doubled": sum(1 for value in counts.values() if value > 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=30)
    parser.add_argument("--registrants", type=int, default=300)
    parser.add_argument(
        "--load", type=int, default=0, help="busy processes next to the worker (a loaded machine)"
    )
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
    # A database of its own on the broker: a test run next to this one takes none of its tasks.
    broker = broker.rsplit("/", 1)[0] + "/7" if broker.count("/") >= 3 else broker
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
        "OUTBOX_STALE_SENDING_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
    }
    os.environ.update(env)
    results = []
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)
    ]
    try:
        import django

        import rotesnetz.celery  # noqa: F401 - the Celery entry point names the settings

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from rotesnetz.celery import app
        from tests.support.factories import make_gliederung

        app.control.purge()
        landesverband = make_gliederung(kind="landesverband", name="SPD Benchmarkland")
        for number in range(1, args.tries + 1):
            result = one_try(
                number,
                registrants=args.registrants,
                env=env,
                sink=sink,
                landesverband=landesverband,
            )
            results.append(result)
            print(
                f"  try {number:2d}: killed after {result['at_kill']:3d} mails at the sink, "
                f"{result['in_flight']:3d} rows in flight; lost {result['lost']}, "
                f"doubled {result['doubled']}, rows not sent {result['unsent_rows']}",
                flush=True,
            )
    finally:
        for burner in burners:
            burner.kill()
        sink.stop()
        from django.db import connections

        connections.close_all()
        admin(base_url, f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')

    lost = sum(result["lost"] for result in results)
    doubled = sum(result["doubled"] for result in results)
    hit = sum(1 for result in results if result["lost"] or result["doubled"])
    print(
        f"outbox random kills: {len(results)} SIGKILLs of a solo worker in batches of "
        f"{args.registrants} (with {args.load} busy processes): {lost} mails lost, {doubled} doubled, {hit} tries with either; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return 0 if not (lost or doubled) else 1


if __name__ == "__main__":
    sys.exit(main())
