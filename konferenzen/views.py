"""Pages of the conference app: public pages, the registrant's pages, questions, feedback."""

from datetime import UTC
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rotesnetz import ratelimit
from rotesnetz.dates import format_moment
from rotesnetz.markup import plain_text
from rotesnetz.members.models import Gliederung, GliederungKind
from rotesnetz.privacy.services import audit_record

from . import ical, selectors, services
from .briefing import briefing_csv, briefing_pdf
from .enums import RegistrationStatus
from .forms import FeedbackForm, GuestRegistrationForm, QuestionForm
from .models import Conference, DialIn, Question, Registration, Series
from .rules import is_conference_staff, is_in_audience, is_question_moderator

GUEST_RATE_LIMIT = 20  # guest registrations per address and hour


def service_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _conference(slug: str) -> Conference:
    return get_object_or_404(selectors.conference_page(slug=slug))


def _share_links(conference: Conference, url: str) -> list[dict]:
    start = format_moment(conference.starts_at, "numeric_datetime")
    text = f"{conference.title} – {start}"
    q = quote
    return [
        {"label": "WhatsApp", "url": f"https://wa.me/?text={q(text + ' ' + url)}"},
        {"label": "Telegram", "url": f"https://t.me/share/url?url={q(url)}&text={q(text)}"},
        {"label": "Bluesky", "url": f"https://bsky.app/intent/compose?text={q(text + ' ' + url)}"},
        {"label": "Facebook", "url": f"https://www.facebook.com/sharer/sharer.php?u={q(url)}"},
        {"label": "X", "url": f"https://twitter.com/intent/tweet?text={q(text)}&url={q(url)}"},
        {
            "label": "LinkedIn",
            "url": f"https://www.linkedin.com/sharing/share-offsite/?url={q(url)}",
        },
        {
            "label": pgettext("share by", "Email"),
            "url": f"mailto:?subject={q(conference.title)}&body={q(text + chr(10) + url)}",
        },
    ]


def _calendar_links(conference: Conference, url: str) -> dict:
    fmt = "%Y%m%dT%H%M%SZ"
    start = conference.starts_at.astimezone(UTC)
    end = conference.ends_at.astimezone(UTC)
    details = (conference.topic + "\n" if conference.topic else "") + url
    location = conference.venue if conference.has_venue else _("Online")
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": conference.title,
            "dates": f"{start.strftime(fmt)}/{end.strftime(fmt)}",
            "details": details,
            "location": location,
        }
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "subject": conference.title,
            "startdt": start.isoformat(),
            "enddt": end.isoformat(),
            "body": details,
            "location": location,
            "path": "/calendar/action/compose",
            "rru": "addevent",
        }
    )
    return {
        "ics": reverse("konferenzen:ics", args=[conference.slug]),
        "google": google,
        "outlook": outlook,
    }


# --- Public ---------------------------------------------------------------------------------


@require_GET
def conference_list(request):
    context = {
        "upcoming": selectors.upcoming_conferences(),
        "past": selectors.past_conferences()[:12],
        "can_schedule": request.user.has_perm("konferenzen.schedule_conference"),
        "landesverbaende": Gliederung.objects.filter(kind=GliederungKind.LANDESVERBAND).order_by(
            "name"
        ),
    }
    return render(request, "konferenzen/conference_list.html", context)


def _room_of(conference):
    from rotesnetz.rooms.models import Room

    return Room.objects.filter(part_key=f"konferenz-{conference.pk}").first()


