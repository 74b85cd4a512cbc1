"""The respondent's questionnaire through HTTP: tokens, pages, autosave, submit, bad input."""

import datetime
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cjgscan.rounds.models import Answer, Response, Round, ThemeAnswer
from tests.base import BaseTestCase
from tests.factories import make_round
from tests.respondents import invite, page_url, press_start, start, start_group


class RespondentTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_importance=True, ask_profession=True)
        cls.group = cls.round.groups.first()
        cls.invitation, cls.token = invite(cls.round, cls.group)

    def save_page(self, page: int, data: dict[str, str], nav: str = "next", client: Client | None = None):  # type: ignore[no-untyped-def]
        return (client or self.client).post(page_url(self.round, page), {**data, "nav": nav})


class TokenExchangeTests(RespondentTestCase):
    def test_the_token_is_exchanged_for_a_cookie_and_a_url_without_it(self) -> None:
        reply = press_start(self.client, reverse("respondent_start", args=[self.token]))
        self.assertEqual(reply.status_code, 302)
        self.assertNotIn(self.token, reply.url)
        self.assertEqual(reply.headers["Referrer-Policy"], "no-referrer")
        cookie = reply.cookies[f"cjg_{self.round.uuid.hex[:16]}"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["path"], "/")  # so that the link itself finds it again
        self.assertNotEqual(cookie.value, self.token)  # signed, not the bare token
        response = Response.objects.get()
        self.assertEqual((response.group, response.channel), (self.group, Response.Channel.PERSONAL))
        # Page 0 is the introduction, with the profession question.
        page = self.client.get(reply.url, follow=True)
        self.assertContains(page, 'name="profession"')
        self.assertNotIn(self.token, page.content.decode())
        self.assertEqual(page.headers["Referrer-Policy"], "same-origin")  # no token in this URL

    def test_tokens_are_long_and_never_stored(self) -> None:
        self.assertGreaterEqual(len(self.token), 32)  # 24 random bytes = 192 bits
        start(self.client, self.token)
        stored = [self.invitation.token_hash, Response.objects.get().token_hash]
        self.assertNotIn(self.token, stored)
        self.assertNotEqual(stored[0], stored[1])

    def test_a_tampered_or_unknown_token_gets_404(self) -> None:
        for token in (
            self.token[:-1] + ("A" if self.token[-1] != "A" else "B"),
            "x" * 32,
            "kort",
            "../../etc",
        ):
            reply = self.client.get(f"/r/{token}/")
            self.assertEqual(reply.status_code, 404, token)
        self.assertFalse(Response.objects.exists())

    def test_opening_the_link_again_resumes_the_same_response_where_it_was(self) -> None:
        response = start(self.client, self.token)
        self.save_page(0, {"profession": "S4.B2"})
        self.save_page(1, {"item-S1.K1": "v3"})
        fresh = Client()  # another browser, or the same one after closing
        landing = fresh.get(reverse("respondent_start", args=[self.token]))
        self.assertContains(landing, "Verder met de vragenlijst")
        reply = press_start(fresh, reverse("respondent_start", args=[self.token]))
        reply = fresh.get(reply.url, follow=True)
        self.assertEqual(reply.redirect_chain[-1][0], page_url(self.round, 2))
        self.assertEqual(Response.objects.count(), 1)
        response.refresh_from_db()
        self.assertEqual(response.profession, "S4.B2")

    def test_group_link_starts_a_new_anonymous_response_and_resumes_in_the_same_browser(self) -> None:
        token = self.group.link_token()
        start_group(self.client, token)
        self.assertRedirects(
            self.client.get(reverse("respondent_group_start", args=[token])),
            reverse("respondent_resume", args=[self.round.uuid]),
            target_status_code=302,
        )
        self.assertEqual(Response.objects.filter(group=self.group).count(), 1)
        start_group(Client(), token)
        self.assertEqual(Response.objects.filter(group=self.group).count(), 2)
        self.assertFalse(Response.objects.filter(token_hash=None).exists())

    def test_a_renewed_group_link_stops_the_old_one(self) -> None:
        old = self.group.link_token()
        self.group.link_version += 1
        self.group.save()
        self.assertEqual(self.client.get(f"/g/{old}/").status_code, 404)
        self.assertEqual(self.client.get(f"/g/{self.group.link_token()}/").status_code, 200)

    def test_a_closed_or_not_yet_open_round_says_so(self) -> None:
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.CLOSED)
        reply = self.client.get(reverse("respondent_start", args=[self.token]))
        self.assertEqual(reply.status_code, 410)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.OPEN, opens_on=tomorrow)
        reply = self.client.get(reverse("respondent_start", args=[self.token]))
        self.assertEqual(reply.status_code, 200)
        self.assertFalse(Response.objects.exists())


