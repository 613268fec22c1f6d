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
        user_logged_out.connect(mark_signed_out, dispatch_uid="members-signed-out")
