from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "rotesnetz.outbox"
    label = "outbox"
    verbose_name = _("Outgoing mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import privacy

        privacy.register()