class QuestionnaireTests(RespondentTestCase):
    def setUp(self) -> None:
        self.response = start(self.client, self.token)

    def test_one_key_per_page_with_every_characteristic_as_a_radio_group(self) -> None:
        page = self.client.get(page_url(self.round, 6))
        content = page.content.decode()
        self.assertEqual(content.count("<fieldset"), 10 + 1)  # ten characteristics and the importance
        for n in range(1, 11):
            self.assertIn(f'name="item-S6.K{n}"', content)
        self.assertIn('value="dont_know"', content)
        self.assertIn('value="not_applicable"', content)
        self.assertIn('name="comment-S6"', content)
        self.assertIn('name="importance-S6"', content)
        self.assertIn('<progress id="progress" max="7" value="6"', content)

    def test_page_submit_without_javascript_saves_and_moves_on_and_back(self) -> None:
        reply = self.save_page(
            1,
            {
                "item-S1.K1": "v4",
                "item-S1.K2": "dont_know",
                "comment-S1": "Goed <b>bezig</b>",
                "importance-S1": "5",
            },
        )
        self.assertRedirects(reply, page_url(self.round, 2))
        self.assertEqual(dict(Answer.objects.values_list("item__code", "value")), {"S1.K1": 4, "S1.K2": None})
        theme_answer = ThemeAnswer.objects.get()
        self.assertEqual((theme_answer.comment, theme_answer.importance), ("Goed <b>bezig</b>", 5))
        # Back keeps the answers, shown checked and escaped.
        reply = self.save_page(2, {"item-S2.K1": "v2"}, nav="prev")
        self.assertRedirects(reply, page_url(self.round, 1))
        page = self.client.get(page_url(self.round, 1)).content.decode()
        self.assertIn('value="v4" checked', page)
        self.assertIn("Goed &lt;b&gt;bezig&lt;/b&gt;", page)
        self.assertEqual(Answer.objects.count(), 3)

    def test_changing_an_answer_replaces_it(self) -> None:
        self.save_page(1, {"item-S1.K1": "v1"})
        self.save_page(1, {"item-S1.K1": "v3"})
        self.assertEqual(list(Answer.objects.values_list("value", flat=True)), [3])

    def test_autosave_saves_on_change_and_says_so(self) -> None:
        url = reverse("respondent_autosave", args=[self.round.uuid])
        reply = self.client.post(url, {"page": "3", "item-S3.K2": "v2", "comment-S3": ""})
        self.assertEqual(reply.status_code, 200)
        self.assertContains(reply, "Opgeslagen")
        self.assertEqual(Answer.objects.get().item.code, "S3.K2")

    def test_bad_input_saves_nothing(self) -> None:
        other_round = make_round(self.org_b)
        cases = [
            {"item-S9.K1": "v1"},  # unknown item
            {"item-S1.K1": "v5"},  # off the 4-point scale
            {"item-S1.K1": "7"},
            {"item-P1.V1": "v1"},  # a question of another instrument
            {"item-S2.K1": "v1"},  # another key than the page's
            {"comment-S1": "x" * 2001},  # too long
            {"comment-S1": "nul\x00byte"},
            {"importance-S1": "9"},
            {"profession": "S4.B99"},
        ]
        self.assertTrue(other_round)
        for case in cases:
            page = 0 if "profession" in case else 1
            reply = self.save_page(page, {"item-S1.K2": "v1", **case})
            self.assertEqual(reply.status_code, 400, case)
            self.assertContains(reply, "niet opgeslagen", status_code=400)
            autosave = self.client.post(
                reverse("respondent_autosave", args=[self.round.uuid]),
                {"page": "1", "item-S1.K2": "v1", **case},
            )
            self.assertEqual(autosave.status_code, 400, case)
        self.assertFalse(Answer.objects.exists())
        self.assertFalse(ThemeAnswer.objects.exists())
        self.response.refresh_from_db()
        self.assertEqual(self.response.profession, "")

    def test_without_the_cookie_there_is_nothing_to_see_or_change(self) -> None:
        stranger = Client()
        self.assertEqual(stranger.get(page_url(self.round, 1)).status_code, 404)
        self.assertEqual(self.save_page(1, {"item-S1.K1": "v1"}, client=stranger).status_code, 404)
        self.assertFalse(Answer.objects.exists())

    def test_submit_is_idempotent_and_ends_editing(self) -> None:
        self.save_page(1, {"item-S1.K1": "v4"})
        submit = reverse("respondent_submit", args=[self.round.uuid])
        for _ in range(3):  # double click, back button and replay
            reply = self.client.post(submit)
            self.assertRedirects(reply, reverse("respondent_done", args=[self.round.uuid]))
        self.assertEqual(Response.objects.filter(status=Response.Status.SUBMITTED).count(), 1)
        # No more edits, through any door.
        self.assertRedirects(
            self.save_page(1, {"item-S1.K1": "v1"}), reverse("respondent_done", args=[self.round.uuid])
        )
        autosave = self.client.post(reverse("respondent_autosave", args=[self.round.uuid]), {"item-S1.K1": "v1"})
        self.assertEqual(autosave.status_code, 409)
        self.assertEqual(list(Answer.objects.values_list("value", flat=True)), [4])
        self.assertContains(self.client.get(reverse("respondent_start", args=[self.token]), follow=True), "Bedankt")

    def test_after_the_closing_date_no_edits(self) -> None:
        Round.objects.filter(pk=self.round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
        self.assertEqual(self.save_page(1, {"item-S1.K1": "v1"}).status_code, 410)
        self.assertEqual(self.client.post(reverse("respondent_submit", args=[self.round.uuid])).status_code, 410)
        self.assertFalse(Answer.objects.exists())

    def test_review_page_counts_what_is_missing(self) -> None:
        self.save_page(1, {"item-S1.K1": "v4", "item-S1.K2": "v4"})
        page = self.client.get(page_url(self.round, 8))
        self.assertContains(page, "49 kenmerken hebben nog geen antwoord")

    def test_every_questionnaire_page_has_a_plain_title(self) -> None:
        # The browser's tab shows the <title> as text: markup in it would be read out and shown literally.
        self.save_page(1, {"item-S1.K1": "v4"})
        for number in range(9):
            page = self.client.get(page_url(self.round, number))
            title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S)
            assert title is not None, number
            self.assertNotIn("<", title[1], number)
            self.assertIn(self.round.title, title[1], number)
