"""Parallel autosaves and submits on PostgreSQL: nothing lost, nothing doubled."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cjgscan.rounds.models import Answer, Response
from tests.factories import make_organisation, make_round
from tests.parallel import in_parallel
from tests.respondents import invite, press_start, start
from tests.tools import skip_on_database

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        skip_on_database("concurrency is tested on PostgreSQL (CI runs the suite with DATABASE_URL too)")


def test_parallel_first_visits_autosaves_and_submits(postgres_only: None) -> None:
    round_ = make_round(make_organisation())
    _invitation, token = invite(round_, round_.groups.first())
    clients = [Client() for _ in range(8)]

    # Eight tabs open the same link at once: one response.
    link = reverse("respondent_start", args=[token])
    replies = in_parallel([lambda c=c: press_start(c, link).status_code for c in clients])
    assert replies == [302] * 8
    assert Response.objects.count() == 1

    # They autosave different answers of key 6 at once, and the same characteristic too.
    autosave = reverse("respondent_autosave", args=[round_.uuid])

    def save(n: int) -> int:
        data = {"page": "6", f"item-S6.K{n + 1}": "v2", "item-S6.K10": f"v{n % 4 + 1}"}
        return clients[n].post(autosave, data).status_code

    assert in_parallel([lambda n=n: save(n) for n in range(8)]) == [200] * 8
    codes = set(Answer.objects.values_list("item__code", flat=True))
    assert codes == {f"S6.K{n}" for n in range(1, 9)} | {"S6.K10"}
    assert Answer.objects.count() == 9

    # Everyone presses send at once: exactly one submission, the same answers.
    submit = reverse("respondent_submit", args=[round_.uuid])
    assert in_parallel([lambda c=c: c.post(submit).status_code for c in clients]) == [302] * 8
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert Answer.objects.count() == 9


def test_many_respondents_submitting_at_once_each_count_once(postgres_only: None) -> None:
    round_ = make_round(make_organisation())
    group = round_.groups.first()
    people = [invite(round_, group, f"p{n}@example.nl")[1] for n in range(10)]
    clients = [Client() for _ in people]
    for client, token in zip(clients, people, strict=True):
        start(client, token)
    page = reverse("respondent_page", args=[round_.uuid, 1])
    submit = reverse("respondent_submit", args=[round_.uuid])

    def answer_and_send(client: Client) -> tuple[int, int]:
        saved = client.post(page, {"item-S1.K1": "v3", "item-S1.K2": "v4", "nav": "next"}).status_code
        return saved, client.post(submit).status_code

    assert in_parallel([lambda c=c: answer_and_send(c) for c in clients]) == [(302, 302)] * 10
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 10
    assert Answer.objects.count() == 20
