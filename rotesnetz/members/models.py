"""Members and the organisation graph: Gliederungen, Regionalzentren, Mitgliedschaften."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. Login is by email; the username is gone.

    We keep as little as we can: an email address and the name shown to other members.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown to other members in rooms and lists."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self):
        return self.public_name

    def get_short_name(self):
        return self.public_name


class Level(models.IntegerChoices):
    BUND = 0, _("Federal level")
    LAND = 1, _("State level")
    KREIS = 2, _("District level")
    ORT = 3, _("Local level")


class GliederungKind(models.TextChoices):
    BUNDESVERBAND = "bundesverband", _("Bundesverband")
    LANDESVERBAND = "landesverband", _("Landesverband")
    UNTERBEZIRK = "unterbezirk", _("Unterbezirk")
    KREISVERBAND = "kreisverband", _("Kreisverband")
    ORTSVEREIN = "ortsverein", _("Ortsverein")
    ABTEILUNG = "abteilung", pgettext_lazy("Berlin local chapter", "Abteilung")
    ARBEITSGEMEINSCHAFT = "ag", _("Arbeitsgemeinschaft")


KIND_LEVEL = {
    GliederungKind.BUNDESVERBAND: Level.BUND,
    GliederungKind.LANDESVERBAND: Level.LAND,
    GliederungKind.UNTERBEZIRK: Level.KREIS,
    GliederungKind.KREISVERBAND: Level.KREIS,
    GliederungKind.ORTSVEREIN: Level.ORT,
    GliederungKind.ABTEILUNG: Level.ORT,
}


def placement_error(kind: str, parent_kind: str | None) -> str | None:
    """Why a Gliederung of ``kind`` cannot hang under one of ``parent_kind``, or None if it can."""
    if kind == GliederungKind.ARBEITSGEMEINSCHAFT:
        if parent_kind is None or parent_kind == GliederungKind.ARBEITSGEMEINSCHAFT:
            return str(_("An Arbeitsgemeinschaft must be attached to a Gliederung."))
        return None
    level = KIND_LEVEL[kind]
    if parent_kind is None:
        if level in (Level.BUND, Level.LAND):
            return None
        return str(_("This kind of Gliederung needs a parent."))
    parent_level = KIND_LEVEL.get(parent_kind)
    if parent_level is None or parent_level != level - 1:
        return str(
            _("A %(kind)s cannot be placed under a %(parent)s.")
            % {"kind": GliederungKind(kind).label, "parent": GliederungKind(parent_kind).label}
        )
    return None


class Gliederung(models.Model):
    """A unit of the party: Landesverband, Kreisverband/Unterbezirk, Ortsverein, or an AG.

    ``path`` is a materialised path of ancestor ids ("/1/4/9/") so that "this and everything
    below" is one indexed ``startswith`` query instead of a recursive walk.
    An Arbeitsgemeinschaft hangs under the Gliederung of the level it works at.
    """

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=GliederungKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    ag_type = models.CharField(
        _("AG type"),
        max_length=60,
        blank=True,
        help_text=_("For Arbeitsgemeinschaften, e.g. Jusos, ASF, AG 60 plus, AfA."),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    email = models.EmailField(_("contact email"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Gliederung")
        verbose_name_plural = _("Gliederungen")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="gliederung_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(kind="ag") | Q(ag_type=""), name="gliederung_ag_type_only_for_ags"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(kind__in=["bundesverband", "landesverband"]),
                name="gliederung_only_top_levels_without_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is an invariant of the tree, kept here so that the admin, the CSV import
        # and the services all keep it right.
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self.path, self.depth = self._computed_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in Gliederung.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path) :]
                child.depth = child.path.strip("/").count("/")
                child.save(update_fields=["path", "depth"])

    def _computed_path(self) -> tuple[str, int]:
        prefix = self.parent.path if self.parent_id else "/"
        path = f"{prefix}{self.pk}/"
        return path, path.strip("/").count("/")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind:
            error = placement_error(self.kind, self.parent.kind if self.parent_id else None)
            if error:
                raise ValidationError({"parent": error})
            if self.kind != GliederungKind.ARBEITSGEMEINSCHAFT and self.ag_type:
                raise ValidationError({"ag_type": _("Only an Arbeitsgemeinschaft has an AG type.")})
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "-"):
            raise ValidationError({"parent": _("A Gliederung cannot be placed below itself.")})

    @property
    def level(self) -> int | None:
        return KIND_LEVEL.get(self.kind)

    def ancestors(self):
        """This Gliederung and all above it, from the top down."""
        return Gliederung.objects.filter(id__in=self.ancestor_ids).order_by("depth")

    def subtree(self):
        """This Gliederung and everything below it."""
        return Gliederung.objects.filter(path__startswith=self.path)

    @property
    def is_ag(self) -> bool:
        return self.kind == GliederungKind.ARBEITSGEMEINSCHAFT

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this one."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def landesverband(self) -> "Gliederung | None":
        return self.ancestors().filter(kind=GliederungKind.LANDESVERBAND).first()


class Regionalzentrum(models.Model):
    """A regional centre of a Landesverband, serving a set of Gliederungen."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=150, unique=True)
    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        on_delete=models.PROTECT,
        related_name="regionalzentren",
        limit_choices_to={"kind": GliederungKind.LANDESVERBAND},
    )
    gliederungen = models.ManyToManyField(
        Gliederung, verbose_name=_("Gliederungen served"), related_name="served_by", blank=True
    )
    address = models.TextField(_("address"), blank=True, max_length=500)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("Regionalzentrum")
        verbose_name_plural = _("Regionalzentren")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    MITGLIED = "mitglied", _("Member")
    MODERATION = "moderation", _("Moderator")
    VORSTAND = "vorstand", _("Vorstand")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    gliederung = models.ForeignKey(
        Gliederung,
        verbose_name=_("Gliederung"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MITGLIED
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["gliederung__path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "gliederung"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.gliederung} ({self.get_role_display()})"


class StaffRole(models.Model):
    """Full-time staff at a Landesverband or a Regionalzentrum (exactly one of them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    landesverband = models.ForeignKey(
        Gliederung,
        verbose_name=_("Landesverband"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        limit_choices_to={"kind": GliederungKind.LANDESVERBAND},
    )
    regionalzentrum = models.ForeignKey(
        Regionalzentrum,
        verbose_name=_("Regionalzentrum"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=(Q(landesverband__isnull=False) & Q(regionalzentrum__isnull=True))
                | (Q(landesverband__isnull=True) & Q(regionalzentrum__isnull=False)),
                name="staffrole_exactly_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "landesverband"],
                condition=Q(landesverband__isnull=False),
                name="staffrole_unique_landesverband",
            ),
            models.UniqueConstraint(
                fields=["user", "regionalzentrum"],
                condition=Q(regionalzentrum__isnull=False),
                name="staffrole_unique_regionalzentrum",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.landesverband or self.regionalzentrum}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class MembershipRequest(models.Model):
    """A registered user asks to join an Ortsverein or AG; its Vorstand decides."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    gliederung = models.ForeignKey(
        Gliederung,
        verbose_name=_("Gliederung"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "gliederung"],
                condition=Q(status="pending"),
                name="membership_request_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.gliederung} ({self.get_status_display()})"


class Qualification(models.Model):
    """A qualification on a member's profile (e.g. "moderation" after a learning path).

    Parts award them through ``services.qualification_award``; other parts read them, e.g. a
    Vorstand may make only qualified members room moderators if the Landesverband wants that.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=150)
    source = models.CharField(_("awarded for"), max_length=200, blank=True)
    awarded_at = models.DateTimeField(_("awarded on"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-awarded_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code"], name="qualification_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.label}"
