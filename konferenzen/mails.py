"""The mails of a conference, as outbox specs: one per recipient, each with its own key.

The keys are what makes "exactly once" hold: the outbox stores a key only once, so a task that
runs twice, a worker that dies halfway and a late registrant racing the dispatch all end with
one mail per registrant and purpose.
"""

from django.urls import reverse

from rotesnetz.outbox.services import Attachment, MailMerge, MailSpec

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


def _calendar_attachment(calendar: str, method: str) -> list[Attachment]:
    if not calendar:
        return []
    return [
        Attachment(
            filename=ICS_FILENAME,
            content=calendar,
            mimetype=f"text/calendar; charset=utf-8; method={method}",
        )
    ]


class Batch:
    """One kind of mail to many registrants of a conference: the templates are rendered once
    (the name and the personal link filled in per person), the calendar is built once."""

    def __init__(
        self,
        *,
        purpose: str,
        template: str,
        conference: Conference,
        context: dict | None = None,
        calendar: str = "",
        method: str = "REQUEST",
        key_extra: tuple = (),
    ):
        self.purpose = purpose
        self.conference = conference
        self.key_extra = key_extra
        self.template = f"konferenzen/{template}"
        self.attachments = _calendar_attachment(calendar, method)
        self.merge = MailMerge(
            self.template,
            {
                "conference": conference,
                "public_path": reverse("konferenzen:detail", args=[conference.slug]),
                **(context or {}),
            },
            fields=("name", "path"),
        )

    def key(self, registration: Registration) -> str:
        return key(self.purpose, self.conference, registration, *self.key_extra)

    def spec(self, registration: Registration) -> MailSpec:
        return MailSpec(
            key=self.key(registration),
            to=registration.recipient,
            template=self.template,
            context={},
            purpose=self.purpose,
            related=self.conference.related_key,
            attachments=self.attachments,
            rendered=self.merge.fill(
                {
                    "name": registration.display_name,
                    "path": registration_path(registration, self.conference),
                }
            ),
        )


def guest_confirm(registration: Registration, conference: Conference) -> MailSpec:
    return MailSpec(
        key=key(MailPurpose.GUEST_CONFIRM, conference, registration, registration.round),
        to=registration.recipient,
        template="konferenzen/guest_confirm",
        context={
            "conference": conference,
            "name": registration.display_name,
            "confirm_path": reverse("konferenzen:guest_confirm", args=[registration.token]),
        },
        purpose=MailPurpose.GUEST_CONFIRM,
        related=conference.related_key,
    )


def registered(registration: Registration, conference: Conference) -> MailSpec:
    return MailSpec(
        key=key(MailPurpose.REGISTERED, conference, registration, registration.round),
        to=registration.recipient,
        template="konferenzen/registered",
        context={
            "conference": conference,
            "name": registration.display_name,
            "path": registration_path(registration, conference),
        },
        purpose=MailPurpose.REGISTERED,
        related=conference.related_key,
        attachments=_calendar_attachment(ical.calendar_for(conference), "REQUEST"),
    )


def dial_in_batch(conference: Conference, data: DialIn | None) -> Batch:
    return Batch(
        purpose=MailPurpose.DIAL_IN,
        template="dial_in",
        conference=conference,
        context={"dial_in": data},
        calendar=ical.calendar_for(conference, data, method="REQUEST"),
    )


def changed_batch(conference: Conference, data: DialIn | None) -> Batch:
    """``data`` only once the dial-in mail has gone out."""
    return Batch(
        purpose=MailPurpose.CHANGED,
        template="changed",
        conference=conference,
        context={"dial_in": data},
        calendar=ical.calendar_for(conference, data, method="REQUEST"),
        key_extra=(conference.sequence,),
    )


def cancelled_batch(conference: Conference) -> Batch:
    return Batch(
        purpose=MailPurpose.CANCELLED,
        template="cancelled",
        conference=conference,
        calendar=ical.calendar_for(conference, method="CANCEL"),
        method="CANCEL",
    )


def reminder_batch(conference: Conference, data: DialIn | None) -> Batch:
    return Batch(
        purpose=MailPurpose.REMINDER,
        template="reminder",
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