@require_GET
def conference_detail(request, slug):
    conference = _conference(slug)
    url = ical.public_url(conference)
    registration = selectors.registration_of(conference=conference, user=request.user)
    active = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    closed = services.registration_closed_reason(conference)
    full = (
        conference.capacity is not None
        and conference.registered_count >= conference.capacity
        and not active
    )
    context = {
        "conference": conference,
        "registration": registration if active else None,
        "room": _room_of(conference) if active and request.user.is_authenticated else None,
        "contributors": [
            *(conference.series.contributors.all() if conference.series_id else []),
            *conference.contributors.all(),
        ],
        "closed_reason": closed,
        "full": full,
        "can_register": (
            request.user.is_authenticated
            and not active
            and not closed
            and not full
            and is_in_audience(request.user, conference)
        ),
        "guest_form": GuestRegistrationForm()
        if conference.is_public and not request.user.is_authenticated
        else None,
        "is_staff": is_conference_staff(request.user, conference),
        "is_moderator": request.user.is_authenticated
        and is_question_moderator(request.user, conference),
        "share_links": _share_links(conference, url),
        "calendar_links": _calendar_links(conference, url),
        "og": {
            "title": conference.title,
            "description": plain_text(conference.description or conference.topic or "", 200),
            "url": url,
            "image": settings.SITE_URL + static(settings.BRAND_LOGO),
        },
    }
    return render(request, "konferenzen/conference_detail.html", context)


