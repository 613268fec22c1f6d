"""Thin views: parse, authorise, call a selector or a service, render.

Public pages (finder, office page, events, booking, contact, cancellation links) need no
account. Team pages answer 404 to people without the right, so that an outsider cannot tell
an office's inbox from a page that does not exist.
"""

import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rotesnetz import ratelimit
from rotesnetz.markup import render_markdown
from rotesnetz.members.models import (
    Gliederung,
    GliederungKind,
    Membership,
    MembershipRole,
    StaffRole,
)
from rotesnetz.privacy.services import audit_record

from . import analysis, charts, clock, ical, report, selectors, services
from .enums import AdviceKind, ConceptStatus, ContactStatus, OfficeStatus, TeamRole
from .forms import (
    AnalysisConfigForm,
    BookingForm,
    ConceptForm,
    ConceptReviewForm,
    ContactForm,
    ContactNoteForm,
    ContactUpdateForm,
    ElectionImportForm,
    EventRegistrationForm,
    SlotPublishForm,
)
from .hours import schema_org_hours, weekly_table
from .imports import ElectionImportError, election_results_import
from .models import AdviceSlot, ContactRequest, Event, Office, TeamMember, UsageConcept
from .tokens import TokenError, registration_token

logger = logging.getLogger(__name__)
PUBLIC_FORM_PERIOD = 3600


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _rate_limited(request, scope: str) -> bool:
    limit = settings.QUARTIER_PUBLIC_FORM_RATE_LIMIT
    return not ratelimit.hit(request, scope=scope, limit=limit, period=PUBLIC_FORM_PERIOD)


def _tile_origin() -> str:
    url = settings.QUARTIER_MAP_TILE_URL
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def _allow_map_tiles(response: HttpResponse) -> HttpResponse:
    """The strict CSP allows images from the configured tile server on map pages only."""
    origin = _tile_origin()
    if origin:
        policy = dict(settings.SECURE_CSP)
        policy["img-src"] = [*policy.get("img-src", []), origin]
        response._csp_config = policy
    return response


def _office_card(office: Office, now) -> dict:
    status = selectors.status_of(office, now=now)
    return {"office": office, "status": status, "status_label": status.label(now=now)}


# --- Public pages -------------------------------------------------------------------------


@require_GET
def finder(request):
    result = selectors.office_search(query=request.GET.get("q", ""))
    now = clock.now()
    cards = [_office_card(office, now) for office in result.offices]
    map_points = [
        {
            "name": card["office"].name,
            "url": reverse("quartier:office", args=[card["office"].slug]),
            "lat": float(card["office"].latitude),
            "lng": float(card["office"].longitude),
            "address": card["office"].address_line,
            "status": card["status_label"],
        }
        for card in cards
        if card["office"].has_coordinates
    ]
    context = {
        "result": result,
        "cards": cards,
        "map_points": map_points,
        "tile_url": _tile_origin() and settings.QUARTIER_MAP_TILE_URL,
        "tile_attribution": settings.QUARTIER_MAP_ATTRIBUTION,
    }
    return _allow_map_tiles(render(request, "quartier/finder.html", context))


def _json_ld(office: Office, events: list[Event], request) -> str:
    url = ical.office_url(office)
    data = {
        "@context": "https://schema.org",
        "@type": "CivicStructure",
        "name": office.name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": office.street,
            "postalCode": office.postcode,
            "addressLocality": office.city,
            "addressCountry": "DE",
        },
        "openingHoursSpecification": schema_org_hours(selectors.weekly_intervals(office)),
        "isAccessibleForFree": True,
        "event": [
            {
                "@type": "Event",
                "name": event.title,
                "startDate": event.starts_at.isoformat(),
                "endDate": event.ends_at.isoformat(),
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": {"@type": "Place", "name": office.name, "address": office.address_line},
                "url": settings.SITE_URL + reverse("quartier:event", args=[office.slug, event.pk]),
            }
            for event in events
        ],
    }
    if office.district:
        data["address"]["addressRegion"] = office.district
    if office.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(office.latitude),
            "longitude": float(office.longitude),
        }
    if office.phone:
        data["telephone"] = office.phone
    if office.email:
        data["email"] = office.email
    if office.language_list:
        data["availableLanguage"] = office.language_list
    # The same escaping as json_script: nothing in the data can close the script element.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def _office_context(request, office: Office, *, contact_form=None) -> dict:
    now = clock.now()
    events = selectors.upcoming_events(office=office)
    slots = selectors.free_slots(office=office)
    today = clock.today()
    return {
        "office": office,
        "card": _office_card(office, now),
        "weekly": weekly_table(selectors.weekly_intervals(office)),
        "exceptions": [e for e in office.upcoming_exceptions if e.date >= today],
        "services": list(office.services.all()),
        "description_html": render_markdown(office.description) if office.description else "",
        "events": events,
        # ?termine=<kind>: all free slots of that kind, not only the first few
        "slot_groups": selectors.slots_by_kind(slots, expand=request.GET.get("termine", "")),
        "contact_form": contact_form or ContactForm(),
        "json_ld": _json_ld(office, events, request),
        "is_preview": not office.is_public,
    }


