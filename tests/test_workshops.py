"""Work sessions (werksessies) on the five pillars: access, joining with a code, notes, wishes, votes, the agenda."""

import datetime
import re
import subprocess
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cjgscan.development.models import Action
from cjgscan.instruments.models import Item, Theme
from cjgscan.limits.models import Counter
from cjgscan.organisations.models import Role
from cjgscan.reports.models import StoredReport
from cjgscan.workshops import actions, participant
from cjgscan.workshops.models import CODE_ALPHABET, Note, Participant, Vote, Wish, Workshop
from tests.base import BaseTestCase
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user
from tests.parallel import in_parallel
from tests.stored_reports import no_rendering, run_report_tasks
from tests.tools import require_tool, skip_on_database


def nl(msgid: str) -> str:
    """The Dutch text of a message, as the catalogue has it now (the English text until it is translated)."""
    with translation.override("nl"):
        return gettext(msgid)


def pdf_text(content: bytes) -> str:
    require_tool("pdftotext", "poppler-utils")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return result.stdout.decode()


def make_workshop(
    organisation: Any, item_codes: tuple[str, ...] = ("P1.V1", "P1.V2", "P2.V1"), **fields: Any
) -> Workshop:
    version = Theme.objects.get(code="P1", version__instrument__slug="vijf-pijlers").version
    items = list(Item.objects.filter(theme__version=version, code__in=item_codes).select_related("theme"))
    pillars = list(version.themes.filter(code__in=["P1", "P2", "P3"]))
    return actions.do_create_workshop(organisation, version, pillars, items, title="Werksessie voorjaar", **fields)


def join(client: Client, workshop: Workshop, name: str = "Fatima") -> Participant:
    reply = client.post(
        reverse("workshop_join"), {"code": workshop.code.lower()[:3] + " " + workshop.code[3:], "name": name}
    )
    assert reply.status_code == 302, reply.content.decode()
    assert reply["Location"] == reverse("participant_home", args=[workshop.uuid])
    return Participant.objects.filter(workshop=workshop).order_by("-pk").first()  # type: ignore[return-value]


class WorkshopTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.workshop = make_workshop(cls.org_a)
        cls.questions = actions.ordered_questions(cls.workshop)
        cls.p1 = Theme.objects.get(code="P1", version=cls.workshop.version)
        cls.p2 = Theme.objects.get(code="P2", version=cls.workshop.version)
        cls.other = make_workshop(cls.org_b)  # Carol's other organisation

    def setUp(self) -> None:
        cache.clear()

    def url(self, name: str, *extra: Any, workshop: Workshop | None = None) -> str:
        workshop = workshop or self.workshop
        return reverse(name, args=[workshop.organisation.uuid, workshop.uuid, *extra])

    def participant_url(self, name: str, *extra: Any) -> str:
        return reverse(name, args=[self.workshop.uuid, *extra])


