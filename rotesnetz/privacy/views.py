"""Own data, account deletion, and the legal pages. Thin: parse, authorise, call a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .forms import AccountDeleteForm, PasswordConfirmForm
from .markup import render_page
from .models import ExportStatus


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    form = PasswordConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        export = services.export_request(user=request.user)
        _tell_export_state(request, export)
        return redirect("privacy:my_data")
    context = {
        "form": form,
        "exports": selectors.exports_of(user=request.user),
        "parts": selectors.provider_labels(),
        "hours": export_hours(),
        "now": timezone.now(),
    }
    return render(request, "privacy/my_data.html", context)


def export_hours() -> int:
    return settings.PRIVACY_EXPORT_HOURS


def _tell_export_state(request, export) -> None:
    """Say what is true now: without a worker (the demo) the archive was built before the
    request returned; with one it is still being built."""
    export.refresh_from_db(fields=["status"])
    hours = export_hours()
    if export.status == ExportStatus.READY:
        messages.success(
            request,
            ngettext(
                "Your archive is ready: download it below. It stays available for %(hours)d hour.",
                "Your archive is ready: download it below. It stays available for %(hours)d hours.",
                hours,
            )
            % {"hours": hours},
        )
    elif export.status == ExportStatus.FAILED:
        messages.error(request, _("Your archive could not be prepared. Please try again later."))
    else:
        messages.success(
            request,
            ngettext(
                "Your archive is being prepared. Reload this page in a few minutes: the download "
                "appears below and stays available for %(hours)d hour.",
                "Your archive is being prepared. Reload this page in a few minutes: the download "
                "appears below and stays available for %(hours)d hours.",
                hours,
            )
            % {"hours": hours},
        )


@login_required
@require_GET
@never_cache
def export_download(request, pk):
    export = selectors.export_for_owner(user=request.user, pk=pk)
    if export is None:
        raise Http404
    handle = services.export_open(export=export, by=request.user)
    filename = f"rotesnetz-daten-{timezone.localdate(export.ready_at):%Y-%m-%d}.zip"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.get(pk=request.user.pk)
        # Sign out first (the session's sockets close), then erase everything.
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("home")
    return render(
        request,
        "privacy/account_delete.html",
        {"form": form, "parts": selectors.provider_labels()},
    )


def _legal(request, kind: str, fallback_template: str):
    page = selectors.legal_page(kind=kind, language=get_language() or "de")
    if page is None:
        return render(request, fallback_template)
    return render(
        request,
        "privacy/legal_page.html",
        {"page": page, "body_html": render_page(page.body)},
    )


@require_GET
def privacy_notice(request):
    return _legal(request, "privacy", "pages/privacy.html")


@require_GET
def imprint(request):
    return _legal(request, "imprint", "pages/imprint.html")
