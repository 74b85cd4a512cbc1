"""Reading the database as a copy of it would show it: every column, the system columns, the physical order."""

from typing import Any

from django.db import connection


def table_rows(table: str) -> list[tuple[Any, ...]]:
    """A table in physical order, with the system columns first: xmin, xmax and ctid on PostgreSQL (a row's
    transaction, its last lock or delete, its place on disk), rowid on SQLite."""
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        sql = f"SELECT xmin::text, xmax::text, ctid::text, * FROM {quoted} ORDER BY ctid"  # noqa: S608 (a model's table)
    else:
        sql = f"SELECT rowid, * FROM {quoted} ORDER BY rowid"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def invitation_rows() -> list[tuple[Any, ...]]:
    return table_rows("rounds_invitation")
