"""What the quartier part hands to the privacy registry (wired in ``apps.py``).

Citizens book and write without an account; a member who did so with the address of their
account finds those rows in their archive and in their erasure. Team work stays with the
office, without the person: notes and concept steps lose their author, withdrawn consultation
hours tell the citizens who had booked them.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from rotesnetz.privacy.coded import coded

from . import clock
from .models import (
    AdviceBooking,
    AdviceSeries,
    AdviceSlot,
    ConceptStep,
    ContactNote,
    ContactRequest,
    Event,
    EventRegistration,
    TeamMember,
    UsageConcept,
)

CONTACT_REFERENCE = "quartier.contactrequest:"


def _emails(user) -> list[str]:
    from rotesnetz.privacy.services import identity_of

    return identity_of(user).emails


def export_quartier(user) -> dict:
    emails = _emails(user)
    return {
        "teams": [
            {
                "office": t.office.name,
                "role": coded(t, "role"),
                "tasks": t.tasks,
                "since": t.created_at,
            }
            for t in TeamMember.objects.filter(user=user).select_related("office")
        ],
        # Hours the person offered as an advisor; who booked them is the citizens' business.
        "consultation_slots_offered": [
            {
                "office": s.office.name,
                "kind": coded(s, "kind"),
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "booked": s.booked,
                "cancelled": s.cancelled,
            }
            for s in AdviceSlot.objects.filter(advisor=user).select_related("office")
        ],
        "bookings": [
            {
                "office": b.slot.office.name,
                "kind": coded(b.slot, "kind"),
                "starts_at": b.slot.starts_at,
                "name": b.name,
                "email": b.email,
                "phone": b.phone,
                "topic": b.topic,
                "booked_on": b.created_at,
            }
            for b in AdviceBooking.objects.filter(email__in=emails).select_related("slot__office")
        ],
        "event_registrations": [
            {
                "event": r.event.title,
                "office": r.event.office.name,
                "starts_at": r.event.starts_at,
                "name": r.name,
                "email": r.email,
                "registered_on": r.created_at,
            }
            for r in EventRegistration.objects.filter(email__in=emails).select_related(
                "event__office"
            )
        ],
        "contact_requests": [
            {
                "office": c.office.name,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "subject": c.subject,
                "message": c.message,
                "status": coded(c, "status"),
                "received": c.created_at,
                "notes": [note.text for note in c.notes.all()],
            }
            for c in ContactRequest.objects.filter(email__in=emails)
            .select_related("office")
            .prefetch_related("notes")
        ],
        "concept_steps_written": [
            {
                "office": s.concept.office.name,
                "step": coded(s, "kind"),
                "text": s.text,
                "at": s.created_at,
            }
            for s in ConceptStep.objects.filter(author=user).select_related("concept__office")
        ],
        "concepts_submitted": [
            {"office": c.office.name, "status": coded(c, "status"), "submitted_at": c.submitted_at}
            for c in UsageConcept.objects.filter(submitted_by=user).select_related("office")
        ],
        # Notes on other people's concerns: when, not what (the text is about them).
        "notes_written": [
            {"contact_request": n.request_id, "at": n.created_at}
            for n in ContactNote.objects.filter(author=user)
        ],
    }


def erase_quartier(user) -> None:
    from rotesnetz.privacy.services import (
        consent_records_delete,
        erased_name,
        identity_of,
        scrub_rows,
    )

    from .services import advice_slot_cancel

    identity = identity_of(user)
    emails = identity.emails
    now = clock.now()
    # Phone numbers given with the person's address are the person's too (for scrubbing).
    for model in (AdviceBooking, ContactRequest):
        for phone in (
            model.objects.filter(email__in=emails).exclude(phone="").values_list("phone", flat=True)
        ):
            if phone not in identity.phones:
                identity.phones.append(phone)
    # Future hours the person offered are withdrawn; the citizens who booked are told.
    for slot_id in AdviceSlot.objects.filter(
        advisor=user, cancelled=False, starts_at__gt=now
    ).values_list("pk", flat=True):
        advice_slot_cancel(slot_id=slot_id, by=user)
    # Own bookings and registrations: future ones free their place, past ones keep the count.
    for booking in AdviceBooking.objects.filter(email__in=emails).select_related("slot"):
        if booking.slot.starts_at > now:
            AdviceSlot.objects.filter(pk=booking.slot_id).update(booked=False)
        booking.delete()
    for registration in EventRegistration.objects.filter(email__in=emails).select_related("event"):
        if registration.event.starts_at > now:
            Event.objects.filter(pk=registration.event_id).update(
                registered_count=F("registered_count") - 1
            )
        registration.delete()
    requests = list(ContactRequest.objects.filter(email__in=emails).values_list("pk", flat=True))
    consent_records_delete(references=[f"{CONTACT_REFERENCE}{pk}" for pk in requests])
    ContactRequest.objects.filter(pk__in=requests).delete()
    # Team work stays with the office, without the person.
    ConceptStep.objects.filter(author=user).update(author=None, author_name=erased_name())
    scrub_rows(ConceptStep.objects.all(), identity, ["text", "author_name"])
    scrub_rows(ContactNote.objects.all(), identity, ["text"])
    ContactNote.objects.filter(author=user).update(author=None)
    AdviceSlot.objects.filter(advisor=user).update(advisor=None)
    AdviceSeries.objects.filter(advisor=user).update(advisor=None)
    TeamMember.objects.filter(user=user).delete()


def retain_quartier(now) -> dict[str, int]:
    """Bookings, registrations and concerns after their periods (``QUARTIER_*_DAYS``), and
    the consent records of concerns that are gone."""
    from rotesnetz.privacy.models import ConsentRecord

    from .services import retention_purge

    counts = retention_purge(now=now)
    existing = set(ContactRequest.objects.values_list("pk", flat=True))
    orphaned = [
        record.pk
        for record in ConsentRecord.objects.filter(reference__startswith=CONTACT_REFERENCE)
        if int(record.reference.removeprefix(CONTACT_REFERENCE) or 0) not in existing
    ]
    consents, _rows = ConsentRecord.objects.filter(pk__in=orphaned).delete()
    return {**counts, "contact_consents": consents}


def register() -> None:
    from rotesnetz.privacy import registry

    registry.register(
        "quartier",
        label=_("Neighbourhood offices: team roles, bookings, registrations, concerns"),
        export=export_quartier,
        erase=erase_quartier,
        retain=retain_quartier,
        audit_actions={
            "quartier.contact_request.view": _("Contact request viewed"),
            "quartier.impact_report.export": _("Impact report exported"),
            "quartier.inbox.view": _("Inbox of contact requests viewed"),
            "quartier.offices.export": _("Offices exported"),
        },
        mail_purposes={
            "quartier.booking": _("Appointment booked or cancelled"),
            "quartier.concept": _("Usage concept"),
            "quartier.contact": _("Contact request"),
            "quartier.event": _("Event cancelled"),
            "quartier.registration": _("Event registration"),
        },
        named_targets={"quartier.office"},
    )
