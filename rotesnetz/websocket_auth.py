"""Who is on the other end of a websocket: Channels' session and auth middleware, except that
the session and user are loaded in a worker thread of their own.

Channels loads them in the one thread it keeps for database work, so when a conference starts
and a thousand members connect at once, every handshake waits for all before it and the slow
ones time out. In parallel threads (each with a pooled connection) the waits overlap.
"""

from channels.auth import AuthMiddleware, get_user
from channels.db import DatabaseSyncToAsync
from channels.sessions import CookieMiddleware, SessionMiddleware

_load_user = DatabaseSyncToAsync(get_user.func, thread_sensitive=False)


class ParallelAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await _load_user(scope)


def SocketSessionMiddlewareStack(inner):  # noqa: N802 - named like Channels' middleware stacks
    """Cookies and session for every websocket route. Each route loads its user: wrapped in
    ParallelAuthMiddleware, or (the rooms) together with what it checks at connect."""
    return CookieMiddleware(SessionMiddleware(inner))
