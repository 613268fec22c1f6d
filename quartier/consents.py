"""Consent wordings of the quartier part (versioned in ``rotesnetz.privacy``)."""

from django.utils.translation import gettext_lazy as _

CONTACT_CONSENT = "quartier-contact"
CONTACT_CONSENT_DEFAULT = _(
    "I agree that the office team processes my details to answer my concern. They are "
    "deleted after six months at the latest."
)
