"""Test tiers, real services and shared fixtures.

Tiers: ``unit`` (no database), ``integration`` (database: PostgreSQL when DATABASE_URL is set),
``channels`` (websockets on the Redis layer), ``celery`` (a real worker on Redis) and ``browser``
(Playwright driving Debian's Chromium against a real ASGI server). ``scripts/test.sh`` runs each
tier in its own process; with ``RN_REQUIRE_SERVICES`` set (CI) a missing service fails the tier.
"""

import os

import pytest

TIERS = ("unit", "integration", "channels", "celery", "browser", "fault")
DB_FIXTURES = {"db", "transactional_db", "client", "admin_client", "django_user_model"}


def pytest_addoption(parser):
    parser.addoption("--tier", default="all", choices=(*TIERS, "all"), help="run one test tier")


def tier_of(item) -> str:
    if item.get_closest_marker("fault"):
        return "fault"
    if item.get_closest_marker("browser"):
        return "browser"
    if item.get_closest_marker("channels"):
        return "channels"
    if item.get_closest_marker("celery_worker"):
        return "celery"
    if item.get_closest_marker("django_db") or DB_FIXTURES & set(item.fixturenames):
        return "integration"
    return "unit"


def pytest_collection_modifyitems(config, items):
    wanted = config.getoption("--tier")
    selected, deselected = [], []
    for item in items:
        tier = tier_of(item)
        item.user_properties.append(("tier", tier))
        (selected if wanted in ("all", tier) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    # A sync Playwright test leaves an event loop behind that breaks later async tests.
    selected.sort(key=lambda item: tier_of(item) == "browser")
    items[:] = selected


class _TierReport:
    def __init__(self):
        self.counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            key = {"passed": "passed", "failed": "failed", "skipped": "skipped"}[report.outcome]
            self.counts[key] += 1
        elif report.outcome == "failed":
            self.counts["error"] += 1
        elif report.outcome == "skipped":
            self.counts["skipped"] += 1

    def pytest_sessionfinish(self, session):
        path = os.environ.get("RN_TIER_REPORT")
        if path:
            c = self.counts
            with open(path, "w") as handle:
                handle.write(f"{c['passed']} {c['failed']} {c['skipped']} {c['error']}\n")


def pytest_configure(config):
    config.pluginmanager.register(_TierReport(), "rn-tier-report")


def require_service(name: str, available: bool) -> None:
    """Skip locally when a service is missing; fail in CI, where no tier may be skipped."""
    if available:
        return
    message = f"{name} is not available (scripts/test.sh starts it)"
    if os.environ.get("RN_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    yield
    # The sockets' database threads (rooms/consumers.py) hold connections of their own that
    # no test closes; on PostgreSQL they would keep the test database from being dropped.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _isolation(request, settings):
    """Every test starts with an empty cache and eager Celery unless it asks for a worker."""
    from django.core.cache import cache

    from rotesnetz.cache import KeptInProcess
    from rotesnetz.celery import app

    if tier_of(request.node) != "unit":
        cache.clear()
    KeptInProcess.clear_all()
    eager = (
        request.node.get_closest_marker("celery_worker") is None
        and request.node.get_closest_marker("fault") is None
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def redis_url(settings):
    require_service("Redis", bool(os.environ.get("REDIS_URL")))
    return os.environ["REDIS_URL"]


@pytest.fixture
def postgres(settings):
    from django.db import connection

    require_service("PostgreSQL", connection.vendor == "postgresql")
    return connection


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""
    from tests.support.smtp import SmtpSink

    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()
