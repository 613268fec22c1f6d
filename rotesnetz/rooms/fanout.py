"""Room broadcasts fan out inside each process, not through one layer queue per socket.

Channels delivers a group message by decoding it and waking one consumer task per member
(PERFORMANCE-NOTES: that, not Redis, is what limits a room of hundreds). Here each process
holds one channel-layer subscription per room it serves (a ``RoomHub``): a message crosses
Redis once per process, is decoded once, and each member's frame is written straight to its
socket. Writing starts eagerly, so a client that keeps up costs no task switch; a client whose
socket is full gets its frames queued behind the pending write (``Outlet``), bounded in frames,
bytes and time, and is dropped beyond that, so one slow phone never delays the room.

A frame from the server is not masked, so its bytes are the same for every socket: under
uvicorn's websockets-sansio implementation (what production runs) they are built once per
message and language (``wire``) and written straight to each socket's transport while it takes
them, instead of each socket building the same frame again (the write to the socket stays
the largest part of a delivery).
"""

import asyncio
import logging
import time
from collections import deque

from websockets.frames import Frame, Opcode
from websockets.protocol import State

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # another server: every frame goes through its ASGI send
    WebSocketsSansIOProtocol = None

logger = logging.getLogger(__name__)

# A room whose last member left keeps its subscription a little, so that a page reload or a
# reconnecting phone does not unsubscribe and subscribe again.
LINGER_SECONDS = 30.0


class RoomHub:
    """One subscription to a room's group in this process, shared by the room's sockets."""

    def __init__(self, layer, group: str):
        self.layer = layer
        self.group = group
        self.loop = asyncio.get_running_loop()
        self.listeners: set = set()
        self.ready = self.loop.create_future()
        self.linger = None
        self.task = asyncio.ensure_future(self._run())

    async def _run(self):
        channel = None
        try:
            channel = await self.layer.new_channel(prefix="hub.")
            await self.layer.group_add(self.group, channel)
            self.ready.set_result(None)
            while True:
                event = await self.layer.receive(channel)
                for listener in tuple(self.listeners):
                    try:
                        listener.room_event(event)
                    except Exception:  # one broken socket must not silence the room
                        logger.exception("rooms: delivering to one socket failed")
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.exception("rooms: the subscription of %s failed", self.group)
            if not self.ready.done():
                self.ready.set_exception(error)
            # Without a subscription the sockets would wait for nothing: closing them makes the
            # clients reconnect (to a fresh hub) and fetch what they missed by id.
            for listener in tuple(self.listeners):
                listener.hub_lost()
        finally:
            if _hubs.get(self.group) is self:
                del _hubs[self.group]
            if channel is not None:
                try:
                    await self.layer.group_discard(self.group, channel)
                except Exception:  # the layer is going away; Redis forgets the subscription
                    logger.debug("rooms: group_discard after hub end failed", exc_info=True)

    def leave(self, listener) -> None:
        self.listeners.discard(listener)
        if not self.listeners and self.linger is None and not self.task.done():
            self.linger = self.loop.call_later(LINGER_SECONDS, self._close_if_empty)

    def _close_if_empty(self) -> None:
        self.linger = None
        if not self.listeners:
            if _hubs.get(self.group) is self:
                del _hubs[self.group]
            self.task.cancel()


_hubs: dict[str, RoomHub] = {}


async def join(layer, group: str, listener) -> RoomHub:
    """Add ``listener`` (it has ``room_event(event)`` and ``hub_lost()``) to the group's hub;
    returns once the subscription is live, so nothing sent afterwards is missed."""
    hub = _hubs.get(group)
    if (
        hub is None
        or hub.task.done()
        or hub.loop is not asyncio.get_running_loop()
        or hub.layer is not layer
    ):
        hub = _hubs[group] = RoomHub(layer, group)
    hub.listeners.add(listener)
    if hub.linger is not None:
        hub.linger.cancel()
        hub.linger = None
    try:
        await asyncio.shield(hub.ready)
    except BaseException:
        hub.leave(listener)
        raise
    return hub


class Directory:
    """The sockets of this process by member and by session, for control events (one hub on
    CONTROL_GROUP per process instead of two layer subscriptions per socket)."""

    def __init__(self):
        self.by_user: dict[int, set] = {}
        self.by_session: dict[str, set] = {}

    def add(self, socket, user_id: int, session: str | None) -> None:
        self.by_user.setdefault(user_id, set()).add(socket)
        if session:
            self.by_session.setdefault(session, set()).add(socket)

    def remove(self, socket, user_id: int, session: str | None) -> None:
        for index, key in ((self.by_user, user_id), (self.by_session, session)):
            sockets = index.get(key)
            if sockets is not None:
                sockets.discard(socket)
                if not sockets:
                    del index[key]

    def room_event(self, event: dict) -> None:
        if "user" in event:
            targets = self.by_user.get(event["user"], ())
        else:
            targets = self.by_session.get(event.get("session"), ())
        for socket in tuple(targets):
            socket.control_event(event)

    def hub_lost(self) -> None:
        for sockets in tuple(self.by_user.values()):
            for socket in tuple(sockets):
                socket.hub_lost()


