"""Every websocket route of the platform, named in one place."""

from rotesnetz.rooms.routing import websocket_urlpatterns as room_routes

websocket_urlpatterns: list = [*room_routes]
