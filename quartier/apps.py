from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuartierConfig(AppConfig):
    name = "quartier"
    verbose_name = _("Neighbourhood offices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rotesnetz.members import navigation, panels
        from rotesnetz.members.signals_demo import demo_loaded

        from . import demo, privacy, rules  # noqa: F401 - rules registers the permissions
        from .views import mein_netz_panel

        navigation.register(
            label=_("Neighbourhood offices"),
            url_name="quartier:finder",
            order=20,
            login_required=False,
        )
        panels.register(mein_netz_panel, order=30)
        demo_loaded.connect(demo.on_demo_loaded, dispatch_uid="quartier-demo")
        privacy.register()
