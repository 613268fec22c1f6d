"""Choices of the quartier app (leaf module: imports nothing of the app)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OfficeKind(models.TextChoices):
    QUARTIERBUERO = "quartierbuero", _("Quartierbüro")
    KIEZBUERO = "kiezbuero", _("Kiezbüro")
    KREISBUERO = "kreisbuero", _("Kreisbüro open to the neighbourhood")


class OfficeStatus(models.TextChoices):
    """geplant → Konzept eingereicht → genehmigt → eröffnet → geschlossen."""

    PLANNED = "geplant", pgettext_lazy("office status", "planned")
    CONCEPT_SUBMITTED = "konzept_eingereicht", pgettext_lazy("office status", "concept submitted")
    APPROVED = "genehmigt", pgettext_lazy("office status", "approved")
    OPEN = "eroeffnet", pgettext_lazy("office status", "opened")
    CLOSED = "geschlossen", pgettext_lazy("office status", "closed")


class TeamRole(models.TextChoices):
    LEAD = "leitung", _("Office lead")
    VOLUNTEER = "team", _("Volunteer")
    ADVISOR = "beratung", _("Volunteer advisor")


class ConceptStatus(models.TextChoices):
    SUBMITTED = "eingereicht", pgettext_lazy("concept status", "submitted")
    REVISION = "ueberarbeitung", pgettext_lazy("concept status", "revision requested")
    APPROVED = "genehmigt", pgettext_lazy("concept status", "approved")


class ConceptStepKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("concept step", "submitted")
    RESUBMITTED = "resubmitted", pgettext_lazy("concept step", "submitted again")
    COMMENT = "comment", pgettext_lazy("concept step", "comment")
    REVISION_REQUESTED = "revision", pgettext_lazy("concept step", "revision requested")
    APPROVED = "approved", pgettext_lazy("concept step", "approved")


class EventCategory(models.TextChoices):
    POLITICS = "politik", _("Politics")
    CULTURE = "kultur", _("Culture")
    INFORMATION = "info", _("Information evening")
    OTHER = "sonstiges", _("Other")


class AdviceKind(models.TextChoices):
    PENSION = "rente", _("Pension advice")
    TENANT = "miete", _("Tenant advice")
    SOCIAL = "sozial", _("Social advice")


class ContactStatus(models.TextChoices):
    NEW = "neu", pgettext_lazy("contact request status", "new")
    IN_PROGRESS = "in_bearbeitung", pgettext_lazy("contact request status", "in progress")
    DONE = "erledigt", pgettext_lazy("contact request status", "done")
