"""The live side of a room: a thin adapter that parses, authorises, calls a service, answers.

Access is checked on connect and again on every command. Refused connections are closed
before the handshake, exactly like a foreign Origin, so an outsider learns nothing about
which rooms exist.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from channels.auth import get_user
from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync, database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from rotesnetz.sessions import stored_expiry
from rotesnetz.websocket_close import FRAME_SEND

from . import fanout, presence, render, selectors, services
from .groups import CONTROL_GROUP, room_group, session_tag
from .models import Room
from .rules import can_post, read_verdicts_shared, room_with_verdict
from .services import RoomError

logger = logging.getLogger(__name__)

CLOSE_ACCESS_LOST = 4403
CLOSE_ARCHIVED = 4410  # still readable, but nobody writes here: the page says so, no reconnect
CLOSE_SESSION_ENDED = 4401
CLOSE_TOO_SLOW = 4408
CLOSE_HUB_LOST = 1012  # "service restart": the client reconnects and resyncs
SLOW_CLIENT_SECONDS = 10
PRESENCE_TOUCH_SECONDS = 60
TYPING_INTERVAL_SECONDS = 2
# Events a socket gets only once its handshake is done (the client asks for what it missed).
_LIVE_EVENTS = frozenset({"chat.broadcast", "chat.typing", "chat.presence", "chat.pins"})


def _language(scope) -> str:
    cookies = scope.get("cookies") or {}
    candidates = [cookies.get(settings.LANGUAGE_COOKIE_NAME, "")]
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            candidates += [code for code, _q in parse_accept_lang_header(value.decode("latin-1"))]
    for code in candidates:
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _verdict_for_open_socket(user, room_id: int) -> tuple[Room | None, int | None]:
    """The room and, if the socket must close, its close code: a member who may still read an
    archived room learns that it was archived, anyone else only that access ended."""
    room, may_read = room_with_verdict(user, room_id)
    if room is None or not may_read:
        return None, CLOSE_ACCESS_LOST
    if room.archived_at is not None:
        return None, CLOSE_ARCHIVED
    return room, None


def _enter_room(user, room_id: int, language: str) -> Room | None:
    # Refused connects all look alike (closed before the handshake): the code is not needed.
    room, _close_code = _verdict_for_open_socket(user, room_id)
    if room is not None:
        services.socket_language_add(room=room, language=language)
    return room


def _page_user(scope) -> str | None:
    # The page says whose it is (?u=): a tab whose member was signed out elsewhere, and
    # someone else signed in, must not reconnect (and send what waited) in the other's name.
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("u")
    return values[0] if values else None


def _member_and_room(scope, room_id: int, language: str) -> tuple:
    """The member behind the socket's session (as Channels' AuthMiddleware loads them) and the
    room they may enter, or None."""
    user = get_user.func(scope)
    if not user.is_authenticated:
        return user, None
    page_user = _page_user(scope)
    if page_user is not None and page_user != str(user.pk):
        return user, None
    return user, _enter_room(user, room_id, language)


# Loaded at connect in one trip to a worker thread of its own (the room route has no
# AuthMiddleware of its own, which would make a second trip for the user alone), so that a
# thousand handshakes at the start of a conference wait for each other's database round trips
# in parallel, not in a queue.
_member_and_room_in_parallel = DatabaseSyncToAsync(_member_and_room, thread_sensitive=False)


_COMMAND_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rooms-commands")


def _with_usable_connections(call):
    # What database_sync_to_async does around a call, without asgiref's bookkeeping for
    # thread-sensitive code (a third of the hop's cost): every command makes this hop.
    close_old_connections()
    try:
        return call()
    finally:
        close_old_connections()


async def _in_command_thread(call):
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await loop.run_in_executor(_COMMAND_THREAD, context.run, _with_usable_connections, call)


class AccessLost(Exception):
    """The member may no longer read this room (the socket closes like a refused one), or it
    was archived."""

    def __init__(self, code: int = CLOSE_ACCESS_LOST):
        super().__init__(code)
        self.code = code


class RoomConsumer(AsyncWebsocketConsumer):
    # No channel of its own: room events reach the socket through the process's RoomHub and
    # events for this member or session through the process's Directory (fanout.py), so a
    # connect costs no layer subscription and a delivery no task switch.
    channel_layer_alias = None

    async def dispatch(self, message):
        # Channels hops into its one sync thread before every handler to close stale database
        # connections. Here every database call goes through database_sync_to_async or
        # _in_command_thread, which do that in the thread that uses the connection; the extra
        # hop queued a thousand handshakes at a conference start behind each other (12 % of
        # the process's time).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection -----------------------------------------------------------------------

    async def connect(self):
        self.room = None
        self.hub = None
        self.outlet = None
        self.directory = None
        self.accepted = False
        self.session_timer = None
        self.deferred: list[dict] = []
        # (may post, announcements only) as the page knows it: told at the first check.
        self.may_post: tuple[bool, bool] | None = None
        self.layer = get_channel_layer()
        self.socket_id = uuid.uuid4().hex
        self.language = _language(self.scope)
        user, self.room = await _member_and_room_in_parallel(
            self.scope, self.scope["url_route"]["kwargs"]["room_id"], self.language
        )
        self.scope["user"] = self.user = user
        session = self.scope.get("session")
        self.session = session_tag(session.session_key) if session and session.session_key else None
        if self.room is None:
            await self.close()
            return
        self.outlet = fanout.Outlet(
            self.scope.get(FRAME_SEND) or self.base_send,
            self._too_slow,
            max_seconds=SLOW_CLIENT_SECONDS,
        )
        # Subscribed before the handshake completes: a logout or removal right after it, and
        # any message after the client's backlog, reach this socket.
        self.directory = await fanout.directory(self.layer, CONTROL_GROUP)
        self.directory.add(self, user.pk, self.session)
        self.hub = await fanout.join(self.layer, room_group(self.room.pk), self)
        await self.accept()
        self.accepted = True  # frames before this are in the backlog the client asks for
        for event in self.deferred:
            self.control_event(event)
        presence.book().join(self.socket_id, self.room.pk, user.pk)
        self.last_touch = time.monotonic()
        self.last_typing = 0.0
        self._watch_session(getattr(session, "stored_expiry", None))

    def _watch_session(self, expires) -> None:
        """A session that merely expires sends no logout event: the socket closes when it
        would (a page loaded then would have to sign in again), unless it was extended."""
        if expires is None:
            return
        delay = max((expires - timezone.now()).total_seconds(), 0) + 1
        self.session_timer = asyncio.get_running_loop().call_later(
            delay, lambda: self._spawn(self._session_check())
        )

    async def _session_check(self):
        if self.room is None:
            return
        expires = await database_sync_to_async(stored_expiry)(self.scope["session"].session_key)
        if expires is None:
            await self._close_quietly(CLOSE_SESSION_ENDED)
        else:
            self._watch_session(expires)

    async def websocket_disconnect(self, message):
        # As Channels' handler, without its hop to close stale connections (see dispatch).
        await self.disconnect(message["code"])
        raise StopConsumer

    async def disconnect(self, code):
        self._leave_hub()
        if self.room is not None:
            presence.book().leave(self.socket_id, self.room.pk)
            self.room = None  # once, also when a dropped slow socket disconnects later

    # --- inbound frames -------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:  # dropped (too slow): nothing more is answered
            return
        if text_data is None:
            await self._error("invalid_frame", _("Only text frames are understood."))
            return
        if len(text_data) > settings.ROOM_MAX_FRAME_BYTES:
            await self._error("frame_too_large", _("This frame is too large."))
            return
        try:
            data = json.loads(text_data)
        except ValueError:
            await self._error("invalid_json", _("The frame is not valid JSON."))
            return
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            await self._error("invalid_frame", _("The frame has no type."))
            return
        handler = getattr(self, f"command_{data['type']}", None)
        if handler is None:
            await self._error("unknown_command", _("Unknown command."), ref=data.get("ref"))
            return
        try:
            await handler(data)
        except AccessLost as lost:
            await self.close(code=lost.code)
        except RoomError as error:
            await self._error(
                error.code, error.message, ref=data.get("ref"), retry_after=error.retry_after
            )
        except (TypeError, ValueError):
            await self._error(
                "invalid_frame", _("The frame's fields are not valid."), ref=data.get("ref")
            )

    async def _error(self, code: str, message: str, *, ref=None, retry_after=None):
        frame = {"type": "error", "code": code, "message": message}
        if ref is not None:
            frame["ref"] = str(ref)[:64]
        if retry_after is not None:
            frame["retry_after"] = retry_after
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _send_json(self, frame: dict):
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _run(self, function, *, check_first=True, **kwargs):
        """Check access, then run a service in the user's language, in one trip to the thread
        for database work; send the events it produced from here (not one hop per event).

        ``check_first=False`` is for a service that checks access in its own statement."""

        def call():
            with (
                translation.override(self.language),
                services.events_collected() as events,
                read_verdicts_shared(),
            ):
                if check_first:
                    room, close_code = _verdict_for_open_socket(self.user, self.room.pk)
                    if room is None:
                        raise AccessLost(close_code)
                    self.room = room
                    if "room" in kwargs:
                        kwargs["room"] = room
                return function(**kwargs), events

        # In the one thread for commands: commands of a process run one after the other, so
        # broadcasts leave in id order. (Parallel threads gained little in the burst: the post
        # is CPU-bound on these machines.)
        result, events = await _in_command_thread(call)
        for group, event in events:
            try:
                await self.layer.group_send(group, event)
            except Exception:  # stored already; the others fill the gap via "prev"
                logger.exception("rooms: broadcast to %s failed", group)
        return result

    @database_sync_to_async
    def _close_code_now(self) -> tuple[int | None, tuple[bool, bool]]:
        """For events that ask every socket to look again (removal, room settings): the close
        code if the socket must close, and whether the member may still write here and the
        room is announcements-only."""
        with read_verdicts_shared():
            room, close_code = _verdict_for_open_socket(self.user, self.room.pk)
            if room is None:
                return close_code, (False, False)
            self.room = room
            return None, (can_post(self.user, room), room.read_only)

    # --- commands -------------------------------------------------------------------------

    async def command_ping(self, data):
        if time.monotonic() - self.last_touch > PRESENCE_TOUCH_SECONDS:
            self.last_touch = time.monotonic()
            await database_sync_to_async(services.presence_touch)(channel_name=self.socket_id)
        await self._send_json({"type": "pong"})

    async def command_hello(self, data):
        after = int(data.get("after") or 0)
        since = parse_datetime(str(data.get("since") or "")) if data.get("since") else None
        await self._send_json(await self._run(self._backlog, after=after, since=since))

    def _backlog(self, *, after: int, since) -> dict:
        server_time = timezone.now()
        if after:
            messages, has_more = selectors.messages_after(room=self.room, after_id=after)
        else:
            messages, has_more = selectors.messages_page(room=self.room)
            has_more = False
        changed = []
        if after and since:
            changed = selectors.messages_changed_since(room=self.room, up_to_id=after, since=since)
        # The room may have become announcements-only while the page was offline: the page
        # hears it before the sends that waited are answered.
        self.may_post = (can_post(self.user, self.room), self.room.read_only)
        return {
            "type": "backlog",
            "can_post": self.may_post[0],
            "read_only": self.may_post[1],
            "messages": [{"id": m.pk, "html": render.message_html(m, live=True)} for m in messages],
            "updated": [{"id": m.pk, "html": render.message_html(m, live=True)} for m in changed],
            "has_more": has_more,
            "server_time": server_time.isoformat(),
        }

    async def command_history(self, data):
        before = int(data.get("before") or 0)
        await self._send_json(await self._run(self._history, before=before))

    def _history(self, *, before: int) -> dict:
        messages, has_more = selectors.messages_page(room=self.room, before_id=before or None)
        return {
            "type": "history",
            "messages": [{"id": m.pk, "html": render.message_html(m, live=True)} for m in messages],
            "has_more": has_more,
        }

    async def command_send(self, data):
        post = {
            "author": self.user,
            "text": data.get("text"),
            "parent_id": int(data["parent"]) if data.get("parent") else None,
            "client_id": str(data.get("ref") or ""),
        }
        message = None
        if services.post_checks_in_statement():
            # The usual case in one statement: may post, within the rate limit, stored. Any
            # refusal, also of the input, is answered by the full checks below, which check
            # access first: a member who lost it hears nothing else about the room.
            with contextlib.suppress(services.PostRefused, RoomError):
                message = await self._run(
                    services.message_post,
                    check_first=False,
                    room=self.room,
                    checked_in_statement=True,
                    **post,
                )
        if message is None:
            # Refused (or not PostgreSQL): the full checks say why, or post (e.g. a moderator
            # in a read-only room). A member who lost access is disconnected here.
            message = await self._run(services.message_post, room=self.room, **post)
        await self._send_json({"type": "ack", "ref": str(data.get("ref") or ""), "id": message.pk})

    async def command_edit(self, data):
        await self._run(
            services.message_edit, message_id=int(data["id"]), by=self.user, text=data.get("text")
        )
        # The page keeps its editor open until this: a refused edit (too long) is not lost.
        if data.get("ref") is not None:
            await self._send_json({"type": "ack", "ref": str(data["ref"])[:64]})

    async def command_delete(self, data):
        await self._run(services.message_delete, message_id=int(data["id"]), by=self.user)

    async def command_react(self, data):
        await self._run(
            services.reaction_toggle,
            message_id=int(data["id"]),
            by=self.user,
            emoji=str(data.get("emoji")),
        )

    async def command_hide(self, data):
        await self._run(
            services.message_hide,
            message_id=int(data["id"]),
            by=self.user,
            reason=str(data.get("reason") or ""),
        )

    async def command_unhide(self, data):
        await self._run(services.message_unhide, message_id=int(data["id"]), by=self.user)

    async def command_pin(self, data):
        await self._run(services.message_pin, message_id=int(data["id"]), by=self.user, pinned=True)

    async def command_unpin(self, data):
        await self._run(
            services.message_pin, message_id=int(data["id"]), by=self.user, pinned=False
        )

    async def command_read(self, data):
        await self._run(
            services.read_mark, room=self.room, user=self.user, message_id=int(data["id"])
        )

    async def command_typing(self, data):
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL_SECONDS:
            return
        self.last_typing = now
        frame = json.dumps(
            {"type": "typing", "user": self.user.pk, "name": self.user.public_name},
            ensure_ascii=False,
        )
        await self.layer.group_send(
            room_group(self.room.pk), {"type": "chat.typing", "user": self.user.pk, "text": frame}
        )

    async def command_presence(self, data):
        await presence.book().flush()
        users = await self._run(self._presence)
        await self._send_json({"type": "presence", "users": users})

    def _presence(self) -> list[str]:
        services.presence_touch(channel_name=self.socket_id)
        return selectors.online_names(room_id=self.room.pk)

    # --- events from the channel layer ----------------------------------------------------

    def room_event(self, event: dict) -> None:
        """Called by the RoomHub for every event of this room, synchronously."""
        kind = event["type"]
        if not self.accepted and kind in _LIVE_EVENTS:
            return
        if kind == "chat.broadcast":
            frames = event["frames"]
            language = self.language if self.language in frames else settings.LANGUAGE_CODE
            text = frames[language]
            self.outlet.push(text, fanout.wire(event, language, text))
        elif kind == "chat.typing":
            if event["user"] != self.user.pk:
                self.outlet.push(event["text"], fanout.wire(event, "", event["text"]))
        elif kind in {"chat.presence", "chat.pins"}:
            self.outlet.push(event["text"], fanout.wire(event, "", event["text"]))
        else:
            self.control_event(event)

    def control_event(self, event: dict) -> None:
        """Access checks (room settings changed, membership ended) and logouts."""
        if not self.accepted:  # answered once the handshake is done
            self.deferred.append(event)
            return
        if event["type"] == "session.ended":
            self._spawn(self._close_quietly(CLOSE_SESSION_ENDED))
        elif event["type"] == "access.check":
            self._spawn(self._access_check())

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        task.add_done_callback(_log_failure)

    def hub_lost(self) -> None:
        self.hub = None
        self._spawn(self.close(code=CLOSE_HUB_LOST))

    def _leave_hub(self) -> None:
        if self.session_timer is not None:
            self.session_timer.cancel()
            self.session_timer = None
        if self.outlet is not None:
            self.outlet.close()
        if self.hub is not None:
            self.hub.leave(self)
            self.hub = None
        if self.directory is not None:
            self.directory.remove(self, self.user.pk, self.session)
            self.directory = None

    def _too_slow(self) -> None:
        """A client that stops reading fills its buffers; it is dropped instead of holding
        memory (it resyncs by id when it comes back)."""
        logger.warning("rooms: dropping a socket that does not read (user %s)", self.user.pk)
        self._leave_hub()
        self._spawn(self._close_slow())

    async def _close_slow(self):
        # The close frame may wait behind the full buffer (bounded, asgi.BoundedClose); the
        # member leaves the room's presence now, not when TCP gives up.
        await self.close(code=CLOSE_TOO_SLOW)
        await self.disconnect(CLOSE_TOO_SLOW)

    async def _access_check(self):
        if self.room is None:
            return
        close_code, state = await self._close_code_now()
        if close_code is not None:
            await self._close_quietly(close_code)
        elif state != self.may_post:
            # E.g. the room became announcements-only: the page closes or opens its composer.
            self.may_post = state
            # The page may have gone meanwhile (e.g. to the room's settings): nobody to tell.
            with contextlib.suppress(OSError):
                await self._send_json({"type": "room", "can_post": state[0], "read_only": state[1]})

    async def _close_quietly(self, code: int):
        # A connection that is already dead (a phone that lost its network) has nobody to
        # tell; the server reports that as an error, which is no fault of ours.
        with contextlib.suppress(OSError):
            await self.close(code=code)


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("rooms: socket task failed", exc_info=task.exception())
