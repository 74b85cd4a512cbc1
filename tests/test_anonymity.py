"""From the database alone, no answer can be tied to an invited e-mail address (docs/privacy.md, T1).

The copy is read as an attacker would: every column, and on PostgreSQL the system columns xmin and xmax (the
transaction that wrote a row, and the one that last locked it). Physical row order is compared too; see also
tests/test_database_copy.py, which commits for real.
"""

import datetime
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from cjgscan.rounds.models import Answer, Invitation, Response, ThemeAnswer
from tests.base import BaseTestCase
from tests.dbcopy import invitation_rows
from tests.factories import make_round
from tests.respondents import invite, page_url, start


def dump_all_tables() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as an export of the whole database would give it, with the system columns that
    tell which transaction wrote or locked a row (PostgreSQL)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    system = "xmin::text AS sys_xmin, xmax::text AS sys_xmax, " if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT {system}* FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from introspection)
            columns = [c[0] for c in cursor.description]
            tables[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return tables


def values(row: dict[str, Any]) -> set[str]:
    """The values that could serve to join rows; small numbers (scale values, page numbers) coincide anyway."""
    found = {str(v).replace("-", "") for v in row.values() if v is not None and not isinstance(v, bool)}
    return {v for v in found if not (v.isdigit() and len(v) <= 2) and v != ""}


class AnonymityTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_importance=True)
        cls.group = cls.round.groups.first()
        cls.invited = [invite(cls.round, cls.group, f"persoon{n}@example.nl") for n in range(4)]

    def setUp(self) -> None:
        self.invitations_before = invitation_rows()
        # Two of the four invited answer and send; one only starts.
        for n, (_invitation, token) in enumerate(self.invited[:3]):
            client = Client()
            start(client, token)
            client.post(page_url(self.round, 1), {"item-S1.K1": f"v{n + 1}", "comment-S1": f"opmerking {n}"})
            if n < 2:
                client.post(reverse("respondent_submit", args=[self.round.uuid]))

    def test_no_value_but_round_group_and_day_is_shared_between_an_invitation_and_a_response(self) -> None:
        tables = dump_all_tables()
        invitation_rows = tables[Invitation._meta.db_table]
        response_side = [
            *tables[Response._meta.db_table],
            *tables[Answer._meta.db_table],
            *tables[ThemeAnswer._meta.db_table],
        ]
        allowed = {str(self.round.pk), str(self.group.pk), str(self.round.uuid).replace("-", "")}
        allowed |= {str(datetime.date.today() + datetime.timedelta(days=d)).replace("-", "") for d in (-1, 0, 1)}
        # Status words are allowed only on the response side: an invitation has none (finding 2: "started" on
        # an invitation next to "in progress" on a response in the same group was a link).
        allowed |= {"in_progress", "submitted", "personal"}
        for invitation in invitation_rows:
            for row in response_side:
                shared = values(invitation) & values(row)
                self.assertLessEqual(shared, allowed, (invitation, row))
        self.assertEqual(len(invitation_rows), 4)
        self.assertEqual(len(tables[Response._meta.db_table]), 3)

    def test_respondents_leave_the_invitations_table_exactly_as_it_was(self) -> None:
        """Every column, the system columns (PostgreSQL: xmin, xmax, ctid; SQLite: rowid) and the physical order."""
        self.assertEqual(invitation_rows(), self.invitations_before)
        self.assertEqual(Response.objects.count(), 3)

    def test_invitations_carry_no_progress(self) -> None:
        columns = {field.name for field in Invitation._meta.concrete_fields}
        self.assertEqual(
            columns, {"id", "uuid", "round", "group", "email", "token_hash", "send_count", "last_sent_on", "created_on"}
        )

    def test_no_table_links_an_invitation_to_a_response_or_holds_an_address_near_answers(self) -> None:
        for model in apps.get_models():
            targets = {f.related_model for f in model._meta.get_fields() if f.is_relation and f.many_to_one}
            self.assertFalse({Invitation, Response} <= targets, model)
            if model in (Response, Answer, ThemeAnswer):
                self.assertNotIn(Invitation, targets)
                for field in model._meta.concrete_fields:
                    # Days only, no clock times; no e-mail or IP address columns.
                    self.assertNotIsInstance(
                        field, models.DateTimeField | models.EmailField | models.GenericIPAddressField
                    )
                    self.assertNotIn("email", field.name)
                    self.assertNotIn("ip", field.name.split("_"))

    def test_the_address_appears_nowhere_but_in_the_invitation(self) -> None:
        tables = dump_all_tables()
        for table, rows in tables.items():
            if table == Invitation._meta.db_table:
                continue
            for row in rows:
                text = " ".join(str(v) for v in row.values())
                self.assertNotIn("persoon0@example.nl", text, table)

    def test_respondents_leave_no_session_behind(self) -> None:
        tables = dump_all_tables()
        self.assertEqual(tables["django_session"], [])
