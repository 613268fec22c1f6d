"""Model instances from hand-written SQL, converted exactly as the ORM converts its rows.

For the few reads on a hot path (a socket's access check on every command) where compiling
an ORM query costs several times the database round trip (PERFORMANCE-NOTES).
"""

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
