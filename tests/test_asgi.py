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


async def test_a_failing_view_still_gets_django_s_error_response(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    response = await HttpCommunicator(
        application, "GET", "/boom", headers=[(b"host", b"testserver")]
    ).get_response()
    assert response["status"] == 500


async def test_a_request_makes_one_hop_and_sends_both_signals_once(monkeypatch):
    """request_started and request_finished went into the thread on hops of their own."""
    from django.core import signals

    hops = []
    original = sync.SyncToAsync.__call__

    def counting(self, *args, **kwargs):
        hops.append(self.func)
        return original(self, *args, **kwargs)

    started, finished = [], []
    signals.request_started.connect(
        lambda **kwargs: started.append(1), weak=False, dispatch_uid="test-started"
    )
    signals.request_finished.connect(
        lambda **kwargs: finished.append(1), weak=False, dispatch_uid="test-finished"
    )
    monkeypatch.setattr(sync.SyncToAsync, "__call__", counting)
    try:
        response = await HttpCommunicator(
            application, "GET", "/branding.css", headers=[(b"host", b"testserver")]
        ).get_response()
    finally:
        signals.request_started.disconnect(dispatch_uid="test-started")
        signals.request_finished.disconnect(dispatch_uid="test-finished")

    assert response["status"] == 200
    assert len(hops) == 1
    assert len(started) == 1
    assert len(finished) == 1


def _streaming_view(request):
    from django.http import StreamingHttpResponse

    async def parts():
        for number in range(3):
            yield f"part {number}\n"

    # Asynchronous, as a stream under ASGI should be (Django warns about a synchronous one).
    return StreamingHttpResponse(parts())


urlpatterns = [path("boom", _failing_view), path("stream", _streaming_view)]


async def _raw_get(path: str, sent: list[dict]) -> None:
    """One GET through the application, collecting every message it sends as it goes
    (HttpCommunicator cannot read a stream's final message, which has no body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    requested = False

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays

    async def send(message):
        sent.append(message)

    await application(scope, receive, send)


async def test_a_streaming_response_is_closed_after_its_body_was_sent(settings):
    from django.core import signals

    settings.ROOT_URLCONF = __name__
    finished_after: list[int] = []
    sent: list[dict] = []
    signals.request_finished.connect(
        lambda **kwargs: finished_after.append(len(sent)), weak=False, dispatch_uid="test-fin"
    )
    try:
        await _raw_get("/stream", sent)
    finally:
        signals.request_finished.disconnect(dispatch_uid="test-fin")
    assert sent[0]["status"] == 200
    assert b"".join(message.get("body", b"") for message in sent[1:]) == (
        b"part 0\npart 1\npart 2\n"
    )
    assert finished_after == [len(sent)]  # once, after the last message
