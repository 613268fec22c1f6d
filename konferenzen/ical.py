"""The iCalendar view of a conference: public (no secrets) or for registrants (with join data)."""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from rotesnetz import ics
from rotesnetz.markup import plain_text

from .models import Conference, DialIn
from .validators import tel_uri


def uid(conference: Conference) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "rotesnetz"
    return f"konferenz-{conference.pk}@{host}"


def public_url(conference: Conference) -> str:
    return settings.SITE_URL + reverse("konferenzen:detail", args=[conference.slug])


def event(conference: Conference, dial_in: DialIn | None = None) -> ics.Event:
    """``dial_in`` only for registrants and staff: it adds the join data (RFC 7986 CONFERENCE)."""
    lines = []
    if conference.topic:
        lines.append(conference.topic)
    if conference.description:
        lines.append(plain_text(conference.description, limit=1500))
    conferences = []
    location = conference.venue if conference.has_venue else ""
    if dial_in is not None and not dial_in.is_empty:
        if dial_in.join_url:
            conferences.append(ics.Conference(uri=dial_in.join_url, label=_("Join link")))
            location = location or dial_in.join_url
        for line in dial_in.phone_lines:
            conferences.append(ics.Conference(uri=tel_uri(line), features=("PHONE",), label=line))
        details = []
        if dial_in.join_url:
            details.append(_("Join link: %(url)s") % {"url": dial_in.join_url})
        if dial_in.meeting_number:
            details.append(_("Meeting number: %(number)s") % {"number": dial_in.meeting_number})
        if dial_in.password:
            details.append(_("Password: %(password)s") % {"password": dial_in.password})
        for line in dial_in.phone_lines:
            details.append(_("By phone: %(line)s") % {"line": line})
        if dial_in.access_code:
            details.append(_("Access code: %(code)s") % {"code": dial_in.access_code})
        lines.append("\n".join(details))
    elif conference.is_online and not location:
        location = _("Online")
    lines.append(public_url(conference))
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return ics.Event(
        uid=uid(conference),
        start=conference.starts_at,
        end=conference.ends_at,
        summary=conference.title,
        description="\n\n".join(lines),
        location=location,
        url=public_url(conference),
        sequence=conference.sequence,
        status="CANCELLED" if conference.is_cancelled else "CONFIRMED",
        organizer_email=address,
        organizer_name=name,
        conferences=conferences,
        created=conference.created_at,
    )


def calendar_for(conference: Conference, dial_in: DialIn | None = None, method: str = "") -> str:
    return ics.calendar([event(conference, dial_in)], method=method or None, name=conference.title)


def feed(conferences, *, name: str) -> str:
    """A subscribable feed (series, Landesverband): public data only, never join data."""
    return ics.calendar([event(conference) for conference in conferences], name=name)
