"""A close frame that cannot be written must not hold the socket's consumer forever.

When a client stops reading, its TCP buffers fill and uvicorn's websocket ``send`` waits until
the transport can write again (write flow control of the websockets-sansio implementation,
the default). The room consumer gives such a client ``SLOW_CLIENT_SECONDS`` and then closes
it with 4408, but that close is one more send: it waits behind the full buffer like the frames
before it, for as long as the client stays connected without reading. Meanwhile the consumer
holds its groups, and the channel layer queues every message of the room for it, without
bound. uvicorn's keepalive does not help: its ``transport.close()`` also waits for the buffer.

So the close gets ``CLOSE_SECONDS``. When it cannot be written by then, the consumer carries on
as if it had been: it leaves its groups and ends, and the server frees what it held. The socket
itself goes once the client reads again or goes away (a proxy in front closes it sooner).
"""

import asyncio
import logging

logger = logging.getLogger(__name__)

CLOSE_SECONDS = 5
# The scope key under which the server's own send waits for text frames.
FRAME_SEND = "rotesnetz.frame_send"


class BoundedClose:
    """ASGI middleware for websockets: ``websocket.close`` waits at most ``CLOSE_SECONDS``."""

    def __init__(self, app, close_seconds: float = CLOSE_SECONDS):
        self.app = app
        self.close_seconds = close_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)

        async def bounded_send(message):
            if message["type"] != "websocket.close":
                return await send(message)
            try:
                return await asyncio.wait_for(send(message), self.close_seconds)
            except TimeoutError:
                logger.warning(
                    "websocket: close frame (%s) not writable within %s s, the client does not "
                    "read; the socket is given up",
                    message.get("code", 1000),
                    self.close_seconds,
                )

        # Frames of a room's broadcast go to ``send`` directly (fanout.Outlet): the layers in
        # between act only on closes (this one) and HTTP responses (Channels' session saving),
        # and passing each of hundreds of frames per message through them cost a fifth of a
        # delivery.
        scope = {**scope, FRAME_SEND: send}
        return await self.app(scope, receive, bounded_send)
