"""Who may read, write and moderate in rooms. Checked on every request and every command."""

import rules

from rotesnetz.members.models import Gliederung, Membership
from rotesnetz.members.rules import is_member_of, is_moderator_of

from .models import Room, RoomInvite, Visibility


@rules.predicate
def can_moderate_room(user, room: Room) -> bool:
    if not user.is_authenticated or room is None:
        return False
    return user.is_superuser or is_moderator_of(user, room.gliederung)


@rules.predicate
def can_read_room(user, room: Room) -> bool:
    if not user.is_authenticated or room is None:
        return False
    if can_moderate_room(user, room):
        return True
    if room.visibility == Visibility.MEMBERS:
        return is_member_of(user, room.gliederung)
    if room.visibility == Visibility.SUBTREE:
        return Membership.objects.filter(
            user=user, gliederung__path__startswith=room.gliederung.path
        ).exists()
    return RoomInvite.objects.filter(room=room, user=user).exists()


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
