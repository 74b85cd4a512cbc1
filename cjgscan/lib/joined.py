"""A model's row together with the row its foreign key points to, by one SELECT that is written once per process.

The respondent's every autosave and page starts by finding the response with its round. Through the ORM that is
`select_related().get()`, whose compilation (the join, the select list, the converters) cost more server CPU than
the rest of an autosave's own work (docs/benchmarks.md). The statement here is the same one, made from the models'
metadata the first time and then only executed; its values go through the same converters the ORM applies, and the
result is the same model instances (the related one cached on the first, so reading it costs no query).
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import TransactionManagementError

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class JoinedSelect:
    """SELECT every column of `model` and of the model its foreign key `relation` points to, WHERE each of
    `where` (a field of `model`) and of `related_where` (a field of the related model) equals a value.

    With `lock`, the first model's row is locked FOR NO KEY UPDATE (PostgreSQL): it waits for and blocks other
    writers of that row, but not the inserts of rows that refer to it. Backends without row locks (SQLite) lock
    nothing; there, the caller's transaction has to be the lock."""

    def __init__(
        self,
        model: type[models.Model],
        relation: str,
        where: Sequence[str],
        related_where: Sequence[str],
        lock: bool = False,
    ):
        self.model = model
        foreign_key = model._meta.get_field(relation)
        assert isinstance(foreign_key, models.ForeignKey), f"{relation} is not a foreign key of {model.__name__}"
        self.relation: models.ForeignKey[Any, Any] = foreign_key
        self.related: type[models.Model] = foreign_key.related_model  # type: ignore[assignment]
        self.where = [column_field(model, name) for name in where]
        self.related_where = [column_field(self.related, name) for name in related_where]
        self.lock = lock

    def get(self, *values: Any) -> models.Model | None:
        """The instance whose fields equal `values` (in the order of `where`, then `related_where`), with its related
        instance cached, or None. The WHERE fields must make the row unique."""
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        sql, fields, converters = self.statement(alias)
        if self.lock and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError("a locking JoinedSelect needs a transaction")
        params = [
            field.get_db_prep_value(value, connection)
            for field, value in zip([*self.where, *self.related_where], values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for index, expression, converter in converters:
            row[index] = converter(row[index], expression, connection)
        own = len(fields[0])
        instance = self.model.from_db(alias, fields[0], row[:own])
        related = self.related.from_db(alias, fields[1], row[own:])
        self.relation.set_cached_value(instance, related)
        return instance

    @functools.cache  # noqa: B019 -- instances are module-level constants, kept for the process anyway
    def statement(self, alias: str) -> tuple[str, tuple[list[str], list[str]], list[tuple[int, Any, Converter]]]:
        """(SQL, (attnames of model, of related), [(column index, expression, converter)]) for one database."""
        connection = connections[alias]
        quote = connection.ops.quote_name
        tables = (("T", self.model), ("R", self.related))
        columns: list[str] = []
        names: tuple[list[str], list[str]] = ([], [])
        converters: list[tuple[int, Any, Converter]] = []
        for (table_alias, model), attnames in zip(tables, names, strict=True):
            for field in model._meta.concrete_fields:
                assert isinstance(field, models.Field)
                expression = field.get_col(table_alias)
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                ):
                    converters.append((len(columns), expression, converter))
                columns.append(f"{table_alias}.{quote(field.column)}")
                attnames.append(field.attname)
        conditions = [f"T.{quote(str(field.column))} = %s" for field in self.where]
        conditions += [f"R.{quote(str(field.column))} = %s" for field in self.related_where]
        target = str(self.relation.target_field.column)
        sql = (
            f"SELECT {', '.join(columns)} FROM {quote(self.model._meta.db_table)} T "  # noqa: S608 -- names from the models
            f"INNER JOIN {quote(self.related._meta.db_table)} R ON R.{quote(target)} = T.{quote(self.relation.column)} "
            f"WHERE {' AND '.join(conditions)}"
        )
        if self.lock and connection.features.has_select_for_update:
            sql += " FOR NO KEY UPDATE OF T" if connection.features.has_select_for_no_key_update else " FOR UPDATE OF T"
        return sql, names, converters


def column_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{name} is not a column of {model.__name__}"
    return field
