"""One renderer for a message: the page (without JavaScript) and the live socket use it alike.

Live frames are rendered once per language and encoded once, so that delivering a message to
hundreds of sockets costs no template work and no JSON encoding per recipient.
"""

import json

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import REACTIONS, Message

# Stands in for the CSRF token in HTML shared by everyone in a room (the cached message list,
# live frames, the action menus): the page puts its own token in, and so does the script.
CSRF_MARK = "rn-csrf-token-mark"


def reaction_summary(message: Message) -> list[dict]:
    """[{emoji, count, users}] in the fixed order of REACTIONS (uses prefetched reactions)."""
    by_emoji: dict[str, list[int]] = {}
    for reaction in message.reactions.all():
        by_emoji.setdefault(reaction.emoji, []).append(reaction.user_id)
    return [
        {"emoji": emoji, "count": len(by_emoji[emoji]), "users": by_emoji[emoji]}
        for emoji in REACTIONS
        if emoji in by_emoji
    ]


def message_context(message: Message, *, viewer=None, can_moderate=False, live=False) -> dict:
    """``live`` renders the compact form sent over sockets: the action menu comes from a
    template in the page instead of being repeated in every frame."""
    return {
        "live": live,
        "message": message,
        "reactions": reaction_summary(message),
        "all_reactions": REACTIONS,
        "viewer_id": viewer.pk if viewer else None,
        "can_moderate": can_moderate,
        "csrf_mark": CSRF_MARK,
    }


def message_html(message: Message, **kwargs) -> str:
    return render_to_string("rooms/partials/message.html", message_context(message, **kwargs))


def frames(kind: str, message: Message) -> dict[str, str]:
    """The JSON text of one live frame per language, e.g. {"de": "...", "en": "..."}.

    A new message knows the languages the room's sockets use (``socket_languages``, read by
    the statement that stored it) and is rendered in those; otherwise in every language. A
    socket whose language is missing gets the default language's frame."""
    languages = [code for code, _name in settings.LANGUAGES]
    used = getattr(message, "socket_languages", None)
    if used is not None:
        wanted = {settings.LANGUAGE_CODE, *used.split()}
        languages = [code for code in languages if code in wanted]
    encoded = {}
    for code in languages:
        with translation.override(code):
            frame = {
                "type": kind,
                "id": message.pk,
                "room": message.room_id,
                "author": message.author_id,
                "html": message_html(message, live=True),
            }
            if hasattr(message, "previous_id"):
                frame["prev"] = message.previous_id
            encoded[code] = json.dumps(frame, ensure_ascii=False)
    return encoded
