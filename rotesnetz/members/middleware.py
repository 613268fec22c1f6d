from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMFARequiredMiddleware:
    """Staff and admins must set up a second factor before they can do anything else.

    The Django admin logs in through allauth (``secure_admin_login``), so this also closes the
    admin's side door: no admin page without MFA.
    """

    ALLOWED_PREFIXES = ("/konto/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _("As staff you need two-factor authentication. Please set it up first."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class NoStoreForMembersMiddleware:
    """Pages seen by a signed-in member may reveal membership: never cache them anywhere.

    When a member signs out (or deletes their account) the browser is also told to drop what
    scripts kept for this site: the rooms keep unsent messages and drafts in the tab's
    sessionStorage, which would otherwise outlive the session on a shared computer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Marked by the user_logged_out receiver (apps.py): the user is not loaded up front,
        # so a page that answers without the database (the 503 of /healthz) still does.
        if getattr(request, "rn_signed_out", False):
            response["Clear-Site-Data"] = '"storage"'
        if response.has_header("Cache-Control"):
            return response  # e.g. /healthz (never_cache): no need to ask who is asking
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


def mark_signed_out(sender, request, **kwargs):
    if request is not None:
        request.rn_signed_out = True
