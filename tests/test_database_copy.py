"""Threat model T1 (docs/privacy.md): a copy of the database at any moment, without the secret key, ties no
invitation to a response. These tests read the database as such a copy would: every column, the system columns
(xmin, xmax, ctid on PostgreSQL; rowid on SQLite) and the physical order of the rows.

They commit for real (transaction=True): inside one test transaction every row would share its xmin anyway.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cjgscan.rounds.invitations import do_add_invitations
from cjgscan.rounds.models import Response, Round
from tests.dbcopy import invitation_rows
from tests.factories import make_organisation, make_round
from tests.respondents import page_url, start
from tests.tools import skip_on_database

pytestmark = pytest.mark.django_db(transaction=True)

XMIN_JOIN = (
    "SELECT i.email, t.comment FROM rounds_invitation i "
    "JOIN rounds_response r ON r.xmin::text = i.xmin::text "
    "JOIN rounds_themeanswer t ON t.response_id = r.id"
)
RESPONDENTS = 6
# Submitted in another order than they started, as in the reproduction in the issue.
SUBMIT_ORDER = [4, 1, 5, 0, 3, 2]


@pytest.fixture
def invited() -> tuple[Round, list[tuple[str, str]]]:
    """A round with six personal invitations in one group: (address, link token) each."""
    round_ = make_round(make_organisation(), min_group_size=5)
    group = round_.groups.all()[0]
    addresses = [f"persoon{n}@example.nl" for n in range(RESPONDENTS)]
    do_add_invitations(round_, group, addresses)
    tokens = {invitation.email: invitation.token() for invitation in round_.invitations.all()}
    return round_, [(address, tokens[address]) for address in addresses]


def answer_all(round_: Round, invited: list[tuple[str, str]]) -> None:
    """Everyone starts in list order, answers with a comment that names them, and submits in SUBMIT_ORDER."""
    clients = []
    for n, (_address, token) in enumerate(invited):
        client = Client()
        start(client, token)
        reply = client.post(page_url(round_, 1), {"item-S1.K1": f"v{n % 4 + 1}", "comment-S1": f"opmerking {n}"})
        assert reply.status_code == 302
        clients.append(client)
    for n in SUBMIT_ORDER:
        reply = clients[n].post(reverse("respondent_submit", args=[round_.uuid]))
        assert reply.status_code == 302
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == RESPONDENTS


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        skip_on_database("xmin and ctid are PostgreSQL's (CI runs the suite on PostgreSQL too)")


@pytest.fixture
def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        skip_on_database("rowid is SQLite's (CI runs the suite on SQLite too)")


def test_the_xmin_join_from_the_issue_returns_nothing(
    invited: tuple[Round, list[tuple[str, str]]], postgres_only: None
) -> None:
    round_, people = invited
    answer_all(round_, people)
    with connection.cursor() as cursor:
        cursor.execute(XMIN_JOIN)
        assert cursor.fetchall() == []
        # The join is not empty for lack of data: every comment is there, under a response of the round.
        cursor.execute("SELECT COUNT(*) FROM rounds_themeanswer t JOIN rounds_response r ON t.response_id = r.id")
        assert cursor.fetchone() == (RESPONDENTS,)


def test_respondents_change_no_system_column_or_row_order_of_the_invitations(
    invited: tuple[Round, list[tuple[str, str]]],
) -> None:
    """The generic check: the whole invitations table, system columns and physical order included, is the same
    before and after every respondent started, saved and submitted (on PostgreSQL xmin, xmax and ctid; on SQLite
    rowid)."""
    round_, people = invited
    before = invitation_rows()
    assert len(before) == RESPONDENTS
    answer_all(round_, people)
    assert invitation_rows() == before


def test_xmin_and_ctid_of_invitations_do_not_move_on_start_or_submit(
    invited: tuple[Round, list[tuple[str, str]]], postgres_only: None
) -> None:
    round_, people = invited
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, xmin::text, ctid::text FROM rounds_invitation ORDER BY email")
        before = cursor.fetchall()
        client = Client()
        start(client, people[0][1])
        client.post(reverse("respondent_submit", args=[round_.uuid]))
        cursor.execute("SELECT email, xmin::text, ctid::text FROM rounds_invitation ORDER BY email")
        assert cursor.fetchall() == before
        # No invitation shares a transaction with any response, answer or comment.
        cursor.execute(
            "SELECT COUNT(*) FROM rounds_invitation i WHERE i.xmin::text IN ("
            "SELECT xmin::text FROM rounds_response UNION SELECT xmin::text FROM rounds_answer "
            "UNION SELECT xmin::text FROM rounds_themeanswer)"
        )
        assert cursor.fetchone() == (0,)


def test_rowid_of_invitations_does_not_change_on_respondent_activity(
    invited: tuple[Round, list[tuple[str, str]]], sqlite_only: None
) -> None:
    round_, people = invited
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid, email FROM rounds_invitation ORDER BY rowid")
        before = cursor.fetchall()
    answer_all(round_, people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid, email FROM rounds_invitation ORDER BY rowid")
        assert cursor.fetchall() == before


def test_answer_and_comment_row_ids_do_not_count_up(invited: tuple[Round, list[tuple[str, str]]]) -> None:
    """Row ids next to answers are random: no sequence gives the order in which answers came in."""
    round_, people = invited
    answer_all(round_, people)
    from cjgscan.rounds.models import Answer, ThemeAnswer

    for model in (Answer, ThemeAnswer):
        assert model._meta.pk is not None and model._meta.pk.get_internal_type() == "UUIDField", model
        ids = list(model.objects.values_list("pk", flat=True))
        assert len(set(ids)) == len(ids) == RESPONDENTS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sequencename FROM pg_sequences WHERE sequencename LIKE 'rounds_answer%%' "
                "OR sequencename LIKE 'rounds_themeanswer%%'"
            )
            assert cursor.fetchall() == []
