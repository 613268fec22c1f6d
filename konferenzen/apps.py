from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KonferenzenConfig(AppConfig):
    name = "konferenzen"
    label = "konferenzen"
    verbose_name = _("Conferences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rotesnetz.members import navigation, panels
        from rotesnetz.members.signals_demo import demo_loaded

        from . import demo, privacy, room
        from .panels import my_conferences_panel
        from .signals import conference_registration_changed

        navigation.register(
            label=_("Conferences"), url_name="konferenzen:list", order=40, login_required=False
        )
        panels.register(my_conferences_panel, order=40)
        demo_loaded.connect(demo.on_demo_loaded, dispatch_uid="konferenzen-demo")
        conference_registration_changed.connect(
            room.registration_changed, dispatch_uid="konferenzen-room"
        )
        privacy.register()
