"""Validation of dial-in data: every value ends up in mails and calendars of many people."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .enums import Provider

_https = URLValidator(schemes=["https"])
# Hosts of the big providers; BigBlueButton, Jitsi and "other" run anywhere.
PROVIDER_HOSTS = {
    Provider.ZOOM: ("zoom.us", "zoom.de", "zoomgov.com"),
    Provider.WEBEX: ("webex.com",),
}
_MEETING_NUMBER = re.compile(r"^[0-9][0-9 \-]{2,38}$")
_ACCESS_CODE = re.compile(r"^[0-9#*]{1,30}$")
_PHONE_LINE = re.compile(r"^(?:(?P<label>[^:+\n]{1,60}):\s*)?(?P<number>\+[0-9][0-9 ()/\-]{5,25})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate_join_url(value: str, provider: str = "") -> str:
    value = value.strip()
    if not value:
        return value
    if not value.lower().startswith("https://"):
        raise ValidationError(
            _("The join link must start with https:// – other links are not accepted."),
            code="https",
        )
    try:
        _https(value)
    except ValidationError:
        raise ValidationError(_("Please enter a valid join link."), code="invalid") from None
    host = (urlsplit(value).hostname or "").lower()
    allowed = PROVIDER_HOSTS.get(provider)
    if allowed and not any(host == suffix or host.endswith("." + suffix) for suffix in allowed):
        raise ValidationError(
            _("A %(provider)s link must point to %(hosts)s.")
            % {"provider": Provider(provider).label, "hosts": ", ".join(allowed)},
            code="host",
        )
    return value


def validate_meeting_number(value: str) -> str:
    value = " ".join(value.split())
    if value and not _MEETING_NUMBER.match(value):
        raise ValidationError(
            _("The meeting number may only contain digits, spaces and hyphens."), code="invalid"
        )
    return value


def validate_password(value: str) -> str:
    value = value.strip()
    if _CONTROL.search(value) or " " in value:
        raise ValidationError(
            _("The meeting password may not contain spaces or line breaks."), code="invalid"
        )
    return value


def validate_access_code(value: str) -> str:
    value = value.replace(" ", "")
    if value and not _ACCESS_CODE.match(value):
        raise ValidationError(
            _("The access code may only contain digits, # and *."), code="invalid"
        )
    return value


def normalize_phone_numbers(value: str) -> str:
    """One number a line, international format, an optional label: "Deutschland: +49 30 1234"."""
    lines = []
    for raw in value.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        match = _PHONE_LINE.match(line)
        digits = re.sub(r"\D", "", match.group("number")) if match else ""
        if not match or not 6 <= len(digits) <= 15:
            raise ValidationError(
                _(
                    "“%(line)s” is not a phone number in international format. Write one number "
                    "a line, e.g. “Deutschland: +49 30 1234567”."
                )
                % {"line": line[:80]},
                code="phone",
            )
        lines.append(line)
    if len(lines) > 10:
        raise ValidationError(_("Please enter at most 10 phone numbers."), code="phone")
    return "\n".join(lines)


def tel_uri(line: str) -> str:
    """RFC 3966 tel: URI of a phone line ("Deutschland: +49 30 1234" → "tel:+49301234")."""
    number = line.rsplit(":", 1)[-1] if ":" in line else line
    return "tel:+" + re.sub(r"\D", "", number)
