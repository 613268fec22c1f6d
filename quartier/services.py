"""Every write of the quartier app. Views, admin actions and tasks call these, nothing else.

Each service checks its input (a clear German message as ``ValidationError``), decides under
a row lock where two people could race (capacity, double booking, workflow steps), saves, and
enqueues its mails in the same transaction through the outbox.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from rotesnetz.members.models import StaffRole, User
from rotesnetz.outbox.services import Attachment, MailSpec, mail_enqueue, mail_enqueue_many

from . import clock, ical, tokens
from .clock import BERLIN
from .enums import (
    AdviceKind,
    ConceptStatus,
    ConceptStepKind,
    ContactStatus,
    OfficeStatus,
    TeamRole,
)
from .models import (
    AdviceBooking,
    AdviceSeries,
    AdviceSlot,
    ConceptStep,
    ContactNote,
    ContactRequest,
    ContactTally,
    Event,
    EventRegistration,
    Office,
    TeamMember,
    UsageConcept,
)

logger = logging.getLogger(__name__)

PHONE = re.compile(r"^\+?[0-9 ()/\-]{5,40}$")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _text(value, *, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if "\x00" in text:
        raise ValidationError(
            _("%(field)s: contains characters that are not allowed.") % {"field": label}
        )
    if required and not text:
        raise ValidationError(_("Please fill in: %(field)s.") % {"field": label})
    if len(text) > max_length:
        raise ValidationError(
            _("%(field)s: at most %(max)d characters.") % {"field": label, "max": max_length}
        )
    return text


def _email(value, *, required: bool) -> str:
    email = _text(value, label=_("Email address"), max_length=254, required=required)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Please enter a valid email address.")) from None
    return email.lower()


def _phone(value) -> str:
    phone = _text(value, label=_("Phone number"), max_length=40, required=False)
    if phone and not PHONE.match(phone):
        raise ValidationError(_("Please enter a phone number with digits only, e.g. 0621 123456."))
    return phone


def _require(user: User, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _name_of(user: User | None) -> str:
    return user.public_name if user is not None else ""


# --- Office status ------------------------------------------------------------------------


def office_open(*, office_id: int, by: User) -> Office:
    """Open an office to the public. Only after its usage concept has been approved."""
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office_id)
        _require(by, "quartier.open_office", office)
        if office.status == OfficeStatus.OPEN:
            raise ValidationError(_("%(office)s is already open.") % {"office": office})
        approved = UsageConcept.objects.filter(
            office=office, status=ConceptStatus.APPROVED
        ).exists()
        if office.status not in (OfficeStatus.APPROVED, OfficeStatus.CLOSED) or not approved:
            raise ValidationError(
                _("%(office)s can only be opened once its usage concept has been approved.")
                % {"office": office}
            )
        office.status = OfficeStatus.OPEN
        office.opened_on = clock.today()
        office.closed_on = None
        office.save(update_fields=["status", "opened_on", "closed_on", "updated_at"])
    logger.info("office %s opened by user %s", office.pk, by.pk)
    return office


def office_close(*, office_id: int, by: User) -> Office:
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office_id)
        _require(by, "quartier.change_office", office)
        if office.status != OfficeStatus.OPEN:
            raise ValidationError(_("Only an open office can be closed."))
        office.status = OfficeStatus.CLOSED
        office.closed_on = clock.today()
        office.save(update_fields=["status", "closed_on", "updated_at"])
    logger.info("office %s closed by user %s", office.pk, by.pk)
    return office


# --- Usage concept ------------------------------------------------------------------------

CONCEPT_FIELDS = (
    "target_groups",
    "planned_offers",
    "team_plan",
    "opening_plan",
    "partners",
    "budget",
    "budget_notes",
)


def _concept_path(office: Office) -> str:
    return reverse("quartier:concept", args=[office.slug])


def _step(concept: UsageConcept, kind: str, by: User, text: str = "") -> ConceptStep:
    return ConceptStep.objects.create(
        concept=concept, kind=kind, author=by, author_name=_name_of(by)[:120], text=text
    )


def _notify_reviewers(concept: UsageConcept, step: ConceptStep) -> None:
    office = concept.office
    staff = StaffRole.objects.filter(
        landesverband_id__in=office.gliederung.ancestor_ids
    ).select_related("user")
    mail_enqueue_many(
        [
            MailSpec(
                key=f"quartier:concept:{concept.pk}:step:{step.pk}:staff:{role.user_id}",
                to=role.user.email,
                template="quartier/concept_submitted",
                context={
                    "concept": concept,
                    "office": office,
                    "step": step,
                    "url": _absolute(_concept_path(office)),
                },
                purpose="quartier.concept",
                related=f"quartier.office:{office.pk}",
            )
            for role in staff
        ]
    )


def _notify_submitter(concept: UsageConcept, step: ConceptStep) -> None:
    if concept.submitted_by is None:
        return
    mail_enqueue(
        MailSpec(
            key=f"quartier:concept:{concept.pk}:step:{step.pk}:submitter",
            to=concept.submitted_by.email,
            template="quartier/concept_reviewed",
            context={
                "concept": concept,
                "office": concept.office,
                "step": step,
                "url": _absolute(_concept_path(concept.office)),
            },
            purpose="quartier.concept",
            related=f"quartier.office:{concept.office_id}",
        )
    )


def concept_submit(*, office_id: int, by: User, data: dict) -> UsageConcept:
    """The Vorstand submits the usage concept, or submits it again after a revision request."""
    values = {
        "target_groups": _text(
            data.get("target_groups"), label=_("Target groups"), max_length=3000
        ),
        "planned_offers": _text(
            data.get("planned_offers"), label=_("Planned offers"), max_length=3000
        ),
        "team_plan": _text(data.get("team_plan"), label=_("Team"), max_length=3000),
        "opening_plan": _text(
            data.get("opening_plan"), label=_("Planned opening hours"), max_length=1000
        ),
        "partners": _text(
            data.get("partners"), label=_("Partners"), max_length=3000, required=False
        ),
        "budget_notes": _text(
            data.get("budget_notes"),
            label=_("Notes on the budget"),
            max_length=3000,
            required=False,
        ),
    }
    budget = data.get("budget")
    if budget is None or budget < 0 or budget >= 10**8:
        raise ValidationError(_("Please enter a budget between 0 and 99,999,999.99 euros."))
    values["budget"] = budget
    with transaction.atomic():
        office = (
            Office.objects.select_for_update(of=("self",))
            .select_related("gliederung")
            .get(pk=office_id)
        )
        _require(by, "quartier.submit_concept", office)
        concept = UsageConcept.objects.select_for_update().filter(office=office).first()
        now = clock.now()
        if concept is None:
            if office.status != OfficeStatus.PLANNED:
                raise ValidationError(
                    _("A usage concept can only be submitted for a planned office.")
                )
            concept = UsageConcept.objects.create(
                office=office, submitted_by=by, submitted_at=now, **values
            )
            kind = ConceptStepKind.SUBMITTED
        elif concept.status == ConceptStatus.REVISION:
            for name, value in values.items():
                setattr(concept, name, value)
            concept.status = ConceptStatus.SUBMITTED
            concept.version += 1
            concept.submitted_by = by
            concept.submitted_at = now
            concept.save(
                update_fields=[*values, "status", "version", "submitted_by", "submitted_at"]
            )
            kind = ConceptStepKind.RESUBMITTED
        elif concept.status == ConceptStatus.SUBMITTED:
            raise ValidationError(
                _(
                    "The usage concept is being reviewed by the Landesverband. You can change it "
                    "when they ask for a revision."
                )
            )
        else:
            raise ValidationError(_("The usage concept has already been approved."))
        office.status = OfficeStatus.CONCEPT_SUBMITTED
        office.save(update_fields=["status", "updated_at"])
        step = _step(concept, kind, by)
        _notify_reviewers(concept, step)
    logger.info("usage concept %s for office %s submitted by user %s", concept.pk, office.pk, by.pk)
    return concept


def concept_comment(*, concept_id: int, by: User, text: str) -> ConceptStep:
    text = _text(text, label=_("Comment"), max_length=3000)
    with transaction.atomic():
        concept = (
            UsageConcept.objects.select_for_update(of=("self",))
            .select_related("office__gliederung", "submitted_by")
            .get(pk=concept_id)
        )
        office = concept.office
        if not (
            by.has_perm("quartier.review_concept", office)
            or by.has_perm("quartier.submit_concept", office)
        ):
            raise PermissionDenied
        step = _step(concept, ConceptStepKind.COMMENT, by, text)
        if by.has_perm("quartier.review_concept", office):
            _notify_submitter(concept, step)
        else:
            _notify_reviewers(concept, step)
    return step


def _decide(concept_id: int, by: User) -> UsageConcept:
    concept = (
        UsageConcept.objects.select_for_update(of=("self",))
        .select_related("office__gliederung", "submitted_by")
        .get(pk=concept_id)
    )
    _require(by, "quartier.review_concept", concept.office)
    if concept.status != ConceptStatus.SUBMITTED:
        raise ValidationError(_("This usage concept is not waiting for a decision."))
    return concept


def concept_request_revision(*, concept_id: int, by: User, text: str) -> UsageConcept:
    text = _text(text, label=_("What should be revised"), max_length=3000)
    with transaction.atomic():
        concept = _decide(concept_id, by)
        concept.status = ConceptStatus.REVISION
        concept.save(update_fields=["status"])
        Office.objects.filter(pk=concept.office_id).update(status=OfficeStatus.PLANNED)
        step = _step(concept, ConceptStepKind.REVISION_REQUESTED, by, text)
        _notify_submitter(concept, step)
    logger.info("usage concept %s: revision requested by user %s", concept.pk, by.pk)
    return concept


def concept_approve(*, concept_id: int, by: User, text: str = "") -> UsageConcept:
    text = _text(text, label=_("Comment"), max_length=3000, required=False)
    with transaction.atomic():
        concept = _decide(concept_id, by)
        concept.status = ConceptStatus.APPROVED
        concept.decided_by = by
        concept.decided_at = clock.now()
        concept.save(update_fields=["status", "decided_by", "decided_at"])
        Office.objects.filter(pk=concept.office_id).update(status=OfficeStatus.APPROVED)
        step = _step(concept, ConceptStepKind.APPROVED, by, text)
        _notify_submitter(concept, step)
    logger.info("usage concept %s approved by user %s", concept.pk, by.pk)
    return concept


# --- Events -------------------------------------------------------------------------------


def _event_mail_context(event: Event) -> dict:
    return {
        "event": event,
        "office": event.office,
        "url": _absolute(reverse("quartier:event", args=[event.office.slug, event.pk])),
    }


def event_register(*, event_id: int, name: str, email: str) -> EventRegistration:
    """Register a citizen by name and email; capacity is decided under the event's row lock."""
    name = _text(name, label=_("Your name"), max_length=100)
    email = _email(email, required=True)
    with transaction.atomic():
        try:
            event = (
                Event.objects.select_for_update(of=("self",))
                .select_related("office")
                .get(pk=event_id)
            )
        except Event.DoesNotExist:
            raise ValidationError(_("This event does not exist.")) from None
        if not event.office.is_public or event.cancelled:
            raise ValidationError(_("This event has been cancelled."))
        if not event.registration_open:
            raise ValidationError(_("This event needs no registration – just come along."))
        if event.starts_at <= clock.now():
            raise ValidationError(_("This event has already started; registration is closed."))
        if event.is_full:
            raise ValidationError(_("Sorry, this event is fully booked."))
        if EventRegistration.objects.filter(event=event, email=email).exists():
            raise ValidationError(_("You are already registered for this event with this email."))
        registration = EventRegistration.objects.create(event=event, name=name, email=email)
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + 1)
        event.registered_count += 1
        cancel_path = reverse(
            "quartier:registration_cancel", args=[tokens.registration_token(registration)]
        )
        mail_enqueue(
            MailSpec(
                key=f"quartier:registration:{registration.pk}:confirm",
                to=email,
                template="quartier/registration_confirmed",
                context={
                    **_event_mail_context(event),
                    "name": name,
                    "cancel_url": _absolute(cancel_path),
                },
                purpose="quartier.registration",
                related=f"quartier.event:{event.pk}",
                attachments=[
                    Attachment("veranstaltung.ics", ical.invitation(ical.event_entry(event)))
                ],
            )
        )
    logger.info("event %s: registration %s", event.pk, registration.pk)
    return registration


