"""Pages of Programmideen. Thin: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from rotesnetz.markup import render_markdown
from rotesnetz.members.models import Gliederung, GliederungKind

from . import exports, selectors, services
from . import rules as idea_rules
from .forms import CommentForm, IdeaForm, MergeForm, ProcessForm, StatusForm
from .models import BehalfRequest, ExportFormat, Idea, IdeaStatus, Participation, Phase

PAGE_SIZE = 50


def _errors(request, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do that."))


def _process_or_404(slug):
    process = selectors.process_by_slug(slug=slug)
    if process is None:
        raise Http404
    return process


def _idea_or_404(process, pk):
    idea = selectors.idea_detail(process=process, pk=pk)
    if idea is None:
        raise Http404
    idea.process = process
    return idea


def _staff_landesverbaende(user):
    qs = Gliederung.objects.filter(kind=GliederungKind.LANDESVERBAND)
    if user.is_superuser:
        return qs.order_by("name")
    return qs.filter(staff_roles__user=user).distinct().order_by("name")


# --- Processes ------------------------------------------------------------------------------


@login_required
@require_GET
def process_list(request):
    return render(
        request,
        "ideas/process_list.html",
        {
            "processes": selectors.processes(),
            "can_create": _staff_landesverbaende(request.user).exists(),
        },
    )


@login_required
def process_create(request):
    landesverbaende = _staff_landesverbaende(request.user)
    if not landesverbaende.exists():
        raise Http404
    form = ProcessForm(
        request.POST or None,
        landesverbaende=landesverbaende,
        initial={"participation": Participation.LANDESVERBAND},
    )
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_create(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("The programme process is open."))
            return redirect(process)
    return render(request, "ideas/process_form.html", {"form": form})


@login_required
def process_edit(request, slug):
    process = _process_or_404(slug)
    if not idea_rules.is_commission(request.user, process):
        raise Http404
    initial = {
        "title": process.title,
        "description": process.description,
        "collect_starts_at": timezone.localtime(process.collect_starts_at),
        "collect_ends_at": timezone.localtime(process.collect_ends_at),
        "review_ends_at": timezone.localtime(process.review_ends_at),
        "allow_self_support": process.allow_self_support,
    }
    form = ProcessForm(
        request.POST or None,
        landesverbaende=Gliederung.objects.filter(pk=process.landesverband_id),
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["new_chapters"] = data.pop("chapters")
        try:
            services.process_update(process=process, by=request.user, **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("The programme process has been saved."))
            return redirect(process)
    return render(request, "ideas/process_form.html", {"form": form, "process": process})


@login_required
@require_GET
def process_detail(request, slug):
    process = _process_or_404(slug)
    filters = selectors.IdeaFilters.from_query(request.GET)
    paginator = Paginator(selectors.idea_list(process=process, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("seite"))
    ideas = list(page.object_list)
    supported = selectors.supported_ids(user=request.user, ideas=ideas)
    for idea in ideas:
        idea.is_supported = idea.pk in supported
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "ideas/process_detail.html",
        {
            "process": process,
            "description_html": render_markdown(process.description),
            "phase": process.phase,
            "chapters": process.chapters.all(),
            "filters": filters,
            "page": page,
            "ideas": ideas,
            "gliederungen": selectors.gliederungen_with_ideas(process=process),
            "statuses": IdeaStatus.choices,
            "sorts": [
                ("unterstuetzung", _("most supported")),
                ("neu", _("newest")),
                ("diskutiert", _("most discussed")),
            ],
            "query": query.urlencode(),
            "can_submit": idea_rules.can_submit(request.user, process),
            "is_commission": idea_rules.is_commission(request.user, process),
        },
    )


@require_GET
def overview(request, slug):
    """Public: what became of our ideas, per chapter with counts."""
    process = _process_or_404(slug)
    return render(
        request,
        "ideas/overview.html",
        {
            "process": process,
            "results": selectors.overview(process=process),
            "statuses": IdeaStatus.choices,
        },
    )


@login_required
@require_GET
def diversity(request, slug):
    process = _process_or_404(slug)
    if not idea_rules.is_commission(request.user, process):
        raise Http404
    return render(
        request,
        "ideas/diversity.html",
        {"process": process, "figures": selectors.diversity(process=process)},
    )


def _export(request, slug, fmt):
    process = _process_or_404(slug)
    if not idea_rules.can_export(request.user, process):
        messages.error(request, _("Only the programme commission can export the ideas."))
        return redirect(process)
    filters = selectors.IdeaFilters.from_query(request.GET)
    ideas = selectors.export_rows(process=process, filters=filters)
    services.export_log(
        process=process, by=request.user, fmt=fmt, filters=filters.as_dict(), row_count=len(ideas)
    )
    stamp = timezone.localdate().isoformat()
    if fmt == ExportFormat.CSV:
        response = HttpResponse(
            exports.ideas_csv(process=process, ideas=ideas), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.ideas_pdf(process=process, ideas=ideas, filters_label=_filters_label(filters)),
            content_type="application/pdf",
        )
    response["Content-Disposition"] = f'attachment; filename="ideen-{process.slug}-{stamp}.{fmt}"'
    return response


def _filters_label(filters) -> str:
    parts = []
    if filters.chapter:
        parts.append(_("chapter filter"))
    if filters.gliederung:
        parts.append(_("Gliederung filter"))
    if filters.status:
        parts.append(IdeaStatus(filters.status).label)
    return ", ".join(str(part) for part in parts)


@login_required
@require_GET
def export_csv(request, slug):
    return _export(request, slug, ExportFormat.CSV)


@login_required
@require_GET
def export_pdf(request, slug):
    return _export(request, slug, ExportFormat.PDF)


# --- Ideas ----------------------------------------------------------------------------------


@login_required
def idea_submit(request, slug):
    process = _process_or_404(slug)
    if not idea_rules.can_submit(request.user, process):
        if process.phase != Phase.COLLECT:
            messages.error(
                request, _("Ideas can only be submitted while they are being collected.")
            )
        else:
            messages.error(
                request,
                _("Only members of the Gliederungen taking part in this process can submit ideas."),
            )
        return redirect(process)
    gliederungen = services.submitter_gliederungen(user=request.user, process=process)
    form = IdeaForm(request.POST or None, process=process, gliederungen=gliederungen)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_submit(process=process, author=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("Thank you! Your idea has been submitted."))
            if form.cleaned_data["on_behalf"] and idea.behalf.status == "pending":
                messages.info(
                    request,
                    _("The Vorstand of %(name)s has been asked to agree.")
                    % {"name": idea.gliederung.name},
                )
            return redirect(idea)
    return render(request, "ideas/idea_form.html", {"process": process, "form": form})


@login_required
@require_GET
def similar(request, slug):
    process = _process_or_404(slug)
    title = request.GET.get("titel", "")[:150]
    ideas = selectors.similar_ideas(process=process, title=title)
    return JsonResponse(
        {
            "ideas": [
                {
                    "id": idea.pk,
                    "title": idea.title,
                    "url": reverse("ideas:idea", args=[process.slug, idea.pk]),
                    "status": idea.get_status_display(),
                    "supporters": idea.support_count,
                    "label": ngettext(
                        "%(status)s, %(count)d supporter",
                        "%(status)s, %(count)d supporters",
                        idea.support_count,
                    )
                    % {"status": idea.get_status_display(), "count": idea.support_count},
                }
                for idea in ideas
            ]
        }
    )


def _idea_page(request, process, idea, *, status=200, **forms):
    can_change_status = idea_rules.can_change_status(request.user, idea)
    context = {
        "process": process,
        "idea": idea,
        "supports": request.user.is_authenticated
        and idea.supports.filter(user=request.user).exists(),
        "can_support": idea_rules.can_support(request.user, idea),
        "can_comment": idea_rules.can_comment(request.user, idea),
        "can_change_status": can_change_status,
        "can_merge": idea_rules.can_merge(request.user, idea),
        "can_open_discussion": idea_rules.can_open_discussion(request.user, idea),
        "is_author": idea.author_id == request.user.pk,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "merge_form": forms.get("merge_form") or MergeForm(),
    }
    if can_change_status:
        context["status_form"] = forms.get("status_form") or StatusForm(
            initial={
                "status": idea.status,
                "answer": idea.answer,
                "programme_chapter": idea.programme_chapter,
                "programme_section": idea.programme_section,
            }
        )
    if idea.room_id:
        from rotesnetz.rooms.rules import can_read_room

        context["can_read_room"] = can_read_room(request.user, idea.room)
    return render(request, "ideas/idea_detail.html", context, status=status)


@login_required
@require_GET
def idea_detail(request, slug, pk):
    process = _process_or_404(slug)
    return _idea_page(request, process, _idea_or_404(process, pk))


@login_required
@require_POST
def idea_support(request, slug, pk):
    process = _process_or_404(slug)
    idea = _idea_or_404(process, pk)
    try:
        if request.POST.get("action") == "withdraw":
            services.idea_unsupport(idea=idea, user=request.user)
            messages.success(request, _("You no longer support this idea."))
        else:
            services.idea_support(idea=idea, user=request.user)
            messages.success(request, _("Thank you for your support!"))
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect(idea)


@login_required
@require_POST
def comment_post(request, slug, pk):
    process = _process_or_404(slug)
    idea = _idea_or_404(process, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_post(idea=idea, author=request.user, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            return redirect(idea.get_absolute_url() + "#kommentare")
    return _idea_page(request, process, idea, comment_form=form)


@login_required
@require_POST
def status_change(request, slug, pk):
    process = _process_or_404(slug)
    idea = _idea_or_404(process, pk)
    if not idea_rules.is_commission(request.user, process):
        messages.error(request, _("Only the programme commission can change the status."))
        return redirect(idea)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.idea_status_change(idea=idea, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(
                request,
                _("The status has been saved. The submitter and the supporters are told by email."),
            )
            return redirect(idea)
    return _idea_page(request, process, idea, status_form=form)


@login_required
@require_POST
def idea_merge(request, slug, pk):
    process = _process_or_404(slug)
    idea = _idea_or_404(process, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _idea_page(request, process, idea, merge_form=form)
    into = Idea.objects.filter(process=process, pk=form.cleaned_data["into"]).first()
    if into is None:
        form.add_error("into", _("There is no idea with this number in this process."))
        return _idea_page(request, process, idea, merge_form=form)
    try:
        into = services.idea_merge(duplicate=idea, into=into, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect(idea)
    messages.success(request, _("The ideas have been merged."))
    return redirect(into)


@login_required
@require_POST
def open_discussion(request, slug, pk):
    process = _process_or_404(slug)
    idea = _idea_or_404(process, pk)
    try:
        room = services.idea_open_discussion(idea=idea, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect(idea)
    messages.success(request, _("The discussion room is open."))
    return redirect("rooms:detail", pk=room.pk)


@login_required
@require_POST
def behalf_decide(request, pk):
    behalf = BehalfRequest.objects.select_related("gliederung").filter(pk=pk).first()
    if behalf is None or not idea_rules.can_decide_behalf(request.user, behalf):
        raise Http404
    accept = request.POST.get("accept") == "1"
    try:
        services.behalf_decide(behalf_id=behalf.pk, by=request.user, accept=accept)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        if accept:
            messages.success(request, _("The idea now stands in the name of your Gliederung."))
        else:
            messages.success(request, _("The request has been declined."))
    return redirect("members:mein_netz")
