"""The "Mein Netz" panel: my ideas and their status, and requests my Vorstand must answer."""

from . import selectors


def mein_netz_panel(request):
    if not request.user.is_authenticated:
        return None
    ideas = selectors.my_ideas(user=request.user)
    to_decide = selectors.behalf_requests_to_decide(user=request.user)
    open_processes = selectors.open_processes_for(user=request.user)
    if not (ideas or to_decide or open_processes):
        return None
    return {
        "template": "ideas/partials/mein_netz_panel.html",
        "context": {"ideas": ideas, "to_decide": to_decide, "open_processes": open_processes},
    }