def _registration_from_token(token: str) -> EventRegistration:
    pk, created = tokens.read_registration_token(token)
    registration = (
        EventRegistration.objects.select_related("event", "event__office").filter(pk=pk).first()
    )
    if registration is None or int(registration.created_at.timestamp()) != created:
        raise tokens.TokenError(
            _("This registration no longer exists – perhaps you have already cancelled it.")
        )
    return registration


def registration_for_token(token: str) -> EventRegistration:
    return _registration_from_token(token)


def event_registration_cancel(*, token: str) -> Event:
    registration = _registration_from_token(token)
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=registration.event_id)
        )
        if event.starts_at <= clock.now():
            raise tokens.TokenError(
                _("The event has already begun; the registration can no longer be cancelled.")
            )
        deleted, _rows = EventRegistration.objects.filter(pk=registration.pk).delete()
        if not deleted:
            raise tokens.TokenError(
                _("This registration no longer exists – perhaps you have already cancelled it.")
            )
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") - 1)
        mail_enqueue(
            MailSpec(
                key=f"quartier:registration:{registration.pk}:cancelled",
                to=registration.email,
                template="quartier/registration_cancelled",
                context={**_event_mail_context(event), "name": registration.name},
                purpose="quartier.registration",
                related=f"quartier.event:{event.pk}",
            )
        )
    logger.info("event %s: registration %s cancelled", event.pk, registration.pk)
    return event


