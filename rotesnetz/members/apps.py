from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "rotesnetz.members"
    label = "members"
    verbose_name = _("Members and Gliederungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import privacy

        privacy.register()
