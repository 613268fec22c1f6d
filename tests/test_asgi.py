"""The HTTP side of rotesnetz/asgi.py: bounded concurrency on kept request threads, and
Django's chain run in one hop (rotesnetz/http_handler.py)."""

import asyncio
import itertools
import threading
import time

from asgiref import sync
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from channels.testing import HttpCommunicator
from django.urls import path

from rotesnetz.asgi import BoundedConcurrency, application


async def test_each_request_keeps_one_thread_and_threads_are_reused():
    numbers = itertools.count()
    calls: list[tuple[int, int]] = []
    running: set[int] = set()
    overlaps: list[int] = []

    def work(request: int) -> None:
        thread = threading.get_ident()
        if thread in running:
            overlaps.append(request)  # two requests in one thread at once
        running.add(thread)
        time.sleep(0.005)
        running.discard(thread)
        calls.append((request, thread))

    async def app(scope, receive, send):
        request = next(numbers)
        # As Django's ASGIHandler: its own context (alone, a new thread per request), and
        # sync code called several times per request (middleware, view, signals).
        async with ThreadSensitiveContext():
            await sync_to_async(work)(request)
            await sync_to_async(work)(request)

    bounded = BoundedConcurrency(app, limit=3)
    await asyncio.gather(*(bounded({"type": "http"}, None, None) for _ in range(12)))

    threads_of = {}
    for request, thread in calls:
        threads_of.setdefault(request, set()).add(thread)
    assert len(threads_of) == 12
    assert all(len(threads) == 1 for threads in threads_of.values())
    assert len({thread for _request, thread in calls}) <= 3  # kept, not one per request
    assert overlaps == []


async def test_a_request_runs_its_middleware_and_view_in_one_hop(monkeypatch):
    """Django's asynchronous chain went from the request's thread back to the event loop for
    the innermost handler and into the thread again for the view (async_to_sync inside)."""
    back_to_the_loop = []
    original = sync.AsyncToSync.__call__

    def counting(self, *args, **kwargs):
        back_to_the_loop.append(self.awaitable)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sync.AsyncToSync, "__call__", counting)
    response = await HttpCommunicator(
        application, "GET", "/branding.css", headers=[(b"host", b"testserver")]
    ).get_response()

    assert response["status"] == 200
    assert b"--rn-primary" in response["body"]
    assert back_to_the_loop == []


def _failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom", _failing_view)]


async def test_a_failing_view_still_gets_django_s_error_response(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    response = await HttpCommunicator(
        application, "GET", "/boom", headers=[(b"host", b"testserver")]
    ).get_response()
    assert response["status"] == 500