@require_GET
def conference_ics(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    return _ics_response(ical.calendar_for(conference, method="PUBLISH"), f"{slug}.ics")


@require_GET
def series_detail(request, slug):
    series = get_object_or_404(Series.objects.select_related("gliederung"), slug=slug)
    context = {
        "series": series,
        "conferences": selectors.series_conferences(series=series),
        "contributors": series.contributors.all(),
    }
    return render(request, "konferenzen/series_detail.html", context)


@require_GET
def series_ics(request, slug):
    series = get_object_or_404(Series, slug=slug)
    conferences = series.conferences.order_by("starts_at")
    return _ics_response(ical.feed(conferences, name=series.title), f"{slug}.ics")


@require_GET
def landesverband_ics(request, slug):
    landesverband = get_object_or_404(Gliederung, slug=slug, kind=GliederungKind.LANDESVERBAND)
    conferences = selectors.landesverband_conferences(landesverband=landesverband)
    name = _("Conferences: %(name)s") % {"name": landesverband.name}
    return _ics_response(ical.feed(conferences, name=name), f"{slug}.ics")


# --- Registration ---------------------------------------------------------------------------


@login_required
@require_POST
def register(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    try:
        services.registration_register_member(conference_id=conference.pk, user=request.user)
    except ValidationError as error:
        service_errors(request, error)
        return redirect("konferenzen:detail", slug=slug)
    messages.success(request, _("You are registered. We have sent you a confirmation."))
    return redirect("konferenzen:participation", slug=slug)


@require_POST
def register_guest(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    form = GuestRegistrationForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("konferenzen:detail", slug=slug)
    if not ratelimit.hit(request, scope="konferenzen-guest", limit=GUEST_RATE_LIMIT, period=3600):
        messages.error(request, _("Too many registrations from your connection. Please wait."))
        return redirect("konferenzen:detail", slug=slug)
    try:
        services.registration_register_guest(
            conference_id=conference.pk,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
        )
    except ValidationError as error:
        service_errors(request, error)
        return redirect("konferenzen:detail", slug=slug)
    messages.success(
        request,
        _("Almost done: please confirm your registration with the link we sent to %(email)s.")
        % {"email": form.cleaned_data["email"]},
    )
    return redirect("konferenzen:detail", slug=slug)


def _registrant_context(conference: Conference, registration: Registration, base: str) -> dict:
    released = conference.dial_in_released_at is not None
    dial_in = DialIn.objects.filter(conference=conference).first() if released else None
    return {
        "conference": conference,
        "registration": registration,
        "dial_in": dial_in,
        "released": released,
        "base": base,
        "feedback_given": hasattr(registration, "feedback") and registration.feedback is not None,
    }


def _member_registration(request, slug) -> tuple[Conference, Registration]:
    conference = _conference(slug)
    registration = selectors.registration_of(conference=conference, user=request.user)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    return conference, registration


def _guest_registration(token) -> tuple[Conference, Registration]:
    registration = get_object_or_404(
        Registration.objects.select_related("conference__series", "conference__gliederung"),
        token=token,
        user__isnull=True,
    )
    return registration.conference, registration


@never_cache
@login_required
@require_GET
def participation(request, slug):
    try:
        conference, registration = _member_registration(request, slug)
    except Http404:
        messages.info(request, _("You are not registered for this conference."))
        return redirect("konferenzen:detail", slug=slug)
    context = _registrant_context(conference, registration, "member")
    return render(request, "konferenzen/participation.html", context)


@never_cache
@login_required
@require_GET
def participation_ics(request, slug):
    conference, _registration = _member_registration(request, slug)
    dial_in = (
        DialIn.objects.filter(conference=conference).first()
        if conference.dial_in_released_at
        else None
    )
    return _ics_response(ical.calendar_for(conference, dial_in, method="PUBLISH"), f"{slug}.ics")


@login_required
@require_POST
def cancel_registration(request, slug):
    conference, registration = _member_registration(request, slug)
    try:
        services.registration_cancel(registration_id=registration.pk)
    except ValidationError as error:
        service_errors(request, error)
        return redirect("konferenzen:participation", slug=slug)
    messages.success(request, _("You have cancelled your registration."))
    return redirect("konferenzen:detail", slug=slug)


@never_cache
@require_GET
def guest(request, token):
    conference, registration = _guest_registration(token)
    if registration.status == RegistrationStatus.PENDING:
        return redirect("konferenzen:guest_confirm", token=token)
    context = _registrant_context(conference, registration, "guest")
    return render(request, "konferenzen/participation.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def guest_confirm(request, token):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    conference, registration = _guest_registration(token)
    if request.method == "POST":
        try:
            services.registration_confirm_guest(token=token)
        except ValidationError as error:
            service_errors(request, error)
            return redirect("konferenzen:detail", slug=conference.slug)
        messages.success(request, _("Your registration is confirmed."))
        return redirect("konferenzen:guest", token=token)
    return render(
        request,
        "konferenzen/guest_confirm.html",
        {"conference": conference, "registration": registration},
    )


@never_cache
@require_GET
def guest_ics(request, token):
    conference, registration = _guest_registration(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    dial_in = (
        DialIn.objects.filter(conference=conference).first()
        if conference.dial_in_released_at
        else None
    )
    return _ics_response(
        ical.calendar_for(conference, dial_in, method="PUBLISH"), f"{conference.slug}.ics"
    )


@require_POST
def guest_cancel(request, token):
    conference, registration = _guest_registration(token)
    try:
        services.registration_cancel(registration_id=registration.pk)
    except ValidationError as error:
        service_errors(request, error)
        return redirect("konferenzen:guest", token=token)
    messages.success(request, _("You have cancelled your registration."))
    return redirect("konferenzen:detail", slug=conference.slug)


# --- Questions ------------------------------------------------------------------------------


def _questions_page(
    request, conference, registration, *, post_url, support_name, support_arg, back_url
):
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_submit(registration=registration, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Thank you, your question has been sent in."))
            return redirect(post_url)
    context = {
        "conference": conference,
        "registration": registration,
        "questions": selectors.questions_for_registrant(
            conference=conference, registration=registration
        ),
        "form": form,
        "post_url": post_url,
        "support_name": support_name,
        "support_arg": support_arg,
        "back_url": back_url,
        "open": not conference.is_cancelled and not conference.has_ended,
    }
    return render(request, "konferenzen/questions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, slug):
    conference = _conference(slug)
    registration = selectors.registration_of(conference=conference, user=request.user)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        if is_question_moderator(request.user, conference):
            return redirect("konferenzen:moderation", slug=slug)
        messages.info(request, _("Questions can be sent in by registered participants."))
        return redirect("konferenzen:detail", slug=slug)
    return _questions_page(
        request,
        conference,
        registration,
        post_url=reverse("konferenzen:questions", args=[slug]),
        support_name="konferenzen:support",
        support_arg=slug,
        back_url=reverse("konferenzen:participation", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
def guest_questions(request, token):
    conference, registration = _guest_registration(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    return _questions_page(
        request,
        conference,
        registration,
        post_url=reverse("konferenzen:guest_questions", args=[token]),
        support_name="konferenzen:guest_support",
        support_arg=token,
        back_url=reverse("konferenzen:guest", args=[token]),
    )


def _support(request, registration, question_id):
    try:
        services.question_support(question_id=question_id, registration=registration)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("You support this question."))


@login_required
@require_POST
def support(request, slug, pk):
    conference, registration = _member_registration(request, slug)
    _support(request, registration, pk)
    return redirect("konferenzen:questions", slug=slug)


@require_POST
def guest_support(request, token, pk):
    conference, registration = _guest_registration(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    _support(request, registration, pk)
    return redirect("konferenzen:guest_questions", token=token)


def _moderated_conference(request, slug) -> Conference:
    conference = _conference(slug)
    if not is_question_moderator(request.user, conference):
        raise Http404
    return conference


@never_cache
@login_required
@require_GET
def moderation(request, slug):
    conference = _moderated_conference(request, slug)
    context = {
        "conference": conference,
        "questions": selectors.questions_for_moderation(conference_id=conference.pk),
        "topics": selectors.topics(conference_id=conference.pk),
        "ws_path": f"/ws/konferenzen/{conference.pk}/fragen/",
        # An empty item the script clones for questions that arrive live.
        "template_question": Question(pk=0, text="", support_count=0),
    }
    return render(request, "konferenzen/moderation.html", context)


@login_required
@require_POST
def moderate(request, slug, pk):
    """The same actions as the live view, for browsers without JavaScript."""
    conference = _moderated_conference(request, slug)
    get_object_or_404(conference.questions, pk=pk)
    topic = request.POST.get("topic") or None
    try:
        services.question_moderate(
            question_id=pk,
            by=request.user,
            action=request.POST.get("action", ""),
            topic_id=int(topic) if topic and topic.isdigit() else None,
        )
    except ValidationError as error:
        service_errors(request, error)
    return redirect("konferenzen:moderation", slug=slug)


@login_required
@require_POST
def topic_create(request, slug):
    conference = _moderated_conference(request, slug)
    try:
        services.topic_create(
            conference_id=conference.pk, by=request.user, name=request.POST.get("name", "")
        )
    except ValidationError as error:
        service_errors(request, error)
    return redirect("konferenzen:moderation", slug=slug)


@never_cache
@login_required
@require_GET
def briefing(request, slug, kind):
    conference = _moderated_conference(request, slug)
    if kind not in ("csv", "pdf") or not request.user.has_perm(
        "konferenzen.export_briefing", conference
    ):
        raise Http404
    questions = list(
        conference.questions.filter(hidden=False).select_related("topic").order_by("id")
    )
    audit_record(
        actor=request.user,
        action="konferenzen.briefing.export",
        target=conference,
        filters={"format": kind},
        count=len(questions),
    )
    if kind == "pdf":
        response = HttpResponse(briefing_pdf(conference, questions), content_type="application/pdf")
    else:
        response = HttpResponse(
            "\ufeff" + briefing_csv(questions), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="briefing-{slug}.{kind}"'
    return response


# --- Feedback -------------------------------------------------------------------------------


def _feedback_page(request, conference, registration, *, done_url):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                registration=registration,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(request, _("Thank you for your feedback!"))
            return redirect(done_url)
    return render(
        request,
        "konferenzen/feedback.html",
        {"conference": conference, "form": form, "done_url": done_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, slug):
    conference, registration = _member_registration(request, slug)
    return _feedback_page(
        request,
        conference,
        registration,
        done_url=reverse("konferenzen:participation", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
def guest_feedback(request, token):
    conference, registration = _guest_registration(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    return _feedback_page(
        request, conference, registration, done_url=reverse("konferenzen:guest", args=[token])
    )