class AccessTests(WorkshopTestCase):
    def read_urls(self) -> list[str]:
        return [
            reverse("workshop_list", args=[self.org_a.uuid]),
            self.url("workshop_detail"),
            self.url("workshop_present"),
            self.url("workshop_live"),
            self.url("workshop_agenda"),
        ]

    def write_urls(self) -> list[tuple[str, str]]:
        wish = Wish.objects.create(workshop=self.workshop, theme=self.p1, text="Meer overleg")
        question = self.questions[0]
        return [
            ("get", reverse("workshop_create", args=[self.org_a.uuid])),
            ("post", reverse("workshop_create", args=[self.org_a.uuid])),
            ("post", self.url("workshop_question_add")),
            ("post", self.url("workshop_move")),
            ("get", self.url("workshop_merge", question.uuid)),
            ("post", self.url("workshop_merge", question.uuid)),
            ("post", self.url("workshop_voting_sluiten")),
            ("post", self.url("workshop_voting_openen")),
            ("post", self.url("workshop_new_code")),
            ("post", self.url("workshop_end")),
            ("post", self.url("workshop_wish_to_action", wish.uuid)),
        ]

    def test_outsiders_get_404_everywhere(self) -> None:
        self.client.force_login(self.dave)
        for url in self.read_urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for method, url in self.write_urls():
            self.assertEqual(getattr(self.client, method)(url).status_code, 404, url)

    def test_another_organisations_session_is_404_for_a_member(self) -> None:
        self.client.force_login(self.alice)
        for name in ("workshop_detail", "workshop_present", "workshop_live", "workshop_agenda"):
            url = reverse(name, args=[self.org_a.uuid, self.other.uuid])
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_anonymous_visitors_are_sent_to_the_login(self) -> None:
        for url in self.read_urls():
            reply = self.client.get(url)
            self.assertEqual(reply.status_code, 302, url)
            self.assertIn(reverse("login"), reply["Location"])

    def test_readers_look_but_get_403_on_every_write(self) -> None:
        self.client.force_login(self.bob)
        for url in self.read_urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)
        for method, url in self.write_urls():
            self.assertEqual(getattr(self.client, method)(url).status_code, 403, url)
        self.assertNotContains(self.client.get(self.url("workshop_present")), self.url("workshop_move"))
        self.assertEqual(Action.objects.count(), 0)
        self.assertTrue(Workshop.objects.get(pk=self.workshop.pk).is_open)

    def test_csrf_is_required_for_writes(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        self.assertEqual(client.post(self.url("workshop_end")).status_code, 403)
        self.assertTrue(Workshop.objects.get(pk=self.workshop.pk).is_open)

    def test_the_organisation_home_links_to_the_work_sessions(self) -> None:
        self.client.force_login(self.bob)
        reply = self.client.get(reverse("organisation_home", args=[self.org_a.uuid]))
        self.assertContains(reply, reverse("workshop_list", args=[self.org_a.uuid]))


class CreateTests(WorkshopTestCase):
    def test_a_coordinator_creates_a_session_with_chosen_pillars_and_questions(self) -> None:
        self.client.force_login(self.carol)
        url = reverse("workshop_create", args=[self.org_a.uuid])
        form = self.client.get(url)
        self.assertContains(form, "P5.V1")
        data = {
            "title": "  Werksessie   najaar ",
            "held_on": timezone.localdate().isoformat(),
            "votes_per_participant": "5",
            "pillars": ["P4"],
            "questions": ["P2.V2", "P1.V3"],
        }
        reply = self.client.post(url, data)
        workshop = Workshop.objects.get(title="Werksessie najaar")
        self.assertRedirects(reply, self.url("workshop_detail", workshop=workshop))
        self.assertEqual(workshop.votes_per_participant, 5)
        self.assertEqual(sorted(t.code for t in workshop.pillars.all()), ["P1", "P2", "P4"])
        self.assertEqual([q.code for q in actions.ordered_questions(workshop)], ["P1.V3", "P2.V2"])
        self.assertEqual(workshop.current_question.code, "P1.V3")  # type: ignore[union-attr]
        self.assertRegex(workshop.code, f"^[{CODE_ALPHABET}]{{6}}$")
        self.assertNotEqual(workshop.code, self.workshop.code)
        detail = self.client.get(self.url("workshop_detail", workshop=workshop))
        self.assertContains(detail, workshop.display_code)

    def test_bad_input_gets_clear_messages_and_saves_nothing(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("workshop_create", args=[self.org_a.uuid])
        before = Workshop.objects.count()
        reply = self.client.post(url, {"title": "X", "held_on": "2026-01-01", "votes_per_participant": "50"})
        self.assertEqual(reply.status_code, 200)
        self.assertContains(reply, nl("Choose at least one pillar or question."))
        self.assertContains(reply, "utrecht-form-field--invalid")
        self.assertEqual(Workshop.objects.count(), before)

    def test_own_questions_join_their_pillar(self) -> None:
        self.client.force_login(self.alice)
        reply = self.client.post(
            self.url("workshop_question_add"), {"pillar": "P5", "text": "Wat leren we van <ouders>?"}
        )
        self.assertRedirects(reply, self.url("workshop_detail"))
        question = self.workshop.questions.get(item__isnull=True)
        self.assertEqual(question.text, "Wat leren we van <ouders>?")
        self.assertIn("P5", [t.code for t in self.workshop.pillars.all()])
        detail = self.client.get(self.url("workshop_detail"))
        self.assertContains(detail, "Wat leren we van &lt;ouders&gt;?")
        reply = self.client.post(self.url("workshop_question_add"), {"pillar": "P5", "text": "   "}, follow=True)
        self.assertContains(reply, nl("Type the question."))
        self.assertEqual(self.workshop.questions.filter(item__isnull=True).count(), 1)

    def test_the_list_has_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("workshop_list", args=[self.org_a.uuid])
        self.client.get(url)
        with self.assertNumQueries(5):
            reply = self.client.get(url)
        self.assertContains(reply, "Werksessie voorjaar")
        make_workshop(self.org_a)
        join(Client(), self.workshop)
        with self.assertNumQueries(5):
            self.client.get(url)


class JoinTests(WorkshopTestCase):
    def test_joining_with_the_code_sets_a_cookie_that_holds_no_stored_secret(self) -> None:
        client = Client()
        self.assertContains(client.get(reverse("workshop_join") + "?code=ABC"), 'value="ABC"')
        person = join(client, self.workshop, name="  Fatima  de  Vries ")
        self.assertEqual(person.name, "Fatima de Vries")
        cookie = client.cookies[participant.cookie_name(self.workshop)]
        self.assertEqual(cookie["path"], reverse("workshop_join"))
        self.assertTrue(cookie["httponly"])
        self.assertNotIn(person.token_hash, cookie.value)
        self.assertEqual(len(person.token_hash), 64)
        home = client.get(self.participant_url("participant_home"))
        self.assertContains(home, "Fatima de Vries")
        self.assertContains(home, self.questions[0].text)
        # The same phone joining again stays the same participant.
        client.post(reverse("workshop_join"), {"code": self.workshop.code, "name": "Ander"})
        self.assertEqual(Participant.objects.filter(workshop=self.workshop).count(), 1)

    def test_a_wrong_code_is_refused_with_a_clear_message(self) -> None:
        client = Client()
        reply = client.post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "Piet"})
        self.assertEqual(reply.status_code, 400)
        self.assertContains(
            reply, nl("There is no work session with this code. Check the code on the screen."), status_code=400
        )
        reply = client.post(reverse("workshop_join"), {"code": "AB", "name": "Piet"})
        self.assertContains(reply, nl("The code has six characters, for example ACD 479."), status_code=400)
        reply = client.post(reverse("workshop_join"), {"code": self.workshop.code, "name": "   "})
        self.assertContains(reply, nl("Fill in a name."), status_code=400)
        self.assertFalse(Participant.objects.exists())

    def test_an_ended_or_expired_session_refuses_its_code(self) -> None:
        actions.do_end(self.workshop)
        reply = Client().post(reverse("workshop_join"), {"code": self.workshop.code, "name": "Piet"})
        self.assertContains(reply, nl("This code no longer works: the work session has ended."), status_code=410)
        old = make_workshop(self.org_a, held_on=timezone.localdate() - datetime.timedelta(days=2))
        reply = Client().post(reverse("workshop_join"), {"code": old.code, "name": "Piet"})
        self.assertEqual(reply.status_code, 410)
        self.assertFalse(Participant.objects.exists())
        # The day after the session the code still works.
        yesterday = make_workshop(self.org_a, held_on=timezone.localdate() - datetime.timedelta(days=1))
        join(Client(), yesterday)

    def test_failed_attempts_are_limited_per_address(self) -> None:
        client = Client(REMOTE_ADDR="192.0.2.7")
        for _ in range(participant.JOIN_FAILURE_LIMIT):
            self.assertEqual(client.post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "X"}).status_code, 400)
        reply = client.post(reverse("workshop_join"), {"code": self.workshop.code, "name": "X"})
        self.assertContains(
            reply,
            nl(
                "Too many attempts with a code that does not work. "
                "Wait ten minutes and try again, or ask the facilitator."
            ),
            status_code=429,
        )
        self.assertEqual(reply["Retry-After"], "600")
        self.assertFalse(Participant.objects.exists())
        # Someone else in the room, on another address, still gets in; right codes are never counted.
        join(Client(REMOTE_ADDR="192.0.2.8"), self.workshop)
        for _ in range(participant.JOIN_FAILURE_LIMIT + 2):
            join(Client(REMOTE_ADDR="192.0.2.9"), self.workshop)

    def test_failed_joins_are_counted_in_the_database_shared_by_all_servers(self) -> None:
        """Issue 13 item 2: not in a process's memory (each gunicorn worker counted for itself)."""
        client = Client(REMOTE_ADDR="192.0.2.17")
        for _ in range(3):
            client.post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "X"})
        self.assertEqual(Counter.objects.aggregate(n=Sum("count"))["n"], 3)
        cache.clear()  # what a worker restart did to the old counts
        for _ in range(participant.JOIN_FAILURE_LIMIT - 3):
            client.post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "X"})
        reply = client.post(reverse("workshop_join"), {"code": self.workshop.code, "name": "X"})
        self.assertEqual(reply.status_code, 429)
        self.assertNotIn("192.0.2.17", repr(list(Counter.objects.values())))

    @override_settings(WORKSHOP_CODE_FAILURE_LIMIT=4)
    def test_a_code_stops_working_after_failures_from_all_clients_together(self) -> None:
        """Guesses spread over many addresses: each address stays under its own limit, the session's code still
        stops working, and the facilitator makes a new one that works."""
        for n in range(4):
            Client(REMOTE_ADDR=f"198.51.100.{n}").post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "X"})
        reply = Client(REMOTE_ADDR="192.0.2.50").post(
            reverse("workshop_join"), {"code": self.workshop.code, "name": "X"}
        )
        self.assertContains(
            reply, nl("This code no longer works. Ask the facilitator for the new code."), status_code=410
        )
        self.assertFalse(Participant.objects.filter(workshop=self.workshop).exists())
        self.client.force_login(self.alice)
        page = self.client.get(self.url("workshop_detail"))
        self.assertContains(page, nl("Make a new code"))
        self.assertContains(page, "utrecht-alert--warning")
        old = self.workshop.code
        reply = self.client.post(self.url("workshop_new_code"), follow=True)
        self.workshop.refresh_from_db()
        self.assertNotEqual(self.workshop.code, old)
        self.assertContains(reply, self.workshop.display_code)
        self.assertNotContains(reply, "utrecht-alert--warning")
        join(Client(REMOTE_ADDR="192.0.2.50"), self.workshop)
        # The old code is simply wrong now.
        reply = Client(REMOTE_ADDR="192.0.2.51").post(reverse("workshop_join"), {"code": old, "name": "Y"})
        self.assertEqual(reply.status_code, 400)

    def test_an_ended_session_gets_no_new_code(self) -> None:
        actions.do_end(self.workshop)
        self.client.force_login(self.alice)
        old = self.workshop.code
        self.client.post(self.url("workshop_new_code"))
        self.workshop.refresh_from_db()
        self.assertEqual(self.workshop.code, old)

    def test_without_the_cookie_the_participant_pages_refuse(self) -> None:
        join(Client(), self.workshop)
        stranger = Client()
        for url in (
            self.participant_url("participant_home"),
            self.participant_url("participant_question", self.questions[0].uuid),
            self.participant_url("participant_wishes"),
        ):
            self.assertEqual(stranger.get(url).status_code, 403, url)
        stranger.cookies[participant.cookie_name(self.workshop)] = "forged"
        self.assertEqual(stranger.get(self.participant_url("participant_home")).status_code, 403)
        # A cookie of one session does not open another.
        other = Client()
        join(other, self.other)
        self.assertEqual(other.get(self.participant_url("participant_home")).status_code, 403)


