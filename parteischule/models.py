"""Courses, their sessions, enrolments, attendance, certificates, learning paths, feedback and
the voluntary diversity declarations. Business logic lives in ``services.py``; these models keep
the invariants the database can keep (capacity > 0, one active enrolment per person, ...).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rotesnetz.members.models import Gliederung, GliederungKind, Regionalzentrum

from .enums import (
    AgeBand,
    ConsentAction,
    CourseFormat,
    EnrolmentStatus,
    Gender,
    GoalDimension,
    ReservedGroup,
)


class Category(models.Model):
    """Persönlichkeitsentwicklung, Projektmanagement, Digitale Kompetenz, Rotes-Netz-Schulung..."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="courses"
    )
    description = models.TextField(
        _("description"), max_length=10000, help_text=_("Markdown: **bold**, *italics*, lists.")
    )
    target_group = models.CharField(
        _("target group"),
        max_length=300,
        blank=True,
        help_text=_("Who the course is for, e.g. new members, Vorstände, everyone."),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=CourseFormat.choices, default=CourseFormat.PRAESENZ
    )
    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        on_delete=models.PROTECT,
        related_name="courses",
        limit_choices_to={"kind": GliederungKind.LANDESVERBAND},
    )
    regionalzentrum = models.ForeignKey(
        Regionalzentrum,
        verbose_name=_("Regionalzentrum"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Address or venue of the sessions.")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        related_name="trained_courses",
        blank=True,
    )
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        related_name="required_for",
        blank=True,
        help_text=_("Courses a participant must have completed before enrolling."),
    )
    capacity = models.PositiveIntegerField(_("seats"))
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"))
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"))
    cancellation_deadline = models.DateTimeField(
        _("cancel until"),
        null=True,
        blank=True,
        help_text=_("Empty: participants can cancel until the first session starts."),
    )
    reserved_seats = models.PositiveIntegerField(_("reserved seats"), default=0)
    reserved_for = models.CharField(
        _("seats reserved for"), max_length=20, choices=ReservedGroup.choices, blank=True
    )
    reserved_until = models.DateTimeField(
        _("reserved until"),
        null=True,
        blank=True,
        help_text=_("After this moment reserved seats that are still free go to everyone."),
    )
    reserved_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    # Kept by the session services so that lists sort and filter without aggregating.
    first_session_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    last_session_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["first_session_at", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
            models.CheckConstraint(
                condition=Q(reserved_seats__lte=models.F("capacity")),
                name="course_reserved_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(reserved_seats=0)
                | (~Q(reserved_for="") & Q(reserved_until__isnull=False)),
                name="course_reserved_needs_group_and_date",
            ),
            models.CheckConstraint(
                condition=Q(enrolment_closes_at__gt=models.F("enrolment_opens_at")),
                name="course_enrolment_window_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def effective_cancellation_deadline(self):
        return self.cancellation_deadline or self.first_session_at

    def reservation_active(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.reserved_seats > 0
            and self.reserved_released_at is None
            and self.reserved_until is not None
            and now < self.reserved_until
        )

    @property
    def free_seats(self) -> int:
        """Free seats; needs the ``enrolled_count`` annotation of the selectors."""
        return max(0, self.capacity - self.enrolled_count)

    @property
    def has_online_part(self) -> bool:
        return self.format in (CourseFormat.ONLINE, CourseFormat.HYBRID)


class CourseSession(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(
        _("location"), max_length=300, blank=True, help_text=_("Empty: the place of the course.")
    )
    video_url = models.URLField(
        _("video link"),
        blank=True,
        max_length=500,
        help_text=_("Only enrolled participants see it."),
    )
    is_required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Participants must attend all required sessions to complete the course."),
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title or str(self.course)


class Enrolment(models.Model):
    """One person in one course: enrolled, on the waitlist, or cancelled (kept for history)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="course_enrolments",
    )
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices)
    reserved_seat = models.BooleanField(_("on a reserved seat"), default=False)
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled on"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=~Q(status="cancelled"),
                name="enrolment_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(status="enrolled"),
                name="enrolment_only_enrolled_complete",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status")]

    def __str__(self):
        return f"{self.user} – {self.course} ({self.get_status_display()})"


class Attendance(models.Model):
    session = models.ForeignKey(
        CourseSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attendances"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_unique"),
        ]

    def __str__(self):
        return f"{self.enrolment.user_id} @ {self.session_id}"


class Certificate(models.Model):
    """A Teilnahmebestätigung; the code is printed on the PDF and verifiable by anyone."""

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)
    revoked_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self):
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class LearningPath(models.Model):
    """A series of courses; completing all of them records a qualification on the profile."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    qualification_code = models.SlugField(
        _("qualification code"),
        max_length=60,
        help_text=_("Read by other parts, e.g. 'moderation' for room moderators."),
    )
    qualification_label = models.CharField(_("qualification"), max_length=150)
    courses = models.ManyToManyField(
        Course, through="LearningPathStep", verbose_name=_("courses"), related_name="paths"
    )

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        ordering = ["title"]

    def __str__(self):
        return self.title


class LearningPathStep(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="path_steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "course"], name="learning_path_step_unique"),
        ]

    def __str__(self):
        return f"{self.path} #{self.order}: {self.course}"


class Feedback(models.Model):
    """Short feedback after a course. Only aggregated results are shown, never who said what."""

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="feedback"
    )
    overall = models.PositiveSmallIntegerField(_("overall"))
    content = models.PositiveSmallIntegerField(_("content"))
    trainers = models.PositiveSmallIntegerField(_("trainers"))
    would_recommend = models.BooleanField(_("would recommend"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__range=(1, 5))
                & Q(content__range=(1, 5))
                & Q(trainers__range=(1, 5)),
                name="feedback_ratings_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.course_id}: {self.overall}"


class DiversityProfile(models.Model):
    """A member's voluntary declaration: an age band and a gender, nothing more.

    It exists only while consent is given; revoking deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diversity_profile"
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    consent_version = models.PositiveSmallIntegerField(default=1)
    consented_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("diversity declaration")
        verbose_name_plural = _("diversity declarations")

    def __str__(self):
        return f"#{self.user_id}"


class DiversityConsentLog(models.Model):
    """The record of consent given and revoked. It holds no declared data at all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diversity_consents"
    )
    action = models.CharField(max_length=10, choices=ConsentAction.choices)
    consent_version = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"#{self.user_id} {self.action} {self.at:%Y-%m-%d}"


class DiversityGoal(models.Model):
    """A goal such as "50 % women" for a year of a Landesverband, a Regionalzentrum or a course."""

    year = models.PositiveSmallIntegerField(_("year"))
    dimension = models.CharField(_("goal"), max_length=10, choices=GoalDimension.choices)
    target_percent = models.PositiveSmallIntegerField(_("target in percent"))
    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="diversity_goals",
        limit_choices_to={"kind": GliederungKind.LANDESVERBAND},
    )
    regionalzentrum = models.ForeignKey(
        Regionalzentrum,
        verbose_name=_("Regionalzentrum"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="diversity_goals",
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="diversity_goals",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("diversity goal")
        verbose_name_plural = _("diversity goals")
        ordering = ["-year", "dimension"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__lte=100), name="diversity_goal_percent"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        landesverband__isnull=False,
                        regionalzentrum__isnull=True,
                        course__isnull=True,
                    )
                    | Q(
                        landesverband__isnull=True,
                        regionalzentrum__isnull=False,
                        course__isnull=True,
                    )
                    | Q(
                        landesverband__isnull=True,
                        regionalzentrum__isnull=True,
                        course__isnull=False,
                    )
                ),
                name="diversity_goal_exactly_one_scope",
            ),
            models.UniqueConstraint(
                fields=["year", "dimension", "landesverband"],
                condition=Q(landesverband__isnull=False),
                name="diversity_goal_unique_lv",
            ),
            models.UniqueConstraint(
                fields=["year", "dimension", "regionalzentrum"],
                condition=Q(regionalzentrum__isnull=False),
                name="diversity_goal_unique_rz",
            ),
            models.UniqueConstraint(
                fields=["year", "dimension", "course"],
                condition=Q(course__isnull=False),
                name="diversity_goal_unique_course",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_dimension_display()} {self.target_percent} %"

    @property
    def scope(self):
        return self.course or self.regionalzentrum or self.landesverband


class CourseMessage(models.Model):
    """A message from a trainer or staff to the participants; one outbox mail per person."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), max_length=5000)
    include_waitlist = models.BooleanField(_("also to the waitlist"), default=False)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject
