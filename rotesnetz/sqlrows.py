"""Model instances from hand-written SQL, converted exactly as the ORM converts its rows.

For the few reads on a hot path (a socket's access check on every command) where compiling
an ORM query costs several times the database round trip (PERFORMANCE-NOTES).
"""

from contextlib import contextmanager
from functools import cache

from django.db import connection


def columns(model, alias: str) -> str:
    """The model's concrete columns, qualified with ``alias``, in field order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _converters(model, vendor: str) -> tuple:
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            found.append((index, column, tuple(functions)))
    return tuple(found)


def instance(model, values):
    """An instance of ``model`` from its columns as ``columns()`` selected them."""
    values = list(values)
    for index, column, functions in _converters(model, connection.vendor):
        for function in functions:
            values[index] = function(values[index], column, connection)
    return model.from_db(connection.alias, None, values)


def width(model) -> int:
    return len(model._meta.concrete_fields)


def fetch_one(model, where: str, params):
    """The instance of ``model`` whose row (alias ``t``) matches ``where``, or None; one
    prepared statement. ``where`` is our own SQL; every value goes in ``params``."""
    table = connection.ops.quote_name(model._meta.db_table)
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns(model, 't')} FROM {table} t WHERE {where}",  # noqa: S608  # nosec B608
            params,
        )
        row = cursor.fetchone()
    return instance(model, row) if row is not None else None


@contextmanager
def prepared_cursor():
    """A cursor whose statements PostgreSQL plans once per connection, not on every call.

    Django binds parameters on the client, so the server parses and plans every statement
    again: for the room check that was 1.1 ms of planning against 0.2 ms of execution. These
    cursors bind on the server and ask psycopg to prepare each statement on its first run on a
    connection; pooled connections keep them. psycopg prepares only when the connection has a
    threshold (settings: DATABASE_PREPARE); without one this is a plain server-binding cursor.
    Elsewhere (SQLite) this is Django's cursor.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # Wrapped as Django wraps its own cursors: errors become django.db errors, and
        # queries are logged and counted (tests pin query counts).
        cursor = connection._prepare_cursor(_preparing_cursor_class()(connection.connection))
    with cursor:
        yield cursor


@cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor
