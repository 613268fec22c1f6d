"""Conferences, their series, registrations, questions and feedback.

The dial-in data lives in its own table (``DialIn``): pages and feeds that anyone may see read
``Conference`` only, so a secret cannot slip into them through a template.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rotesnetz.members.models import Gliederung

from .enums import (
    Audience,
    ConferenceStatus,
    ContributorRole,
    DialInTiming,
    Format,
    Provider,
    QuestionStatus,
    RegistrationStatus,
)

QUESTION_MAX_LENGTH = 1000


class Series(models.Model):
    """A series of conferences, e.g. the dialogue tour of a lead candidate."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    gliederung = models.ForeignKey(
        Gliederung,
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="conference_series",
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("question moderators"),
        blank=True,
        related_name="moderated_conference_series",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conference series")
        verbose_name_plural = _("conference series")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Conference(models.Model):
    series = models.ForeignKey(
        Series,
        verbose_name=pgettext_lazy("conference", "series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conferences",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=120, unique=True)
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    gliederung = models.ForeignKey(
        Gliederung,
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.LANDESVERBAND
    )
    audience_gliederungen = models.ManyToManyField(
        Gliederung, verbose_name=_("Gliederungen invited"), blank=True, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    venue = models.TextField(_("venue"), blank=True, max_length=500)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.SCHEDULED,
    )
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True, max_length=1000)
    # RFC 5545 SEQUENCE: raised whenever registrants must update their calendar.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Change and cancellation mails went out up to this sequence (the rest is due).
    notified_sequence = models.PositiveIntegerField(default=0, editable=False)
    changed_at = models.DateTimeField(editable=False, null=True)

    dial_in_timing = models.CharField(
        _("send dial-in data"),
        max_length=10,
        choices=DialInTiming.choices,
        default=DialInTiming.MONDAY_BEFORE,
    )
    dial_in_days_before = models.PositiveSmallIntegerField(_("days before"), default=3)
    dial_in_custom_at = models.DateTimeField(_("send at"), null=True, blank=True)
    dial_in_send_at = models.DateTimeField(editable=False, null=True, db_index=True)
    dial_in_released_at = models.DateTimeField(editable=False, null=True)
    dial_in_enqueued_at = models.DateTimeField(editable=False, null=True)
    send_reminder = models.BooleanField(_("send a reminder an hour before"), default=True)
    reminder_sent_at = models.DateTimeField(editable=False, null=True)
    briefing_sent_at = models.DateTimeField(editable=False, null=True)

    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("question moderators"),
        blank=True,
        related_name="moderated_conferences",
    )
    recording_url = models.URLField(_("recording"), blank=True, max_length=500)
    summary = models.TextField(_("summary"), blank=True, max_length=10000)
    attendance_count = models.PositiveIntegerField(
        pgettext_lazy("conference", "attendance"), null=True, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="conference_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="conference_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(dial_in_days_before__lte=60), name="conference_days_before_range"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_online(self) -> bool:
        return self.format in (Format.WEB, Format.HYBRID)

    @property
    def has_venue(self) -> bool:
        return self.format in (Format.ZUKUNFT, Format.HYBRID)

    @property
    def is_cancelled(self) -> bool:
        return self.status == ConferenceStatus.CANCELLED

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def related_key(self) -> str:
        """The outbox's ``related`` value of every mail about this conference."""
        return f"konferenzen.conference:{self.pk}"


class DialIn(models.Model):
    """The secret part: only registrants (page and mail) and staff ever see it."""

    conference = models.OneToOneField(
        Conference, primary_key=True, on_delete=models.CASCADE, related_name="dial_in"
    )
    provider = models.CharField(
        _("video provider"), max_length=10, choices=Provider.choices, blank=True
    )
    join_url = models.URLField(_("join link"), max_length=500, blank=True)
    meeting_number = models.CharField(_("meeting number"), max_length=40, blank=True)
    password = models.CharField(_("meeting password"), max_length=64, blank=True)
    phone_numbers = models.TextField(_("phone dial-in numbers"), max_length=1000, blank=True)
    access_code = models.CharField(_("access code"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("dial-in data")
        verbose_name_plural = _("dial-in data")
        constraints = [
            models.CheckConstraint(
                condition=Q(join_url="") | Q(join_url__startswith="https://"),
                name="dialin_join_url_https",
            ),
        ]

    def __str__(self):
        return str(self.conference)

    @property
    def phone_lines(self) -> list[str]:
        return [line for line in self.phone_numbers.splitlines() if line.strip()]

    @property
    def is_empty(self) -> bool:
        return not (self.join_url or self.phone_numbers or self.meeting_number)

    def secrets(self) -> list[str]:
        """Every value that must never appear where outsiders look (used by tests and checks)."""
        values = [self.join_url, self.meeting_number, self.password, self.access_code]
        return [v for v in values + self.phone_lines if v]


class Contributor(models.Model):
    """An Inputgeber, a moderator or a host, of a series (all its conferences) or of one."""

    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="contributors"
    )
    conference = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.CASCADE, related_name="contributors"
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(
        _("role"), max_length=20, choices=ContributorRole.choices, default=ContributorRole.SPEAKER
    )
    description = models.CharField(_("about"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(series__isnull=False) & Q(conference__isnull=True))
                | (Q(series__isnull=True) & Q(conference__isnull=False)),
                name="contributor_series_or_conference",
            ),
        ]

    def __str__(self):
        return self.name


class Registration(models.Model):
    """A member (``user``) or a guest (``email``) registered for a conference."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conference_registrations",
    )
    email = models.EmailField(_("email address"), blank=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    # Guests reach their page with this; members sign in.
    token = models.CharField(max_length=64, unique=True)
    # Raised when someone registers again after cancelling (new confirmation mail).
    round = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=Q(user__isnull=False),
                name="registration_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["conference", "email"],
                condition=Q(user__isnull=True),
                name="registration_one_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="registration_has_recipient"
            ),
        ]
        indexes = [models.Index(fields=["conference", "status"], name="registration_status")]

    def __str__(self):
        return f"{self.display_name} – {self.conference}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def recipient(self) -> str:
        return self.user.email if self.user_id else self.email

    @property
    def display_name(self) -> str:
        return self.user.public_name if self.user_id else (self.name or self.email.split("@")[0])

    @property
    def is_active(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


class QuestionTopic(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(_("topic"), max_length=80)

    class Meta:
        verbose_name = _("question topic")
        verbose_name_plural = _("question topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="topic_unique_name"),
        ]

    def __str__(self):
        return self.name


class Question(models.Model):
    """A question or suggestion sent in ahead by a registrant."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="questions")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    topic = models.ForeignKey(
        QuestionTopic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    hidden = models.BooleanField(_("hidden"), default=False)
    support_count = models.PositiveIntegerField(_("support"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-support_count", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("text"), 1))
                & Q(LessThanOrEqual(Length("text"), QUESTION_MAX_LENGTH)),
                name="question_text_length",
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "hidden", "-support_count"], name="question_rank")
        ]

    def __str__(self):
        return self.text[:60]


class QuestionSupport(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="question_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "registration"], name="question_support_once"
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} → {self.question_id}"


class Feedback(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="feedback")
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_range"
            ),
        ]

    def __str__(self):
        return f"{self.conference}: {self.rating}"
