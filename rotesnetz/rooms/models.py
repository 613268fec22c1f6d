"""Räume: digital rooms of Gliederungen and AGs, their messages, reactions and read state."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rotesnetz.members.models import Gliederung

MESSAGE_MAX_LENGTH = 4000
REACTIONS = ["👍", "❤️", "😂", "😮", "🙏", "✊"]


class Visibility(models.TextChoices):
    MEMBERS = "members", _("Members of the Gliederung")
    SUBTREE = "subtree", _("Members of the Gliederung and of those below it")
    INVITE = "invite", _("Only invited members")


class Room(models.Model):
    gliederung = models.ForeignKey(
        Gliederung, verbose_name=_("Gliederung"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    is_main = models.BooleanField(_("main room"), default=False, editable=False)
    visibility = models.CharField(
        _("who may enter"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    read_only = models.BooleanField(
        _("announcements only"),
        default=False,
        help_text=_("Only moderators can write; everyone else reads."),
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    last_message_id = models.BigIntegerField(default=0, editable=False)
    # Moves with every change of the room's existing messages (edits, deletions, reactions,
    # moderation, erasure); with last_message_id it keys the shared message list. In the row,
    # so that a page reads it with the room instead of asking Redis for it.
    page_version = models.BigIntegerField(default=0, editable=False)
    # Set when a part keeps this room for its own people (e.g. "konferenz-12").
    part_key = models.CharField(max_length=60, blank=True, editable=False)
    # Languages besides LANGUAGE_CODE that live sockets in this room have used ("en"): a new
    # message's frames are rendered in these only (render.frames), not in every language.
    socket_languages = models.CharField(max_length=60, blank=True, default="", editable=False)
    invited = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="RoomInvite",
        related_name="room_invitations",
        blank=True,
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["gliederung__path", "-is_main", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gliederung"], condition=Q(is_main=True), name="room_one_main_room"
            ),
            models.UniqueConstraint(fields=["gliederung", "name"], name="room_unique_name"),
            models.UniqueConstraint(
                fields=["part_key"], condition=~Q(part_key=""), name="room_unique_part_key"
            ),
        ]

    def __str__(self):
        return f"{self.gliederung} · {self.name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class RoomInvite(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_invites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="invite_unique")]

    def __str__(self):
        return f"{self.user_id} → {self.room_id}"


class Message(models.Model):
    """A message; stored before it is broadcast. ``id`` orders a room's history."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    # A deleted account leaves its messages as "gelöschtes Mitglied".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="messages"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    client_id = models.CharField(max_length=64, blank=True)
    text = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    # Any change a reconnecting client must learn about (edit, delete, hide, pin, reaction).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["room", "id"], name="message_room_id"),
            models.Index(fields=["room", "updated_at"], name="message_room_updated"),
            # The rate limit counts a member's messages of the last seconds (services.py).
            models.Index(fields=["author", "created_at"], name="message_author_created"),
        ]
        constraints = [
            # A client retrying a send after a dropped connection never creates a second copy.
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="message_unique_client_id",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="message_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} in {self.room_id}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "emoji"], name="reaction_unique"),
        ]

    def __str__(self):
        return f"{self.emoji} on {self.message_id}"


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_unique"),
        ]
        indexes = [models.Index(fields=["notified_at", "user"], name="mention_pending")]

    def __str__(self):
        return f"@{self.user_id} in {self.message_id}"


class ReadState(models.Model):
    """How far a member has read in a room, and whether mentions there may be mailed."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_read_states"
    )
    last_read_id = models.BigIntegerField(default=0)
    mention_mails = models.BooleanField(_("email me about mentions"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="readstate_unique")]

    def __str__(self):
        return f"{self.user_id} read {self.room_id} to {self.last_read_id}"


class Presence(models.Model):
    """One open socket of a member in a room; refreshed by a heartbeat, purged when stale."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["room", "last_seen"], name="presence_room_seen")]

    def __str__(self):
        return f"{self.user_id} in {self.room_id}"


class ModerationAction(models.TextChoices):
    CREATE = "create", _("room opened")
    HIDE = "hide", _("hidden")
    UNHIDE = "unhide", _("shown again")
    PIN = "pin", _("pinned")
    UNPIN = "unpin", _("unpinned")
    ARCHIVE = "archive", _("room archived")
    REOPEN = "reopen", _("room reopened")
    SETTINGS = "settings", _("settings changed")
    EXPORT = "export", _("history exported")


class ModerationLog(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="moderation_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    # What a settings change changed (services.room_update): codes and counts, no names, so
    # the log holds nobody's personal data; ``changes()`` words it in the reader's language.
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.action} in {self.room_id}"

    def changes(self) -> list[str]:
        details = self.details or {}
        lines = []
        if "name" in details:
            lines.append(
                _("Name: “%(old)s” → “%(new)s”")
                % {"old": details["name"][0], "new": details["name"][1]}
            )
        if details.get("topic"):
            lines.append(_("Topic changed"))
        if "visibility" in details:
            label = dict(Visibility.choices).get(details["visibility"], details["visibility"])
            lines.append(_("Who may enter: %(who)s") % {"who": label})
        if "read_only" in details:
            lines.append(
                _("Announcements only: on")
                if details["read_only"]
                else _("Announcements only: off")
            )
        if count := details.get("invited"):
            lines.append(
                ngettext("%(count)d member invited", "%(count)d members invited", count)
                % {"count": count}
            )
        if count := details.get("uninvited"):
            lines.append(
                ngettext("%(count)d invitation withdrawn", "%(count)d invitations withdrawn", count)
                % {"count": count}
            )
        return lines
