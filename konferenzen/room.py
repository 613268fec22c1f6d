"""A room in Rotes Netz for each conference's registered members: before, during and after.

The part hands this over to the core's rooms: it keeps the invitation list in step with the
registrations (the core never imports this app).
"""

from django.db import transaction

from rotesnetz.rooms import services as rooms

from .models import Conference


def conference_room(conference: Conference):
    return rooms.room_ensure_for_part(
        gliederung=conference.gliederung,
        key=f"konferenz-{conference.pk}",
        name=conference.title,
        topic=conference.topic or conference.title,
    )


def registration_changed(sender, conference_id, registration_id, user_id, active, **kwargs):
    if not user_id:
        return  # guests have no account and take part without a room
    with transaction.atomic():
        conference = Conference.objects.select_related("gliederung").get(pk=conference_id)
        rooms.room_invite_set(room=conference_room(conference), user_id=user_id, invited=active)
