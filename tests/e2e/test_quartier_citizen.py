"""A citizen without an account finds the Gartenstadt office by PLZ, sees that it is open now,
books a Rentenberatung slot, receives the confirmation and cancels by the link in the mail.

The server runs in its own process, so the clock is frozen there with ``RN_FROZEN_TIME``
(honoured by ``quartier.clock`` only when ``RN_TEST_SERVER=1``).
"""

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest

from quartier.clock import BERLIN
from quartier.enums import AdviceKind, TeamRole
from quartier.models import AdviceBooking, AdviceSlot
from tests.conftest import require_service
from tests.support.factories import make_gliederung
from tests.support.quartier_factories import make_office, make_service, make_team_member
from tests.support.smtp import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _next_tuesday_at_eleven() -> datetime:
    """A Tuesday at 11:00 in Berlin, at least two days ahead, so every date in the test is
    in the future for the database too."""
    day = date.today() + timedelta(days=2)
    day += timedelta(days=(1 - day.weekday()) % 7)
    return datetime.combine(day, clock_time(11, 0), tzinfo=BERLIN)


FROZEN = _next_tuesday_at_eleven()
# A 1×1 PNG: what the local stand-in tile server answers for every tile.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "da63f8cfc0f01f0005000201a5f3c3a90000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def tile_server():
    """A stand-in for the configured tile server, on loopback; counts the tiles it served."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    served = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(TILE)))
            self.end_headers()
            self.wfile.write(TILE)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def frozen_server(django_db_setup, e2e_smtp, tile_server):
    """uvicorn on the test database with the quartier clock frozen at FROZEN and the finder's
    map pointed at the local tile server."""
    from django.db import connection

    require_service("PostgreSQL", connection.vendor == "postgresql")
    require_service("Redis", bool(os.environ.get("REDIS_URL")))
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATABASE_POOL": "0",
        "DJANGO_ENV": "development",
        "DEBUG": "0",
        "RN_TEST_SERVER": "1",
        "RN_FROZEN_TIME": FROZEN.isoformat(),
        "QUARTIER_MAP_TILE_URL": tile_server[0] + "/{z}/{x}/{y}.png",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(e2e_smtp.port),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    (ROOT / ".e2e-artifacts").mkdir(exist_ok=True)
    log_path = ROOT / ".e2e-artifacts" / "server-quartier.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "uvicorn"),
            "rotesnetz.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    if process.poll() is not None or time.monotonic() >= deadline:
        process.kill()
        pytest.fail("uvicorn did not start: " + log_path.read_text()[-2000:])
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def citizen_page(request, chromium, frozen_server):
    context = chromium.new_context(base_url=frozen_server, locale="de-DE")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        artifacts = ROOT / ".e2e-artifacts"
        artifacts.mkdir(exist_ok=True)
        stem = artifacts / request.node.name
        page.screenshot(path=f"{stem}.png", full_page=True)
        stem.with_suffix(".html").write_text(page.content())
    context.close()


def _wait_for_mail(sink, address, subject, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [m for m in sink.to(address) if subject in m["Subject"]]
        if messages:
            return messages[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail '{subject}' to {address}")


def test_citizen_finds_the_office_books_rentenberatung_and_cancels_by_mail(citizen_page, e2e_smtp):
    ov = make_gliederung(
        kind="ortsverein",
        parent=make_gliederung(kind="unterbezirk", parent=make_gliederung(kind="landesverband")),
        name="OV Ludwigshafen-Gartenstadt",
    )
    office = make_office(
        gliederung=ov,
        name="Quartierbüro Ludwigshafen-Gartenstadt",
        postcode="67065",
        hours=[(1, "10:00", "13:00"), (1, "14:00", "18:00"), (3, "14:00", "19:00")],
    )
    office.services.add(make_service("Rentenberatung"))
    make_office(name="Kiezbüro Gropiusstadt", postcode="12353", city="Berlin")
    advisor = make_team_member(office, TeamRole.ADVISOR, email="berater-e2e@example.org")
    wednesday_ten = FROZEN + timedelta(days=1, hours=-1)
    slot = AdviceSlot.objects.create(
        office=office,
        advisor=advisor,
        kind=AdviceKind.PENSION,
        starts_at=wednesday_ten,
        ends_at=wednesday_ten + timedelta(minutes=30),
    )
    page = citizen_page

    page.goto("/buero/")
    page.get_by_label("Postleitzahl, Ort oder Stadtteil").fill("67065")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_role("link", name="Quartierbüro Ludwigshafen-Gartenstadt").click()
    page.get_by_role("heading", name="Quartierbüro Ludwigshafen-Gartenstadt").wait_for()
    assert page.get_by_text("Jetzt geöffnet bis 13:00 Uhr").is_visible()

    page.get_by_role("link", name=re.compile(r"^Rentenberatung am .* buchen$")).first.click()
    page.get_by_label("Dein Name").fill("Erika Muster")
    page.get_by_label("Deine E-Mail-Adresse").fill("erika-e2e@example.org")
    page.get_by_label("Worum geht es?").fill("Witwenrente")
    page.get_by_label("Ich bin einverstanden, dass das Büro meine Angaben").check()
    page.get_by_role("button", name="Diesen Termin buchen").click()
    page.get_by_role("heading", name="Dein Termin ist gebucht").wait_for()
    assert AdviceBooking.objects.get(slot=slot).topic == "Witwenrente"

    confirmation = _wait_for_mail(e2e_smtp, "erika-e2e@example.org", "Dein Termin: Rentenberatung")
    calendar = next(part for part in confirmation.iter_attachments())
    assert calendar.get_filename() == "termin.ics"
    assert "SUMMARY:Rentenberatung – Quartierbüro Ludwigshafen-Gartenstadt" in (
        calendar.get_content()
    )
    link = re.search(r"https?://\S+/buero/termin/absagen/\S+/", e2e_smtp.body(confirmation))
    page.goto(re.sub(r"^https?://[^/]+", "", link.group(0)))
    page.get_by_role("button", name="Ja, Termin absagen").click()
    page.get_by_role("heading", name="Dein Termin ist abgesagt").wait_for()

    _wait_for_mail(e2e_smtp, "erika-e2e@example.org", "Abgesagt: Rentenberatung")
    assert not AdviceBooking.objects.filter(slot=slot).exists()
    assert AdviceSlot.objects.get(pk=slot.pk).booked is False
    page.goto(f"/buero/{office.slug}/")
    assert page.get_by_role("link", name=re.compile(r"^Rentenberatung am .* buchen$")).count() == 1


def test_finder_map_draws_the_offices_from_the_local_tile_server_under_the_csp(
    citizen_page, tile_server
):
    from decimal import Decimal

    make_office(
        name="Quartierbüro Karte Eins", latitude=Decimal("49.4558"), longitude=Decimal("8.4139")
    )
    make_office(
        name="Kiezbüro Karte Zwei",
        city="Berlin",
        postcode="12353",
        latitude=Decimal("52.4250"),
        longitude=Decimal("13.4620"),
    )
    make_office(name="Büro ohne Koordinaten", postcode="67059")
    problems = []
    citizen_page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    citizen_page.on("pageerror", lambda error: problems.append(str(error)))
    _url, served = tile_server

    citizen_page.goto("/buero/")
    citizen_page.locator(".leaflet-marker-icon").nth(1).wait_for()

    assert citizen_page.locator(".leaflet-marker-icon").count() == 2
    assert citizen_page.get_by_role("link", name="Büro ohne Koordinaten").is_visible()
    citizen_page.locator(".leaflet-marker-icon").first.click()
    assert citizen_page.locator(".leaflet-popup-content a").inner_text() in {
        "Quartierbüro Karte Eins",
        "Kiezbüro Karte Zwei",
    }
    assert served, "the map asked the configured tile server for no tile"
    assert problems == []