class NoteTests(WorkshopTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fatima_client, self.piet_client = Client(), Client()
        self.fatima = join(self.fatima_client, self.workshop, "Fatima")
        self.piet = join(self.piet_client, self.workshop, "Piet")
        self.question = self.questions[0]

    def add_note(self, client: Client, text: str) -> Note:
        url = self.participant_url("participant_question", self.question.uuid)
        reply = client.post(url, {"text": text})
        self.assertEqual(reply.status_code, 302, reply.content.decode())
        return Note.objects.latest("pk")

    def test_participants_add_edit_and_delete_their_own_notes(self) -> None:
        note = self.add_note(self.fatima_client, "Samen <sterk>")
        self.assertEqual((note.participant, note.question), (self.fatima, self.question))
        page = self.fatima_client.get(
            self.participant_url("participant_question", self.question.uuid) + "?toegevoegd=1"
        )
        self.assertContains(page, "Samen &lt;sterk&gt;")
        self.client.force_login(self.bob)
        live = self.client.get(self.url("workshop_live"))
        self.assertContains(live, "Samen &lt;sterk&gt;")
        self.assertNotContains(live, "<sterk>")
        edit = self.participant_url("participant_note_edit", note.uuid)
        self.assertEqual(self.fatima_client.post(edit, {"text": "Samen sterker"}).status_code, 302)
        note.refresh_from_db()
        self.assertEqual(note.text, "Samen sterker")
        reply = self.fatima_client.post(edit, {"text": "  "})
        self.assertContains(reply, nl("Type your answer."), status_code=400)
        self.assertEqual(
            self.fatima_client.post(self.participant_url("participant_note_delete", note.uuid)).status_code, 302
        )
        self.assertFalse(Note.objects.filter(pk=note.pk).exists())

    def test_nobody_changes_another_participants_note(self) -> None:
        note = self.add_note(self.fatima_client, "Van Fatima")
        edit = self.participant_url("participant_note_edit", note.uuid)
        delete = self.participant_url("participant_note_delete", note.uuid)
        self.assertEqual(self.piet_client.get(edit).status_code, 404)
        self.assertContains(
            self.piet_client.post(edit, {"text": "Van Piet"}),
            nl("You can only change your own notes."),
            status_code=404,
        )
        self.assertEqual(self.piet_client.post(delete).status_code, 404)
        note.refresh_from_db()
        self.assertEqual(note.text, "Van Fatima")
        self.assertNotContains(
            self.piet_client.get(self.participant_url("participant_question", self.question.uuid)), edit
        )

    def test_a_question_of_another_session_is_not_found(self) -> None:
        foreign = self.other.questions.first()
        url = self.participant_url("participant_question", foreign.uuid)  # type: ignore[union-attr]
        self.assertEqual(self.fatima_client.post(url, {"text": "x"}).status_code, 404)
        self.assertFalse(Note.objects.exists())

    def test_after_the_end_nothing_is_added_or_changed(self) -> None:
        note = self.add_note(self.fatima_client, "Eerst")
        actions.do_end(self.workshop)
        url = self.participant_url("participant_question", self.question.uuid)
        reply = self.fatima_client.post(url, {"text": "Later"})
        self.assertContains(
            reply, nl("The work session has ended; nothing can be added or changed any more."), status_code=409
        )
        self.assertEqual(
            self.fatima_client.post(self.participant_url("participant_note_delete", note.uuid)).status_code, 409
        )
        self.assertEqual(Note.objects.count(), 1)
        self.assertEqual(self.fatima_client.get(url).status_code, 200)  # reading still works

    def test_the_facilitator_merges_duplicate_notes(self) -> None:
        first = self.add_note(self.fatima_client, "Meer samenwerking")
        second = self.add_note(self.piet_client, "Samenwerking verbeteren")
        third = self.add_note(self.piet_client, "Betere samenwerking")
        other = self.add_note(self.fatima_client, "Iets anders")
        self.client.force_login(self.carol)
        merge = self.url("workshop_merge", self.question.uuid)
        self.assertContains(self.client.get(merge), "Betere samenwerking")
        # Third into second (the earlier of the two stays) ...
        self.assertRedirects(self.client.post(merge, {"note": [str(third.uuid), str(second.uuid)]}), merge)
        third.refresh_from_db()
        self.assertEqual(third.merged_into_id, second.pk)
        # ... then second (with third in it) into first.
        reply = self.client.post(merge, {"note": [str(second.uuid), str(first.uuid)], "next": "present"})
        self.assertRedirects(reply, self.url("workshop_present"))
        for note in (second, third):
            note.refresh_from_db()
            self.assertEqual(note.merged_into_id, first.pk)
        shown = {n.text: n.merged_count for n in Note.objects.filter(question=self.question).shown()}
        self.assertEqual(shown, {"Meer samenwerking": 2, "Iets anders": 0})
        # A note already merged cannot be chosen again: fewer than two notes left.
        reply = self.client.post(merge, {"note": [str(first.uuid), str(third.uuid)]}, follow=True)
        self.assertContains(reply, nl("Choose at least two notes to merge."))
        live = self.client.get(self.url("workshop_live"))
        self.assertContains(live, "Meer samenwerking")
        self.assertContains(live, "3×")
        self.assertContains(live, other.text)
        self.assertNotContains(live, "Betere samenwerking")
        # A merged note can no longer be changed by its writer.
        reply = self.piet_client.post(self.participant_url("participant_note_edit", third.uuid), {"text": "x"})
        self.assertEqual(reply.status_code, 409)
        # A note of another question cannot be merged in.
        elsewhere = Note.objects.create(question=self.questions[1], participant=self.piet, text="Elders")
        self.client.post(merge, {"note": [str(first.uuid), str(elsewhere.uuid)]})
        elsewhere.refresh_from_db()
        self.assertIsNone(elsewhere.merged_into_id)


class PresentationTests(WorkshopTestCase):
    def test_the_facilitator_moves_through_the_questions(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.url("workshop_present"))
        self.assertContains(page, self.questions[0].text)
        self.assertContains(page, self.workshop.display_code)
        self.assertContains(page, f'data-live-url="{self.url("workshop_live")}"')
        second = self.questions[1]
        self.assertRedirects(
            self.client.post(self.url("workshop_move"), {"question": str(second.uuid)}), self.url("workshop_present")
        )
        self.assertEqual(Workshop.objects.get(pk=self.workshop.pk).current_question, second)
        self.assertContains(self.client.get(self.url("workshop_live")), second.text)
        phone = Client()
        join(phone, self.workshop)
        self.assertContains(phone.get(self.participant_url("participant_home")), second.text)
        self.assertEqual(
            self.client.post(
                self.url("workshop_move"), {"question": str(self.other.questions.first().uuid)}
            ).status_code,
            404,
        )  # type: ignore[union-attr]
        self.assertEqual(self.client.post(self.url("workshop_move"), {"question": "nonsense"}).status_code, 404)

    def test_the_live_view_has_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.bob)
        url = self.url("workshop_live")
        self.client.get(url)
        with self.assertNumQueries(10):  # the revision, for the poll's "nothing changed", what changed, the themes
            self.client.get(url)
        clients = [Client() for _ in range(4)]
        people = [join(c, self.workshop, f"P{n}") for n, c in enumerate(clients)]
        for n, person in enumerate(people):
            Note.objects.create(question=self.questions[0], participant=person, text=f"Notitie {n}")
            wish = actions.do_add_wish(person, self.p1 if n % 2 else self.p2, f"Wens {n}")
            actions.do_vote(person, wish)
        with self.assertNumQueries(10):
            reply = self.client.get(url)
        self.assertContains(reply, "Notitie 3")
        self.assertContains(reply, "Wens 2")
        with self.assertNumQueries(11):  # the page adds the list of questions and the menu's organisations
            self.client.get(self.url("workshop_present"))


