from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "rotesnetz.rooms"
    label = "rooms"
    verbose_name = _("Rooms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from rotesnetz.members import navigation, panels
        from rotesnetz.members.models import Gliederung
        from rotesnetz.members.signals import membership_ended
        from rotesnetz.members.signals_demo import demo_loaded

        from . import handlers, privacy
        from .demo import load_rooms_demo

        connection_created.connect(handlers.sqlite_functions, dispatch_uid="rooms-sqlite")
        post_save.connect(handlers.gliederung_saved, sender=Gliederung, dispatch_uid="rooms-main")
        membership_ended.connect(handlers.membership_ended, dispatch_uid="rooms-membership")
        user_logged_out.connect(handlers.logged_out, dispatch_uid="rooms-logout")
        demo_loaded.connect(load_rooms_demo, dispatch_uid="rooms-demo")
        navigation.register(label=_("Rooms"), url_name="rooms:list", order=10)
        panels.register(handlers.mein_netz_panel, order=10)
        privacy.register()
