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
import bisect
import contextlib
import json
import random
import time
import uuid

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
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
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
        code = ws.close_rcvd.code if ws.close_rcvd is not None else None
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
        await self.send({"type": "send", "text": text, "parent": None, "ref": ref})
        return ref

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
