"""Quartier- und Kiezbüros: offices, their hours, team, usage concept, events, advice
appointments, contact requests, and the data of the site analysis.

Models stay slim: invariants that the database can hold are constraints here; processes
(booking, approving, deleting after the retention period) live in ``services.py``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from rotesnetz.members.models import Gliederung, GliederungKind

from .enums import (
    AdviceKind,
    ConceptStatus,
    ConceptStepKind,
    ContactStatus,
    EventCategory,
    OfficeKind,
    OfficeStatus,
    TeamRole,
)

postcode_validator = RegexValidator(
    r"^[0-9]{5}\Z", _("A postcode (PLZ) has exactly five digits, e.g. 67065.")
)
# The fixed paths of quartier/urls.py; an office may not take one of them as its short name.
RESERVED_SLUGS = {"team", "konzepte", "standortanalyse", "termin", "anmeldung"}
WEEKDAY_CHOICES = [(number, name) for number, name in WEEKDAYS.items()]


class Service(models.Model):
    """Something an office offers, e.g. Rentenberatung, Mieterberatung, Kulturabend."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Office(models.Model):
    """A Quartierbüro, Kiezbüro or a Kreisbüro opened to its neighbourhood."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OfficeKind.choices)
    gliederung = models.ForeignKey(
        Gliederung,
        verbose_name=_("responsible Gliederung"),
        on_delete=models.PROTECT,
        related_name="quartier_offices",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OfficeStatus.choices, default=OfficeStatus.PLANNED
    )
    street = models.CharField(_("street and number"), max_length=150)
    postcode = models.CharField(_("postcode (PLZ)"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("town or city"), max_length=100)
    district = models.CharField(
        _("district or Kiez"), max_length=100, blank=True, help_text=_("e.g. Gartenstadt")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    description = models.TextField(
        _("description"), max_length=5000, blank=True, help_text=_("Markdown is allowed.")
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_notes = models.CharField(_("notes on accessibility"), max_length=500, blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. Deutsch, Türkisch, Arabisch"),
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services offered"), related_name="offices", blank=True
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["city", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="quartier_office_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"), name="quartier_office_postcode"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "postcode"], name="quartier_office_status_plz"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("This short name is reserved. Please choose another.")}
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Please give both latitude and longitude, or neither.")}
            )
        if self.gliederung_id and self.gliederung.kind == GliederungKind.BUNDESVERBAND:
            raise ValidationError(
                {"gliederung": _("An office belongs to a Landesverband or a Gliederung below it.")}
            )

    @property
    def is_public(self) -> bool:
        return self.status == OfficeStatus.OPEN

    @property
    def address_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class OpeningHours(models.Model):
    """A weekly interval. Several per day are allowed (e.g. 10-13 and 15-18), never overlapping."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="quartier_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="quartier_hours_weekday"
            ),
        ]

    def __str__(self):
        return f"{WEEKDAYS[self.weekday]} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("The office must close after it opens.")})