_directories: dict[int, tuple] = {}


async def directory(layer, group: str) -> Directory:
    """This process's directory, subscribed to the control group (per event loop)."""
    loop = asyncio.get_running_loop()
    entry = _directories.get(id(loop))
    if entry is not None and entry[0] is loop and entry[2] is layer:
        hub = entry[3]
        if not hub.task.done():
            await asyncio.shield(hub.ready)
            return entry[1]
    found = Directory()
    hub = RoomHub(layer, group)
    hub.listeners.add(found)
    _directories[id(loop)] = (loop, found, layer, hub)
    await asyncio.shield(hub.ready)
    return found


def wire(event: dict, key: str, text: str) -> bytes:
    """The websocket frame of ``text`` on the wire, built once per event and ``key`` (the
    event dict is shared by every socket of the process that receives it)."""
    built = event.get("_wire")
    if built is None:
        built = event["_wire"] = {}
    frame = built.get(key)
    if frame is None:
        frame = built[key] = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    return frame


def _sansio_protocol(send):
    """uvicorn's protocol object behind ``send`` if it is the websockets-sansio one."""
    protocol = getattr(send, "__self__", None)
    if WebSocketsSansIOProtocol is not None and isinstance(protocol, WebSocketsSansIOProtocol):
        return protocol
    return None


class Outlet:
    """Writes frames to one socket in order, without waiting for a client that keeps up.

    ``send`` is the ASGI send callable. ``on_slow`` is called once when the client has not
    taken a frame for ``max_seconds`` or has more than ``max_frames``/``max_bytes`` waiting.
    """

    __slots__ = (
        "send",
        "protocol",
        "on_slow",
        "max_frames",
        "max_bytes",
        "max_seconds",
        "queue",
        "queued_bytes",
        "since",
        "writer",
        "closed",
        "loop",
    )

    def __init__(self, send, on_slow, *, max_frames=2000, max_bytes=2_000_000, max_seconds=10.0):
        self.send = send
        self.protocol = _sansio_protocol(send)
        self.on_slow = on_slow
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.queue: deque | None = None  # None while no write is pending
        self.queued_bytes = 0
        self.since = 0.0
        self.writer = None
        self.closed = False
        self.loop = asyncio.get_running_loop()

    def push(self, text: str, frame: bytes | None = None) -> None:
        """Send ``text``; ``frame`` is its encoded frame (``wire``), written to the transport
        directly where that is the same as what the server's send would write."""
        if self.closed:
            return
        if self.queue is None and frame is not None and self.protocol is not None:
            protocol = self.protocol
            # As the protocol's send checks, and only while the transport takes data (else
            # the ASGI send below waits for it) and no extension (compression) changes frames.
            if (
                protocol.writable.is_set()
                and protocol.handshake_complete
                and not protocol.close_sent
                and protocol.conn.state is State.OPEN
                and not protocol.conn.extensions
                and not protocol.transport.is_closing()
            ):
                protocol.transport.write(frame)
                return
        if self.queue is not None:
            self.queue.append(text)
            self.queued_bytes += len(text)
            if (
                len(self.queue) > self.max_frames
                or self.queued_bytes > self.max_bytes
                or time.monotonic() - self.since > self.max_seconds
            ):
                self.close()
                self.on_slow()
            return
        # Runs synchronously up to the first real wait: for a socket with room in its buffer
        # the frame is written before this returns, and no task is ever scheduled.
        task = asyncio.Task(self._write(text), loop=self.loop, eager_start=True)
        if not task.done():
            self.queue = deque()
            self.queued_bytes = 0
            self.since = time.monotonic()
            self.writer = task

    async def _write(self, text: str) -> None:
        try:
            await self.send({"type": "websocket.send", "text": text})
            while self.queue:
                self.since = time.monotonic()
                text = self.queue.popleft()
                self.queued_bytes -= len(text)
                await self.send({"type": "websocket.send", "text": text})
        except Exception:  # the socket is gone; its consumer hears the disconnect and leaves
            logger.debug("rooms: write to a closed socket dropped", exc_info=True)
        finally:
            self.queue = None
            self.writer = None

    def close(self) -> None:
        self.closed = True
        if self.queue is not None:
            self.queue.clear()
            self.queued_bytes = 0
        if self.writer is not None:
            self.writer.cancel()
