"""Room members over real websockets, behaving like the browser client (static/rooms/room.js).

What the browser does and this client does alike:
- on open: ``hello`` with the last message id it has (and ``since``), then ``presence``, then
  every send not yet acknowledged again with its client id (``ref``);
- a live ``message`` whose ``prev`` is newer than the last id it has means a broadcast went
  missing: it asks for the gap with ``hello``; messages are kept in id order, each id once
  (``upsert``);
- a ``backlog`` with ``has_more`` asks again;
- a closed socket reconnects after min(30 s, 0.5 s * 2^attempt) * (0.5 .. 1) (close codes 4401
  and 4403 end it for good); every 15 s a ping, and a socket without a pong for 10 s is dropped.
Not modelled: the hello every 120 s (a safety net longer than these tests) and the plain form
post a browser falls back to while offline (the tests only send on open sockets).
"""

import asyncio
import base64
import bisect
import contextlib
import json
import os
import random
import socket
import struct
import time
import uuid
from pathlib import Path

import websockets
from websockets.protocol import State

CLOSE_FOR_GOOD = {4401, 4403}


def session_cookie(user) -> str:
    """A logged-in session in the database, as the browser's cookie header."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "rotesnetz.members.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def make_rooms_with_members(rooms: int, members: int, *, prefix: str = "raum") -> list[dict]:
    """``rooms`` Ortsvereine, each with its main room and ``members`` members (with sessions).

    Returns [{"room": Room, "users": [User], "cookies": [str]}]."""
    from rotesnetz.members.models import GliederungKind, Membership, User
    from rotesnetz.rooms.models import Room
    from tests.support.factories import make_gliederung

    lv = make_gliederung(kind=GliederungKind.LANDESVERBAND, name=f"LV {prefix}")
    result = []
    for number in range(rooms):
        ov = make_gliederung(
            kind=GliederungKind.ORTSVEREIN, parent=lv, name=f"OV {prefix} {number}"
        )
        emails = [f"{prefix}{number}-{index}@example.org" for index in range(members)]
        User.objects.bulk_create(
            [User(email=email, display_name=email.split("@")[0], password="!") for email in emails]
        )
        users = list(User.objects.filter(email__in=emails).order_by("id"))
        Membership.objects.bulk_create([Membership(user=user, gliederung=ov) for user in users])
        result.append(
            {
                "room": Room.objects.get(gliederung=ov, is_main=True),
                "users": users,
                "cookies": [session_cookie(user) for user in users],
            }
        )
    return result


class RoomClient:
    def __init__(self, port: int, room_id: int, cookie: str, *, seed: int = 0):
        self.url = f"ws://127.0.0.1:{port}/ws/raeume/{room_id}/"
        self.headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
        self.room_id = room_id
        self.random = random.Random(seed)
        self.transcript: list[int] = []  # message ids in page order, as the DOM has them
        self._known: set[int] = set()
        self.last_id = 0
        self.since = ""
        self.pending: dict[str, str] = {}  # ref -> text, sent but not acknowledged
        self.acked: dict[str, int] = {}  # ref -> message id
        self.posted_at: dict[str, float] = {}  # ref -> when it was first sent
        self.acked_at: dict[str, float] = {}  # ref -> when its acknowledgement came
        self.refused: list[dict] = []
        self.errors: list[dict] = []
        self.live_at: dict[int, float] = {}  # message id -> when its live frame first came
        self.duplicate_live: list[int] = []  # ids one socket got twice as live frames
        self.connects = 0
        self.failed_connects = 0
        self.gap_fetches = 0
        self.close_codes: list[int | None] = []
        self.closed_for_good: int | None = None
        self.ws = None
        self._attempt = 0
        self._awaiting_pong = 0.0
        self._stop = asyncio.Event()

    # --- the connection ----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.ws is not None and self.ws.state is State.OPEN

    async def run(self) -> None:
        watchdog = asyncio.ensure_future(self._ping_loop())
        try:
            while not self._stop.is_set():
                try:
                    ws = await websockets.connect(
                        self.url,
                        additional_headers=self.headers,
                        open_timeout=20,
                        ping_interval=None,
                        close_timeout=2,
                        max_size=2**22,
                    )
                except Exception:  # refused, 403/500 handshake, timeout: like a failed open
                    self.failed_connects += 1
                    await self._reconnect_later()
                    continue
                await self._session(ws)
                if self.closed_for_good is not None or self._stop.is_set():
                    return
                await self._reconnect_later()
        finally:
            watchdog.cancel()

    async def _session(self, ws) -> None:
        self.ws = ws
        self.connects += 1
        self._attempt = 0
        self._awaiting_pong = 0.0
        live_here: set[int] = set()
        await self.send({"type": "hello", "after": self.last_id, "since": self.since})
        await self.send({"type": "presence"})
        for ref, text in list(self.pending.items()):
            await self.send({"type": "send", "text": text, "parent": None, "ref": ref})
        try:
            async for raw in ws:
                await self._handle(json.loads(raw), live_here)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.ws = None
        received = ws.protocol.close_rcvd  # the server's close frame, None if none came
        code = received.code if received is not None else None
        self.close_codes.append(code)
        if code in CLOSE_FOR_GOOD:
            self.closed_for_good = code

    async def _reconnect_later(self) -> None:
        delay = min(30.0, 0.5 * 2**self._attempt) * (0.5 + self.random.random() / 2)
        self._attempt += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), delay)

    async def _ping_loop(self) -> None:
        while True:
            await asyncio.sleep(15)
            if not self.is_open:
                continue
            if self._awaiting_pong and time.monotonic() - self._awaiting_pong > 10:
                await self.ws.close()  # a socket gone quiet: abandon it, reconnect
                continue
            if not self._awaiting_pong:
                self._awaiting_pong = time.monotonic()
            await self.send({"type": "ping"})

    async def send(self, frame: dict) -> bool:
        if not self.is_open:
            return False
        try:
            await self.ws.send(json.dumps(frame))
        except websockets.ConnectionClosed:
            return False
        return True

    async def post(self, text: str) -> str:
        """Write a message (it stays pending until acknowledged, and is sent again on reopen)."""
        ref = uuid.uuid4().hex
        self.pending[ref] = text
        self.posted_at[ref] = time.monotonic()
        await self.send({"type": "send", "text": text, "parent": None, "ref": ref})
        return ref

    async def abandon(self) -> None:
        """What the browser does on its "offline" event: drop the socket and reconnect later."""
        if self.ws is not None:
            await self.ws.close()

    async def stop(self) -> None:
        self._stop.set()
        if self.ws is not None:
            await self.ws.close()

    # --- frames from the server ---------------------------------------------------------------

    def _add(self, message_id: int) -> None:
        if message_id not in self._known:
            self._known.add(message_id)
            bisect.insort(self.transcript, message_id)
        if message_id > self.last_id:
            self.last_id = message_id

    async def _handle(self, frame: dict, live_here: set[int]) -> None:
        kind = frame.get("type")
        if kind == "message":
            message_id = frame["id"]
            if message_id in live_here:
                self.duplicate_live.append(message_id)
            live_here.add(message_id)
            self.live_at.setdefault(message_id, time.monotonic())
            prev = frame.get("prev")
            if prev and self.last_id and prev > self.last_id:
                # A broadcast went missing (the server or its channel layer hiccuped).
                self.gap_fetches += 1
                await self.send({"type": "hello", "after": self.last_id, "since": self.since})
            self._add(message_id)
        elif kind == "message_updated":
            if frame["id"] in self._known or frame["id"] > self.last_id:
                self._add(frame["id"])
        elif kind == "backlog":
            for message in frame["messages"]:
                self._add(message["id"])
            self.since = frame["server_time"]
            if frame["has_more"]:
                await self.send({"type": "hello", "after": self.last_id, "since": self.since})
        elif kind == "ack":
            self.pending.pop(frame["ref"], None)
            self.acked_at.setdefault(frame["ref"], time.monotonic())
            if self.acked.setdefault(frame["ref"], frame["id"]) != frame["id"]:
                self.errors.append({"type": "ack_mismatch", **frame})
        elif kind == "error":
            self.errors.append(frame)
            ref = frame.get("ref")
            if ref and ref in self.pending:
                self.refused.append(frame)
                del self.pending[ref]
        elif kind == "pong":
            self._awaiting_pong = 0.0


TCP_STATES = {
    "01": "ESTABLISHED",
    "02": "SYN_SENT",
    "03": "SYN_RECV",
    "04": "FIN_WAIT1",
    "05": "FIN_WAIT2",
    "06": "TIME_WAIT",
    "07": "CLOSE",
    "08": "CLOSE_WAIT",
    "09": "LAST_ACK",
    "0A": "LISTEN",
    "0B": "CLOSING",
}


class SilentClient:
    """A member whose tab stopped reading: a tiny receive buffer, one ``hello``, then nothing.

    A plain socket with a hand-made websocket handshake, so that nothing reads on its behalf.
    """

    def __init__(self, port: int, room_id: int, cookie: str, *, receive_buffer: int = 4096):
        self.port = port
        self.room_id = room_id
        self.cookie = cookie
        self.receive_buffer = receive_buffer
        self.sock: socket.socket | None = None
        self.buffered = b""

    def open(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        sock.settimeout(20)
        sock.connect(("127.0.0.1", self.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /ws/raeume/{self.room_id}/ HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{self.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://127.0.0.1:{self.port}\r\nCookie: {self.cookie}\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(1)  # byte by byte: nothing after the headers is read here
            if not chunk:
                raise ConnectionError("closed during the handshake")
            response += chunk
        status = response.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise ConnectionError(status.decode(errors="replace"))
        self.sock = sock
        self.local_port = sock.getsockname()[1]
        self._send_text(json.dumps({"type": "hello", "after": 0}))

    def _send_text(self, text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def server_side_state(self) -> str | None:
        """The TCP state of the server's end of this connection (None: the server has no
        socket for it any more)."""
        wanted_local, wanted_remote = f"{self.port:04X}", f"{self.local_port:04X}"
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            if local.endswith(":" + wanted_local) and remote.endswith(":" + wanted_remote):
                return TCP_STATES.get(state, state)
        return None

    def read_to_the_end(self, quiet: float = 5) -> tuple[str, int | None, int]:
        """Read everything the server sent. Returns (how it ended, close code, text frames):
        ("close", code, n) for a close frame, ("eof"/"reset", None, n) for a closed
        connection, ("open", None, n) when nothing more came for ``quiet`` seconds."""
        self.sock.settimeout(quiet)
        data, frames = b"", 0
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except TimeoutError:
                return "open", None, frames
            except ConnectionResetError:
                return "reset", None, frames
            if not chunk:
                return "eof", None, frames
            data += chunk
            while True:
                frame = _frame(data)
                if frame is None:
                    break
                opcode, payload, used = frame
                data = data[used:]
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    return "close", code, frames
                if opcode == 0x1:
                    frames += 1

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


def _frame(data: bytes) -> tuple[int, bytes, int] | None:
    """(opcode, payload, bytes used) of the first complete unmasked frame, or None."""
    if len(data) < 2:
        return None
    opcode, length, offset = data[0] & 0x0F, data[1] & 0x7F, 2
    if length == 126:
        if len(data) < 4:
            return None
        length, offset = struct.unpack("!H", data[2:4])[0], 4
    elif length == 127:
        if len(data) < 10:
            return None
        length, offset = struct.unpack("!Q", data[2:10])[0], 10
    if len(data) < offset + length:
        return None
    return opcode, data[offset : offset + length], offset + length
