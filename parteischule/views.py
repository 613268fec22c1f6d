"""Thin views: parse, check the permission, call a service or a selector, render.

Unpublished courses and other people's registrations answer 404 to those who may not see
them, as if they did not exist.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rotesnetz.members.models import Gliederung, Regionalzentrum
from rotesnetz.privacy.services import audit_record

from . import certificates, selectors, services
from .enums import EnrolmentStatus
from .forms import (
    CatalogueFilterForm,
    CourseForm,
    DiversityForm,
    FeedbackForm,
    GoalForm,
    MessageForm,
    SessionForm,
)
from .models import Category, Certificate, Course, CourseSession, DiversityProfile, Enrolment

S = EnrolmentStatus
PAGE_SIZE = 20


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _access_course(request, pk: int, perm: str = "parteischule.view_course") -> Course:
    """Fetch a course and check ``perm`` in one step; unseen courses look like missing ones."""
    course = get_object_or_404(
        Course.objects.select_related("landesverband", "regionalzentrum", "category"), pk=pk
    )
    if not request.user.has_perm("parteischule.view_course", course):
        raise Http404
    if perm != "parteischule.view_course" and not request.user.has_perm(perm, course):
        raise PermissionDenied
    return course


# --- Members -------------------------------------------------------------------------------------


@login_required
@require_GET
def catalogue(request):
    form = CatalogueFilterForm(
        request.GET or None,
        categories=Category.objects.all(),
        zentren=Regionalzentrum.objects.filter(courses__is_published=True)
        .distinct()
        .order_by("name"),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    courses = selectors.catalogue(
        query=filters.get("q", "").strip(),
        category=filters.get("category", ""),
        course_format=filters.get("format", ""),
        regionalzentrum=filters.get("regionalzentrum", ""),
        include_past=filters.get("past", False),
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "parteischule/catalogue.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@login_required
@require_GET
def course_detail(request, pk):
    _access_course(request, pk)
    course = selectors.course_detail(pk=pk)
    enrolment = (
        Enrolment.objects.filter(course=course, user=request.user)
        .exclude(status=S.CANCELLED)
        .select_related("certificate")
        .first()
    )
    context = {
        "course": course,
        "enrolment": enrolment,
        "position": services.waitlist_position(enrolment) if enrolment else None,
        "free_seats": max(0, course.capacity - course.enrolled_count),
        "show_video": request.user.has_perm("parteischule.view_video_link", course),
        "can_lead": request.user.has_perm("parteischule.change_course", course),
        "can_give_feedback": request.user.has_perm("parteischule.give_feedback", course)
        and not hasattr(enrolment, "feedback"),
        "now": timezone.now(),
        "window_open": course.enrolment_opens_at <= timezone.now() <= course.enrolment_closes_at,
        # Said before the button, not after a refused enrolment.
        "missing": [] if enrolment else services.prerequisites_missing(course, request.user),
    }
    return render(request, "parteischule/course_detail.html", context)


@login_required
@require_POST
def course_enrol(request, pk):
    course = _access_course(request, pk)
    try:
        enrolment = services.course_enrol(course=course, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if enrolment.status == S.ENROLLED:
            messages.success(
                request,
                _("You are enrolled. We have sent you a confirmation with the dates."),
            )
        else:
            messages.warning(
                request,
                _(
                    "The course is full, so you are on the waitlist at place %(position)d. "
                    "If a seat becomes free, you move up automatically and we write to you."
                )
                % {"position": services.waitlist_position(enrolment)},
            )
    return redirect("parteischule:course", pk=pk)


@login_required
@require_POST
def course_cancel(request, pk):
    course = _access_course(request, pk)
    enrolment = (
        Enrolment.objects.filter(course=course, user=request.user)
        .exclude(status=S.CANCELLED)
        .first()
    )
    if enrolment is None:
        messages.error(request, _("You are not registered for this course."))
        return redirect("parteischule:course", pk=pk)
    was = enrolment.status
    try:
        services.enrolment_cancel(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if was == S.ENROLLED:
            messages.success(request, _("You have cancelled your seat."))
        else:
            messages.success(request, _("You have left the waitlist."))
    return redirect("parteischule:course", pk=pk)


@login_required
@require_GET
def course_calendar(request, pk):
    course = _access_course(request, pk)
    with_video = request.user.has_perm("parteischule.view_video_link", course)
    response = HttpResponse(
        services.course_calendar(course=course, with_video=with_video),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="kurs-{course.pk}.ics"'
    return response


@login_required
@require_GET
def my_courses(request):
    enrolments = list(selectors.enrolments_of(user=request.user))
    return render(
        request,
        "parteischule/my_courses.html",
        {
            "enrolments": enrolments,
            "paths": selectors.learning_path_progress(user=request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def certificate_pdf(request, pk):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related(
            "course", "course__regionalzentrum", "user", "certificate"
        ),
        pk=pk,
        user=request.user,
    )
    certificate = getattr(enrolment, "certificate", None)
    if enrolment.completed_at is None or certificate is None or not certificate.is_valid:
        raise Http404
    pdf = certificates.render_pdf(certificate=certificate)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="teilnahmebestaetigung-{certificate.code}.pdf"'
    )
    return response


@require_GET
def verify(request, code=None):
    """Public: anyone holding a Teilnahmebestätigung can check its code here."""
    # Codes are three groups of four of A-Z and 2-9. Anything else (spaces, dashes in other
    # places, NUL bytes) is dropped, so a code typed as printed, in lower case or without its
    # dashes is found alike.
    raw = re.sub(r"[^A-Z0-9]", "", (code or request.GET.get("code", "")).upper())[:20]
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw
    certificate = None
    if code:
        certificate = (
            Certificate.objects.select_related(
                "enrolment__user", "enrolment__course", "enrolment__course__regionalzentrum"
            )
            .filter(code=code)
            .first()
        )
    return render(
        request,
        "parteischule/verify.html",
        {"code": code, "certificate": certificate},
        status=200 if certificate or not code else 404,
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, pk):
    course = _access_course(request, pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(course=course, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Thank you for your feedback!"))
            return redirect("parteischule:course", pk=pk)
    elif not request.user.has_perm("parteischule.give_feedback", course):
        messages.info(request, _("Participants can give feedback once the course is over."))
        return redirect("parteischule:course", pk=pk)
    return render(request, "parteischule/feedback_form.html", {"course": course, "form": form})


@login_required
@require_GET
def learning_path_list(request):
    return render(
        request,
        "parteischule/learning_paths.html",
        {"paths": selectors.learning_path_progress(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def diversity(request):
    profile = DiversityProfile.objects.filter(user=request.user).first()
    initial = {"age_band": profile.age_band, "gender": profile.gender} if profile else {}
    form = DiversityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.diversity_declare(
                user=request.user,
                age_band=form.cleaned_data["age_band"],
                gender=form.cleaned_data["gender"],
                consent=form.cleaned_data["consent"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Thank you. Your details are stored."))
            return redirect("parteischule:diversity")
    return render(request, "parteischule/diversity.html", {"form": form, "profile": profile})


@login_required
@require_POST
def diversity_revoke(request):
    if services.diversity_revoke(user=request.user):
        messages.success(request, _("Your consent is revoked and your details are deleted."))
    else:
        messages.info(request, _("There was nothing stored."))
    return redirect("parteischule:diversity")


# --- Trainers and staff ---------------------------------------------------------------------------


@login_required
@require_GET
def manage(request):
    courses = selectors.led_courses(user=request.user)
    can_add = request.user.has_perm("parteischule.add_course")
    if not can_add and not courses.exists():
        raise PermissionDenied
    return render(
        request,
        "parteischule/manage/list.html",
        {
            "courses": courses,
            "can_add": can_add,
            "can_dashboard": request.user.has_perm("parteischule.view_dashboard"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    if not request.user.has_perm("parteischule.add_course"):
        raise PermissionDenied
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(
                course=form.instance,
                by=request.user,
                trainers=form.cleaned_data["trainer_emails"],
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except PermissionDenied:
            form.add_error(None, _("You may only create courses where you are staff."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The course is saved. Now add its sessions."))
            return redirect("parteischule:manage_course", pk=course.pk)
    return render(request, "parteischule/manage/course_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    course = _access_course(request, pk, "parteischule.change_course")
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_save(
                course=form.instance,
                by=request.user,
                trainers=form.cleaned_data["trainer_emails"],
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("parteischule:manage_course", pk=course.pk)
    return render(request, "parteischule/manage/course_form.html", {"form": form, "course": course})


@login_required
@require_GET
def manage_course(request, pk):
    course = _access_course(request, pk, "parteischule.view_participants")
    course = selectors.course_detail(pk=pk)
    participants = list(selectors.participants_of(course=course))
    audit_record(
        actor=request.user,
        action="parteischule.participants.view",
        target=course,
        count=len(participants),
    )
    return render(
        request,
        "parteischule/manage/course.html",
        {
            "course": course,
            "enrolled": [p for p in participants if p.status == S.ENROLLED],
            "waitlisted": [p for p in participants if p.status == S.WAITLISTED],
            "messages_sent": course.messages.select_related("author")[:10],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    course = _access_course(request, pk, "parteischule.change_course")
    form = SessionForm(request.POST or None, instance=CourseSession(course=course))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(session=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("parteischule:manage_course", pk=course.pk)
    return render(
        request, "parteischule/manage/session_form.html", {"form": form, "course": course}
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)
    course = _access_course(request, session.course_id, "parteischule.change_course")
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(session=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("parteischule:manage_course", pk=course.pk)
    return render(
        request,
        "parteischule/manage/session_form.html",
        {"form": form, "course": course, "session": session},
    )


@login_required
@require_POST
def session_delete(request, pk):
    session = get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)
    course = _access_course(request, session.course_id, "parteischule.change_course")
    try:
        services.session_delete(session=session, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The session is deleted."))
    return redirect("parteischule:manage_course", pk=course.pk)


@login_required
@require_POST
def participant_cancel(request, pk):
    enrolment = get_object_or_404(Enrolment.objects.select_related("user"), pk=pk)
    course = _access_course(request, enrolment.course_id, "parteischule.view_participants")
    try:
        promoted = services.enrolment_cancel(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("The registration of %(name)s is cancelled.") % {"name": enrolment.user.public_name},
        )
        for moved in promoted:
            messages.info(
                request,
                _("%(name)s moved up from the waitlist.") % {"name": moved.user.public_name},
            )
    return redirect("parteischule:manage_course", pk=course.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    session = get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)
    course = _access_course(request, session.course_id, "parteischule.mark_attendance")
    if request.method == "POST":
        try:
            present = {int(value) for value in request.POST.getlist("present")}
        except ValueError:
            messages.error(request, _("The list was not readable. Nothing was saved."))
        else:
            try:
                count = services.attendance_record(
                    session=session, by=request.user, present_ids=present
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(
                    request, _("Attendance saved: %(count)d present.") % {"count": count}
                )
                return redirect("parteischule:attendance", pk=session.pk)
    return render(
        request,
        "parteischule/manage/attendance.html",
        {
            "course": course,
            "session": session,
            "sheet": selectors.attendance_sheet(session=session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_participants(request, pk):
    course = _access_course(request, pk, "parteischule.message_participants")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.course_message_send(
                course=course, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your message goes out to %(count)d people.")
                % {"count": message.recipient_count},
            )
            return redirect("parteischule:manage_course", pk=course.pk)
    return render(
        request, "parteischule/manage/message_form.html", {"form": form, "course": course}
    )


@login_required
@require_GET
def feedback_results(request, pk):
    course = _access_course(request, pk, "parteischule.view_feedback")
    return render(
        request,
        "parteischule/manage/feedback_results.html",
        {"course": course, "summary": selectors.feedback_summary(course=course)},
    )


def _goal_scopes(user, year: int) -> list[tuple[str, str]]:
    """Where this person may set goals (``goal_set`` checks again): a constant number of reads."""
    scopes = [(f"lv:{lv.pk}", lv.name) for lv in selectors.goal_landesverbaende(user=user)]
    scopes += [(f"rz:{rz.pk}", rz.name) for rz in selectors.staff_regionalzentren(user=user)]
    scopes += [
        (f"course:{course.pk}", course.title)
        for course in selectors.staff_courses(user=user).filter(first_session_at__year=year)
    ]
    return scopes


def _scope_object(value: str):
    kind, _sep, pk = value.partition(":")
    model = {"lv": Gliederung, "rz": Regionalzentrum, "course": Course}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(pk=int(pk)).first()


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    if not request.user.has_perm("parteischule.view_dashboard"):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    form = GoalForm(
        request.POST or None, scopes=_goal_scopes(request.user, year), initial={"year": year}
    )
    if request.method == "POST" and form.is_valid():
        scope = _scope_object(form.cleaned_data["scope"])
        try:
            services.goal_set(
                by=request.user,
                year=form.cleaned_data["year"],
                dimension=form.cleaned_data["dimension"],
                target_percent=form.cleaned_data["target_percent"],
                scope=scope,
            )
        except (ValidationError, PermissionDenied):
            messages.error(request, _("You cannot set a goal there."))
        else:
            messages.success(request, _("The goal is saved."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    return render(
        request,
        "parteischule/dashboard.html",
        {
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
            "data": selectors.diversity_dashboard(user=request.user, year=year),
            "form": form,
            "minimum": settings.PARTEISCHULE_MIN_GROUP_SIZE,
        },
    )