def event_cancel(*, event_id: int, by: User) -> Event:
    """Staff call an event off; everyone registered gets a mail with the calendar update."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",)).select_related("office").get(pk=event_id)
        )
        _require(by, "quartier.change_office", event.office)
        if event.cancelled:
            return event
        event.cancelled = True
        event.sequence += 1
        event.save(update_fields=["cancelled", "sequence"])
        calendar = ical.invitation(ical.event_entry(event), cancelled=True)
        mail_enqueue_many(
            [
                MailSpec(
                    key=f"quartier:event:{event.pk}:cancelled:{registration.pk}",
                    to=registration.email,
                    template="quartier/event_cancelled",
                    context={**_event_mail_context(event), "name": registration.name},
                    purpose="quartier.event",
                    related=f"quartier.event:{event.pk}",
                    attachments=[
                        Attachment(
                            "absage.ics", calendar, "text/calendar; charset=utf-8; method=CANCEL"
                        )
                    ],
                )
                for registration in event.registrations.all()
            ]
        )
    logger.info("event %s cancelled by user %s", event.pk, by.pk)
    return event


# --- Advice appointments ------------------------------------------------------------------


def advice_slots_publish(
    *,
    office: Office,
    advisor: User,
    by: User,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    count: int = 1,
    weeks: int = 1,
) -> list[AdviceSlot]:
    """Publish ``count`` consecutive slots, once or every week for ``weeks`` weeks (a series)."""
    _require(by, "quartier.publish_slots", office)
    if advisor.pk != by.pk and not by.has_perm("quartier.view_all_bookings", office):
        raise PermissionDenied
    if not TeamMember.objects.filter(office=office, user=advisor).exists():
        raise ValidationError(_("The advisor must belong to the office's team."))
    if kind not in AdviceKind.values:
        raise ValidationError(_("Please choose the kind of advice."))
    if not 10 <= duration_minutes <= 240:
        raise ValidationError(_("A slot lasts between 10 and 240 minutes."))
    if not 1 <= weeks <= 52:
        raise ValidationError(_("A series can run for 1 to 52 weeks."))
    if not 1 <= count <= 12:
        raise ValidationError(_("Please publish 1 to 12 slots in a row."))
    local_start = starts_at.astimezone(BERLIN)
    if local_start <= clock.local_now():
        raise ValidationError(_("The slot must be in the future."))
    length = timedelta(minutes=duration_minutes)
    starts = [
        datetime.combine(
            local_start.date() + timedelta(weeks=week), local_start.time(), tzinfo=BERLIN
        )
        + number * length
        for week in range(weeks)
        for number in range(count)
    ]
    with transaction.atomic():
        # Lock the advisor's team row so that two publications cannot slip past the check.
        TeamMember.objects.select_for_update().get(office=office, user=advisor)
        clashes = []
        for start in starts:
            clash = AdviceSlot.objects.filter(
                advisor=advisor,
                cancelled=False,
                starts_at__lt=start + length,
                ends_at__gt=start,
            ).first()
            if clash is not None:
                clashes.append(clash)
        if clashes:
            raise ValidationError(
                [
                    _("%(advisor)s already has a slot at %(when)s.")
                    % {
                        "advisor": advisor.public_name,
                        "when": f"{clash.starts_at.astimezone(BERLIN):%d.%m.%Y %H:%M}",
                    }
                    for clash in clashes
                ]
            )
        series = None
        if weeks > 1:
            series = AdviceSeries.objects.create(
                office=office,
                advisor=advisor,
                kind=kind,
                weekday=local_start.weekday(),
                first_date=starts[0].date(),
                last_date=starts[-1].date(),
            )
        slots = AdviceSlot.objects.bulk_create(
            [
                AdviceSlot(
                    office=office,
                    advisor=advisor,
                    kind=kind,
                    starts_at=start,
                    ends_at=start + length,
                    series=series,
                )
                for start in starts
            ]
        )
    logger.info("office %s: %d slots published for user %s", office.pk, len(slots), advisor.pk)
    return slots


def _booking_mail_context(slot: AdviceSlot, booking: AdviceBooking) -> dict:
    return {
        "slot": slot,
        "office": slot.office,
        "name": booking.name,
        "topic": booking.topic,
        "office_url": ical.office_url(slot.office),
    }


@dataclass
class BookingResult:
    booking: AdviceBooking
    cancel_url: str


def advice_booking_create(
    *, slot_id: int, name: str, email: str = "", phone: str = "", topic: str = ""
) -> BookingResult:
    """Book a slot. Never twice: the slot row is locked, and the booking is one-to-one."""
    name = _text(name, label=_("Your name"), max_length=100)
    email = _email(email, required=False)
    phone = _phone(phone)
    topic = _text(topic, label=_("Topic"), max_length=1000, required=False)
    if not email and not phone:
        raise ValidationError(
            _("Please give an email address or a phone number so that the advisor can reach you.")
        )
    taken = _(
        "Sorry, this appointment has just been booked by someone else. Please choose another one."
    )
    with transaction.atomic():
        try:
            slot = (
                AdviceSlot.objects.select_for_update(of=("self",))
                .select_related("office", "advisor")
                .get(pk=slot_id)
            )
        except AdviceSlot.DoesNotExist:
            raise ValidationError(_("This appointment does not exist.")) from None
        if slot.cancelled or not slot.office.is_public:
            raise ValidationError(_("This appointment has been cancelled."))
        if slot.starts_at <= clock.now():
            raise ValidationError(_("This appointment is in the past and can no longer be booked."))
        if slot.booked or AdviceBooking.objects.filter(slot=slot).exists():
            raise ValidationError(taken)
        try:
            with transaction.atomic():
                booking = AdviceBooking.objects.create(
                    slot=slot, name=name, email=email, phone=phone, topic=topic
                )
        except IntegrityError:
            raise ValidationError(taken) from None
        slot.booked = True
        slot.save(update_fields=["booked"])
        cancel_path = reverse("quartier:booking_cancel", args=[tokens.booking_token(booking)])
        specs = []
        context = {**_booking_mail_context(slot, booking), "cancel_url": _absolute(cancel_path)}
        if email:
            specs.append(
                MailSpec(
                    key=f"quartier:booking:{booking.pk}:confirm",
                    to=email,
                    template="quartier/booking_confirmed",
                    context=context,
                    purpose="quartier.booking",
                    related=f"quartier.slot:{slot.pk}",
                    attachments=[
                        Attachment(
                            "termin.ics",
                            ical.invitation(ical.slot_entry(slot, booking_id=booking.pk)),
                        )
                    ],
                )
            )
        if slot.advisor is not None and slot.advisor.email:
            specs.append(
                MailSpec(
                    key=f"quartier:booking:{booking.pk}:advisor",
                    to=slot.advisor.email,
                    template="quartier/booking_for_advisor",
                    context={
                        "slot": slot,
                        "office": slot.office,
                        "url": _absolute(reverse("quartier:slots_manage", args=[slot.office.slug])),
                    },
                    purpose="quartier.booking",
                    related=f"quartier.slot:{slot.pk}",
                )
            )
        mail_enqueue_many(specs)
    logger.info("slot %s booked (booking %s)", slot.pk, booking.pk)
    return BookingResult(booking=booking, cancel_url=_absolute(cancel_path))


def booking_for_token(token: str) -> AdviceBooking:
    pk, created = tokens.read_booking_token(token)
    booking = (
        AdviceBooking.objects.select_related("slot", "slot__office", "slot__advisor")
        .filter(pk=pk)
        .first()
    )
    if booking is None or int(booking.created_at.timestamp()) != created:
        raise tokens.TokenError(
            _("This booking no longer exists – perhaps it has already been cancelled.")
        )
    return booking


def advice_booking_cancel(*, token: str) -> AdviceSlot:
    booking = booking_for_token(token)
    with transaction.atomic():
        slot = (
            AdviceSlot.objects.select_for_update(of=("self",))
            .select_related("office", "advisor")
            .get(pk=booking.slot_id)
        )
        if slot.starts_at <= clock.now():
            raise tokens.TokenError(
                _(
                    "This appointment has already begun or is over; it can no longer be "
                    "cancelled online."
                )
            )
        deleted, _rows = AdviceBooking.objects.filter(pk=booking.pk).delete()
        if not deleted:
            raise tokens.TokenError(
                _("This booking no longer exists – perhaps it has already been cancelled.")
            )
        slot.booked = False
        slot.save(update_fields=["booked"])
        _booking_cancel_mails(slot, booking, by_citizen=True)
    logger.info("slot %s: booking %s cancelled by the citizen", slot.pk, booking.pk)
    return slot


def _booking_cancel_mails(slot: AdviceSlot, booking: AdviceBooking, *, by_citizen: bool) -> None:
    specs = []
    if booking.email:
        specs.append(
            MailSpec(
                key=f"quartier:booking:{booking.pk}:cancelled",
                to=booking.email,
                template="quartier/booking_cancelled",
                context={**_booking_mail_context(slot, booking), "by_citizen": by_citizen},
                purpose="quartier.booking",
                related=f"quartier.slot:{slot.pk}",
                attachments=[
                    Attachment(
                        "absage.ics",
                        ical.invitation(
                            ical.slot_entry(slot, cancelled=True, booking_id=booking.pk),
                            cancelled=True,
                        ),
                        "text/calendar; charset=utf-8; method=CANCEL",
                    )
                ],
            )
        )
    if by_citizen and slot.advisor is not None and slot.advisor.email:
        specs.append(
            MailSpec(
                key=f"quartier:booking:{booking.pk}:advisor-cancelled",
                to=slot.advisor.email,
                template="quartier/booking_cancelled_for_advisor",
                context={"slot": slot, "office": slot.office},
                purpose="quartier.booking",
                related=f"quartier.slot:{slot.pk}",
            )
        )
    mail_enqueue_many(specs)


def advice_slot_cancel(*, slot_id: int, by: User) -> AdviceSlot:
    """An advisor (or the office staff) withdraws a slot; a booked citizen is told by mail."""
    with transaction.atomic():
        slot = (
            AdviceSlot.objects.select_for_update(of=("self",))
            .select_related("office", "advisor")
            .get(pk=slot_id)
        )
        if slot.advisor_id != by.pk and not by.has_perm("quartier.view_all_bookings", slot.office):
            raise PermissionDenied
        if slot.cancelled:
            return slot
        booking = AdviceBooking.objects.filter(slot=slot).first()
        if booking is not None:
            booking_copy = AdviceBooking(
                pk=booking.pk, slot=slot, name=booking.name, email=booking.email
            )
            booking.delete()
            if slot.starts_at > clock.now():
                _booking_cancel_mails(slot, booking_copy, by_citizen=False)
        slot.cancelled = True
        slot.booked = False
        slot.save(update_fields=["cancelled", "booked"])
    logger.info("slot %s withdrawn by user %s", slot.pk, by.pk)
    return slot


# --- Contact requests ---------------------------------------------------------------------


def contact_request_create(
    *,
    office: Office,
    name: str,
    email: str,
    phone: str = "",
    subject: str,
    message: str,
    consent: bool,
) -> ContactRequest:
    if consent is not True:
        raise ValidationError(
            _("Please agree that the office may process your data to answer you.")
        )
    if not office.is_public:
        raise ValidationError(_("This office is not open at the moment."))
    values = {
        "name": _text(name, label=_("Your name"), max_length=100),
        "email": _email(email, required=True),
        "phone": _phone(phone),
        "subject": _text(subject, label=_("Subject"), max_length=150),
        "message": _text(message, label=_("Your message"), max_length=3000),
    }
    from rotesnetz.privacy.services import consent_record, consent_text_current

    from .consents import CONTACT_CONSENT, CONTACT_CONSENT_DEFAULT

    with transaction.atomic():
        request = ContactRequest.objects.create(office=office, consent=True, **values)
        # The citizen has no account: the record names the concern it belongs to.
        consent_record(
            text=consent_text_current(kind=CONTACT_CONSENT, default=CONTACT_CONSENT_DEFAULT),
            reference=f"quartier.contactrequest:{request.pk}",
        )
        specs = [
            MailSpec(
                key=f"quartier:contact:{request.pk}:receipt",
                to=request.email,
                template="quartier/contact_receipt",
                context={
                    "request": request,
                    "office": office,
                    "office_url": ical.office_url(office),
                },
                purpose="quartier.contact",
                related=f"quartier.office:{office.pk}",
            )
        ]
        inbox_url = _absolute(reverse("quartier:inbox", args=[office.slug]))
        leads = TeamMember.objects.filter(office=office, role=TeamRole.LEAD).select_related("user")
        specs += [
            MailSpec(
                key=f"quartier:contact:{request.pk}:team:{member.user_id}",
                to=member.user.email,
                template="quartier/contact_new",
                context={"request": request, "office": office, "url": inbox_url},
                purpose="quartier.contact",
                related=f"quartier.office:{office.pk}",
            )
            for member in leads
        ]
        mail_enqueue_many(specs)
    logger.info("office %s: contact request %s received", office.pk, request.pk)
    return request


def contact_request_update(
    *, request_id: int, by: User, status: str, assignee_id: int | None
) -> ContactRequest:
    if status not in ContactStatus.values:
        raise ValidationError(_("Please choose a valid status."))
    with transaction.atomic():
        request = (
            ContactRequest.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=request_id)
        )
        _require(by, "quartier.handle_contact_requests", request.office)
        if (
            assignee_id is not None
            and not TeamMember.objects.filter(office=request.office, user_id=assignee_id).exists()
        ):
            raise ValidationError(_("Only members of the office team can be assigned."))
        request.status = status
        request.assignee_id = assignee_id
        request.done_at = clock.now() if status == ContactStatus.DONE else None
        request.save(update_fields=["status", "assignee", "done_at", "updated_at"])
    logger.info("contact request %s set to %s by user %s", request.pk, status, by.pk)
    return request


def contact_note_add(*, request_id: int, by: User, text: str) -> ContactNote:
    text = _text(text, label=_("Note"), max_length=2000)
    request = ContactRequest.objects.select_related("office").get(pk=request_id)
    _require(by, "quartier.handle_contact_requests", request.office)
    note = ContactNote.objects.create(request=request, author=by, text=text)
    ContactRequest.objects.filter(pk=request.pk).update(updated_at=clock.now())
    return note


# --- Retention ----------------------------------------------------------------------------


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete personal data after the retention periods (settings ``QUARTIER_*_DAYS``).

    Counts needed for the impact report stay: a slot keeps ``booked``, an event its
    ``registered_count``, and contact requests are added to the monthly tally before they go.
    """
    now = now or clock.now()
    booking_cutoff = now - timedelta(days=settings.QUARTIER_BOOKING_RETENTION_DAYS)
    event_cutoff = now - timedelta(days=settings.QUARTIER_EVENT_RETENTION_DAYS)
    contact_cutoff = now - timedelta(days=settings.QUARTIER_CONTACT_RETENTION_DAYS)
    with transaction.atomic():
        bookings, _rows = AdviceBooking.objects.filter(slot__ends_at__lt=booking_cutoff).delete()
        registrations, _rows = EventRegistration.objects.filter(
            event__ends_at__lt=event_cutoff
        ).delete()
        old = ContactRequest.objects.filter(created_at__lt=contact_cutoff)
        received = (
            old.annotate(month=TruncMonth("created_at", tzinfo=BERLIN))
            .values("office_id", "month")
            .annotate(count=Count("id"))
        )
        handled = (
            old.filter(status=ContactStatus.DONE, done_at__isnull=False)
            .annotate(month=TruncMonth("done_at", tzinfo=BERLIN))
            .values("office_id", "month")
            .annotate(count=Count("id"))
        )
        for rows, column in ((received, "received"), (handled, "handled")):
            for row in rows:
                month = row["month"]
                month = month.date() if hasattr(month, "date") else month
                tally, _created = ContactTally.objects.select_for_update().get_or_create(
                    office_id=row["office_id"], month=month
                )
                ContactTally.objects.filter(pk=tally.pk).update(
                    **{column: F(column) + row["count"]}
                )
        contacts = old.count()
        old.delete()
    counts = {"bookings": bookings, "registrations": registrations, "contact_requests": contacts}
    logger.info("quartier retention: %s", counts)
    return counts
