"""Writes in rooms. Views, the socket consumer and tasks call these; nothing else writes.

Every write is stored first and broadcast after commit, so a message that anyone saw live is
always in the database, and a reconnecting client can fetch it by id.
"""

import contextlib
import functools
import json
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rotesnetz import sqlrows
from rotesnetz.dates import format_moment
from rotesnetz.markup import MENTION_PATTERN, mentioned_names, plain_text, render_markdown
from rotesnetz.members.models import Gliederung, GliederungKind, User
from rotesnetz.outbox.services import MailSpec, mail_enqueue
from rotesnetz.privacy.services import audit_record

from . import render
from .groups import CONTROL_GROUP, room_group, session_tag
from .models import (
    MESSAGE_MAX_LENGTH,
    REACTIONS,
    Mention,
    Message,
    ModerationAction,
    ModerationLog,
    Presence,
    Reaction,
    ReadState,
    Room,
    RoomInvite,
    Visibility,
)
from .rules import (
    can_lead_rooms_of,
    can_moderate_room,
    can_post,
    can_read_room,
    may_read_condition,
    reader_params,
)

logger = logging.getLogger(__name__)


class RoomError(Exception):
    """A refused command: ``code`` for clients, ``message`` in the user's language."""

    def __init__(self, code: str, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


def _forbidden() -> RoomError:
    return RoomError("forbidden", _("You are not allowed to do that in this room."))


def _post_refused(user: User, room: Room) -> RoomError:
    """Why ``user`` may not post in ``room``: said only to those who may read it."""
    if can_read_room(user, room):
        if room.archived_at is not None:
            return RoomError("archived", _("This room is archived."))
        if room.read_only:
            return RoomError("read_only", _("Only moderators can write in this room."))
    return _forbidden()


def _not_found() -> RoomError:
    return RoomError("not_found", _("This message does not exist (any more)."))


# --- Broadcasting ---------------------------------------------------------------------------


# When a socket consumer calls a service, the events are handed back to it and sent from its
# event loop, instead of hopping from the database thread into the loop once per event.
_collected: ContextVar[list | None] = ContextVar("rooms_collected_events", default=None)


@contextmanager
def events_collected():
    """Collect the channel-layer events of the writes in this block instead of sending them."""
    events: list[tuple[str, dict]] = []
    token = _collected.set(events)
    try:
        yield events
    finally:
        _collected.reset(token)


def _group_send(group: str, event: dict) -> None:
    collected = _collected.get()
    if collected is not None:
        collected.append((group, event))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the database is the source of truth; clients resync on reconnect
        logger.exception("rooms: broadcast to %s failed", group)


def _broadcast_message(kind: str, message_id: int, message: Message | None = None) -> None:
    from .selectors import message_with_relations

    if message is None:
        message = message_with_relations(message_id=message_id)
    _group_send(
        room_group(message.room_id),
        {"type": "chat.broadcast", "frames": render.frames(kind, message)},
    )


def _bump_page_version(room_id: int) -> None:
    Room.objects.filter(pk=room_id).update(page_version=F("page_version") + 1)


def _after_commit_broadcast(kind: str, message: Message) -> None:
    if kind != "message":
        transaction.on_commit(lambda: _bump_page_version(message.room_id))
    # A new message moves the room's last message, which is part of the page cache key
    # (views._message_listing): no version to move, one round trip less per post.
    if kind == "message":
        # A new message has no reactions yet and carries its author and parent: no refetch.
        # Filled as prefetch_related fills it: iterating .none() would still run the compiler.
        no_reactions = Reaction.objects.none()
        no_reactions._result_cache, no_reactions._prefetch_done = [], True
        message._prefetched_objects_cache = {"reactions": no_reactions}
        transaction.on_commit(lambda: _broadcast_message(kind, message.pk, message))
    else:
        transaction.on_commit(lambda: _broadcast_message(kind, message.pk))


def _after_commit_pins(message: Message) -> None:
    """Tell the room's open pages their new list of pins (a pin, an unpin, or a pinned
    message deleted, hidden or shown again)."""

    def send():
        from .selectors import pinned_messages

        pins = [
            {"id": m.pk, "text": plain_text(m.text, 100)}
            for m in pinned_messages(room=Room(pk=message.room_id))
        ]
        text = json.dumps({"type": "pins", "pins": pins}, ensure_ascii=False)
        _group_send(room_group(message.room_id), {"type": "chat.pins", "text": text})

    transaction.on_commit(send)


def room_pages_forget(*, room_ids) -> None:
    """Drop the cached message lists of these rooms (e.g. after an erasure): the version moves
    on, and the rendered pages go from Redis at once instead of when they expire."""
    for room_id in set(room_ids):
        _bump_page_version(room_id)
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:
        return
    try:
        redis = client(write=True)
        for room_id in set(room_ids):
            for key in redis.scan_iter(match=f"*rooms:page:{room_id}:*", count=500):
                redis.delete(key)
    except Exception:  # the versions moved on: the old pages are unreachable and expire
        logger.warning("rooms: could not drop cached pages", exc_info=True)


def message_broadcast_update(*, message_id: int) -> None:
    """Tell open rooms that a message changed outside a member's command (e.g. an erasure)."""
    if Message.objects.filter(pk=message_id).exists():
        _broadcast_message("message_updated", message_id)


def socket_language_add(*, room: Room, language: str) -> None:
    """A socket in ``language`` joins the room: from now on its new messages are rendered in
    that language too. Kept once set (a member may come back); checked on every connect."""
    if language == settings.LANGUAGE_CODE or language in room.socket_languages.split():
        return
    with transaction.atomic():
        current = (
            Room.objects.select_for_update()
            .values_list("socket_languages", flat=True)
            .get(pk=room.pk)
        )
        languages = " ".join(sorted({*current.split(), language}))
        Room.objects.filter(pk=room.pk).update(socket_languages=languages)
    room.socket_languages = languages


# --- Rate limit -----------------------------------------------------------------------------


def rate_limit_wait(*, user_id: int) -> float | None:
    """Seconds until the member may post again, or None.

    A member may post ROOM_RATE_LIMIT[0] messages in any ROOM_RATE_LIMIT[1] seconds, over all
    rooms, counted from the stored messages: exact across processes, and it holds when Redis
    is away. The post statement on PostgreSQL checks the same condition itself.
    """
    limit, window = settings.ROOM_RATE_LIMIT
    since = timezone.now() - timedelta(seconds=window)
    recent = list(
        Message.objects.filter(author_id=user_id, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    # The oldest of the last ``limit`` messages has to leave the window first.
    return max(0.1, (recent[-1] - since).total_seconds())


# --- Messages -------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    if not isinstance(text, str):
        raise RoomError("invalid", _("The message must be text."))
    text = text.replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        raise RoomError("empty", _("Please write something first."))
    if len(text) > MESSAGE_MAX_LENGTH:
        raise RoomError(
            "too_long",
            _("A message may be at most %(limit)d characters long.")
            % {"limit": MESSAGE_MAX_LENGTH},
        )
    return text


def _mentioned_users(room: Room, text: str) -> list[User]:
    names = mentioned_names(text)
    if not names:
        return []
    candidates = User.objects.filter(display_name__in=names, is_active=True)[:20]
    return [user for user in candidates if can_read_room(user, room)]


class PostRefused(Exception):
    """The post statement stored nothing: the member may not post here right now (access, an
    archived or read-only room, the rate limit). The caller runs the full checks to say why."""


def post_checks_in_statement() -> bool:
    """Whether ``message_post(checked_in_statement=True)`` is available (PostgreSQL)."""
    return connection.vendor == "postgresql"


def reply_target(*, room: Room, message_id: int) -> tuple[Message, Message] | None:
    """For a reply to ``message_id``: the message it goes under and the one it answers.
    Threads are one level deep, so a reply to a reply goes under the thread's first message."""
    answered = (
        Message.objects.select_related("author", "parent__author")
        .filter(pk=message_id, room=room)
        .first()
    )
    if answered is None:
        return None
    return answered.parent or answered, answered


def message_post(
    *,
    room: Room,
    author: User,
    text: str,
    parent_id: int | None = None,
    client_id: str = "",
    checked_in_statement: bool = False,
) -> Message:
    """Store a message and broadcast it after commit.

    With ``checked_in_statement`` (PostgreSQL only) the storing statement itself checks that
    the author may post in the room (read rule, open, not read-only) and is within the rate
    limit, and raises PostRefused instead of storing. A socket's send uses this: under load
    each round trip to the database waits for a core, and this saves two of three.
    """
    if checked_in_statement and not post_checks_in_statement():
        raise PostRefused
    if not checked_in_statement and not can_post(author, room):
        raise _post_refused(author, room)
    text = _clean_text(text)
    # A retried send (same client id) hits the unique constraint below and gets the stored
    # message back: no lookup on the way of every first send.
    client_id = (client_id or "")[:64]
    parent = None
    if parent_id:
        target = reply_target(room=room, message_id=parent_id)
        if target is None:
            raise RoomError("not_found", _("The message you reply to does not exist."))
        parent = target[0]
    retry_after = None if checked_in_statement else rate_limit_wait(user_id=author.pk)
    if retry_after is not None:
        raise RoomError(
            "rate_limited",
            _("You are writing very fast. Please wait a few seconds."),
            retry_after=round(retry_after, 1),
        )
    mentioned = _mentioned_users(room, text)
    # Rendered before the room row is locked: every post to the room waits for that lock.
    html = render_markdown(text, mentions={u.display_name for u in mentioned})
    fields = {
        "room": room,
        "author": author,
        "parent": parent,
        "client_id": client_id,
        "text": text,
        "html": html,
    }
    mentioned_ids = [user.pk for user in mentioned if user != author]
    try:
        if connection.vendor == "postgresql":
            message = _store_message_in_one_statement(
                fields, mentioned_ids, guarded=checked_in_statement
            )
        else:
            message = _store_message_orm(fields, mentioned_ids)
        _after_commit_broadcast("message", message)
    except IntegrityError:
        # A retried send, or two sends with the same client id raced: the stored one wins.
        existing = (
            Message.objects.filter(author=author, client_id=client_id).first()
            if client_id
            else None
        )
        if existing is None:
            raise
        return existing
    return message


# The room row is locked so that each message knows its predecessor: clients compare it with
# the last id they saw and fetch any gap (a dropped broadcast). Every post to the room waits
# for that lock, so on PostgreSQL the lock, the insert, the mentions and the room's new last
# message are one statement: the lock is held for that statement, not for four round trips.
# Guarded, the same statement locks the room only if the author may post (GUARD below).
_STORE_MESSAGE_SQL = """
WITH locked AS (
    SELECT r.last_message_id, r.socket_languages FROM {room} r {guard_join}
    WHERE r.id = %(room)s {guard} FOR UPDATE OF r
), inserted AS (
    INSERT INTO {message} (room_id, author_id, parent_id, client_id, text, html,
                           hidden_reason, created_at, updated_at)
    SELECT %(room)s::bigint, %(author)s::bigint, %(parent)s::bigint, %(client_id)s::text,
           %(text)s::text, %(html)s::text,
           '', stamp.at, stamp.at  -- one reading: a new message was never edited
    FROM locked, (SELECT clock_timestamp() AS at) stamp
    RETURNING id, created_at
), moved AS (
    UPDATE {room} SET last_message_id = inserted.id, last_message_at = inserted.created_at
    FROM inserted WHERE {room}.id = %(room)s
), mentioned AS (
    INSERT INTO {mention} (message_id, user_id)
    SELECT inserted.id, mentioned.user_id
    FROM inserted, unnest(%(mentioned)s::bigint[]) AS mentioned(user_id)
)
SELECT inserted.id, inserted.created_at, locked.last_message_id, locked.socket_languages
FROM inserted, locked
"""

# can_post (rules.py) and rate_limit_wait as one condition. A moderator's announcement in a
# read-only room is refused here and passes the full checks that follow.
_GUARD_SQL = """
    AND r.archived_at IS NULL AND NOT r.read_only
    AND (%(superuser)s::boolean OR {may_read})
    AND (SELECT count(*) FROM (
        SELECT 1 FROM {message} WHERE author_id = %(author)s::bigint
        AND created_at > statement_timestamp() - %(window)s::float8 * interval '1 second'
        LIMIT %(limit)s::bigint) recent) < %(limit)s::bigint
"""


@functools.cache
def _store_message_sql(guarded: bool) -> str:
    quote = connection.ops.quote_name
    tables = {
        "room": quote(Room._meta.db_table),
        "message": quote(Message._meta.db_table),
        "mention": quote(Mention._meta.db_table),
    }
    guard = guard_join = ""
    if guarded:
        guard = _GUARD_SQL.format(may_read=may_read_condition(), message=tables["message"])
        guard_join = f"JOIN {quote(Gliederung._meta.db_table)} g ON g.id = r.gliederung_id"
    # Only the quoted names of our own tables are put in; every value is a bound parameter.
    return _STORE_MESSAGE_SQL.format(guard=guard, guard_join=guard_join, **tables)  # nosec B608


def _store_message_in_one_statement(
    fields: dict, mentioned_ids: list[int], *, guarded: bool = False
) -> Message:
    author = fields["author"]
    params = {
        "room": fields["room"].pk,
        "author": author.pk,
        "parent": fields["parent"].pk if fields["parent"] else None,
        "client_id": fields["client_id"],
        "text": fields["text"],
        "html": fields["html"],
        "mentioned": mentioned_ids,
    }
    if guarded:
        limit, window = settings.ROOM_RATE_LIMIT
        params |= reader_params(author, fields["room"].pk)
        params |= {"superuser": author.is_superuser, "limit": limit, "window": float(window)}
    # Inside a caller's transaction a failed insert must not spoil it: a savepoint. On its own
    # the statement is atomic and commits at once, which is what releases the room row.
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, sqlrows.prepared_cursor() as cursor:
        cursor.execute(_store_message_sql(guarded), params)
        row = cursor.fetchone()
    if row is None:
        raise PostRefused if guarded else Room.DoesNotExist
    message_id, created_at, previous_id, socket_languages = row
    message = Message(id=message_id, created_at=created_at, updated_at=created_at, **fields)
    message._state.adding = False
    message._state.db = connection.alias
    message.previous_id = previous_id
    message.socket_languages = socket_languages  # the frames' languages (render.frames)
    return message


def _store_message_orm(fields: dict, mentioned_ids: list[int]) -> Message:
    with transaction.atomic():
        previous_id = (
            Room.objects.select_for_update()
            .values_list("last_message_id", flat=True)
            .get(pk=fields["room"].pk)
        )
        message = Message.objects.create(**fields)
        Room.objects.filter(pk=fields["room"].pk).update(
            last_message_at=message.created_at, last_message_id=message.pk
        )
        message.previous_id = previous_id
        Mention.objects.bulk_create(
            [Mention(message=message, user_id=user_id) for user_id in mentioned_ids]
        )
    return message


def own_message(message_id: int, user: User) -> Message:
    """The message ``user`` may still edit or delete (their own, not deleted, room open), or
    RoomError saying why not."""
    message = (
        Message.objects.select_related("room", "room__gliederung").filter(pk=message_id).first()
    )
    if message is None or not can_read_room(user, message.room):
        raise _not_found()
    if message.author_id != user.pk:
        raise RoomError("forbidden", _("You can only change your own messages."))
    if message.deleted_at:
        raise _not_found()
    if message.room.archived_at:
        raise RoomError("archived", _("This room is archived."))
    return message


def message_edit(*, message_id: int, by: User, text: str) -> Message:
    message = own_message(message_id, by)
    text = _clean_text(text)
    mentioned = _mentioned_users(message.room, text)
    with transaction.atomic():
        message.text = text
        message.html = render_markdown(text, mentions={u.display_name for u in mentioned})
        message.edited_at = timezone.now()
        message.save(update_fields=["text", "html", "edited_at", "updated_at"])
        _after_commit_broadcast("message_updated", message)
        if message.pinned_at:
            _after_commit_pins(message)
    return message


def message_delete(*, message_id: int, by: User) -> Message:
    message = own_message(message_id, by)
    was_pinned = message.pinned_at is not None
    with transaction.atomic():
        # The words are gone for good; the place in the conversation stays.
        message.text = ""
        message.html = ""
        message.deleted_at = timezone.now()
        message.pinned_at = None
        message.save(update_fields=["text", "html", "deleted_at", "pinned_at", "updated_at"])
        Mention.objects.filter(message=message).delete()
        Reaction.objects.filter(message=message).delete()
        _after_commit_broadcast("message_updated", message)
        if was_pinned:
            _after_commit_pins(message)
    return message


def _moderated_message(message_id: int, user: User) -> Message:
    message = (
        Message.objects.select_related("room", "room__gliederung").filter(pk=message_id).first()
    )
    if message is None or not can_read_room(user, message.room):
        raise _not_found()
    if not can_moderate_room(user, message.room):
        raise _forbidden()
    return message


def message_hide(*, message_id: int, by: User, reason: str) -> Message:
    message = _moderated_message(message_id, by)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise RoomError("reason_missing", _("Please give a reason for hiding the message."))
    with transaction.atomic():
        message.hidden_at = timezone.now()
        message.hidden_by = by
        message.hidden_reason = reason
        message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
        ModerationLog.objects.create(
            room=message.room,
            actor=by,
            action=ModerationAction.HIDE,
            message=message,
            reason=reason,
        )
        _after_commit_broadcast("message_updated", message)
        if message.pinned_at:
            _after_commit_pins(message)
    return message


def message_unhide(*, message_id: int, by: User) -> Message:
    message = _moderated_message(message_id, by)
    with transaction.atomic():
        message.hidden_at = None
        message.hidden_by = None
        message.hidden_reason = ""
        message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
        ModerationLog.objects.create(
            room=message.room, actor=by, action=ModerationAction.UNHIDE, message=message
        )
        _after_commit_broadcast("message_updated", message)
        if message.pinned_at:
            _after_commit_pins(message)
    return message


def message_pin(*, message_id: int, by: User, pinned: bool) -> Message:
    message = _moderated_message(message_id, by)
    if message.deleted_at:
        raise _not_found()
    with transaction.atomic():
        message.pinned_at = timezone.now() if pinned else None
        message.save(update_fields=["pinned_at", "updated_at"])
        ModerationLog.objects.create(
            room=message.room,
            actor=by,
            action=ModerationAction.PIN if pinned else ModerationAction.UNPIN,
            message=message,
        )
        _after_commit_broadcast("message_updated", message)
        _after_commit_pins(message)
    return message


def reaction_toggle(*, message_id: int, by: User, emoji: str) -> Message:
    if emoji not in REACTIONS:
        raise RoomError("invalid", _("This reaction is not available."))
    message = (
        Message.objects.select_related("room", "room__gliederung").filter(pk=message_id).first()
    )
    if message is None or not can_read_room(by, message.room) or message.deleted_at:
        raise _not_found()
    if not can_post(by, message.room):
        raise _forbidden()
    with transaction.atomic():
        deleted, _count = Reaction.objects.filter(message=message, user=by, emoji=emoji).delete()
        if not deleted:
            Reaction.objects.get_or_create(message=message, user=by, emoji=emoji)
        Message.objects.filter(pk=message.pk).update(updated_at=timezone.now())
        _after_commit_broadcast("message_updated", message)
    return message


def read_mark(*, room: Room, user: User, message_id: int, first_time: bool = False) -> None:
    """Move the read marker forward (never back).

    ``first_time``: the caller has just seen that the member has no marker in this room (as
    everyone at a conference start); it is inserted at once, without an update that would find
    nothing first."""
    newest = (
        room.last_message_id or Message.objects.filter(room=room).aggregate(m=Max("id"))["m"] or 0
    )
    message_id = min(int(message_id), newest)
    # Plain statements: every room page moves the marker, and the ORM's compiling cost several
    # times the round trip when a conference starts.
    table = connection.ops.quote_name(ReadState._meta.db_table)
    updated = 0
    with sqlrows.prepared_cursor() as cursor:
        if not first_time:
            cursor.execute(
                f"UPDATE {table} SET last_read_id = %s"  # noqa: S608  # nosec B608
                " WHERE room_id = %s AND user_id = %s AND last_read_id < %s",
                [message_id, room.pk, user.pk, message_id],
            )
            updated = cursor.rowcount
        if not updated:
            cursor.execute(
                f"INSERT INTO {table} (room_id, user_id, last_read_id, mention_mails)"  # noqa: S608  # nosec B608
                " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [room.pk, user.pk, message_id, True],
            )


def mention_mails_set(*, room: Room, user: User, enabled: bool) -> None:
    ReadState.objects.update_or_create(room=room, user=user, defaults={"mention_mails": enabled})


# --- Rooms ----------------------------------------------------------------------------------

MAIN_ROOM_VISIBILITY = {
    GliederungKind.BUNDESVERBAND: Visibility.SUBTREE,
    GliederungKind.LANDESVERBAND: Visibility.SUBTREE,
    GliederungKind.UNTERBEZIRK: Visibility.SUBTREE,
    GliederungKind.KREISVERBAND: Visibility.SUBTREE,
}


def room_ensure_main(*, gliederung: Gliederung) -> Room:
    """Every Gliederung and AG has its main room. Kreis- and Landesverbände open it to the
    members of everything below them (their members belong to Ortsvereine)."""
    room = Room.objects.filter(gliederung=gliederung, is_main=True).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(
                gliederung=gliederung,
                is_main=True,
                # Stored data, shown to everyone: in the platform's language, not the caller's.
                name=settings.ROOM_MAIN_NAME,
                visibility=MAIN_ROOM_VISIBILITY.get(gliederung.kind, Visibility.MEMBERS),
            )
    except IntegrityError:
        return Room.objects.get(gliederung=gliederung, is_main=True)


def room_ensure_for_part(*, gliederung: Gliederung, key: str, name: str, topic: str = "") -> Room:
    """A room a part keeps for its own people (e.g. a conference's registrants).

    Invitation-only; the part decides who is invited with ``room_invite_set``. ``key`` makes it
    idempotent: the same part object always gets the same room.
    """
    room = Room.objects.filter(part_key=key).first()
    if room is not None:
        return room
    base = " ".join(name.split())[:80] or key
    candidate, number = base, 1
    while Room.objects.filter(gliederung=gliederung, name__iexact=candidate).exists():
        number += 1
        candidate = f"{base} ({number})"
    return Room.objects.create(
        gliederung=gliederung,
        name=candidate,
        topic=" ".join(topic.split())[:300],
        visibility=Visibility.INVITE,
        part_key=key[:60],
    )


def room_invite_set(*, room: Room, user_id: int, invited: bool) -> None:
    """Invite or uninvite one person; an uninvited person's open sockets check again."""
    if invited:
        RoomInvite.objects.get_or_create(room=room, user_id=user_id)
        return
    if RoomInvite.objects.filter(room=room, user_id=user_id).delete()[0]:
        transaction.on_commit(lambda: sockets_recheck_user(user_id=user_id))


def _check_name(gliederung: Gliederung, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RoomError("invalid", _("Please give the room a name."))
    if len(name) > 100:
        raise RoomError("invalid", _("The name may be at most 100 characters long."))
    clash = Room.objects.filter(gliederung=gliederung, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise RoomError("invalid", _("This Gliederung already has a room with this name."))
    return name


def room_create(
    *,
    gliederung: Gliederung,
    by: User,
    name: str,
    topic: str = "",
    visibility: str = Visibility.MEMBERS,
    read_only: bool = False,
    invitees: list[User] | None = None,
) -> Room:
    if not can_lead_rooms_of(by, gliederung):
        raise _forbidden()
    _check_visibility(visibility, is_main=False, invited=bool(invitees))
    name = _check_name(gliederung, name)
    with transaction.atomic():
        room = Room.objects.create(
            gliederung=gliederung,
            name=name,
            topic=(topic or "").strip()[:300],
            visibility=visibility,
            read_only=read_only,
            created_by=by,
        )
        RoomInvite.objects.bulk_create(
            [RoomInvite(room=room, user=user) for user in set(invitees or [])],
            ignore_conflicts=True,
        )
        ModerationLog.objects.create(room=room, actor=by, action=ModerationAction.CREATE)
    logger.info("room %s created in %s by user %s", room.pk, gliederung.pk, by.pk)
    return room


def _check_visibility(visibility: str, *, is_main: bool, invited: bool) -> None:
    if visibility not in Visibility.values:
        raise RoomError("invalid", _("Please choose who may enter the room."))
    # One click would otherwise shut every member out of the Gliederung's own room.
    if visibility == Visibility.INVITE and is_main:
        raise RoomError(
            "invalid",
            _(
                "The main room stays open to the members. For a smaller circle, open a room "
                "with an invitation list."
            ),
        )
    # An empty list would shut out everyone but the Vorstand and moderation, unnoticed.
    if visibility == Visibility.INVITE and not invited:
        raise RoomError("invalid", _("Invite at least one member, or choose who may enter."))


def room_update(
    *,
    room: Room,
    by: User,
    name: str,
    topic: str,
    visibility: str,
    read_only: bool,
    invitees: list[User] | None = None,
) -> Room:
    if not can_moderate_room(by, room):
        raise _forbidden()
    invited = bool(invitees) if invitees is not None else room.invited.exists()
    _check_visibility(visibility, is_main=room.is_main, invited=invited)
    with transaction.atomic():
        before = {
            "name": room.name,
            "topic": room.topic,
            "visibility": room.visibility,
            "read_only": room.read_only,
        }
        room.name = room.name if room.is_main else _check_name(room.gliederung, name, room.pk)
        room.topic = (topic or "").strip()[:300]
        room.visibility = visibility
        room.read_only = read_only
        room.save(update_fields=["name", "topic", "visibility", "read_only"])
        details = {}
        if room.name != before["name"]:
            details["name"] = [before["name"], room.name]
        if room.topic != before["topic"]:
            details["topic"] = True
        if room.visibility != before["visibility"]:
            details["visibility"] = room.visibility
        if room.read_only != before["read_only"]:
            details["read_only"] = room.read_only
        if invitees is not None:
            invited_before = set(room.invited.values_list("pk", flat=True))
            wanted = {user.pk for user in invitees}
            RoomInvite.objects.filter(room=room, user_id__in=invited_before - wanted).delete()
            RoomInvite.objects.bulk_create(
                [RoomInvite(room=room, user_id=pk) for pk in wanted - invited_before],
                ignore_conflicts=True,
            )
            # Counts, not names: the log stays free of who was (un)invited.
            for key, changed in (
                ("invited", wanted - invited_before),
                ("uninvited", invited_before - wanted),
            ):
                if changed:
                    details[key] = len(changed)
        if details:
            ModerationLog.objects.create(
                room=room, actor=by, action=ModerationAction.SETTINGS, details=details
            )
        # Fewer people may read now: their sockets check again and close if so.
        transaction.on_commit(lambda: _group_send(room_group(room.pk), {"type": "access.check"}))
    return room


def room_archive(*, room: Room, by: User) -> Room:
    if not can_moderate_room(by, room):
        raise _forbidden()
    if room.is_main:
        raise RoomError("invalid", _("The main room of a Gliederung cannot be archived."))
    with transaction.atomic():
        room.archived_at = timezone.now()
        room.save(update_fields=["archived_at"])
        ModerationLog.objects.create(room=room, actor=by, action=ModerationAction.ARCHIVE)
        transaction.on_commit(lambda: _group_send(room_group(room.pk), {"type": "access.check"}))
    return room


def room_reopen(*, room: Room, by: User) -> Room:
    if not can_moderate_room(by, room):
        raise _forbidden()
    with transaction.atomic():
        room.archived_at = None
        room.save(update_fields=["archived_at"])
        ModerationLog.objects.create(room=room, actor=by, action=ModerationAction.REOPEN)
    return room


def _one_line(text: str) -> str:
    """A name or reason on one line: any line break or other whitespace becomes one space."""
    # str.split() also splits at \r, \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029, which some
    # editors show as a new line.
    return " ".join(text.split())


def _indented(text: str) -> list[str]:
    """A member's words, every line indented by two spaces.

    In the export, every line at the left margin is written by the export itself (a message's
    "Nr. 3 · …" line, its reply reference, a "hidden" or "deleted" notice), and every indented
    line is what a member wrote. So a member who types "Nr. 4 · 01.05.2026 · Vorstand" or
    "(von der Moderation ausgeblendet: …)" cannot make it look like a message or notice of its
    own: it stays indented under the real author. Plain text runs nothing, so this takes the
    place of the escaping the Markdown export needed.
    """
    # splitlines() breaks at every character an editor may treat as a line end, not only "\n".
    return [f"  {line}" if line.strip() else "" for line in text.splitlines()]


def room_export(*, room: Room, by: User) -> str:
    """The room's history as plain text for the Vorstand's minutes; the export is logged.

    Messages are numbered 1, 2, 3 … in the export's order (ids have gaps that make readers
    look for missing messages). A hidden message appears only as hidden, with its reason and
    without its words: it was mostly hidden for what it said (a private address, a health
    detail), and the minutes must not keep it.
    """
    from .selectors import export_messages

    if not by.has_perm("rooms.export_room", room):
        raise _forbidden()
    lines = [
        _one_line(f"{room.gliederung.name} · {room.name}"),
        _("Exported on %(date)s by %(user)s")
        % {
            "date": format_moment(timezone.now(), "day_datetime"),
            "user": _one_line(by.public_name),
        },
        "",
    ]
    # A reply is always written after its parent, and ids grow, so in this order a parent has
    # its number before its replies need it: one pass, and no query per message.
    numbers: dict[int, int] = {}
    for number, message in enumerate(export_messages(room=room), start=1):
        numbers[message.pk] = number
        when = format_moment(message.created_at, "numeric_datetime")
        author = _one_line(message.author.public_name) if message.author else _("deleted member")
        header = _("No. %(number)s · %(time)s · %(author)s") % {
            "number": number,
            "time": when,
            "author": author,
        }
        shows_text = not (message.deleted_at or message.hidden_at)
        if shows_text and message.edited_at:
            header += " " + _("(edited)")
        lines.append(header)
        if message.parent_id in numbers:
            lines.append(_("↳ Reply to No. %(number)s") % {"number": numbers[message.parent_id]})
        elif message.parent_id:
            lines.append(_("↳ Reply to a message that is not in this export"))
        if message.deleted_at:
            lines.append(_("(deleted by the author)"))
        elif message.hidden_at:
            lines.append(
                _("(hidden by a moderator: %(reason)s)")
                % {"reason": _one_line(message.hidden_reason)}
            )
        else:
            text = MENTION_PATTERN.sub(lambda match: "@" + match.group(1).strip(), message.text)
            lines.extend(_indented(text))
        lines.append("")
    ModerationLog.objects.create(room=room, actor=by, action=ModerationAction.EXPORT)
    audit_record(actor=by, action="rooms.export", target=room, count=len(numbers))
    return "\n".join(lines)


# --- Presence and access --------------------------------------------------------------------


# A conference start writes a thousand arrivals at once: as arrays, not a thousand model
# instances and a thousand parameters (a tenth of the process's time at the start).
_PRESENCE_JOIN_SQL = """
INSERT INTO {presence} (channel_name, room_id, user_id, last_seen)
SELECT joined.channel_name, joined.room_id, joined.user_id, %(now)s::timestamptz
FROM unnest(%(channels)s::text[], %(rooms)s::bigint[], %(users)s::bigint[])
    AS joined(channel_name, room_id, user_id)
ON CONFLICT DO NOTHING
"""
_PRESENCE_LEAVE_SQL = "DELETE FROM {presence} WHERE channel_name = ANY(%(channels)s::text[])"


def presence_write(*, joins: dict[str, tuple[int, int]], leaves: set[str]) -> None:
    """Many sockets' arrivals and departures in two statements."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Presence._meta.db_table)
        with connection.cursor() as cursor:
            if joins:
                cursor.execute(
                    _PRESENCE_JOIN_SQL.format(presence=table),  # nosec B608 - our table name
                    {
                        "now": now,
                        "channels": list(joins),
                        "rooms": [room_id for room_id, _user_id in joins.values()],
                        "users": [user_id for _room_id, user_id in joins.values()],
                    },
                )
            if leaves:
                cursor.execute(
                    _PRESENCE_LEAVE_SQL.format(presence=table),  # nosec B608 - our table name
                    {"channels": list(leaves)},
                )
        return
    if joins:
        Presence.objects.bulk_create(
            [
                Presence(room_id=room_id, user_id=user_id, channel_name=socket, last_seen=now)
                for socket, (room_id, user_id) in joins.items()
            ],
            ignore_conflicts=True,
        )
    if leaves:
        Presence.objects.filter(channel_name__in=leaves).delete()


def presence_touch(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def presence_purge(*, older_than: timedelta = timedelta(minutes=3)) -> int:
    deleted, _ = Presence.objects.filter(last_seen__lt=timezone.now() - older_than).delete()
    return deleted


def sockets_recheck_user(*, user_id: int) -> None:
    """Ask every open socket of the user to check its access again (membership ended)."""
    _group_send(CONTROL_GROUP, {"type": "access.check", "user": user_id})


def sockets_close_session(*, session_key: str) -> None:
    _group_send(CONTROL_GROUP, {"type": "session.ended", "session": session_tag(session_key)})


# --- Mention digests ------------------------------------------------------------------------


def mention_digests_send(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """One mail per member with the mentions they have not seen, instead of a mail per mention.

    A mention counts as seen when the member read past it or is in the room right now; members
    who turned mention mails off for a room get nothing for it.
    """
    now = timezone.now()
    pending = list(
        Mention.objects.filter(notified_at__isnull=True, message__created_at__lt=now - older_than)
        .select_related("user", "message", "message__author", "message__room__gliederung")
        .order_by("user_id", "message_id")
    )
    if not pending:
        return 0
    states = {
        (state.room_id, state.user_id): state
        for state in ReadState.objects.filter(
            user_id__in={m.user_id for m in pending},
            room_id__in={m.message.room_id for m in pending},
        )
    }
    present = set(
        Presence.objects.filter(last_seen__gte=now - timedelta(minutes=3)).values_list(
            "room_id", "user_id"
        )
    )
    by_user: dict[int, list[Mention]] = {}
    for mention in pending:
        message = mention.message
        state = states.get((message.room_id, mention.user_id))
        unseen = (
            message.deleted_at is None
            and message.hidden_at is None
            and (state is None or state.last_read_id < message.pk)
            and (message.room_id, mention.user_id) not in present
            and (state is None or state.mention_mails)
            and can_read_room(mention.user, message.room)
        )
        if unseen:
            by_user.setdefault(mention.user_id, []).append(mention)
    sent = 0
    with transaction.atomic():
        for mentions in by_user.values():
            user = mentions[0].user
            mail_enqueue(
                MailSpec(
                    key=f"rooms:digest:{user.pk}:{mentions[-1].pk}",
                    to=user.email,
                    template="rooms_mention_digest",
                    context={
                        "user": user,
                        "mentions": [
                            {
                                "room": m.message.room,
                                "author": m.message.author.public_name
                                if m.message.author
                                else _("deleted member"),
                                "preview": plain_text(m.message.text, 160),
                                "at": m.message.created_at,
                                "path": f"/raeume/{m.message.room_id}/#m-{m.message_id}",
                            }
                            for m in mentions
                        ],
                    },
                    purpose="rooms.mention_digest",
                )
            )
            sent += 1
        Mention.objects.filter(pk__in=[m.pk for m in pending]).update(notified_at=now)
    return sent
