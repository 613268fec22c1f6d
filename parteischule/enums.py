"""Choices of the Parteischule, kept in one leaf module (models, forms and rules import it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CourseFormat(models.TextChoices):
    PRAESENZ = "praesenz", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("enrolled")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")


class ReservedGroup(models.TextChoices):
    NEW_MEMBERS = "new_members", _("new members")
    UNDER_35 = "under_35", _("people under 35")
    WOMEN = "women", _("women")


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", _("under 25")
    FROM_25_TO_34 = "25_34", _("25 to 34")
    FROM_35_TO_49 = "35_49", _("35 to 49")
    FROM_50_TO_64 = "50_64", _("50 to 64")
    FROM_65 = "65_plus", _("65 or older")


UNDER_35_BANDS = (AgeBand.UNDER_25, AgeBand.FROM_25_TO_34)


class Gender(models.TextChoices):
    WOMAN = "woman", pgettext_lazy("gender", "woman")
    MAN = "man", pgettext_lazy("gender", "man")
    DIVERSE = "diverse", pgettext_lazy("gender", "diverse")


class GoalDimension(models.TextChoices):
    WOMEN = "women", _("share of women")
    UNDER_35 = "under_35", _("share under 35")


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("consent given")
    REVOKED = "revoked", _("consent revoked")
