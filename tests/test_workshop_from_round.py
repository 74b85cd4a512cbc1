"""From scan to session: a werksessie started from a closed round shows the round's released results as opening
slides, offers questions on its weakest keys and largest gaps, and what is made under such a question reaches the
plan under its key, linked to the round; action origins read as words, never as uuids."""

import datetime
import importlib
import re
import uuid
from typing import Any

from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cjgscan.api.models import ApiToken
from cjgscan.development.check import check_action
from cjgscan.development.models import Action
from cjgscan.development.origin import origin
from cjgscan.development.services import create_action
from cjgscan.instruments.models import Theme
from cjgscan.rounds.models import Round
from cjgscan.workshops import actions, from_round
from cjgscan.workshops.models import Wish, Workshop, WorkshopQuestion
from tests.factories import make_response, make_round, release, unrelease
from tests.test_workshops import WorkshopTestCase, join, make_workshop

TINY = "Piepkleine groep"
TOGETHER = f" + {TINY} (sam"  # the one way the small group may be named: in the label of a shared column
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def closed_round(organisation: Any, **fields: Any) -> Round:
    """A closed round: 6 and 5 respondents in two groups who disagree on S1.K1, and 1 in a group too small to be
    shown on its own; key 5 scores lowest."""
    round_ = make_round(organisation, **fields)
    big, medium, tiny = list(round_.groups.all())[:3]
    tiny.name = TINY
    tiny.save()
    for _n in range(6):
        make_response(round_, big, {"S1.K1": "v4", "S1.K2": "v3", "S5.K1": "v1", "S5.K2": "v2"})
    for _n in range(5):
        make_response(round_, medium, {"S1.K1": "v1", "S1.K2": "v3", "S5.K1": "v1", "S5.K2": "v1"})
    make_response(round_, tiny, {"S1.K1": "v3", "S1.K2": "v4", "S5.K1": "v4", "S5.K2": "v4"})
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])
    release(round_, interim=False)
    return round_


def without_together(content: str) -> str:
    """The page without the shared column's label ("A + small (samen)", or shortened in a chart's legend) and the
    sentence that explains why groups are shown together."""
    content = re.sub(r"[^<>]*\+ " + TINY + r" \(sam[^<>]*", "", content)
    return re.sub(r"[^<>]*" + TINY + r" had minder dan[^<>]*", "", content)


class FromRoundTestCase(WorkshopTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = closed_round(cls.org_a, title="Meting voorjaar")
        cls.session = make_workshop(cls.org_a, round=cls.round, slide=1, held_on=datetime.date(2026, 5, 12))

    def session_url(self, name: str, *extra: Any) -> str:
        return self.url(name, *extra, workshop=self.session)

    def joinable(self) -> None:
        """The code works on the session's day and the day after: hold it today to join from a phone."""
        Workshop.objects.filter(pk=self.session.pk).update(held_on=timezone.localdate())
        self.session.refresh_from_db()

    def add_suggestions(self, *idents: str, pillar: str = "P2") -> list[WorkshopQuestion]:
        self.client.force_login(self.alice)
        reply = self.client.post(self.session_url("workshop_from_round"), {"suggestion": idents, "pillar": pillar})
        self.assertEqual(reply.status_code, 302)
        return list(self.session.questions.exclude(key_code="").order_by("position"))


class StartFromRoundTests(FromRoundTestCase):
    def test_a_closed_round_offers_to_start_a_session_to_who_may_write(self) -> None:
        link = f"{reverse('workshop_create', args=[self.org_a.uuid])}?round={self.round.uuid}"
        self.client.force_login(self.alice)
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.round.uuid])).content.decode()
        self.assertIn(f'href="{link}"', page)
        self.assertIn("Start een werksessie", page)
        open_round = make_round(self.org_a, title="Open meting")
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, open_round.uuid])).content.decode()
        self.assertNotIn("Start een werksessie", page)
        self.client.force_login(self.bob)
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.round.uuid])).content.decode()
        self.assertNotIn("Start een werksessie", page)

    def test_the_new_session_records_its_round_and_opens_on_the_first_slide(self) -> None:
        self.client.force_login(self.alice)
        create = reverse("workshop_create", args=[self.org_a.uuid])
        form = self.client.get(f"{create}?round={self.round.uuid}").content.decode()
        self.assertRegex(form, rf'<option value="{self.round.uuid}" selected>Meting voorjaar</option>')
        data = {"title": "Na de meting", "held_on": "2026-05-12", "votes_per_participant": "3", "pillars": ["P1"]}
        reply = self.client.post(create, {**data, "round": str(self.round.uuid)})
        workshop = Workshop.objects.get(title="Na de meting")
        self.assertEqual((workshop.round, workshop.slide), (self.round, 1))
        self.assertRedirects(reply, self.url("workshop_from_round", workshop=workshop))

    def test_only_the_organisations_closed_rounds_can_be_chosen(self) -> None:
        other = closed_round(self.org_b, title="Meting Beestad")
        still_open = make_round(self.org_a, title="Open meting")
        self.client.force_login(self.carol)  # member of both organisations
        create = reverse("workshop_create", args=[self.org_a.uuid])
        form = self.client.get(create).content.decode()
        self.assertIn("Meting voorjaar", form)
        self.assertNotIn("Meting Beestad", form)
        self.assertNotIn("Open meting", form)
        data = {"title": "Gekaapt", "held_on": "2026-05-12", "votes_per_participant": "3", "pillars": ["P1"]}
        for chosen in (other, still_open):
            reply = self.client.post(create, {**data, "round": str(chosen.uuid)})
            self.assertEqual(reply.status_code, 200)
        self.assertFalse(Workshop.objects.filter(title="Gekaapt").exists())


