"""Insert rows or, where they exist, update some of their columns: one INSERT … ON CONFLICT … DO UPDATE statement.

Every autosave stores one key's answers this way. `bulk_create(update_conflicts=True)` does the same, but builds a
model instance per row and compiles the statement through the ORM, which cost more server CPU than everything else in
an autosave (docs/benchmarks.md). SQLite (3.24 or newer) and PostgreSQL share this syntax.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models import NOT_PROVIDED
from django.db.models.fields import AutoFieldMixin

# Rows per statement: 4 columns × 200 stays under SQLite's oldest limit of 999 variables.
BATCH = 200


def upsert(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], unique: Sequence[str], update: Sequence[str]
) -> None:
    """Insert `rows` ({field attname: value}; fields left out get their model default) into `model`'s table; where
    a row with the same `unique` fields exists (a unique constraint), only its `update` fields are changed.

    Like bulk_create, it sends no signals and runs no save() or pre_save(); fields the database fills (the
    auto-increment key, db_default) are left to it."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not isinstance(f, AutoFieldMixin) and getattr(f, "db_default", NOT_PROVIDED) is NOT_PROVIDED
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    conflict = ", ".join(quote(column_of(model, name)) for name in unique)
    changes = ", ".join(f"{column} = EXCLUDED.{column}" for column in (quote(column_of(model, n)) for n in update))
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            params = [
                field.get_db_prep_save(row[field.attname] if field.attname in row else field.get_default(), connection)
                for row in batch
                for field in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row_marks] * len(batch))} "  # noqa: S608 -- names from the model, values as parameters
                f"ON CONFLICT ({conflict}) DO UPDATE SET {changes}",
                params,
            )


def column_of(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{name} is not a column of {model.__name__}"
    return field.column
