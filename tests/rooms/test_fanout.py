"""Delivering a room's frames inside one process (rotesnetz/rooms/fanout.py)."""

import asyncio

import pytest
from websockets.protocol import State
from websockets.server import ServerProtocol

from rotesnetz.rooms import fanout


@pytest.mark.parametrize("length", [10, 125, 126, 300, 65535, 65536, 70000])
def test_a_frame_built_once_is_the_frame_the_server_would_send(length):
    # Lengths on both sides of the 7-bit, 16-bit and 64-bit length fields, and non-ASCII text.
    text = ("ä" + "x" * length)[:length]
    server = ServerProtocol()
    server.state = State.OPEN

    server.send_text(text.encode())

    assert fanout.wire({}, "de", text) == b"".join(server.data_to_send())


def test_a_frame_is_built_once_per_event_and_key():
    event = {}

    first = fanout.wire(event, "de", "Hallo")

    assert fanout.wire(event, "de", "ignored: already built") is first
    assert fanout.wire(event, "en", "Hello") != first


class _Transport:
    def __init__(self):
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return False


class _Protocol:
    """What the Outlet reads of uvicorn's websockets-sansio protocol."""

    def __init__(self):
        self.transport = _Transport()
        self.writable = asyncio.Event()
        self.writable.set()
        self.handshake_complete = True
        self.close_sent = False
        self.conn = ServerProtocol()
        self.conn.state = State.OPEN
        self.sent: list[str] = []

    async def send(self, message: dict) -> None:
        await self.writable.wait()
        self.sent.append(message["text"])
        self.transport.write(fanout.wire({}, "", message["text"]))


@pytest.fixture
def protocol(monkeypatch):
    monkeypatch.setattr(fanout, "WebSocketsSansIOProtocol", _Protocol)
    return _Protocol()


def _texts(protocol: _Protocol) -> list[str]:
    return [frame[2:].decode() for frame in protocol.transport.written]


async def test_frames_go_straight_to_a_transport_that_takes_them(protocol):
    outlet = fanout.Outlet(protocol.send, lambda: None)

    outlet.push("eins", fanout.wire({}, "", "eins"))
    outlet.push("zwei", fanout.wire({}, "", "zwei"))

    assert _texts(protocol) == ["eins", "zwei"]
    assert protocol.sent == []  # not through the ASGI send


async def test_a_paused_transport_gets_its_frames_later_and_in_order(protocol):
    outlet = fanout.Outlet(protocol.send, lambda: None)
    protocol.writable.clear()  # uvicorn's pause_writing: the client's buffers are full

    outlet.push("eins", fanout.wire({}, "", "eins"))
    protocol.writable.set()
    # Frames queued behind a pending write stay behind it, also once the transport takes
    # data again.
    outlet.push("zwei", fanout.wire({}, "", "zwei"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    outlet.push("drei", fanout.wire({}, "", "drei"))

    assert _texts(protocol) == ["eins", "zwei", "drei"]
    assert protocol.sent == ["eins", "zwei"]


@pytest.mark.parametrize("state", ["closing", "close_sent", "compressed"])
async def test_no_frame_is_written_past_the_protocol(protocol, state):
    if state == "closing":
        protocol.conn.state = State.CLOSING
    elif state == "close_sent":
        protocol.close_sent = True
    else:
        protocol.conn.extensions = [object()]
    outlet = fanout.Outlet(protocol.send, lambda: None)

    outlet.push("eins", fanout.wire({}, "", "eins"))
    await asyncio.sleep(0)

    assert protocol.sent == ["eins"]  # the server's own send decides
