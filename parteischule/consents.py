"""Consent wordings of the Parteischule (versioned in ``rotesnetz.privacy``)."""

from django.utils.translation import gettext_lazy as _

DIVERSITY_CONSENT = "parteischule-diversity"
DIVERSITY_CONSENT_DEFAULT = _(
    "I agree that the Parteischule stores these details to measure its reach and to "
    "offer reserved seats. I can revoke this at any time; my details are then deleted."
)


def diversity_consent_text():
    from rotesnetz.privacy.services import consent_text_current

    return consent_text_current(kind=DIVERSITY_CONSENT, default=DIVERSITY_CONSENT_DEFAULT)
