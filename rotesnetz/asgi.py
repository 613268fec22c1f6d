"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotesnetz.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from rotesnetz.routing import websocket_urlpatterns  # noqa: E402
from rotesnetz.websocket_close import BoundedClose  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # A close behind a client that stopped reading must not wait forever (BoundedClose).
        "websocket": BoundedClose(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
