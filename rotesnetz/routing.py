"""Every websocket route of the platform, named in one place."""

from konferenzen.routing import websocket_urlpatterns as konferenzen_routes

websocket_urlpatterns: list = [*konferenzen_routes]
