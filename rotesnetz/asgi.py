"""ASGI entry point: HTTP through Django, websockets through Channels."""

import asyncio
import gc
import os
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotesnetz.settings")
# Django must be set up before anything imports models (as get_asgi_application does).
django.setup(set_prefix=False)

from rotesnetz.http_handler import OneHopASGIHandler  # noqa: E402

django_asgi_app = OneHopASGIHandler()

# The URLconf (and everything the views import) is loaded now, not by the first requests: when
# a conference starts right after a deploy, they would all wait behind those imports.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

from asgiref.sync import ThreadSensitiveContext  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from rotesnetz.routing import websocket_urlpatterns  # noqa: E402
from rotesnetz.websocket_auth import SocketSessionMiddlewareStack  # noqa: E402
from rotesnetz.websocket_close import BoundedClose  # noqa: E402


class BoundedConcurrency:
    """Lets at most ``limit`` requests into Django at once, each on a thread kept for requests.

    Django runs every request in a thread of its own. When a conference starts and a thousand
    members open the room page within a second, a thousand threads would each wait for one of
    the pool's connections and many would give up with a 503; queued here, each is answered
    a little later instead.

    Django's handler starts that thread for each request (asgiref's ThreadSensitiveContext),
    and one more to join it afterwards; under load each start waited about a millisecond for
    the interpreter. Here a request borrows one of at most ``limit`` single-thread executors
    for its synchronous code instead, the same isolation without the two thread starts.
    """

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self.gate: asyncio.Semaphore | None = None
        self.idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if self.gate is None:
            self.gate = asyncio.Semaphore(self.limit)
        async with self.gate:
            executor = (
                self.idle.pop()
                if self.idle
                else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
            )
            try:
                async with ThreadSensitiveContext(executor=executor):
                    await self.app(scope, receive, send)
            finally:
                self.idle.append(executor)


application = ProtocolTypeRouter(
    {
        "http": BoundedConcurrency(django_asgi_app, settings.HTTP_CONCURRENCY),
        # A close behind a client that stopped reading must not wait forever (BoundedClose).
        "websocket": BoundedClose(
            AllowedHostsOriginValidator(
                SocketSessionMiddlewareStack(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)

# What is loaded by now (Django, the URLconf, the views' modules) lives as long as the process:
# kept out of the cyclic collector's sight, a full collection scans only what connections and
# requests made since. With a thousand sockets open, full collections of everything paused a
# worker for 0.3-0.6 s (bench/rooms_fanout.py, measured with gc.callbacks), long enough to show
# as a late first broadcast.
gc.freeze()
