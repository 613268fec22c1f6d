"""Django's database session store, with the read that every request and every websocket
connect makes as one prepared statement instead of an ORM query (half the CPU here)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

from rotesnetz import sqlrows


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if self.session_key is None:
            return None
        model = self.model
        quote = connection.ops.quote_name
        with sqlrows.prepared_cursor() as cursor:
            cursor.execute(
                # Only the quoted names of the session table are put in.
                f"SELECT {sqlrows.columns(model, 's')} FROM {quote(model._meta.db_table)} s "  # noqa: S608  # nosec B608
                "WHERE s.session_key = %s AND s.expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: a stale key gets a fresh session
            return None
        return sqlrows.instance(model, row)
