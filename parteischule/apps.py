from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParteischuleConfig(AppConfig):
    name = "parteischule"
    verbose_name = _("Party school")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Everything the core shows of the Parteischule is handed over here; the core never
        # imports this app.
        from rotesnetz.members import navigation, panels
        from rotesnetz.members.signals_demo import demo_loaded

        from . import demo, privacy
        from . import panels as own_panels

        navigation.register(label=_("Party school"), url_name="parteischule:catalogue", order=30)
        panels.register(own_panels.mein_netz_panel, order=30)
        demo_loaded.connect(demo.on_demo_loaded, dispatch_uid="parteischule-demo")
        privacy.register()
