"""Every websocket route of the platform, named in one place."""

websocket_urlpatterns: list = []
