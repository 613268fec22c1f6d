"""Behaviour when Redis or PostgreSQL are away (the full fault tier starts real processes)."""

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

from tests.support.factories import make_member, make_tree


@pytest.fixture
def redis_away(settings):
    from tests.support.smtp import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "rotesnetz.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    yield caches["default"]


@pytest.mark.django_db
def test_pages_and_rate_limits_work_without_redis(client, redis_away):
    tree = make_tree()
    member = make_member(tree["ov"])
    client.force_login(member)

    assert redis_away.get("x") is None
    assert redis_away.add("x", 1) is True
    assert client.get(reverse("members:mein_netz")).status_code == 200
    from django.test import Client

    response = Client().post(reverse("account_login"), {"login": "a@b.de", "password": "x"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_reports_the_missing_cache(client, redis_away):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["ok"] is False


@pytest.mark.django_db
def test_database_outage_gives_a_german_503_page(monkeypatch):
    from django.test import Client

    tree = make_tree()
    client = Client(raise_request_exception=False)  # as in production: the handler answers
    client.force_login(make_member(tree["ov"]))

    def broken(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken)
    response = client.get(reverse("rooms:list"))

    assert response.status_code == 503
    assert "kurz nicht erreichbar" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    from rotesnetz.cache import TolerantRedisCache

    cache = TolerantRedisCache("redis://127.0.0.1:1/0", {})
    first = cache._cache.get_client("a", write=True)

    assert cache._cache.get_client("b", write=False) is first
    assert first.connection_pool is cache._cache._get_connection_pool(True)


def test_every_cache_object_of_a_process_shares_one_client():
    """Django makes a cache object per thread and request context; each made its own client,
    with a new connection pool (a new connection to Redis) per request."""
    import threading

    from rotesnetz.cache import TolerantRedisCache

    caches_seen = [TolerantRedisCache("redis://127.0.0.1:1/3", {})]
    thread = threading.Thread(
        target=lambda: caches_seen.append(TolerantRedisCache("redis://127.0.0.1:1/3", {}))
    )
    thread.start()
    thread.join()
    other_server = TolerantRedisCache("redis://127.0.0.1:1/4", {})

    assert caches_seen[0]._cache is caches_seen[1]._cache
    assert other_server._cache is not caches_seen[0]._cache