class SlideTests(FromRoundTestCase):
    def slide_pages(self, number: int) -> dict[str, str]:
        """Every place an opening slide appears: the big screen, its poll and the regie."""
        self.client.force_login(self.alice)
        reply = self.client.post(self.session_url("workshop_slide"), {"slide": str(number)})
        self.assertRedirects(reply, self.session_url("workshop_present") + "#slides", fetch_redirect_response=False)
        self.client.force_login(self.bob)  # a reader sees what the room sees
        return {
            name: self.client.get(self.session_url(name)).content.decode()
            for name in ("workshop_screen", "workshop_screen_live", "workshop_present")
        }

    def test_the_slides_show_the_released_results(self) -> None:
        keys, topics, gaps = (self.slide_pages(n) for n in (1, 2, 3))
        for name, content in keys.items():
            self.assertIn("Scores per sleutel", content, name)
            self.assertIn("Inspirerende missie en visie", content, name)
            self.assertRegex(content, r'<svg[^>]* role="img"')
            self.assertIn("12 respondenten", content, name)
        self.assertNotIn('id="current-question"', keys["workshop_screen_live"])
        for content in topics.values():
            self.assertIn("Drie punten om te bespreken", content)
            self.assertIn("Scoort laag", content)
        for content in gaps.values():
            self.assertIn("Waar groepen het meest verschillen", content)
            self.assertIn("S1.K1", content)

    def test_nothing_of_a_small_group_appears_on_any_slide(self) -> None:
        seen = 0
        for number in range(1, len(from_round.SLIDES) + 1):
            for name, content in self.slide_pages(number).items():
                self.assertNotIn(TINY, without_together(content), f"slide {number} on {name}")
                seen += TOGETHER in content
        self.assertGreater(seen, 0)  # the small group's answers count only inside the shared column

    def test_before_a_release_the_slides_show_no_figures(self) -> None:
        unrelease(self.round)
        for number in range(1, len(from_round.SLIDES) + 1):
            for name, content in self.slide_pages(number).items():
                self.assertIn("nog niet vrijgegeven", content, name)
                self.assertNotIn("Inspirerende missie", content, name)
                self.assertNotIn(TINY, content, name)

    def test_back_to_the_questions(self) -> None:
        pages = self.slide_pages(0)
        self.assertIn('id="current-question"', pages["workshop_screen_live"])
        self.assertNotIn("Scores per sleutel", pages["workshop_screen"])

    def test_slide_numbers_are_checked(self) -> None:
        self.client.force_login(self.alice)
        for value in ("4", "-1", "x", ""):
            reply = self.client.post(self.session_url("workshop_slide"), {"slide": value})
            self.assertEqual(reply.status_code, 404, value)
        reply = self.client.post(self.url("workshop_slide"), {"slide": "1"})  # a session without a round
        self.assertEqual(reply.status_code, 404)
        self.assertEqual(self.client.get(self.url("workshop_from_round")).status_code, 404)

    def test_a_slide_change_reaches_the_polls(self) -> None:
        self.client.force_login(self.alice)
        first = self.client.get(self.session_url("workshop_screen_live"))
        etag = first["ETag"]
        self.assertEqual(
            self.client.get(self.session_url("workshop_screen_live"), HTTP_IF_NONE_MATCH=etag).status_code, 304
        )
        self.client.post(self.session_url("workshop_slide"), {"slide": "2"})
        changed = self.client.get(self.session_url("workshop_screen_live"), HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(changed.status_code, 200)
        self.assertIn("Drie punten om te bespreken", changed.content.decode())

    def test_access(self) -> None:
        for url in (self.session_url("workshop_from_round"), self.session_url("workshop_slide")):
            self.client.force_login(self.dave)
            self.assertEqual(self.client.post(url, {"slide": "1", "pillar": "P1"}).status_code, 404)
            self.client.force_login(self.bob)
            self.assertEqual(self.client.post(url, {"slide": "1", "pillar": "P1"}).status_code, 403)
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.session_url("workshop_from_round")).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.session_url("workshop_from_round")).status_code, 200)
        self.session.refresh_from_db()
        self.assertEqual((self.session.slide, self.session.questions.exclude(key_code="").count()), (1, 0))


