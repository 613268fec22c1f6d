from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rotesnetz.privacy.services import audit_record

from . import panels, selectors, services
from .forms import MembershipRequestForm, ProfileForm, RoleForm
from .models import Gliederung, GliederungKind, Membership, MembershipRequest, RequestStatus
from .rules import can_lead


def _service_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def home(request):
    return render(request, "members/home.html")


@login_required
@require_GET
def mein_netz(request):
    context = {
        "memberships": selectors.memberships_of(user=request.user),
        "pending_requests": selectors.pending_requests_of(user=request.user),
        "requests_to_decide": selectors.requests_to_decide(user=request.user)[:50],
        "panels": panels.for_request(request),
    }
    return render(request, "members/mein_netz.html", context)


@login_required
@require_GET
def gliederung_list(request):
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "members/gliederung_list.html",
        {"gliederungen": selectors.gliederung_directory(query=query), "query": query},
    )


@login_required
@require_GET
def gliederung_detail(request, slug):
    gliederung = get_object_or_404(Gliederung.objects.select_related("parent"), slug=slug)
    leads = can_lead(request.user, gliederung)
    context = {
        "gliederung": gliederung,
        "ancestors": gliederung.ancestors().exclude(pk=gliederung.pk),
        "children": gliederung.children.exclude(kind=GliederungKind.ARBEITSGEMEINSCHAFT),
        "ags": gliederung.children.filter(kind=GliederungKind.ARBEITSGEMEINSCHAFT),
        "membership": Membership.objects.filter(user=request.user, gliederung=gliederung).first(),
        "pending_request": MembershipRequest.objects.filter(
            user=request.user, gliederung=gliederung, status=RequestStatus.PENDING
        ).first(),
        "can_request": request.user.has_perm("members.request_membership", gliederung),
        "request_form": MembershipRequestForm(),
        "leads": leads,
    }
    if leads:
        members = list(selectors.members_of(gliederung=gliederung))
        context["members"] = members
        audit_record(
            actor=request.user,
            action="members.member_list.view",
            target=gliederung,
            count=len(members),
        )
        context["open_requests"] = selectors.requests_to_decide(user=request.user).filter(
            gliederung=gliederung
        )
        context["role_form"] = RoleForm()
    return render(request, "members/gliederung_detail.html", context)


@login_required
@require_POST
def membership_request_create(request, slug):
    gliederung = get_object_or_404(Gliederung, slug=slug)
    form = MembershipRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("members:gliederung", slug=slug)
    try:
        services.membership_request_create(
            user=request.user, gliederung=gliederung, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        _service_error(request, error)
    else:
        messages.success(
            request,
            _("Your request has been sent. The Vorstand of %(name)s will decide on it.")
            % {"name": gliederung},
        )
    return redirect("members:gliederung", slug=slug)


@login_required
@require_POST
def membership_request_decide(request, pk):
    pending = get_object_or_404(MembershipRequest.objects.select_related("gliederung"), pk=pk)
    if not can_lead(request.user, pending.gliederung):
        raise Http404  # someone else's request looks like no request at all
    decision = request.POST.get("decision")
    if decision not in {"accept", "decline"}:
        messages.error(request, _("Please choose to accept or decline."))
        return redirect("members:mein_netz")
    try:
        membership_request = services.membership_request_decide(
            request_id=pk, by=request.user, accept=decision == "accept"
        )
    except ValidationError as error:
        _service_error(request, error)
    else:
        if decision == "accept":
            text = _("%(user)s is now a member of %(name)s.")
        else:
            text = _("The request of %(user)s to join %(name)s was declined.")
        messages.success(
            request,
            text % {"user": membership_request.user, "name": membership_request.gliederung},
        )
    return redirect(request.POST.get("next") or "members:mein_netz")


@login_required
@require_POST
def membership_request_withdraw(request, pk):
    get_object_or_404(MembershipRequest, pk=pk, user=request.user)
    try:
        services.membership_request_withdraw(request_id=pk, user=request.user)
    except ValidationError as error:
        _service_error(request, error)
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("members:mein_netz")


def _membership_for_leader(request, pk) -> Membership:
    """The membership if the user leads its Gliederung; otherwise 404, as if there were none."""
    membership = get_object_or_404(Membership.objects.select_related("gliederung", "user"), pk=pk)
    if not can_lead(request.user, membership.gliederung):
        raise Http404
    return membership


@login_required
@require_POST
def membership_change_role(request, pk):
    membership = _membership_for_leader(request, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
    else:
        messages.error(request, _("Please choose a valid role."))
    return redirect("members:gliederung", slug=membership.gliederung.slug)


def _membership_to_end(request, pk) -> Membership:
    """The membership if the user may end it: their own (leaving) or one in a Gliederung they
    lead (removing). Otherwise 404, as if there were none."""
    membership = get_object_or_404(Membership.objects.select_related("gliederung", "user"), pk=pk)
    if membership.user_id != request.user.pk and not can_lead(request.user, membership.gliederung):
        raise Http404
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request, pk):
    """Ending a membership takes two steps: GET names the person and what they lose, and only
    the POST from that page (it carries ``confirm``) ends it. There is no undo, so one stray
    tap (on a phone "Remove" is close to "Save") must not be enough. Works without JavaScript."""
    membership = _membership_to_end(request, pk)
    leaving = membership.user_id == request.user.pk
    if request.method == "GET":
        return render(
            request,
            "members/membership_remove_confirm.html",
            {"membership": membership, "leaving": leaving},
        )
    if request.POST.get("confirm") != "yes":
        # A POST from an old page, or one that skipped the question: ask first.
        return redirect("members:membership_remove", pk=membership.pk)
    services.membership_end(membership=membership, by=request.user)
    if leaving:
        messages.success(request, _("You have left %(name)s.") % {"name": membership.gliederung})
        return redirect("members:mein_netz")
    messages.success(
        request,
        _("%(user)s was removed from %(name)s.")
        % {"user": membership.user, "name": membership.gliederung},
    )
    return redirect("members:gliederung", slug=membership.gliederung.slug)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        request.user.display_name = form.cleaned_data["display_name"]
        request.user.save(update_fields=["display_name"])
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile")
    return render(request, "members/profile.html", {"form": form})


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page's icon link says: the brand's logo."""
    return redirect(static(settings.BRAND_LOGO))


@require_GET
@cache_control(max_age=3600, public=True)
def branding_css(request):
    from django.conf import settings

    css = (
        ":root{"
        f"--rn-primary:{settings.BRAND_PRIMARY_COLOR};"
        f"--rn-accent:{settings.BRAND_ACCENT_COLOR};"
        f"--bs-primary:{settings.BRAND_PRIMARY_COLOR};"
        "}"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")
