"""Issue 7, item 9: a room in Rotes Netz for each conference's registered members."""

import pytest
from django.urls import reverse

from konferenzen import services
from konferenzen.models import Registration
from rotesnetz.rooms.models import Room, RoomInvite
from rotesnetz.rooms.rules import can_read_room
from tests.support import konferenzen_factories as kf
from tests.support.factories import make_member, make_tree

pytestmark = pytest.mark.django_db


def test_registrants_get_the_conference_room_and_lose_it_when_they_cancel(
    client, django_capture_on_commit_callbacks
):
    tree = make_tree()
    conference = kf.make_conference(gliederung=tree["lv"])
    member = make_member(tree["ov"])
    outsider = make_member(tree["other_ov"])

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_register_member(conference_id=conference.pk, user=member)
    room = Room.objects.get(part_key=f"konferenz-{conference.pk}")
    client.force_login(member)
    page = client.get(reverse("konferenzen:detail", args=[conference.slug])).content.decode()

    assert can_read_room(member, room)
    assert not can_read_room(outsider, room)
    assert reverse("rooms:detail", args=[room.pk]) in page

    registration = Registration.objects.get(user=member, conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=registration.pk)
    assert not RoomInvite.objects.filter(room=room, user=member).exists()
    assert not can_read_room(member, room)