def _public_office(request, slug) -> Office:
    office = selectors.office_page(slug=slug, include_non_public=True)
    if office is None or not request.user.has_perm("quartier.view_office_page", office):
        raise Http404
    return office


@require_GET
def office_detail(request, slug):
    office = _public_office(request, slug)
    response = render(request, "quartier/office_detail.html", _office_context(request, office))
    return response


@require_GET
def office_ics(request, slug):
    office = selectors.office_page(slug=slug)
    if office is None:
        raise Http404
    events = list(
        Event.objects.filter(
            office=office, cancelled=False, ends_at__gte=clock.now() - timedelta(days=30)
        ).select_related("office")
    )
    response = HttpResponse(
        ical.office_feed(office, events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{office.slug}.ics"'
    return response


@require_POST
def contact_create(request, slug):
    office = selectors.office_page(slug=slug)
    if office is None:
        raise Http404
    form = ContactForm(request.POST)
    if form.is_spam():
        logger.info("office %s: contact form honeypot filled, dropped", office.pk)
        messages.success(request, _("Thank you! Your concern has been sent to the office."))
        return redirect("quartier:office", slug=office.slug)
    status = 200
    if _rate_limited(request, "contact"):
        form.add_error(
            None,
            _(
                "Too many messages from your connection. Please try again in "
                "an hour or phone the office."
            ),
        )
        status = 429
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_request_create(
                office=office,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                subject=data["subject"],
                message=data["message"],
                consent=data["consent"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you! Your concern has been sent to the office. You will get a "
                    "confirmation by email."
                ),
            )
            return redirect(reverse("quartier:office", args=[office.slug]) + "#kontakt")
    context = _office_context(request, office, contact_form=form)
    return render(request, "quartier/office_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def event_detail(request, slug, pk):
    office = selectors.office_page(slug=slug)
    if office is None:
        raise Http404
    event = get_object_or_404(Event.objects.select_related("office"), pk=pk, office=office)
    form = EventRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam():
            return render(
                request,
                "quartier/registration_done.html",
                {"office": office, "event": event, "cancel_url": ""},
            )
        if _rate_limited(request, "event"):
            form.add_error(
                None, _("Too many registrations from your connection. Please try again in an hour.")
            )
            status = 429
        elif form.is_valid():
            try:
                registration = services.event_register(
                    event_id=event.pk,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                event.refresh_from_db()
            else:
                cancel_url = reverse(
                    "quartier:registration_cancel", args=[registration_token(registration)]
                )
                return render(
                    request,
                    "quartier/registration_done.html",
                    {
                        "office": office,
                        "event": event,
                        "cancel_url": cancel_url,
                        "email": registration.email,
                    },
                )
    context = {
        "office": office,
        "event": event,
        "description_html": render_markdown(event.description) if event.description else "",
        "form": form,
        "can_register": (
            event.registration_open
            and not event.cancelled
            and not event.is_full
            and event.starts_at > clock.now()
        ),
        "is_past": event.ends_at <= clock.now(),
    }
    return render(request, "quartier/event_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def slot_book(request, slug, pk):
    office = selectors.office_page(slug=slug)
    if office is None:
        raise Http404
    slot = get_object_or_404(AdviceSlot.objects.select_related("office"), pk=pk, office=office)
    form = BookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam():
            return render(
                request,
                "quartier/booking_done.html",
                {"office": office, "slot": slot, "cancel_url": "", "email": ""},
            )
        if _rate_limited(request, "booking"):
            form.add_error(
                None,
                _(
                    "Too many bookings from your connection. Please try again in "
                    "an hour or phone the office."
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                result = services.advice_booking_create(
                    slot_id=slot.pk,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    topic=data["topic"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 409
            else:
                return render(
                    request,
                    "quartier/booking_done.html",
                    {
                        "office": office,
                        "slot": slot,
                        # A path, so that the link works whatever SITE_URL says.
                        "cancel_url": urlsplit(result.cancel_url).path,
                        "email": result.booking.email,
                    },
                )
    available = not slot.booked and not slot.cancelled and slot.starts_at > clock.now()
    context = {"office": office, "slot": slot, "form": form, "available": available}
    return render(request, "quartier/booking_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def booking_cancel(request, token):
    try:
        booking = services.booking_for_token(token)
    except TokenError as error:
        return render(
            request,
            "quartier/cancel_result.html",
            {"error": error.message, "kind": "booking"},
            status=400,
        )
    if request.method == "POST":
        try:
            slot = services.advice_booking_cancel(token=token)
        except TokenError as error:
            return render(
                request,
                "quartier/cancel_result.html",
                {"error": error.message, "kind": "booking"},
                status=400,
            )
        return render(
            request,
            "quartier/cancel_result.html",
            {"done": True, "kind": "booking", "slot": slot, "office": slot.office},
        )
    slot = booking.slot
    return render(
        request,
        "quartier/cancel_confirm.html",
        {
            "kind": "booking",
            "slot": slot,
            "office": slot.office,
            "past": slot.starts_at <= clock.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    try:
        registration = services.registration_for_token(token)
    except TokenError as error:
        return render(
            request,
            "quartier/cancel_result.html",
            {"error": error.message, "kind": "registration"},
            status=400,
        )
    if request.method == "POST":
        try:
            event = services.event_registration_cancel(token=token)
        except TokenError as error:
            return render(
                request,
                "quartier/cancel_result.html",
                {"error": error.message, "kind": "registration"},
                status=400,
            )
        return render(
            request,
            "quartier/cancel_result.html",
            {"done": True, "kind": "registration", "event": event, "office": event.office},
        )
    event = registration.event
    return render(
        request,
        "quartier/cancel_confirm.html",
        {
            "kind": "registration",
            "event": event,
            "office": event.office,
            "past": event.starts_at <= clock.now(),
        },
    )


# --- Team pages ---------------------------------------------------------------------------


def _office_for(request, slug: str, perm: str) -> Office:
    """The office if the person has ``perm`` on it, else 404 (absent and forbidden look alike)."""
    office = Office.objects.select_related("gliederung").filter(slug=slug).first()
    if office is None or not request.user.has_perm(perm, office):
        raise Http404
    return office


@login_required
@require_GET
def my_offices(request):
    scope = selectors.office_scope(user=request.user)
    offices = list(
        Office.objects.filter(id__in=scope.ids)
        .select_related("gliederung")
        .annotate(
            new_requests=Count(
                "contact_requests", filter=Q(contact_requests__status=ContactStatus.NEW)
            )
        )
        .order_by("city", "name")
    )
    rows = [
        {
            "office": office,
            "inbox": scope.handles_contacts(office.pk),
            "slots": scope.publishes_slots(office.pk),
            "report": scope.handles_contacts(office.pk),
            "concept": scope.sees_concept(office.pk),
            "can_open": office.pk in scope.runs and office.status == OfficeStatus.APPROVED,
        }
        for office in offices
    ]
    context = {
        "rows": rows,
        "reviews": request.user.is_superuser
        or selectors.concepts_to_review(user=request.user).exists(),
        "analysis": bool(_analysable(request.user)),
    }
    return render(request, "quartier/my_offices.html", context)


@login_required
@require_GET
def inbox(request, slug):
    office = _office_for(request, slug, "quartier.handle_contact_requests")
    status = request.GET.get("status", "")
    requests = list(selectors.inbox(office=office, status=status)[:200])
    audit_record(
        actor=request.user,
        action="quartier.inbox.view",
        target=office,
        filters={"status": status} if status else None,
        count=len(requests),
    )
    context = {
        "office": office,
        "requests": requests,
        "status": status if status in ContactStatus.values else "",
        "statuses": ContactStatus.choices,
    }
    return render(request, "quartier/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request, slug, pk):
    office = _office_for(request, slug, "quartier.handle_contact_requests")
    contact = selectors.contact_request_for(office=office, pk=pk)
    if contact is None:
        raise Http404
    if request.method == "GET":
        audit_record(actor=request.user, action="quartier.contact_request.view", target=contact)
    team = list(selectors.team_of(office=office))
    update_form = ContactUpdateForm(
        initial={"status": contact.status, "assignee": contact.assignee_id}, team=team
    )
    note_form = ContactNoteForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "update":
            update_form = ContactUpdateForm(request.POST, team=team)
            if update_form.is_valid():
                try:
                    services.contact_request_update(
                        request_id=contact.pk,
                        by=request.user,
                        status=update_form.cleaned_data["status"],
                        assignee_id=update_form.cleaned_data["assignee"],
                    )
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, _("The contact request has been updated."))
                    return redirect("quartier:contact_detail", slug=office.slug, pk=contact.pk)
        elif action == "note":
            note_form = ContactNoteForm(request.POST)
            if note_form.is_valid():
                try:
                    services.contact_note_add(
                        request_id=contact.pk, by=request.user, text=note_form.cleaned_data["text"]
                    )
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, _("The note has been saved."))
                    return redirect("quartier:contact_detail", slug=office.slug, pk=contact.pk)
        else:
            messages.error(request, _("Please choose what you want to do."))
    context = {
        "office": office,
        "contact": contact,
        "update_form": update_form,
        "note_form": note_form,
    }
    return render(request, "quartier/contact_detail.html", context)


def _advisors_for(request, office: Office):
    """Staff may publish for any advisor of the team; an advisor only for themselves."""
    if request.user.has_perm("quartier.view_all_bookings", office):
        team = selectors.team_of(office=office).filter(role__in=[TeamRole.ADVISOR, TeamRole.LEAD])
        return [member.user for member in team]
    return None


@login_required
@require_http_methods(["GET", "POST"])
def slots_manage(request, slug):
    office = _office_for(request, slug, "quartier.publish_slots")
    advisors = _advisors_for(request, office)
    form = SlotPublishForm(request.POST or None, advisors=advisors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        advisor = request.user
        if advisors is not None:
            advisor = next((u for u in advisors if u.pk == data["advisor"]), None)
        if advisor is None:
            form.add_error("advisor", _("Please choose an advisor of the team."))
        else:
            try:
                slots = services.advice_slots_publish(
                    office=office,
                    advisor=advisor,
                    by=request.user,
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration"],
                    count=data["count"],
                    weeks=data["weeks"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d slot has been published.",
                        "%(count)d slots have been published.",
                        len(slots),
                    )
                    % {"count": len(slots)},
                )
                return redirect("quartier:slots_manage", slug=office.slug)
    show_all = advisors is not None
    slots = selectors.slots_for_management(
        office=office, advisor=None if show_all else request.user
    )
    context = {
        "office": office,
        "form": form,
        "slots": slots,
        "show_all": show_all,
        "now": clock.now(),
    }
    return render(request, "quartier/slots_manage.html", context)


@login_required
@require_POST
def slot_cancel(request, slug, pk):
    office = _office_for(request, slug, "quartier.publish_slots")
    slot = get_object_or_404(AdviceSlot, pk=pk, office=office)
    try:
        services.advice_slot_cancel(slot_id=slot.pk, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The slot has been withdrawn."))
    return redirect("quartier:slots_manage", slug=office.slug)


@login_required
@require_GET
def impact(request, slug):
    office = _office_for(request, slug, "quartier.view_impact_report")
    try:
        months = max(1, min(int(request.GET.get("months", "12")), 36))
    except ValueError:
        months = 12
    rows = report.impact_report(office=office, months=months)
    if request.GET.get("format") == "csv":
        if not request.user.has_perm("quartier.export_impact_report", office):
            raise Http404
        audit_record(
            actor=request.user,
            action="quartier.impact_report.export",
            target=office,
            filters={"months": months},
            count=len(rows),
        )
        response = HttpResponse(
            report.report_csv(office, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="wirkung-{office.slug}.csv"'
        return response
    bars = []
    for row in rows[-6:]:  # the chart shows the last half year; the table and CSV all
        label = f"{row.month:%m/%Y}"
        bars += [
            charts.Bar(f"{label} · " + _("events"), row.events, str(row.events), "rn-bar-events"),
            charts.Bar(
                f"{label} · " + _("appointments"),
                row.appointments_total,
                str(row.appointments_total),
                "rn-bar-appointments",
            ),
            charts.Bar(
                f"{label} · " + _("contact requests"),
                row.contacts_handled,
                str(row.contacts_handled),
                "rn-bar-contacts",
            ),
        ]
    context = {
        "office": office,
        "rows": rows,
        "months": months,
        "kinds": list(AdviceKind),
        "chart": charts.bar_chart(bars),
    }
    return render(request, "quartier/report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concept(request, slug):
    office = _office_for(request, slug, "quartier.view_concept")
    existing = UsageConcept.objects.filter(office=office).first()
    can_submit = request.user.has_perm("quartier.submit_concept", office) and (
        (existing is None and office.status == OfficeStatus.PLANNED)
        or (existing is not None and existing.status == ConceptStatus.REVISION)
    )
    can_review = existing is not None and request.user.has_perm("quartier.review_concept", office)
    can_comment = existing is not None and (
        can_review or request.user.has_perm("quartier.submit_concept", office)
    )
    form = ConceptForm(request.POST or None, instance=None) if can_submit else None
    if form is not None and request.method == "GET" and existing is not None:
        form = ConceptForm(initial={f: getattr(existing, f) for f in services.CONCEPT_FIELDS})
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.concept_submit(
                    office_id=office.pk, by=request.user, data=form.cleaned_data
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(
                    request, _("The usage concept has been submitted to the Landesverband.")
                )
                return redirect("quartier:concept", slug=office.slug)
    steps = list(existing.steps.select_related("author")) if existing else []
    context = {
        "office": office,
        "concept": existing,
        "steps": steps,
        "form": form,
        "review_form": ConceptReviewForm() if can_comment else None,
        "can_review": can_review and existing.status == ConceptStatus.SUBMITTED,
        "can_open": request.user.has_perm("quartier.open_office", office)
        and office.status == OfficeStatus.APPROVED,
    }
    return render(request, "quartier/concept.html", context)


@login_required
@require_POST
def concept_review(request, slug):
    office = _office_for(request, slug, "quartier.view_concept")
    existing = get_object_or_404(UsageConcept, office=office)
    form = ConceptReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("quartier:concept", slug=office.slug)
    action, text = form.cleaned_data["action"], form.cleaned_data["text"]
    try:
        if action == "comment":
            services.concept_comment(concept_id=existing.pk, by=request.user, text=text)
            messages.success(request, _("Your comment has been added."))
        elif action == "revision":
            services.concept_request_revision(concept_id=existing.pk, by=request.user, text=text)
            messages.success(request, _("The Vorstand has been asked to revise the concept."))
        else:
            services.concept_approve(concept_id=existing.pk, by=request.user, text=text)
            messages.success(
                request, _("The usage concept has been approved. The office can now be opened.")
            )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
    return redirect("quartier:concept", slug=office.slug)


@login_required
@require_POST
def office_open(request, slug):
    office = _office_for(request, slug, "quartier.open_office")
    try:
        services.office_open(office_id=office.pk, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("%(office)s is now open and can be found by everyone.") % {"office": office}
        )
    return redirect("quartier:concept", slug=office.slug)


@login_required
@require_GET
def concept_list(request):
    concepts = selectors.concepts_to_review(user=request.user)
    if not request.user.is_superuser and not concepts.exists():
        raise PermissionDenied
    return render(request, "quartier/concept_list.html", {"concepts": concepts[:200]})


def _analysable(user) -> list[Gliederung]:
    if not user.is_authenticated:
        return []
    return [
        lv
        for lv in Gliederung.objects.filter(kind=GliederungKind.LANDESVERBAND).order_by("name")
        if user.has_perm("quartier.use_site_analysis", lv)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def site_analysis(request):
    allowed = _analysable(request.user)
    if not allowed:
        raise PermissionDenied
    chosen = request.GET.get("lv") or request.POST.get("lv")
    landesverband = next((lv for lv in allowed if str(lv.pk) == chosen), allowed[0])
    config = analysis.config_for(landesverband)
    import_form = ElectionImportForm()
    config_form = AnalysisConfigForm(instance=config)
    import_errors: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "import":
            import_form = ElectionImportForm(request.POST, request.FILES)
            if import_form.is_valid():
                try:
                    result = election_results_import(
                        landesverband=landesverband,
                        data=import_form.cleaned_data["file"].read(),
                        note=import_form.cleaned_data["note"],
                    )
                except ElectionImportError as error:
                    import_errors = error.errors
                    status = 400
                else:
                    messages.success(
                        request,
                        _("Import done: %(created)d results added, %(updated)d updated.")
                        % {"created": result.created, "updated": result.updated},
                    )
                    return redirect(f"{reverse('quartier:site_analysis')}?lv={landesverband.pk}")
        elif action == "config":
            config_form = AnalysisConfigForm(request.POST, instance=config)
            if config_form.is_valid():
                config_form.save()
                messages.success(request, _("The settings of the site analysis have been saved."))
                return redirect(f"{reverse('quartier:site_analysis')}?lv={landesverband.pk}")
        else:
            messages.error(request, _("Please choose what you want to do."))
    sort = request.GET.get("sort", "score")
    if sort not in analysis.SORTS:
        sort = "score"
    figures = analysis.rank_districts(landesverband=landesverband, config=config, sort=sort)
    bars = [
        charts.Bar(
            f"{item.city}-{item.name}" + (" ★" if item.has_office else ""),
            item.score,
            f"{item.score:.0f}",
            "rn-bar-office" if item.has_office else "rn-bar",
        )
        for item in sorted(figures, key=lambda f: -f.score)[:20]
    ]
    context = {
        "landesverbaende": allowed,
        "landesverband": landesverband,
        "config": config,
        "figures": figures,
        "sort": sort,
        "sorts": analysis.SORTS,
        "elections": analysis.elections_of(landesverband),
        "parties": analysis.parties_of(landesverband),
        "chart": charts.bar_chart(bars, maximum=100),
        "import_form": import_form,
        "import_errors": import_errors,
        "config_form": config_form,
    }
    return render(request, "quartier/site_analysis.html", context, status=status)


def mein_netz_panel(request):
    """The "Mein Netz" tile: a team's offices and what waits there, and the way to the pages
    of those who run offices, review usage concepts or analyse sites."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = list(TeamMember.objects.filter(user=user).select_related("office"))
    office_ids = [m.office_id for m in memberships]
    new_requests = dict(
        ContactRequest.objects.filter(office_id__in=office_ids, status=ContactStatus.NEW)
        .values_list("office_id")
        .annotate(count=Count("id"))
    )
    upcoming = dict(
        AdviceSlot.objects.filter(
            advisor=user, booked=True, cancelled=False, starts_at__gte=clock.now()
        )
        .values_list("office_id")
        .annotate(count=Count("id"))
    )
    rows = [
        {
            "office": m.office,
            "role": m.get_role_display(),
            "new_requests": new_requests.get(m.office_id, 0),
            "bookings": upcoming.get(m.office_id, 0),
        }
        for m in memberships
    ]
    lv_staff = (
        user.is_superuser
        or StaffRole.objects.filter(user=user, landesverband__isnull=False).exists()
    )
    landesvorstand = Membership.objects.filter(
        user=user, role=MembershipRole.VORSTAND, gliederung__kind=GliederungKind.LANDESVERBAND
    ).exists()
    runs_offices = bool(rows) or lv_staff or bool(selectors.office_ids_for(user=user))
    if not (runs_offices or landesvorstand):
        return None
    context = {
        "rows": rows,
        "my_offices": runs_offices,
        "reviews": lv_staff,
        "analysis": lv_staff or landesvorstand,
    }
    return {"template": "quartier/panel.html", "context": context}
