"""ASGI entry point: HTTP through Django, websockets through Channels."""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotesnetz.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

# The URLconf (and everything the views import) is loaded now, not by the first requests: when
# a conference starts right after a deploy, they would all wait behind those imports.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from rotesnetz.routing import websocket_urlpatterns  # noqa: E402
from rotesnetz.websocket_auth import SocketAuthMiddlewareStack  # noqa: E402
from rotesnetz.websocket_close import BoundedClose  # noqa: E402


class BoundedConcurrency:
    """Lets at most ``limit`` requests into Django at once; the others wait their turn.

    Django runs every request in a thread of its own. When a conference starts and a thousand
    members open the room page within a second, a thousand threads would each wait for one of
    the pool's connections and many would give up with a 503; queued here, each is answered
    a little later instead.
    """

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self.gate: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send):
        if self.gate is None:
            self.gate = asyncio.Semaphore(self.limit)
        async with self.gate:
            await self.app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": BoundedConcurrency(django_asgi_app, settings.HTTP_CONCURRENCY),
        # A close behind a client that stopped reading must not wait forever (BoundedClose).
        "websocket": BoundedClose(
            AllowedHostsOriginValidator(SocketAuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
