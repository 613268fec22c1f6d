"""The HTTP side of rotesnetz/asgi.py: bounded concurrency on kept request threads."""

import asyncio
import itertools
import threading
import time

from asgiref.sync import ThreadSensitiveContext, sync_to_async

from rotesnetz.asgi import BoundedConcurrency


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
