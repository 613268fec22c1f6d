"""Websocket routes of the conference app (the project's routing.py includes them)."""

from django.urls import path

from rotesnetz.websocket_auth import ParallelAuthMiddleware

from . import consumers

websocket_urlpatterns = [
    path(
        "ws/konferenzen/<int:conference_id>/fragen/",
        ParallelAuthMiddleware(consumers.ModerationConsumer.as_asgi()),
    ),
]
