"""Role × room-type matrix for reading, writing and moderating (docs/roles.md)."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from rotesnetz.members.models import MembershipRole
from rotesnetz.rooms.models import Room, RoomInvite, Visibility
from rotesnetz.rooms.rules import room_with_verdict
from rotesnetz.rooms.selectors import room_for_reader, room_list
from tests.support.factories import make_member, make_staff, make_tree, make_user

R = MembershipRole
ROLES = [
    "anonymous",
    "outsider",
    "member",
    "member_below",
    "moderator",
    "vorstand",
    "vorstand_above",
    "invited",
    "staff",
    "admin",
]


def _people(tree):
    return {
        "anonymous": AnonymousUser(),
        "outsider": make_user(),
        "member": make_member(tree["ub"]),
        "member_below": make_member(tree["ov"]),
        "moderator": make_member(tree["ub"], R.MODERATION),
        "vorstand": make_member(tree["ub"], R.VORSTAND),
        "vorstand_above": make_member(tree["lv"], R.VORSTAND),
        "invited": make_user(),
        "staff": make_staff(landesverband=tree["lv"]),
        "admin": make_user(is_superuser=True),
    }


def _room(tree, visibility, people, read_only=False):
    room = Room.objects.create(
        gliederung=tree["ub"], name=f"Raum {visibility}", visibility=visibility, read_only=read_only
    )
    RoomInvite.objects.create(room=room, user=people["invited"])
    return room


MODERATORS = {"moderator", "vorstand", "vorstand_above", "admin"}
READERS = {
    Visibility.MEMBERS: MODERATORS | {"member"},
    Visibility.SUBTREE: MODERATORS | {"member", "member_below"},
    Visibility.INVITE: MODERATORS | {"invited"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(Visibility.values))
@pytest.mark.parametrize("role", ROLES)
def test_reading_and_writing_follow_the_visibility(role, visibility):
    tree = make_tree()
    people = _people(tree)
    room = _room(tree, visibility, people)
    person = people[role]

    expected = role in READERS[visibility]

    assert rules.has_perm("rooms.read_room", person, room) == expected
    assert rules.has_perm("rooms.post_message", person, room) == expected
    assert rules.has_perm("rooms.moderate_room", person, room) == (role in MODERATORS)
    # Every other statement of the read rule says the same: the socket's one-query check,
    # the room page's lookup and the room list's filter.
    fetched, may_read = room_with_verdict(person, room.pk)
    if role == "anonymous":
        assert (fetched, may_read) == (None, False)
        return
    assert may_read == expected
    assert fetched == room and fetched.gliederung == tree["ub"]
    # The moderation verdict that comes with it agrees with members.rules.is_moderator_of.
    assert rules.has_perm("rooms.moderate_room", person, fetched) == (role in MODERATORS)
    assert (room_for_reader(user=person, pk=room.pk) == room) == expected
    assert (room in room_list(user=person)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_announcement_rooms_are_written_by_moderators_only(role):
    tree = make_tree()
    people = _people(tree)
    room = _room(tree, Visibility.MEMBERS, people, read_only=True)

    assert rules.has_perm("rooms.post_message", people[role], room) == (role in MODERATORS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_archived_rooms_take_no_messages(role):
    from django.utils import timezone

    tree = make_tree()
    people = _people(tree)
    room = _room(tree, Visibility.SUBTREE, people)
    room.archived_at = timezone.now()
    room.save()

    assert not rules.has_perm("rooms.post_message", people[role], room)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_opening_rooms_needs_vorstand_or_moderation(role):
    tree = make_tree()
    person = _people(tree)[role]

    assert rules.has_perm("rooms.create_room", person, tree["ub"]) == (role in MODERATORS)


@pytest.mark.django_db
def test_the_one_query_room_reads_like_the_orm():
    """Field values (dates, booleans) come back converted as the ORM converts them."""
    from django.utils import timezone

    tree = make_tree()
    vorstand = make_member(tree["ub"], R.VORSTAND)
    room = Room.objects.create(
        gliederung=tree["ub"], name="Ankündigungen", read_only=True, archived_at=timezone.now()
    )
    expected = Room.objects.select_related("gliederung").get(pk=room.pk)

    fetched, may_read = room_with_verdict(vorstand, room.pk)

    assert may_read
    for field in Room._meta.concrete_fields:
        assert getattr(fetched, field.attname) == getattr(expected, field.attname), field.name
    assert fetched.read_only is True
    assert fetched.archived_at == expected.archived_at
    assert fetched.gliederung.path == expected.gliederung.path
    assert room_with_verdict(vorstand, room.pk + 1000) == (None, False)
