"""The mails of a conference, as outbox specs: one per recipient, each with its own key.

The keys are what makes "exactly once" hold: the outbox stores a key only once, so a task that
runs twice, a worker that dies halfway and a late registrant racing the dispatch all end with
one mail per registrant and purpose.
"""

from django.urls import reverse

from rotesnetz.outbox.services import Attachment, MailSpec

from . import ical
from .enums import MailPurpose
from .models import Conference, DialIn, Registration

ICS_FILENAME = "konferenz.ics"


def registration_path(registration: Registration, conference: Conference) -> str:
    """Where a registrant sees their registration (and, once sent, the dial-in data)."""
    if registration.is_guest:
        return reverse("konferenzen:guest", args=[registration.token])
    return reverse("konferenzen:participation", args=[conference.slug])


def key(purpose: str, conference: Conference, registration: Registration, *extra) -> str:
    parts = [purpose, str(conference.pk), str(registration.pk), *[str(e) for e in extra]]
    return ":".join(parts)


def dial_in_key(conference: Conference, registration: Registration) -> str:
    return key(MailPurpose.DIAL_IN, conference, registration)


def _spec(
    *,
    purpose: str,
    mail_key: str,
    template: str,
    registration: Registration,
    conference: Conference,
    context: dict | None = None,
    calendar: str = "",
    method: str = "REQUEST",
) -> MailSpec:
    attachments = []
    if calendar:
        attachments.append(
            Attachment(
                filename=ICS_FILENAME,
                content=calendar,
                mimetype=f"text/calendar; charset=utf-8; method={method}",
            )
        )
    return MailSpec(
        key=mail_key,
        to=registration.recipient,
        template=f"konferenzen/{template}",
        context={
            "conference": conference,
            "registration": registration,
            "name": registration.display_name,
            "path": registration_path(registration, conference),
            "public_path": reverse("konferenzen:detail", args=[conference.slug]),
            **(context or {}),
        },
        purpose=purpose,
        related=conference.related_key,
        attachments=attachments,
    )


def guest_confirm(registration: Registration, conference: Conference) -> MailSpec:
    return _spec(
        purpose=MailPurpose.GUEST_CONFIRM,
        mail_key=key(MailPurpose.GUEST_CONFIRM, conference, registration, registration.round),
        template="guest_confirm",
        registration=registration,
        conference=conference,
        context={"confirm_path": reverse("konferenzen:guest_confirm", args=[registration.token])},
    )


def registered(registration: Registration, conference: Conference) -> MailSpec:
    return _spec(
        purpose=MailPurpose.REGISTERED,
        mail_key=key(MailPurpose.REGISTERED, conference, registration, registration.round),
        template="registered",
        registration=registration,
        conference=conference,
        calendar=ical.calendar_for(conference, method="REQUEST"),
    )


def dial_in(
    registration: Registration, conference: Conference, data: DialIn | None, calendar: str
) -> MailSpec:
    """``calendar`` is the same for every registrant: build it once per batch."""
    return _spec(
        purpose=MailPurpose.DIAL_IN,
        mail_key=dial_in_key(conference, registration),
        template="dial_in",
        registration=registration,
        conference=conference,
        context={"dial_in": data},
        calendar=calendar,
    )


def changed(
    registration: Registration,
    conference: Conference,
    data: DialIn | None,
    calendar: str,
    *,
    with_dial_in: bool,
) -> MailSpec:
    return _spec(
        purpose=MailPurpose.CHANGED,
        mail_key=key(MailPurpose.CHANGED, conference, registration, conference.sequence),
        template="changed",
        registration=registration,
        conference=conference,
        context={"dial_in": data if with_dial_in else None},
        calendar=calendar,
    )


def cancelled(registration: Registration, conference: Conference, calendar: str) -> MailSpec:
    return _spec(
        purpose=MailPurpose.CANCELLED,
        mail_key=key(MailPurpose.CANCELLED, conference, registration),
        template="cancelled",
        registration=registration,
        conference=conference,
        calendar=calendar,
        method="CANCEL",
    )


def reminder(registration: Registration, conference: Conference, data: DialIn | None) -> MailSpec:
    return _spec(
        purpose=MailPurpose.REMINDER,
        mail_key=key(MailPurpose.REMINDER, conference, registration),
        template="reminder",
        registration=registration,
        conference=conference,
        context={"dial_in": data},
    )


def briefing(*, user, conference: Conference, csv_text: str, question_count: int) -> MailSpec:
    return MailSpec(
        key=f"{MailPurpose.BRIEFING}:{conference.pk}:{user.pk}",
        to=user.email,
        template="konferenzen/briefing",
        context={
            "conference": conference,
            "name": user.public_name,
            "question_count": question_count,
            "path": reverse("konferenzen:moderation", args=[conference.slug]),
        },
        purpose=MailPurpose.BRIEFING,
        related=conference.related_key,
        attachments=[
            Attachment(filename="fragen.csv", content=csv_text, mimetype="text/csv; charset=utf-8")
        ],
    )
