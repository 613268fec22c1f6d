"""Browser tier: Playwright drives Debian's Chromium against a real uvicorn with websockets."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.support.smtp import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def e2e_smtp():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, e2e_smtp):
    """The platform under uvicorn in its own process, on the test database."""
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
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(e2e_smtp.port),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(ROOT / ".e2e-server.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "uvicorn"),
            "rotesnetz.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets-sansio",  # what --ws auto picks in production
            "--ws-per-message-deflate",
            "false",  # as in production (scripts/run.sh)
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
    else:
        process.kill()
        pytest.fail("uvicorn did not start")
    if process.poll() is not None:
        pytest.fail("uvicorn exited: " + (ROOT / ".e2e-server.log").read_text()[-2000:])
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def chromium():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    require_service("Chromium", executable is not None)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM must still work here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def new_page(request, chromium, asgi_server):
    contexts = []

    def make(locale="de-DE"):
        context = chromium.new_context(base_url=asgi_server, locale=locale)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        # Keep what each page showed when the test failed, for whoever reads the CI log.
        artifacts = ROOT / ".e2e-artifacts"
        artifacts.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for page_number, page in enumerate(context.pages):
                stem = artifacts / f"{request.node.name}-{number}-{page_number}"
                page.screenshot(path=f"{stem}.png", full_page=True)
                stem.with_suffix(".html").write_text(page.content())
                print(f"browser page {number}/{page_number} at {page.url}: {stem}.png")
    for context in contexts:
        context.close()
