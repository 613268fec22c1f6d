"""Who may read, write and moderate in rooms. Checked on every request and every command."""

from contextlib import contextmanager
from contextvars import ContextVar

import rules
from django.db.models import Q

from rotesnetz.members.models import Gliederung, Membership, MembershipRole
from rotesnetz.members.rules import is_moderator_of

from .models import Room, RoomInvite, Visibility


@rules.predicate
def can_moderate_room(user, room: Room) -> bool:
    if not user.is_authenticated or room is None:
        return False
    return user.is_superuser or is_moderator_of(user, room.gliederung)


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


def _can_read_room(user, room: Room) -> bool:
    gliederung = room.gliederung
    # One query answers "moderator here, Vorstand above, or member (here / below)".
    reach = Q(gliederung_id__in=gliederung.ancestor_ids, role=MembershipRole.VORSTAND) | Q(
        gliederung=gliederung, role=MembershipRole.MODERATION
    )
    if room.visibility == Visibility.MEMBERS:
        reach |= Q(gliederung=gliederung)
    elif room.visibility == Visibility.SUBTREE:
        reach |= Q(gliederung__path__startswith=gliederung.path)
    if Membership.objects.filter(reach, user=user).exists():
        return True
    return (
        room.visibility == Visibility.INVITE
        and RoomInvite.objects.filter(room=room, user=user).exists()
    )


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
