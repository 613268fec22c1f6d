"""What rooms hand to the privacy registry.

Export: the person's own messages, reactions, read markers, invitations, mentions of them (which
message, not its text: that is someone else's) and the rooms they opened. Erasure: the person's
messages stay as "deleted member" (the conversation must stay readable), the person's names and
addresses are replaced in every text of every room, and everything else of theirs goes.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rotesnetz.markup import render_markdown
from rotesnetz.privacy.coded import coded

from .models import Mention, Message, ModerationLog, Presence, Reaction, ReadState, Room, RoomInvite


def _room_label(room) -> str:
    return f"{room.gliederung.name} · {room.name}"


def export_rooms(user) -> dict:
    messages = Message.objects.filter(author=user).select_related("room", "room__gliederung")
    return {
        "messages": [
            {
                "id": m.pk,
                "room": _room_label(m.room),
                "reply_to": m.parent_id,
                "text": m.text,
                "created_at": m.created_at,
                "edited_at": m.edited_at,
                "deleted_at": m.deleted_at,
                "hidden_at": m.hidden_at,
                "hidden_reason": m.hidden_reason,
                "pinned_at": m.pinned_at,
            }
            for m in messages.order_by("id")
        ],
        "reactions": [
            {"message": r.message_id, "room": _room_label(r.message.room), "emoji": r.emoji}
            for r in Reaction.objects.filter(user=user).select_related("message__room__gliederung")
        ],
        "read_states": [
            {
                "room": _room_label(s.room),
                "last_read_message": s.last_read_id,
                "mention_mails": s.mention_mails,
            }
            for s in ReadState.objects.filter(user=user).select_related("room__gliederung")
        ],
        "invitations": [
            {"room": _room_label(i.room), "since": i.created_at}
            for i in RoomInvite.objects.filter(user=user).select_related("room__gliederung")
        ],
        "mentions_of_you": [
            {
                "message": m.message_id,
                "room": _room_label(m.message.room),
                "at": m.message.created_at,
                "mailed_at": m.notified_at,
            }
            for m in Mention.objects.filter(user=user).select_related("message__room__gliederung")
        ],
        "rooms_opened": [
            {"room": _room_label(room), "created_at": room.created_at}
            for room in Room.objects.filter(created_by=user).select_related("gliederung")
        ],
        "moderation_actions": [
            {
                "room": _room_label(entry.room),
                "action": coded(entry, "action"),
                "at": entry.created_at,
            }
            for entry in ModerationLog.objects.filter(actor=user).select_related("room__gliederung")
        ],
        "online_now": [
            {"room": _room_label(p.room), "last_seen": p.last_seen}
            for p in Presence.objects.filter(user=user).select_related("room__gliederung")
        ],
    }


def erase_rooms(user) -> None:
    from rotesnetz.privacy.services import identity_of, rows_naming, scrub_rows

    from .services import message_broadcast_update, room_pages_forget

    identity = identity_of(user)
    Mention.objects.filter(user=user).delete()
    Reaction.objects.filter(user=user).delete()
    ReadState.objects.filter(user=user).delete()
    RoomInvite.objects.filter(user=user).delete()
    Presence.objects.filter(user=user).delete()
    # Own messages: a retry key is no longer needed; the words stay, the person goes.
    Message.objects.filter(author=user).exclude(client_id="").update(client_id="")
    changed = list(
        rows_naming(Message.objects.all(), identity, ["text"]).values_list("pk", flat=True)
    )
    for message in Message.objects.filter(pk__in=changed).prefetch_related("mentions__user"):
        text = identity.scrub(message.text)
        names = {
            m.user.display_name
            for m in message.mentions.all()
            if m.user_id != user.pk and m.user.display_name
        }
        Message.objects.filter(pk=message.pk).update(
            text=text, html=render_markdown(text, mentions=names)
        )
    scrub_rows(Message.objects.all(), identity, ["hidden_reason"])
    scrub_rows(ModerationLog.objects.all(), identity, ["reason"])
    affected = set(changed) | set(Message.objects.filter(author=user).values_list("pk", flat=True))

    rooms = set(Message.objects.filter(pk__in=affected).values_list("room_id", flat=True))

    def broadcast():
        # Cached pages and open rooms learn the new text and "deleted member" after commit.
        room_pages_forget(room_ids=rooms)
        for pk in sorted(affected):
            message_broadcast_update(message_id=pk)

    transaction.on_commit(broadcast)


def retain_rooms(now) -> dict[str, int]:
    """Former members past the period lose invitations, read markers and mentions; presence
    rows of sockets that stopped answering go too.

    A presence row is an open socket's bookkeeping (which room, when last heard from). While
    it is stored it is the person's data and in the export; a socket that closed without
    saying goodbye (a crash, a restart) leaves a row that ``rooms.purge_presence`` removes
    within minutes where Celery beat runs. The retention run removes it as well, so no stale
    row outlives the next run even where that task does not run.
    """
    from rotesnetz.privacy.models import FormerMember

    from .selectors import ONLINE_WINDOW

    cutoff = now - timedelta(days=settings.PRIVACY_FORMER_MEMBER_DAYS)
    due = FormerMember.objects.filter(since__lt=cutoff, reduced_at__isnull=True).values("user_id")
    invites, _rows = RoomInvite.objects.filter(user_id__in=due).delete()
    states, _rows = ReadState.objects.filter(user_id__in=due).delete()
    mentions, _rows = Mention.objects.filter(user_id__in=due).delete()
    stale, _rows = Presence.objects.filter(last_seen__lt=now - ONLINE_WINDOW).delete()
    return {"former_member_rows": invites + states + mentions, "stale_presence": stale}


def register() -> None:
    from rotesnetz.privacy import registry

    registry.register(
        "rooms",
        label=_("Rooms: your messages, reactions and read markers"),
        export=export_rooms,
        erase=erase_rooms,
        retain=retain_rooms,
        order=70,
        audit_actions={"rooms.export": _("Room history exported")},
        mail_purposes={"rooms.mention_digest": _("Mentions in rooms")},
        named_targets={"rooms.room"},
    )