class SuggestionTests(FromRoundTestCase):
    def test_questions_on_the_weakest_keys_and_largest_gaps(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.session_url("workshop_from_round")).content.decode()
        self.assertIn("Wat is nodig om sleutel 5", page)
        self.assertIn('value="low-S5"', page)
        self.assertIn('value="gap-S1.K1"', page)
        self.assertNotIn(TINY, without_together(page))
        made = self.add_suggestions("low-S5", "gap-S1.K1")
        self.assertEqual(
            [(q.key_code, q.characteristic_code, q.code) for q in made], [("S5", "", "S5"), ("S1", "S1.K1", "S1.K1")]
        )
        self.assertEqual({q.theme.code for q in made}, {"P2"})
        weak = made[0]
        self.assertTrue(weak.own_text.startswith("Wat is nodig om sleutel 5"))
        with translation.override("en"):
            self.assertTrue(weak.text.startswith("What is needed to strengthen key 5"), weak.text)
        with translation.override("nl"):
            self.assertEqual(weak.text, weak.own_text)
        # Ticking them again adds nothing; the page says they are in the session.
        self.assertEqual(len(self.add_suggestions("low-S5", "gap-S1.K1")), 2)
        self.assertIn("al in de werksessie", self.client.get(self.session_url("workshop_from_round")).content.decode())

    def test_a_suggestion_needs_a_pillar_of_the_session_instrument(self) -> None:
        self.client.force_login(self.alice)
        for data in (
            {"suggestion": "low-S5", "pillar": "S1"},
            {"pillar": "P1"},
            {"suggestion": "low-S9", "pillar": "P1"},
        ):
            self.client.post(self.session_url("workshop_from_round"), data)
        self.assertFalse(self.session.questions.exclude(key_code="").exists())


class WishToPlanTests(FromRoundTestCase):
    def test_a_wish_under_a_results_question_becomes_an_action_under_its_key(self) -> None:
        gap = self.add_suggestions("gap-S1.K1")[0]
        self.joinable()
        phone = Client()
        join(phone, self.session)
        reply = phone.post(
            reverse("participant_question_wish", args=[self.session.uuid, gap.uuid]),
            {"wish-text": "Gezamenlijke casusbespreking"},
        )
        self.assertEqual(reply.status_code, 302)
        wish = Wish.objects.get(text="Gezamenlijke casusbespreking")
        self.assertEqual((wish.question, wish.theme.code), (gap, "P2"))
        self.client.force_login(self.alice)
        self.client.post(self.session_url("workshop_wish_to_action", wish.uuid))
        action = Action.objects.get(title="Gezamenlijke casusbespreking")
        self.assertEqual((action.theme_code, action.item_code, action.round), ("S1", "S1.K1", self.round))
        self.assertEqual(action.source, "wish")
        # In the plan under key 1; and the check compares it with the next round once there is one.
        by_key = self.client.get(reverse("action_list", args=[self.org_a.uuid]) + "?weergave=sleutel").content.decode()
        key_section = by_key.split("S1 Inspirerende missie en visie")[1].split("</section>")[0]
        self.assertIn("Gezamenlijke casusbespreking", key_section)
        later = closed_round(
            self.org_a, title="Meting najaar", opens_on=self.round.opens_on + datetime.timedelta(days=1)
        )
        check = check_action(action)
        assert check is not None
        self.assertEqual(check.after, later)
        self.assertEqual([s.code for s in check.subjects], ["S1.K1", "S1"])

    def test_a_participant_wish_on_a_question_of_another_session_is_not_found(self) -> None:
        self.joinable()
        phone = Client()
        join(phone, self.session)
        foreign = self.workshop.questions.first()
        assert foreign is not None
        reply = phone.post(
            reverse("participant_question_wish", args=[self.session.uuid, foreign.uuid]), {"wish-text": "Wens"}
        )
        self.assertEqual(reply.status_code, 404)
        self.assertEqual(
            Client()
            .post(reverse("participant_question_wish", args=[self.session.uuid, foreign.uuid]), {"wish-text": "x"})
            .status_code,
            403,
        )
        self.assertFalse(Wish.objects.filter(text="Wens").exists())


