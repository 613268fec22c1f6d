"""BoundedClose: a websocket close that cannot be written does not hold the application."""

import asyncio

from rotesnetz.websocket_close import BoundedClose


def _app(frames):
    async def app(scope, receive, send):
        for frame in frames:
            await send(frame)
        return "ended"

    return app


async def test_a_close_stuck_behind_a_full_buffer_is_given_up_and_the_app_ends():
    written = []
    never = asyncio.Event()

    async def send(message):
        if message["type"] == "websocket.close":
            await never.wait()  # what uvicorn does while the transport cannot write
        written.append(message)

    app = _app([{"type": "websocket.send", "text": "x"}, {"type": "websocket.close", "code": 4408}])
    result = await asyncio.wait_for(
        BoundedClose(app, close_seconds=0.1)({"type": "websocket"}, None, send), 5
    )

    assert result == "ended"
    assert written == [{"type": "websocket.send", "text": "x"}]


async def test_a_writable_close_and_other_frames_pass_unchanged():
    written = []

    async def send(message):
        written.append(message)

    frames = [
        {"type": "websocket.accept"},
        {"type": "websocket.send", "text": "x"},
        {"type": "websocket.close", "code": 4403},
    ]
    await BoundedClose(_app(frames), close_seconds=0.1)({"type": "websocket"}, None, send)

    assert written == frames


async def test_http_is_not_touched():
    async def send(message):
        raise AssertionError("the app's own send is passed through for HTTP")

    async def app(scope, receive, given_send):
        assert given_send is send
        return "http"

    assert await BoundedClose(app)({"type": "http"}, None, send) == "http"