class VoteTests(WorkshopTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.phone = Client()
        self.person = join(self.phone, self.workshop)
        self.wishes = [Wish.objects.create(workshop=self.workshop, theme=self.p1, text=f"Wens {n}") for n in range(5)]

    def vote(self, wish: Wish, action: str = "stemmen") -> Any:
        return self.phone.post(self.participant_url(f"participant_{action}", wish.uuid))

    def test_participants_add_wishes_per_pillar(self) -> None:
        url = self.participant_url("participant_wishes")
        reply = self.phone.post(url, {"pillar": "P2", "text": "Een herkenbaar logo"})
        self.assertEqual(reply.status_code, 302)
        wish = Wish.objects.get(text="Een herkenbaar logo")
        self.assertEqual((wish.theme, wish.participant), (self.p2, self.person))
        self.assertEqual(self.phone.post(url, {"pillar": "P5", "text": "Niet gekozen pijler"}).status_code, 400)
        self.assertContains(self.phone.post(url, {"pillar": "P1", "text": " "}), nl("Type your wish."), status_code=400)
        self.assertEqual(Wish.objects.filter(workshop=self.workshop).count(), 6)

    def test_votes_are_limited_to_the_configured_number(self) -> None:
        self.assertEqual(self.workshop.votes_per_participant, 3)
        for wish in self.wishes[:3]:
            self.assertEqual(self.vote(wish).status_code, 302)
        reply = self.vote(self.wishes[3])
        self.assertContains(
            reply, nl("You have no votes left. Withdraw a vote first to vote for another wish."), status_code=409
        )
        reply = self.vote(self.wishes[0])
        self.assertEqual(reply.status_code, 409)  # once per wish
        self.assertEqual(Vote.objects.filter(participant=self.person).count(), 3)
        # Withdrawing frees a vote.
        self.assertEqual(self.vote(self.wishes[0], "intrekken").status_code, 302)
        self.assertEqual(self.vote(self.wishes[3]).status_code, 302)
        self.assertEqual(
            set(Vote.objects.filter(participant=self.person).values_list("wish__text", flat=True)),
            {"Wens 1", "Wens 2", "Wens 3"},
        )
        page = self.phone.get(self.participant_url("participant_wishes"))
        self.assertContains(page, self.participant_url("participant_intrekken", self.wishes[1].uuid))
        self.assertNotContains(page, self.participant_url("participant_stemmen", self.wishes[4].uuid))

    def test_closing_voting_stops_votes(self) -> None:
        self.vote(self.wishes[0])
        self.client.force_login(self.carol)
        self.assertRedirects(self.client.post(self.url("workshop_voting_sluiten")), self.url("workshop_present"))
        self.assertFalse(Workshop.objects.get(pk=self.workshop.pk).voting_open)
        self.assertContains(self.vote(self.wishes[1]), nl("Voting is closed."), status_code=409)
        self.assertEqual(self.vote(self.wishes[0], "intrekken").status_code, 409)
        self.assertEqual(Vote.objects.count(), 1)
        self.client.post(self.url("workshop_voting_openen"))
        self.assertEqual(self.vote(self.wishes[1]).status_code, 302)

    def test_a_wish_of_another_session_cannot_get_votes(self) -> None:
        foreign = Wish.objects.create(workshop=self.other, theme=self.p1, text="Elders")
        self.assertEqual(self.vote(foreign).status_code, 404)
        self.assertFalse(Vote.objects.exists())


class AgendaTests(WorkshopTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        people = [actions.do_join(cls.workshop, f"P{n}")[0] for n in range(4)]
        cls.wish_few = actions.do_add_wish(people[0], cls.p1, "Visie op papier")
        cls.wish_many = actions.do_add_wish(people[1], cls.p1, "Gezamenlijke resultaten")
        cls.wish_p2 = actions.do_add_wish(people[2], cls.p2, "Eén herkenbaar logo")
        for person in people:
            actions.do_vote(person, cls.wish_many)
        actions.do_vote(people[0], cls.wish_few)

    def test_the_agenda_lists_wishes_per_pillar_by_votes(self) -> None:
        self.client.force_login(self.bob)
        reply = self.client.get(self.url("workshop_agenda"))
        content = reply.content.decode()
        self.assertLess(content.index("Gezamenlijke resultaten"), content.index("Visie op papier"))
        self.assertLess(content.index("Visie op papier"), content.index("Eén herkenbaar logo"))
        self.assertNotContains(reply, self.url("workshop_wish_to_action", self.wish_many.uuid))  # a reader
        self.assertEqual(
            [(w.text, w.vote_count) for w in actions.wishes_by_votes(self.workshop)],
            [("Gezamenlijke resultaten", 4), ("Visie op papier", 1), ("Eén herkenbaar logo", 0)],
        )

    def test_the_agenda_pdf_is_the_werksessie_report_made_by_the_worker(self) -> None:
        self.client.force_login(self.bob)
        report_page = reverse("workshop_report", args=[self.org_a.uuid, self.workshop.uuid])
        with no_rendering():
            agenda = self.client.get(self.url("workshop_agenda"))
            self.assertContains(agenda, f'href="{report_page}#pdf"')
            reply = self.client.get(self.url("workshop_agenda_pdf"))  # the old address renders nothing
        self.assertRedirects(reply, report_page + "#pdf", fetch_redirect_response=False)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("workshop_report_pdf", args=[self.org_a.uuid, self.workshop.uuid]))
        self.assertEqual(run_report_tasks(), 1)
        report = StoredReport.objects.get(workshop=self.workshop, status="ready")
        pdf = self.client.get(reverse("report_download", args=[self.org_a.uuid, report.uuid])).content
        text = " ".join(pdf_text(pdf).split())
        for expected in ("Gezamenlijke resultaten", "Visie op papier", "Eén herkenbaar logo", "Werksessie voorjaar"):
            self.assertIn(expected, text)
        self.assertLess(text.index("Gezamenlijke resultaten"), text.index("Visie op papier"))

    def test_a_wish_becomes_an_action_in_one_click_once(self) -> None:
        self.client.force_login(self.carol)
        agenda = self.client.get(self.url("workshop_agenda"))
        button = self.url("workshop_wish_to_action", self.wish_many.uuid)
        self.assertContains(agenda, button)
        reply = self.client.post(button)
        self.assertRedirects(reply, self.url("workshop_agenda") + f"#wish-{self.wish_many.uuid}")
        action = Action.objects.get()
        self.assertEqual(action.organisation, self.org_a)
        self.assertEqual(action.title, "Gezamenlijke resultaten")
        self.assertEqual(action.source, "wish")  # the wish links to the action; its origin is put in words
        self.assertIn("Werksessie voorjaar", action.description)
        self.wish_many.refresh_from_db()
        self.assertEqual(self.wish_many.action_uuid, action.uuid)
        agenda = self.client.get(self.url("workshop_agenda"))
        action_url = reverse("action_detail", args=[self.org_a.uuid, action.uuid])
        self.assertContains(agenda, action_url)
        self.assertNotContains(agenda, button)
        self.assertEqual(self.client.get(action_url).status_code, 200)
        self.client.post(button)  # a second click makes no second action
        self.assertEqual(Action.objects.count(), 1)
        foreign = Wish.objects.create(workshop=self.other, theme=self.p1, text="Elders")
        self.assertEqual(self.client.post(self.url("workshop_wish_to_action", foreign.uuid)).status_code, 404)

    def test_ending_the_session_keeps_the_agenda(self) -> None:
        self.client.force_login(self.alice)
        self.assertRedirects(self.client.post(self.url("workshop_end")), self.url("workshop_agenda"))
        workshop = Workshop.objects.get(pk=self.workshop.pk)
        self.assertFalse(workshop.is_open)
        self.assertFalse(workshop.voting_open)
        self.assertContains(self.client.get(self.url("workshop_agenda")), "Gezamenlijke resultaten")
        self.assertNotContains(self.client.get(self.url("workshop_detail")), workshop.display_code)

    def test_the_agenda_has_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.carol)
        url = self.url("workshop_agenda")
        self.client.get(url)
        with self.assertNumQueries(7):
            self.client.get(url)
        actions.do_add_wish(actions.do_join(self.workshop, "Nieuw")[0], self.p2, "Nog een wens")
        with self.assertNumQueries(7):
            self.assertContains(self.client.get(url), "Nog een wens")


