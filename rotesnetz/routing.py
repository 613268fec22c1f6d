"""Every websocket route of the platform, named in one place."""

from konferenzen.routing import websocket_urlpatterns as konferenzen_routes
from rotesnetz.rooms.routing import websocket_urlpatterns as room_routes

websocket_urlpatterns: list = [*room_routes, *konferenzen_routes]
