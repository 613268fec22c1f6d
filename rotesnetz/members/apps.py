from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "rotesnetz.members"
    label = "members"
    verbose_name = _("Members and Gliederungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from . import privacy
        from .middleware import mark_signed_out

        privacy.register()
        _name_allauth_models()
        user_logged_out.connect(mark_signed_out, dispatch_uid="members-signed-out")


def _name_allauth_models():
    """allauth's login factors and sessions have no verbose names, so the admin showed
    "authenticators" and "user sessions" in every language. Set on the options, not in
    original_attrs, so that migrations do not see a change to allauth's models."""
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    for model, singular, plural in (
        (Authenticator, _("sign-in factor"), _("sign-in factors")),
        (UserSession, _("sign-in session"), _("sign-in sessions")),
    ):
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