class OpeningException(models.Model):
    """A day with other hours than usual: a holiday, a closure, or special hours."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="quartier_exception_unique"),
            models.CheckConstraint(
                condition=Q(closed=True, opens__isnull=True, closes__isnull=True)
                | Q(
                    closed=False,
                    opens__isnull=False,
                    closes__isnull=False,
                    closes__gt=F("opens"),
                ),
                name="quartier_exception_hours_valid",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.reason}".strip()

    def clean(self):
        if self.closed:
            if self.opens is not None or self.closes is not None:
                raise ValidationError(
                    {"opens": _("A closed day has no hours. Remove them or untick “closed”.")}
                )
            return
        if self.opens is None or self.closes is None:
            raise ValidationError(
                {"opens": _("Please give the special hours, or tick “closed all day”.")}
            )
        if self.closes <= self.opens:
            raise ValidationError({"closes": _("The office must close after it opens.")})


class TeamMember(models.Model):
    """A volunteer in an office's team. Team members need an account; citizens do not."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="quartier_roles",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=TeamRole.choices, default=TeamRole.VOLUNTEER
    )
    tasks = models.CharField(
        _("tasks"), max_length=200, blank=True, help_text=_("e.g. Rentenberatung, Kasse")
    )
    created_at = models.DateTimeField(_("in the team since"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team")
        ordering = ["role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "user"], name="quartier_team_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class UsageConcept(models.Model):
    """The Nutzungskonzept a Gliederung's Vorstand submits for an office."""

    office = models.OneToOneField(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="concept"
    )
    target_groups = models.TextField(_("target groups"), max_length=3000)
    planned_offers = models.TextField(_("planned offers"), max_length=3000)
    team_plan = models.TextField(_("team"), max_length=3000)
    opening_plan = models.TextField(_("planned opening hours"), max_length=1000)
    partners = models.TextField(_("partners"), max_length=3000, blank=True)
    budget = models.DecimalField(
        _("budget per year (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    budget_notes = models.TextField(_("notes on the budget"), max_length=3000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ConceptStatus.choices, default=ConceptStatus.SUBMITTED
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("usage concept")
        verbose_name_plural = _("usage concepts")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="quartier_concept_budget"),
        ]

    def __str__(self):
        return str(_("Usage concept for %(office)s") % {"office": self.office})


class ConceptStep(models.Model):
    """One dated, attributed step of the concept workflow; the history is never rewritten."""

    concept = models.ForeignKey(
        UsageConcept,
        verbose_name=_("usage concept"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    kind = models.CharField(_("step"), max_length=20, choices=ConceptStepKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("by (name)"), max_length=120)
    text = models.TextField(_("text"), max_length=3000, blank=True)
    created_at = models.DateTimeField(_("on"), auto_now_add=True)

    class Meta:
        verbose_name = _("concept step")
        verbose_name_plural = _("concept steps")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.author_name}"


class Event(models.Model):
    """A political, cultural or information event at an office."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(_("title"), max_length=150)
    category = models.CharField(
        _("category"), max_length=20, choices=EventCategory.choices, default=EventCategory.POLITICS
    )
    description = models.TextField(
        _("description"), max_length=5000, blank=True, help_text=_("Markdown is allowed.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    registration_open = models.BooleanField(_("registration by name and email"), default=True)
    registered_count = models.PositiveIntegerField(_("registrations"), default=0, editable=False)
    attendees = models.PositiveIntegerField(
        _("attendees counted"),
        null=True,
        blank=True,
        help_text=_("After the event: how many people came (for the impact report)."),
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="quartier_event_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="quartier_event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(registered_count__lte=F("capacity")),
                name="quartier_event_not_overbooked",
            ),
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="quartier_event_office")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})
        if self.capacity is not None and self.capacity < self.registered_count:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)d people are already registered; the capacity cannot be lower."
                    )
                    % {"count": self.registered_count}
                }
            )

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registered_count >= self.capacity


class EventRegistration(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="quartier_registration_unique"),
        ]

    def __str__(self):
        return f"{self.name} – {self.event}"


class AdviceSeries(models.Model):
    """A weekly consultation hour an advisor publishes; its slots are created at once."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="advice_series"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind of advice"), max_length=20, choices=AdviceKind.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurring consultation hour")
        verbose_name_plural = _("recurring consultation hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="quartier_series_dates"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {WEEKDAYS[self.weekday]}"


class AdviceSlot(models.Model):
    """One appointment an advisor offers. At most one booking (one-to-one, under a row lock)."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="slots"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="quartier_slots",
    )
    kind = models.CharField(_("kind of advice"), max_length=20, choices=AdviceKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    series = models.ForeignKey(
        AdviceSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slots",
    )
    # Stays true after the booking's personal data is deleted, for the impact report.
    booked = models.BooleanField(_("booked"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation slot")
        verbose_name_plural = _("consultation slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="quartier_slot_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["office", "advisor", "starts_at"],
                condition=Q(cancelled=False),
                name="quartier_slot_unique_start",
            ),
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="quartier_slot_office")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%d.%m.%Y %H:%M}"


class AdviceBooking(models.Model):
    """A citizen's booking of a slot; deleted some days after the appointment."""

    # One-to-one is the database's guarantee that a slot is never booked twice.
    slot = models.OneToOneField(
        AdviceSlot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="booking"
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    topic = models.TextField(_("topic"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("booked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="quartier_booking_reachable"
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.slot}"


class ContactRequest(models.Model):
    """An Anliegen a citizen sends to an office; deleted after the retention period."""

    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="contact_requests",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(_("message"), max_length=3000)
    consent = models.BooleanField(_("consent to processing"))
    status = models.CharField(
        _("status"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="quartier_contact_consent"),
        ]
        indexes = [
            models.Index(fields=["office", "status"], name="quartier_contact_inbox"),
        ]

    def __str__(self):
        return f"{self.subject} ({self.name})"


class ContactNote(models.Model):
    request = models.ForeignKey(
        ContactRequest,
        verbose_name=_("contact request"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("internal note"), max_length=2000)
    created_at = models.DateTimeField(_("on"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:50]


class ContactTally(models.Model):
    """Monthly counts of contact requests kept when the requests themselves are deleted."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="contact_tallies")
    month = models.DateField()
    received = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contact request count")
        verbose_name_plural = _("contact request counts")
        constraints = [
            models.UniqueConstraint(fields=["office", "month"], name="quartier_tally_unique"),
        ]

    def __str__(self):
        return f"{self.office} {self.month:%m/%Y}"


# --- Site analysis -----------------------------------------------------------------------


class AnalysisConfig(models.Model):
    """Per Landesverband: which party is ours, which parties count as protest votes."""

    landesverband = models.OneToOneField(
        Gliederung,
        verbose_name=_("Landesverband"),
        on_delete=models.CASCADE,
        related_name="quartier_analysis_config",
        limit_choices_to={"kind": GliederungKind.LANDESVERBAND},
    )
    own_party = models.CharField(_("our party (column name)"), max_length=40)
    protest_parties = models.CharField(
        _("protest parties (column names, comma-separated)"), max_length=300, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site analysis settings")
        verbose_name_plural = _("site analysis settings")

    def __str__(self):
        return str(self.landesverband)

    @property
    def protest_list(self) -> list[str]:
        return [part.strip() for part in self.protest_parties.split(",") if part.strip()]


class Election(models.Model):
    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        on_delete=models.CASCADE,
        related_name="quartier_elections",
    )
    name = models.CharField(_("election"), max_length=100)
    held_on = models.DateField(_("election day"))
    note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["landesverband", "name"], name="quartier_election_unique"
            ),
        ]

    def __str__(self):
        return self.name


class District(models.Model):
    """An electoral district of a town (Stadtteil, Kiez); matched to offices by town and name."""

    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        on_delete=models.CASCADE,
        related_name="quartier_districts",
    )
    city = models.CharField(_("town or city"), max_length=100)
    name = models.CharField(_("district"), max_length=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["landesverband", "city", "name"], name="quartier_district_unique"
            ),
        ]

    def __str__(self):
        return f"{self.city}-{self.name}"


class DistrictResult(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="results")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="results")
    eligible = models.PositiveIntegerField(_("eligible voters"))
    voters = models.PositiveIntegerField(_("voters"))
    mandate_holder = models.BooleanField(_("mandate holder"))
    votes = models.JSONField(_("votes per party"), default=dict)

    class Meta:
        verbose_name = _("district result")
        verbose_name_plural = _("district results")
        constraints = [
            models.UniqueConstraint(fields=["district", "election"], name="quartier_result_unique"),
            models.CheckConstraint(condition=Q(eligible__gt=0), name="quartier_result_eligible"),
            models.CheckConstraint(
                condition=Q(voters__lte=F("eligible")), name="quartier_result_voters"
            ),
        ]

    def __str__(self):
        return f"{self.district} – {self.election}"
