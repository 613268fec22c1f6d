"""A websocket test client for the full ASGI app, without Channels' testing package.

``channels.testing`` imports its live-server helper, which needs daphne (not installed: we
serve with uvicorn). This is Channels' ``WebsocketCommunicator`` in small, on asgiref's
``ApplicationCommunicator``; like Channels' own, it keeps the test's database connections open.
"""

import json
from unittest import mock

from asgiref.testing import ApplicationCommunicator


def _keep_connections():
    pass


class WebsocketClient(ApplicationCommunicator):
    def __init__(self, application, path: str, headers: list | None = None):
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": headers or [],
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def send_input(self, message):
        with mock.patch("channels.db.close_old_connections", _keep_connections):
            return await super().send_input(message)

    async def receive_output(self, timeout=1):
        with mock.patch("channels.db.close_old_connections", _keep_connections):
            return await super().receive_output(timeout)

    async def connect(self, timeout: float = 5) -> tuple[bool, object]:
        """(True, subprotocol) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_json_to(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 5):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
