"""Signed links for citizens without an account: cancel a booking or an event registration.

The token names the row and the time it was created, signed with the project's secret and a
salt per purpose. A forged token fails the signature; a token for a row that was cancelled
and booked again by someone else fails the creation time check.
"""

from django.core import signing
from django.utils.translation import gettext as _

BOOKING_SALT = "quartier.booking.cancel"
REGISTRATION_SALT = "quartier.registration.cancel"
MAX_AGE = 60 * 60 * 24 * 400  # no cancellation link lives longer than about a year


class TokenError(Exception):
    """The link is forged, broken or expired; ``message`` is for the citizen."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _make(salt: str, pk: int, created) -> str:
    return signing.dumps({"id": pk, "t": int(created.timestamp())}, salt=salt, compress=True)


def _read(salt: str, token: str) -> tuple[int, int]:
    try:
        data = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise TokenError(_("This cancellation link has expired.")) from None
    except signing.BadSignature:
        raise TokenError(
            _("This cancellation link is not valid. Please copy it completely from the mail.")
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise TokenError(_("This cancellation link is not valid."))
    return data["id"], int(data.get("t", 0))


def booking_token(booking) -> str:
    return _make(BOOKING_SALT, booking.pk, booking.created_at)


def read_booking_token(token: str) -> tuple[int, int]:
    return _read(BOOKING_SALT, token)


def registration_token(registration) -> str:
    return _make(REGISTRATION_SALT, registration.pk, registration.created_at)


def read_registration_token(token: str) -> tuple[int, int]:
    return _read(REGISTRATION_SALT, token)