# Parallel votes on PostgreSQL: the limit holds under concurrency.


@pytest.mark.django_db(transaction=True)
def test_parallel_votes_never_exceed_the_limit() -> None:
    if connection.vendor != "postgresql":
        skip_on_database("concurrency is tested on PostgreSQL (CI runs the suite with DATABASE_URL too)")
    load_builtin_instruments()
    workshop = make_workshop(make_organisation(), votes_per_participant=2)
    theme = workshop.pillars.first()
    phone = Client()
    person = join(phone, workshop)
    wishes = [Wish.objects.create(workshop=workshop, theme=theme, text=f"W{n}") for n in range(6)]
    urls = [reverse("participant_stemmen", args=[workshop.uuid, w.uuid]) for w in wishes]
    # Six different wishes and the same wish twice more, all at once, from the same phone.
    statuses = in_parallel([lambda u=u: phone.post(u).status_code for u in [*urls, urls[0], urls[0]]])
    assert sorted(statuses) == [302, 302, 409, 409, 409, 409, 409, 409], statuses
    assert Vote.objects.filter(participant=person).count() == 2


def test_codes_use_only_unambiguous_characters() -> None:
    from cjgscan.workshops.models import new_code, normalise_code

    codes = {new_code() for _ in range(200)}
    assert all(re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", code) for code in codes)
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)
    assert normalise_code(" acd-479 ") == "ACD479"


class RoleMatrixTests(TestCase):
    """Administrators and coordinators facilitate; readers do not."""

    @classmethod
    def setUpTestData(cls) -> None:
        load_builtin_instruments()
        cls.org = make_organisation()
        cls.workshop = make_workshop(cls.org)
        cls.users = {}
        for role in Role.values:
            user = make_user(f"role-{role}")
            make_membership(user, cls.org, role)
            cls.users[role] = user

    def test_who_may_end_a_session(self) -> None:
        url = reverse("workshop_voting_sluiten", args=[self.org.uuid, self.workshop.uuid])
        expected = {Role.BEHEERDER: 302, Role.COORDINATOR: 302, Role.LEZER: 403}
        for role, status in expected.items():
            self.client.force_login(self.users[role])
            self.assertEqual(self.client.post(url).status_code, status, role)
