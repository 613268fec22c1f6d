"""The staff UI: schedule and change conferences, registrants, mails, moderation, follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rotesnetz.outbox.models import MailStatus
from rotesnetz.privacy.services import audit_record

from . import selectors, services, tasks
from .enums import Provider
from .forms import (
    CancelForm,
    ConferenceForm,
    ContributorForm,
    FollowUpForm,
    ModeratorForm,
    SeriesForm,
)
from .models import Conference, Contributor, DialIn, Series
from .rules import can_schedule, is_conference_staff, is_series_staff
from .views import form_errors, service_errors

PAGE_SIZE = 100


def _schedule_permission(request) -> None:
    if not can_schedule(request.user):
        raise Http404


def _managed(request, slug) -> Conference:
    conference = get_object_or_404(
        Conference.objects.select_related("gliederung", "series"), slug=slug
    )
    if not is_conference_staff(request.user, conference):
        raise Http404  # not allowed looks like not there
    return conference


def _conference_form(request, *, data=None, initial=None):
    return ConferenceForm(
        data,
        initial=initial,
        organisers=selectors.organiser_choices(user=request.user),
        series=selectors.staff_series(user=request.user),
    )


def _apply_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@never_cache
@login_required
def staff_list(request):
    _schedule_permission(request)
    context = {
        "conferences": selectors.staff_conferences(user=request.user)[:200],
        "series_list": selectors.staff_series(user=request.user).order_by("title"),
    }
    return render(request, "konferenzen/staff/list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    _schedule_permission(request)
    form = _conference_form(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(by=request.user, **form.service_arguments())
        except ValidationError as error:
            _apply_service_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The conference has been scheduled."))
            return redirect("konferenzen:staff_detail", slug=conference.slug)
    return render(request, "konferenzen/staff/form.html", {"form": form, "conference": None})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, slug):
    conference = _managed(request, slug)
    conference.dial_in = DialIn.objects.filter(conference=conference).first()
    form = _conference_form(
        request,
        data=request.POST or None,
        initial=ConferenceForm.initial_for(conference),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_update(
                conference_id=conference.pk, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("konferenzen:staff_detail", slug=conference.slug)
    return render(request, "konferenzen/staff/form.html", {"form": form, "conference": conference})


@never_cache
@login_required
def staff_detail(request, slug):
    conference = _managed(request, slug)
    registrations = Paginator(selectors.registrations(conference=conference), PAGE_SIZE)
    page = registrations.get_page(request.GET.get("seite"))
    audit_record(
        actor=request.user,
        action="konferenzen.participants.view",
        target=conference,
        filters={"page": page.number},
        count=registrations.count,
    )
    feedback = selectors.feedback_of(conference=conference)
    dial_in = DialIn.objects.filter(conference=conference).first()
    context = {
        "conference": conference,
        "dial_in": dial_in,
        "page": page,
        "counts": selectors.mail_counts(conference=conference),
        "failed": selectors.mail_log(conference=conference)
        .filter(status=MailStatus.FAILED)
        .count(),
        "moderators": conference.moderators.order_by("email"),
        "contributors": conference.contributors.all(),
        "feedback": feedback[:50],
        "feedback_stats": feedback.aggregate(average=Avg("rating"), count=Count("id")),
        "moderator_form": ModeratorForm(),
        "contributor_form": ContributorForm(),
        "cancel_form": CancelForm(),
        "follow_up_form": FollowUpForm(
            initial={
                "recording_url": conference.recording_url,
                "summary": conference.summary,
                "attendance_count": conference.attendance_count,
            }
        ),
        "is_jitsi": getattr(DialIn.objects.filter(conference=conference).first(), "provider", "")
        == Provider.JITSI,
    }
    return render(request, "konferenzen/staff/detail.html", context)


@never_cache
@login_required
def staff_mails(request, slug):
    conference = _managed(request, slug)
    rows = selectors.mail_log(conference=conference)
    status = request.GET.get("status", "")
    if status in MailStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("seite"))
    audit_record(
        actor=request.user,
        action="konferenzen.mail_log.view",
        target=conference,
        filters={"status": status} if status in MailStatus.values else None,
        count=page.paginator.count,
    )
    context = {
        "conference": conference,
        "page": page,
        "counts": selectors.mail_counts(conference=conference),
        "status": status,
        "statuses": MailStatus.choices,
    }
    return render(request, "konferenzen/staff/mails.html", context)


@login_required
@require_POST
def staff_resend(request, slug):
    conference = _managed(request, slug)
    count = services.mails_resend_failed(conference_id=conference.pk, by=request.user)
    messages.success(
        request, ngettext("%d mail queued again.", "%d mails queued again.", count) % count
    )
    return redirect("konferenzen:staff_mails", slug=slug)


@login_required
@require_POST
def staff_send_dial_in_now(request, slug):
    conference = _managed(request, slug)
    if conference.is_cancelled:
        messages.error(request, _("This conference has been cancelled."))
        return redirect("konferenzen:staff_detail", slug=slug)
    tasks.dispatch_dial_in.delay(conference_id=conference.pk)
    messages.success(request, _("The dial-in mails are on their way."))
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_cancel(request, slug):
    conference = _managed(request, slug)
    form = CancelForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("konferenzen:staff_detail", slug=slug)
    try:
        services.conference_cancel(
            conference_id=conference.pk, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The conference has been cancelled; registrants get a mail."))
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_follow_up(request, slug):
    conference = _managed(request, slug)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("konferenzen:staff_detail", slug=slug)
    try:
        services.conference_follow_up(
            conference_id=conference.pk, by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The follow-up has been saved."))
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_jitsi_renew(request, slug):
    conference = _managed(request, slug)
    try:
        services.jitsi_room_renew(conference_id=conference.pk, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The conference has a new Jitsi room."))
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_moderator_add(request, slug):
    conference = _managed(request, slug)
    form = ModeratorForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("konferenzen:staff_detail", slug=slug)
    try:
        user = services.moderator_add(
            conference_id=conference.pk, by=request.user, email=form.cleaned_data["email"]
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("%(name)s moderates the questions now.") % {"name": user})
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_moderator_remove(request, slug, user_id):
    conference = _managed(request, slug)
    services.moderator_remove(conference_id=conference.pk, by=request.user, user_id=user_id)
    messages.success(request, _("The moderator has been removed."))
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_contributor_add(request, slug):
    conference = _managed(request, slug)
    form = ContributorForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("konferenzen:staff_detail", slug=slug)
    try:
        services.contributor_add(by=request.user, conference=conference, **form.cleaned_data)
    except ValidationError as error:
        service_errors(request, error)
    return redirect("konferenzen:staff_detail", slug=slug)


@login_required
@require_POST
def staff_contributor_remove(request, pk):
    contributor = get_object_or_404(
        Contributor.objects.select_related("conference", "series"), pk=pk
    )
    try:
        services.contributor_remove(contributor_id=pk, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    if contributor.conference_id:
        return redirect("konferenzen:staff_detail", slug=contributor.conference.slug)
    return redirect("konferenzen:staff_series", slug=contributor.series.slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_series(request, slug=None):
    _schedule_permission(request)
    series = None
    if slug is not None:
        series = get_object_or_404(Series.objects.select_related("gliederung"), slug=slug)
        if not is_series_staff(request.user, series):
            raise Http404
    organisers = selectors.organiser_choices(user=request.user)
    initial = (
        {"title": series.title, "description": series.description, "gliederung": series.gliederung}
        if series
        else None
    )
    form = SeriesForm(request.POST or None, initial=initial, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.series_save(by=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("The series has been saved."))
            return redirect("konferenzen:staff_series", slug=saved.slug)
    context = {
        "form": form,
        "series": series,
        "contributors": series.contributors.all() if series else [],
        "contributor_form": ContributorForm(),
        "moderators": series.moderators.order_by("email") if series else [],
        "moderator_form": ModeratorForm(),
    }
    return render(request, "konferenzen/staff/series.html", context)


@login_required
@require_POST
def staff_series_moderator(request, slug):
    """Add (``email``) or remove (``remove``: a user id) a question moderator of a series."""
    series = get_object_or_404(Series.objects.select_related("gliederung"), slug=slug)
    if not is_series_staff(request.user, series):
        raise Http404
    if request.POST.get("remove", "").isdigit():
        services.series_moderator_remove(
            series_id=series.pk, by=request.user, user_id=int(request.POST["remove"])
        )
        messages.success(request, _("The moderator has been removed."))
        return redirect("konferenzen:staff_series", slug=slug)
    form = ModeratorForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("konferenzen:staff_series", slug=slug)
    try:
        user = services.series_moderator_add(
            series_id=series.pk, by=request.user, email=form.cleaned_data["email"]
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("%(name)s moderates the questions now.") % {"name": user})
    return redirect("konferenzen:staff_series", slug=slug)


@login_required
@require_POST
def staff_series_contributor_add(request, slug):
    series = get_object_or_404(Series.objects.select_related("gliederung"), slug=slug)
    if not is_series_staff(request.user, series):
        raise Http404
    form = ContributorForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            services.contributor_add(by=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            service_errors(request, error)
    return redirect("konferenzen:staff_series", slug=slug)
