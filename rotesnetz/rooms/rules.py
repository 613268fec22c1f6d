"""Who may read, write and moderate in rooms. Checked on every request and every command."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

import rules
from django.db import connection

from rotesnetz import sqlrows
from rotesnetz.members.models import Gliederung, Membership, MembershipRole
from rotesnetz.members.rules import is_moderator_of

from .models import Room, RoomInvite, Visibility


@rules.predicate
def can_moderate_room(user, room: Room) -> bool:
    if not user.is_authenticated or room is None:
        return False
    if user.is_superuser:
        return True
    # Read with the room by room_with_verdict (the room page asks for both).
    known = getattr(room, "_moderation_verdict", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    return is_moderator_of(user, room.gliederung)


# A socket command checks access and then calls a service that checks it again: within one
# such unit the answer is computed once.
_read_verdicts: ContextVar[dict | None] = ContextVar("rooms_read_verdicts", default=None)


@contextmanager
def read_verdicts_shared():
    token = _read_verdicts.set({})
    try:
        yield
    finally:
        _read_verdicts.reset(token)


@rules.predicate
def can_read_room(user, room: Room) -> bool:
    if not user.is_authenticated or room is None:
        return False
    if user.is_superuser:
        return True
    verdicts = _read_verdicts.get()
    if verdicts is None:
        return _can_read_room(user, room)
    key = (user.pk, room.pk, room.visibility, room.gliederung_id)
    if key not in verdicts:
        verdicts[key] = _can_read_room(user, room)
    return verdicts[key]


# "May read" as one SQL condition on a room ``r`` and its Gliederung ``g``: Vorstand here or
# above, moderator here, a member here (rooms for the Gliederung's members) or here or below
# (rooms for the subtree), or invited (invitation-only rooms). A socket checks it on every
# command, so it is one statement instead of the ORM's three; the room list's filter
# (selectors.readable_rooms_filter) states the same rule as a Q, and tests hold them together.
# Paths look like "/1/4/9/" (digits and slashes): no LIKE wildcards in them.
_MAY_READ = """(
    EXISTS (
        SELECT 1 FROM {membership} m JOIN {gliederung} mg ON mg.id = m.gliederung_id
        WHERE m.user_id = %(user)s AND (
            (m.role = %(vorstand)s AND g.path LIKE mg.path || '%%')
            OR (m.gliederung_id = r.gliederung_id
                AND (m.role = %(moderation)s OR r.visibility = %(members)s))
            OR (r.visibility = %(subtree)s AND mg.path LIKE g.path || '%%')
        )
    )
    OR (r.visibility = %(invite)s AND EXISTS (
        SELECT 1 FROM {invite} i WHERE i.room_id = r.id AND i.user_id = %(user)s
    ))
)"""


# members.rules.is_moderator_of as SQL on the room's Gliederung ``g``: moderation here, or
# Vorstand here or above.
_MAY_MODERATE = """EXISTS (
    SELECT 1 FROM {membership} m JOIN {gliederung} mg ON mg.id = m.gliederung_id
    WHERE m.user_id = %(user)s AND (
        (m.role = %(vorstand)s AND g.path LIKE mg.path || '%%')
        OR (m.role = %(moderation)s AND m.gliederung_id = r.gliederung_id)
    )
)"""


@cache
def may_read_condition() -> str:
    """The read rule as SQL on a room ``r`` joined with its Gliederung ``g``; its parameters
    come from ``reader_params``. The post statement (services.py) checks it too."""
    quote = connection.ops.quote_name
    return _MAY_READ.format(
        membership=quote(Membership._meta.db_table),
        gliederung=quote(Gliederung._meta.db_table),
        invite=quote(RoomInvite._meta.db_table),
    )


@cache
def _reader_sql(with_room: bool) -> str:
    quote = connection.ops.quote_name
    verdict = may_read_condition()
    if with_room:
        may_moderate = _MAY_MODERATE.format(
            membership=quote(Membership._meta.db_table), gliederung=quote(Gliederung._meta.db_table)
        )
        verdict = (
            f"{sqlrows.columns(Room, 'r')}, {sqlrows.columns(Gliederung, 'g')}, "
            f"{may_moderate}, {verdict}"
        )
    # Only our own quoted table and column names are put in; every value is a bound parameter.
    room = quote(Room._meta.db_table)
    gliederung = quote(Gliederung._meta.db_table)
    return (
        f"SELECT {verdict} FROM {room} r "  # noqa: S608  # nosec B608
        f"JOIN {gliederung} g ON g.id = r.gliederung_id WHERE r.id = %(room)s"
    )


def reader_params(user, room_id: int) -> dict:
    return {
        "user": user.pk,
        "room": room_id,
        "vorstand": MembershipRole.VORSTAND,
        "moderation": MembershipRole.MODERATION,
        "members": Visibility.MEMBERS,
        "subtree": Visibility.SUBTREE,
        "invite": Visibility.INVITE,
    }


def _can_read_room(user, room: Room) -> bool:
    with sqlrows.prepared_cursor() as cursor:
        cursor.execute(_reader_sql(False), reader_params(user, room.pk))
        row = cursor.fetchone()
    return bool(row and row[0])


def room_with_verdict(user, room_id: int) -> tuple[Room | None, bool]:
    """The room (with its Gliederung) and whether ``user`` may read it, in one query; whether
    the user moderates it comes along for can_moderate_room."""
    if not user.is_authenticated:
        return None, False
    with sqlrows.prepared_cursor() as cursor:
        cursor.execute(_reader_sql(True), reader_params(user, room_id))
        row = cursor.fetchone()
    if row is None:
        return None, False
    split = sqlrows.width(Room)
    room = sqlrows.instance(Room, row[:split])
    gliederung = sqlrows.instance(Gliederung, row[split : split + sqlrows.width(Gliederung)])
    Room._meta.get_field("gliederung").set_cached_value(room, gliederung)
    room._moderation_verdict = (user.pk, bool(row[-2]))
    verdict = user.is_superuser or bool(row[-1])
    verdicts = _read_verdicts.get()
    if verdicts is not None:
        verdicts[(user.pk, room.pk, room.visibility, room.gliederung_id)] = verdict
    return room, verdict


@rules.predicate
def is_open(user, room: Room) -> bool:
    return room is not None and room.archived_at is None


@rules.predicate
def is_writable(user, room: Room) -> bool:
    return room is not None and not room.read_only


@rules.predicate
def can_lead_rooms_of(user, gliederung: Gliederung) -> bool:
    """Vorstand (here or above) and moderators open, archive and configure rooms."""
    if not user.is_authenticated or gliederung is None:
        return False
    return user.is_superuser or is_moderator_of(user, gliederung)


can_post = can_read_room & is_open & (is_writable | can_moderate_room)

rules.add_perm("rooms.read_room", can_read_room)
rules.add_perm("rooms.post_message", can_post)
rules.add_perm("rooms.moderate_room", can_moderate_room)
rules.add_perm("rooms.create_room", can_lead_rooms_of)
rules.add_perm("rooms.export_room", can_moderate_room)
