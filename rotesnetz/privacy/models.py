"""Privacy records of the platform: the audit trail, own-data archives, consent, legal pages."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rotesnetz.dates import format_moment


class AuditEntry(models.Model):
    """Who saw or exported whose personal data, when, and with which filter (§ 22 BDSG).

    Written only through ``services.audit_record``; the admin shows it read-only. The entry
    names the actor by account; when an account is deleted the entries keep the action and
    lose the person (``actor`` becomes empty).
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "created_at"], name="audit_actor"),
        ]

    def __str__(self):
        return f"{format_moment(self.created_at, 'numeric_datetime')} {self.action}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class DataExport(models.Model):
    """An archive of everything the platform holds about one person, for a limited time.

    The file lies in the private storage (``PRIVACY_EXPORT_ROOT``), never under a public URL;
    only its owner downloads it through an authenticated view.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready since"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at"]

    def __str__(self):
        # Berlin time and the status's label: the audit trail shows this to people.
        when = format_moment(self.created_at, "numeric_datetime")
        return f"{self.user_id} {when} ({self.get_status_display()})"

    def is_available(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == ExportStatus.READY
            and self.expires_at is not None
            and self.expires_at > now
        )


class FormerMember(models.Model):
    """A person whose last membership ended; reduced to the minimum after a while."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateTimeField(_("no membership since"))
    reduced_at = models.DateTimeField(_("reduced on"), null=True, blank=True)

    class Meta:
        verbose_name = _("former member")
        verbose_name_plural = _("former members")

    def __str__(self):
        return f"#{self.user_id} since {self.since:%Y-%m-%d}"


class ConsentText(models.Model):
    """One version of a consent's wording. A changed wording is a new version, never an edit."""

    kind = models.SlugField(_("consent"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    text_de = models.TextField(_("wording (German)"), max_length=2000)
    text_en = models.TextField(_("wording (English)"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("valid since"), default=timezone.now)

    class Meta:
        verbose_name = _("consent wording")
        verbose_name_plural = _("consent wordings")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_text_version"),
        ]

    def __str__(self):
        return f"{self.kind} v{self.version}"

    def text_for(self, language: str) -> str:
        if language.startswith("en") and self.text_en:
            return self.text_en
        return self.text_de


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("given")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ConsentRecord(models.Model):
    """That a person consented (or withdrew) to a given wording, and when.

    People without an account (citizens writing to an office) are named only by a reference to
    the row their consent belongs to (e.g. ``quartier.contactrequest:12``); the record goes
    with that row.
    """

    text = models.ForeignKey(
        ConsentText, verbose_name=_("wording"), on_delete=models.PROTECT, related_name="records"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    reference = models.CharField(_("given for"), max_length=100, blank=True, db_index=True)
    action = models.CharField(
        _("action"), max_length=10, choices=ConsentAction.choices, default=ConsentAction.GIVEN
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(reference=""),
                name="consent_record_has_subject",
            ),
        ]

    def __str__(self):
        return f"{self.text} {self.action} {format_moment(self.at, 'numeric_date')}"


class LegalPageKind(models.TextChoices):
    PRIVACY = "privacy", _("Privacy notice")
    IMPRINT = "imprint", _("Imprint")


class LegalPage(models.Model):
    """The privacy notice and the imprint, one row per language, edited by admins."""

    kind = models.CharField(_("page"), max_length=20, choices=LegalPageKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(
        _("text"), max_length=50000, help_text=_("Markdown: headings (##), lists, links.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="legal_page_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language})"
