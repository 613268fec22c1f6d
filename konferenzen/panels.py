"""The "Mein Netz" panel: my upcoming conferences."""

from . import selectors


def my_conferences_panel(request) -> dict | None:
    if not request.user.is_authenticated:
        return None
    registrations = list(selectors.my_upcoming_registrations(user=request.user)[:10])
    return {
        "template": "konferenzen/panels/mein_netz.html",
        "context": {"registrations": registrations},
    }
