"""Choices of the conference app (a leaf module: imports nothing of ours)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Format(models.TextChoices):
    ZUKUNFT = "zukunft", _("Zukunftskonferenz (at a venue)")
    WEB = "web", _("Webkonferenz (online)")
    HYBRID = "hybrid", _("Hybrid (venue and online)")


class Provider(models.TextChoices):
    NONE = "", _("No video conference")
    WEBEX = "webex", "Webex"
    ZOOM = "zoom", "Zoom"
    JITSI = "jitsi", "Jitsi"
    BBB = "bbb", "BigBlueButton"
    OTHER = "other", pgettext_lazy("video provider", "Other")


class Audience(models.TextChoices):
    LANDESVERBAND = "landesverband", _("Members of the organising Landesverband")
    GLIEDERUNGEN = "gliederungen", _("Members of chosen Gliederungen")
    PUBLIC = "public", _("Public: members and guests")


# Short words get a context: the project's and earlier apps' catalogues win on equal msgids.
class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    CANCELLED = "cancelled", pgettext_lazy("conference", "cancelled")


class DialInTiming(models.TextChoices):
    MONDAY_BEFORE = "monday", _("The Monday before, 9:00")
    DAYS_BEFORE = "days", _("A number of days before, 9:00")
    CUSTOM = "custom", _("At a time I choose")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for email confirmation")
    CONFIRMED = "confirmed", _("registered")
    CANCELLED = "cancelled", pgettext_lazy("registration", "cancelled")


class QuestionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("question", "open")
    ANSWERED = "answered", _("answered")


class ContributorRole(models.TextChoices):
    SPEAKER = "speaker", _("Inputgeber")
    MODERATION = "moderation", pgettext_lazy("person", "Moderation")
    HOST = "host", _("Host")


# Mail purposes in the outbox (also the prefix of their keys).
class MailPurpose(models.TextChoices):
    GUEST_CONFIRM = "konferenzen.guest_confirm", _("Guest: confirm email")
    REGISTERED = "konferenzen.registered", _("Registration confirmed")
    DIAL_IN = "konferenzen.dial_in", _("Dial-in data")
    CHANGED = "konferenzen.changed", _("Change")
    CANCELLED = "konferenzen.cancelled", _("Cancellation")
    REMINDER = "konferenzen.reminder", _("Reminder")
    BRIEFING = "konferenzen.briefing", _("Briefing")
