"""iCalendar (RFC 5545) files for events, appointments, courses and conferences.

Small on purpose: VEVENTs with UTC times, a stable UID, SEQUENCE for updates, METHOD for
invitations and cancellations, and RFC 7986 CONFERENCE properties for dial-in data.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone


@dataclass
class Conference:
    """RFC 7986 CONFERENCE: a join URI (https:, tel:, ...) with its features and label."""

    uri: str
    features: tuple[str, ...] = ("AUDIO", "VIDEO")
    label: str = ""


@dataclass
class Event:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0
    status: str = "CONFIRMED"  # or CANCELLED, TENTATIVE
    organizer_email: str = ""
    organizer_name: str = ""
    conferences: list[Conference] = field(default_factory=list)
    created: datetime | None = None


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    # Parameter values may not contain quotes; quote them when they have , ; or :
    value = value.replace('"', "'")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets (RFC 5545 3.1) without splitting UTF-8 sequences."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not parts else 74
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    if timezone.is_naive(moment):
        raise ValueError("ICS times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: list[Event], *, method: str | None = None, name: str = "") -> str:
    """Return the text of a VCALENDAR with ``events`` (CRLF line ends, folded)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rotes Netz//DE", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    if name:
        lines.append(f"X-WR-CALNAME:{_escape(name)}")
        lines.append(f"NAME:{_escape(name)}")
    now = _utc(timezone.now())
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.end)}",
            f"SEQUENCE:{event.sequence}",
            f"STATUS:{event.status}",
            f"SUMMARY:{_escape(event.summary)}",
        ]
        if event.created:
            lines.append(f"CREATED:{_utc(event.created)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_escape(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{_escape(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.organizer_email:
            cn = f";CN={_param(event.organizer_name)}" if event.organizer_name else ""
            lines.append(f"ORGANIZER{cn}:mailto:{event.organizer_email}")
        for conference in event.conferences:
            params = ";VALUE=URI"
            if conference.features:
                params += f";FEATURE={','.join(conference.features)}"
            if conference.label:
                params += f";LABEL={_param(conference.label)}"
            lines.append(f"CONFERENCE{params}:{conference.uri}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
