from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "rotesnetz.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from rotesnetz.members.models import Membership
        from rotesnetz.members.signals import membership_ended

        from . import handlers, providers

        providers.register_core_providers()
        membership_ended.connect(handlers.membership_ended, dispatch_uid="privacy-former")
        post_save.connect(
            handlers.membership_saved, sender=Membership, dispatch_uid="privacy-member-again"
        )