class OriginTests(FromRoundTestCase):
    def wish_action(self, question: WorkshopQuestion | None) -> Action:
        participant, _token = actions.do_join(self.session, "Fatima")
        theme = question.theme if question else Theme.objects.get(code="P1", version=self.session.version)
        wish = actions.do_add_wish(participant, theme, "Een wens", question=question)
        action_uuid, _created = actions.do_wish_to_action(wish, self.org_a)
        return Action.objects.get(uuid=action_uuid)

    def test_origins_read_as_words_in_the_readers_language(self) -> None:
        guiding = self.session.questions.get(item__code="P1.V1")
        results_question = self.add_suggestions("gap-S1.K1")[0]
        cases = [
            (guiding, "werksessie 12 mei 2026, vraag P1.V1", "work session 12 May 2026, question P1.V1"),
            (results_question, "werksessie 12 mei 2026, vraag S1.K1", "work session 12 May 2026, question S1.K1"),
            (None, "werksessie 12 mei 2026, pijler 1", "work session 12 May 2026, pillar 1"),
        ]
        self.client.force_login(self.bob)
        for question, dutch, english in cases:
            action = self.wish_action(question)
            with translation.override("nl"):
                self.assertEqual(origin(action), dutch)
            with translation.override("en"):
                self.assertEqual(origin(action), english)
            page = self.client.get(reverse("action_detail", args=[self.org_a.uuid, action.uuid])).content.decode()
            self.assertIn(dutch, page)
            self.assertNotIn(str(Wish.objects.get(action_uuid=action.uuid).uuid), page)
        for source, words in (
            ("gap S3.K2", "verschil tussen groepen, S3.K2"),
            ("weak S3.K2", "lage score, S3.K2"),
            ("tip S3.T1", "tip S3.T1"),
        ):
            with translation.override("nl"):
                self.assertEqual(origin(create_action(self.org_a, title="x", source=source)), words)

    def test_the_api_and_the_csv_give_words_and_no_uuid(self) -> None:
        self.wish_action(self.session.questions.get(item__code="P1.V1"))
        _token, secret = ApiToken.issue(self.alice, "test", ApiToken.Scope.READ, None)
        reply = self.client.get(f"/api/v1/organisaties/{self.org_a.uuid}/acties", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(reply.status_code, 200, reply.content)
        (found,) = [a for a in reply.json() if a["title"] == "Een wens"]
        self.assertEqual((found["source"], found["origin"]), ("wish", "werksessie 12 mei 2026, vraag P1.V1"))
        self.client.force_login(self.alice)
        csv = self.client.get(reverse("action_export", args=[self.org_a.uuid])).content.decode("utf-8-sig")
        self.assertIn("werksessie 12 mei 2026, vraag P1.V1", csv)
        self.assertIsNone(UUID.search(csv))

    def test_stored_origins_lose_their_uuid(self) -> None:
        wish_action = self.wish_action(self.session.questions.get(item__code="P1.V1"))
        Action.objects.filter(pk=wish_action.pk).update(source=f"wish {uuid.uuid4()}")
        migration = importlib.import_module("cjgscan.development.migrations.0002_action_origin")
        migration.drop_wish_uuids(django_apps, None)
        wish_action.refresh_from_db()
        self.assertEqual(wish_action.source, "wish")
        with translation.override("nl"):
            self.assertEqual(origin(wish_action), "werksessie 12 mei 2026, vraag P1.V1")


class QueryCountTests(FromRoundTestCase):
    def queries(self, workshop: Workshop, name: str) -> int:
        self.client.get(self.url(name, workshop=workshop))  # the first request of a kind fills caches
        with CaptureQueriesContext(connection) as captured:
            reply = self.client.get(self.url(name, workshop=workshop))
        self.assertEqual(reply.status_code, 200)
        return len(captured)

    def test_slides_cost_the_same_whatever_the_number_of_respondents(self) -> None:
        bigger = make_round(self.org_a, title="Grote meting")
        for group in list(bigger.groups.all())[:3]:
            for n in range(9):
                make_response(bigger, group, {"S1.K1": f"v{n % 4 + 1}", "S5.K1": "v1", "S5.K2": f"v{n % 2 + 1}"})
        bigger.status = Round.Status.CLOSED
        bigger.save(update_fields=["status"])
        release(bigger, interim=False)
        large = make_workshop(self.org_a, round=bigger, slide=1)
        self.client.force_login(self.bob)
        for number in range(1, len(from_round.SLIDES) + 1):
            for workshop in (self.session, large):
                Workshop.objects.filter(pk=workshop.pk).update(slide=number)
            for name in ("workshop_screen_live", "workshop_screen", "workshop_present"):
                self.assertEqual(self.queries(self.session, name), self.queries(large, name), f"slide {number}, {name}")
