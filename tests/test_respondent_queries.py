"""What one autosave and one submit cost the database: pinned, so that an added query fails here (issue 11, load).

Under TestCase the view's transaction is a savepoint (SAVEPOINT … RELEASE), on SQLite and PostgreSQL alike, so the
counts below are the same on both databases.
"""

import datetime

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cjgscan.rounds.models import Answer, Response, Round, ThemeAnswer
from cjgscan.rounds.respondent import RESPONSE_WITH_ROUND
from tests.base import BaseTestCase
from tests.factories import make_round
from tests.respondents import invite, start


class RespondentQueryTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_importance=True, ask_profession=True)
        cls.group = cls.round.groups.first()
        cls.invitation, cls.token = invite(cls.round, cls.group)

    def setUp(self) -> None:
        self.response = start(self.client, self.token)
        self.autosave_url = reverse("respondent_autosave", args=[self.round.uuid])
        self.submit_url = reverse("respondent_submit", args=[self.round.uuid])
        # What the round asks is cached per process (answers.Questionnaire): the first request of a process reads
        # it, every later one does not. Warm it, as every request but a worker's first finds it.
        self.client.post(self.autosave_url, {"page": "1", "item-S1.K1": "v1"})

    def key_answers(self, page: int, option: str = "v3") -> dict[str, str]:
        items = {f"item-S{page}.K{n}": option for n in range(1, 6)}
        return {"page": str(page), **items, f"comment-S{page}": "Een opmerking", f"importance-S{page}": "4"}

    def test_an_autosave_is_one_select_and_one_upsert_per_kind_of_answer(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            reply = self.client.post(self.autosave_url, self.key_answers(2))
        self.assertEqual(reply.status_code, 200)
        self.assertContains(reply, '<span class="site-save-ok">Opgeslagen</span>')
        statements = [query["sql"] for query in queries.captured_queries]
        # The savepoint of the view's transaction; the response with its round, locked; the answers; the comment;
        # the importance; the end of the savepoint. Not the round on its own, nor a second read to lock.
        self.assertEqual(len(statements), 6, "\n".join(statements))
        self.assertEqual(sum(s.startswith("SELECT") for s in statements), 1, statements)
        self.assertEqual(sum(s.startswith("INSERT") and "ON CONFLICT" in s for s in statements), 3, statements)
        select = next(s for s in statements if s.startswith("SELECT"))
        self.assertIn("rounds_round", select)
        if connection.vendor == "postgresql":
            # The weakest lock a submit's UPDATE waits for, on the response's row only.
            self.assertIn("FOR NO KEY UPDATE OF T", select)
        self.assertEqual(Answer.objects.filter(item__theme__number=2).count(), 5)
        self.assertEqual(ThemeAnswer.objects.get(theme__number=2).importance, 4)

    def test_the_count_of_an_autosave_does_not_grow_with_what_it_saves(self) -> None:
        with self.assertNumQueries(4):  # savepoint, select, answers, release: a key's answers without comment
            self.client.post(self.autosave_url, {"page": "1", "item-S1.K1": "v2"})
        answers = {k: v for k, v in self.key_answers(6).items() if not k.startswith(("comment", "importance"))}
        answers |= {f"item-S6.K{n}": "v4" for n in range(1, 11)}
        with self.assertNumQueries(4):
            self.client.post(self.autosave_url, answers)
        self.assertEqual(Answer.objects.filter(item__theme__number=6).count(), 10)

    def test_an_autosave_renders_no_template(self) -> None:
        reply = self.client.post(self.autosave_url, self.key_answers(4))
        self.assertEqual(reply.templates, [])
        refused = self.client.post(self.autosave_url, {"page": "3", "item-S3.K1": "v9"})
        self.assertEqual((refused.status_code, refused.templates), (400, []))
        self.assertContains(refused, '<span class="site-save-error">Niet opgeslagen: ', status_code=400)

    def test_a_submit_is_one_update(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            reply = self.client.post(self.submit_url)
        self.assertRedirects(reply, reverse("respondent_done", args=[self.round.uuid]), fetch_redirect_response=False)
        statements = [query["sql"] for query in queries.captured_queries]
        self.assertEqual(len(statements), 3, "\n".join(statements))  # savepoint, UPDATE, release
        self.assertTrue(statements[1].startswith("UPDATE"), statements)
        self.response.refresh_from_db()
        self.assertEqual(
            (self.response.status, self.response.submitted_on), (Response.Status.SUBMITTED, timezone.localdate())
        )

    def test_a_submit_that_updates_nothing_finds_out_why(self) -> None:
        self.client.post(self.submit_url)
        # Sent before: the UPDATE finds nothing in progress; one more query finds the response, sent.
        with self.assertNumQueries(4):
            reply = self.client.post(self.submit_url)
        self.assertRedirects(reply, reverse("respondent_done", args=[self.round.uuid]), fetch_redirect_response=False)
        # Closed: nothing is sent, the respondent is told.
        other, other_token = invite(self.round, self.group, "ander@example.nl")
        self.assertTrue(other)
        client = self.client_class()
        start(client, other_token)
        Round.objects.filter(pk=self.round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
        self.assertEqual(client.post(self.submit_url).status_code, 410)
        self.assertEqual(Response.objects.submitted().count(), 1)

    def test_the_joined_select_gives_what_the_orm_gives(self) -> None:
        Round.objects.filter(pk=self.round.pk).update(opens_on=datetime.date(2026, 1, 31))
        expected = Response.objects.select_related("round").get(pk=self.response.pk)
        with transaction.atomic():
            found = RESPONSE_WITH_ROUND[False, True].get(self.response.token_hash, self.round.uuid)
        assert isinstance(found, Response)
        for field in Response._meta.concrete_fields:
            self.assertEqual(getattr(found, field.attname), getattr(expected, field.attname), field.name)
        with self.assertNumQueries(0):
            round_ = found.round
        for field in Round._meta.concrete_fields:
            value = getattr(round_, field.attname)
            self.assertEqual(value, getattr(expected.round, field.attname), field.name)
            self.assertIs(type(value), type(getattr(expected.round, field.attname)), field.name)
        self.assertIsNotNone(round_.created.tzinfo)
        self.assertFalse(found._state.adding)
        self.assertIsNone(RESPONSE_WITH_ROUND[False, False].get(self.response.token_hash, make_round(self.org_b).uuid))
