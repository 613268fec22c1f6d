"""Reactions to what happens elsewhere: new Gliederungen, ended memberships, logouts."""

from . import selectors, services


def gliederung_saved(sender, instance, created, raw=False, **kwargs):
    # In the same transaction: a Gliederung never exists without its main room.
    if created and not raw:
        services.room_ensure_main(gliederung=instance)


def membership_ended(sender, user_id, gliederung_id, **kwargs):
    services.sockets_recheck_user(user_id=user_id)


def logged_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.sockets_close_session(session_key=session.session_key)


def mein_netz_panel(request):
    if not request.user.is_authenticated:
        return None
    rooms = list(selectors.room_list(user=request.user)[:12])
    return {"template": "rooms/partials/mein_netz_panel.html", "context": {"rooms": rooms}}


def sqlite_functions(sender, connection, **kwargs):
    """The search's fallback on SQLite (the demo) folds case in Python: SQLite's own LIKE and
    LOWER fold only ASCII, so "Übernehmen" never found "übernehmen"."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("rn_fold", 1, _fold, deterministic=True)


def _fold(text):
    return text.casefold() if text is not None else None
