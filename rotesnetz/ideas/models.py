"""Programmideen: programme processes, their chapters, members' ideas and what became of them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rotesnetz.members.models import Gliederung, GliederungKind

TITLE_MAX_LENGTH = 150
TEXT_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 5000


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("not started yet")
    COLLECT = "collect", _("collecting ideas")
    REVIEW = "review", _("under review by the programme commission")
    DECIDED = "decided", _("decided")


class Participation(models.TextChoices):
    LANDESVERBAND = "landesverband", _("All members of the Landesverband")
    CHOSEN = "chosen", _("Members of the chosen Gliederungen (and those below them)")


class ProgrammeProcess(models.Model):
    """A programme process of a Landesverband, e.g. "Regierungsprogramm Landtagswahl 2026".

    The phase follows from the dates: ideas are collected from ``collect_starts_at`` to
    ``collect_ends_at``, the commission reviews until ``review_ends_at``, then it is decided.
    """

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        on_delete=models.PROTECT,
        related_name="programme_processes",
        limit_choices_to={"kind": GliederungKind.LANDESVERBAND},
    )
    participation = models.CharField(
        _("who may take part"),
        max_length=20,
        choices=Participation.choices,
        default=Participation.LANDESVERBAND,
    )
    gliederungen = models.ManyToManyField(
        Gliederung,
        verbose_name=_("taking part"),
        related_name="+",
        blank=True,
        help_text=_("Only used when the chosen Gliederungen take part."),
    )
    allow_self_support = models.BooleanField(
        _("members may support their own ideas"), default=False
    )
    collect_starts_at = models.DateTimeField(_("collecting starts"))
    collect_ends_at = models.DateTimeField(_("collecting ends"))
    review_ends_at = models.DateTimeField(_("review ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme process")
        verbose_name_plural = _("programme processes")
        ordering = ["-collect_starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collect_starts_at__lt=F("collect_ends_at"))
                & Q(collect_ends_at__lte=F("review_ends_at")),
                name="programmeprocess_phases_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ideas:process", args=[self.slug])

    def phase_at(self, moment) -> str:
        if moment < self.collect_starts_at:
            return Phase.UPCOMING
        if moment < self.collect_ends_at:
            return Phase.COLLECT
        if moment < self.review_ends_at:
            return Phase.REVIEW
        return Phase.DECIDED

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return Phase(self.phase).label


class Chapter(models.Model):
    process = models.ForeignKey(ProgrammeProcess, on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField(_("title"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["process", "title"], name="chapter_unique_title"),
        ]

    def __str__(self):
        return self.title


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("idea status", "submitted")
    IN_REVIEW = "in_review", pgettext_lazy("idea status", "under review")
    ADOPTED = "adopted", pgettext_lazy("idea status", "adopted")
    PARTLY_ADOPTED = "partly_adopted", pgettext_lazy("idea status", "partly adopted")
    NOT_ADOPTED = "not_adopted", pgettext_lazy("idea status", "not adopted")


ADOPTED_STATUSES = {IdeaStatus.ADOPTED, IdeaStatus.PARTLY_ADOPTED}
DECIDED_STATUSES = ADOPTED_STATUSES | {IdeaStatus.NOT_ADOPTED}


class Idea(models.Model):
    process = models.ForeignKey(ProgrammeProcess, on_delete=models.CASCADE, related_name="ideas")
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="ideas"
    )
    # A deleted account leaves its ideas as "deleted member".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    # The submitter's Gliederung (or the one the idea speaks for, once its Vorstand agreed).
    gliederung = models.ForeignKey(
        Gliederung, verbose_name=_("Gliederung"), on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    html = models.TextField()
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    answer = models.TextField(_("answer of the programme commission"), blank=True)
    answer_html = models.TextField(blank=True)
    programme_chapter = models.CharField(_("chapter in the programme"), max_length=150, blank=True)
    programme_section = models.CharField(_("section in the programme"), max_length=150, blank=True)
    # Counted in the services under the row's lock, so lists sort without a join.
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
    )
    room = models.ForeignKey(
        "rooms.Room",
        verbose_name=_("discussion room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted on"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["process", "status"], name="idea_process_status"),
            models.Index(fields=["process", "-support_count"], name="idea_process_support"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="idea_title_not_empty"),
            models.CheckConstraint(condition=~Q(text=""), name="idea_text_not_empty"),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="idea_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ideas:idea", args=[self.process.slug, self.pk])

    @property
    def is_adopted(self) -> bool:
        return self.status in ADOPTED_STATUSES


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="support_once")]

    def __str__(self):
        return f"{self.user_id} → {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_not_empty")]

    def __str__(self):
        return f"#{self.pk} on {self.idea_id}"


class StatusChange(models.Model):
    """One step of an idea's way through the commission: the public history on its page."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    status_from = models.CharField(max_length=20, choices=IdeaStatus.choices)
    status_to = models.CharField(max_length=20, choices=IdeaStatus.choices)
    answer = models.TextField(blank=True)
    answer_html = models.TextField(blank=True)
    programme_chapter = models.CharField(max_length=150, blank=True)
    programme_section = models.CharField(max_length=150, blank=True)
    # Kept for the record; pages name "the programme commission", not the person.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.idea_id}: {self.status_from} → {self.status_to}"


class BehalfStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the Vorstand")
    CONFIRMED = "confirmed", _("confirmed by the Vorstand")
    DECLINED = "declined", _("declined by the Vorstand")


class BehalfRequest(models.Model):
    """A member asks to submit an idea in the name of their Ortsverein or AG; its Vorstand
    confirms or declines. Until then the idea stands in the member's own name."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="behalf")
    gliederung = models.ForeignKey(Gliederung, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BehalfStatus.choices, default=BehalfStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request to speak for a Gliederung")
        verbose_name_plural = _("requests to speak for a Gliederung")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.idea_id} for {self.gliederung_id} ({self.status})"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"


class ExportLog(models.Model):
    """Who exported which ideas when: the commission's exports hold members' names."""

    process = models.ForeignKey(
        ProgrammeProcess, on_delete=models.CASCADE, related_name="export_logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.format} of {self.process_id} by {self.user_id}"
