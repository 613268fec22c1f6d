from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "rotesnetz.ideas"
    label = "ideas"
    verbose_name = _("Programme ideas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rotesnetz.members import navigation, panels
        from rotesnetz.members.signals_demo import demo_loaded

        from . import privacy
        from .demo import load_ideas_demo
        from .panels import mein_netz_panel

        navigation.register(label=_("Programme ideas"), url_name="ideas:process_list", order=20)
        panels.register(mein_netz_panel, order=20)
        demo_loaded.connect(load_ideas_demo, dispatch_uid="ideas-demo")
        privacy.register()
