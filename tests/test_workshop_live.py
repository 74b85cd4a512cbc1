"""The session in the room: the big screen without chrome, polls that answer "nothing changed", write first then
reveal, hidden vote counts, the countdown enforced by the server, moderation, and participants changing their own
wishes."""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cjgscan.workshops import actions
from cjgscan.workshops.models import Note, Vote, Wish, Workshop, WorkshopQuestion
from tests.test_workshops import WorkshopTestCase, join, nl


class LiveTestCase(WorkshopTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.phone, self.other_phone = Client(), Client()
        self.fatima = join(self.phone, self.workshop, "Fatima")
        self.piet = join(self.other_phone, self.workshop, "Piet")
        self.question = self.questions[0]

    def fresh(self) -> Workshop:
        return Workshop.objects.select_related("current_question").get(pk=self.workshop.pk)

    def control(self, do: str, **extra: Any) -> Any:
        url = self.url("workshop_question_control", self.question.uuid)
        return self.client.post(url, {"do": do, **extra})

    def screen(self) -> str:
        return self.client.get(self.url("workshop_screen_live")).content.decode()

    def note_url(self) -> str:
        return self.participant_url("participant_question", self.question.uuid)


class BigScreenTests(LiveTestCase):
    def test_the_big_screen_has_no_site_chrome_and_shows_how_to_join(self) -> None:
        self.client.force_login(self.bob)  # readers may look at the screen
        reply = self.client.get(self.url("workshop_screen"))
        self.assertEqual(reply.status_code, 200)
        page = reply.content.decode()
        for chrome in ("site-nav", "utrecht-breadcrumb-nav", "site-footer", "workshop_question_control"):
            self.assertNotIn(chrome, page)
        self.assertIn(self.question.text, page)
        self.assertIn(self.workshop.display_code, page)
        self.assertIn("<span>testserver/</span><span>werksessie/</span>", page)
        self.assertIn('<svg role="img" aria-label="', page)  # the QR code, with a name
        self.assertNotIn("<script>", page)  # only the static file: the CSP allows no inline script
        self.assertIn("/static/workshops/live.js", page)

    def test_outsiders_get_404_and_anonymous_visitors_the_login(self) -> None:
        urls = [self.url("workshop_screen"), self.url("workshop_screen_live")]
        for url in urls:
            self.assertIn(reverse("login"), self.client.get(url)["Location"])
        self.client.force_login(self.dave)
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.alice)
        for name in ("workshop_screen", "workshop_screen_live"):
            self.assertEqual(self.client.get(self.url(name, workshop=self.other)).status_code, 404)
            self.assertEqual(self.client.get(reverse(name, args=[self.org_a.uuid, self.other.uuid])).status_code, 404)

    def test_a_poll_with_the_current_version_costs_one_lookup_and_says_nothing_changed(self) -> None:
        self.client.force_login(self.bob)
        url = self.url("workshop_screen_live")
        first = self.client.get(url)
        etag = first["ETag"]
        # session, user, membership, the session's revision: nothing else
        with self.assertNumQueries(4):
            unchanged = self.client.get(url, headers={"If-None-Match": etag})
        self.assertEqual(unchanged.status_code, 304)
        self.assertEqual(unchanged.content, b"")
        self.phone.post(self.note_url(), {"text": "Eén visie"})
        changed = self.client.get(url, headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)
        self.assertContains(changed, "Eén visie")
        with self.assertNumQueries(9):  # the same with many notes and votes
            self.client.get(url)

    def test_the_phones_poll_follows_the_facilitators_question(self) -> None:
        url = self.participant_url("participant_now")
        self.assertEqual(Client().get(url).status_code, 403)  # no cookie: nobody
        first = self.phone.get(url)
        self.assertContains(first, self.question.text)
        with self.assertNumQueries(1):  # the participant by the token's hash, with the session's revision
            unchanged = self.phone.get(url, headers={"If-None-Match": first["ETag"]})
        self.assertEqual(unchanged.status_code, 304)
        second = self.questions[1]
        self.client.force_login(self.alice)
        self.client.post(self.url("workshop_move"), {"question": str(second.uuid)})
        moved = self.phone.get(url, headers={"If-None-Match": first["ETag"]})
        self.assertEqual(moved.status_code, 200)
        self.assertContains(moved, second.text)
        self.assertContains(moved, self.participant_url("participant_question", second.uuid))
        # every participant page carries the box that polls
        home = self.phone.get(self.participant_url("participant_home"))
        self.assertContains(home, f'data-live-url="{url}"')
        self.assertContains(home, second.text)

    def test_every_change_on_the_screen_moves_the_revision(self) -> None:
        revisions = [self.fresh().revision]

        def changed() -> None:
            revisions.append(self.fresh().revision)
            self.assertGreater(revisions[-1], revisions[-2])

        note = actions.do_add_note(self.fatima, self.question, "Een")
        changed()
        actions.do_edit_note(self.fatima, note.uuid, "Twee")
        changed()
        wish = actions.do_add_wish(self.fatima, self.p1, "Wens")
        changed()
        actions.do_vote(self.piet, wish)
        changed()
        actions.do_unvote(self.piet, wish)
        changed()
        actions.do_reveal(self.question)
        changed()
        actions.do_start_timer(self.question, 60)
        changed()
        actions.do_moderate_note(self.question, note.uuid, Note.Status.HIDDEN)
        changed()
        actions.do_set_voting(self.workshop, is_open=False)
        changed()
        actions.do_end(self.workshop)
        changed()


class RevealTests(LiveTestCase):
    def test_write_first_then_reveal(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.control("hide").status_code, 302)
        self.phone.post(self.note_url(), {"text": "Geheim tot straks"})
        self.other_phone.post(self.note_url(), {"text": "Ook geheim"})
        screen = self.screen()
        self.assertNotIn("Geheim tot straks", screen)
        self.assertRegex(screen, r'id="note-count">2 ')
        # the facilitator sees them on the regie
        self.assertContains(self.client.get(self.url("workshop_live")), "Geheim tot straks")
        self.assertEqual(self.control("reveal").status_code, 302)
        screen = self.screen()
        self.assertIn("Geheim tot straks", screen)
        self.assertIn("Ook geheim", screen)
        self.assertNotIn('id="note-count"', screen)
        self.control("show")
        question = WorkshopQuestion.objects.get(pk=self.question.pk)
        self.assertEqual((question.notes_hidden, question.revealed), (False, False))

    def test_readers_and_outsiders_cannot_control_a_question(self) -> None:
        for user, status in ((self.bob, 403), (self.dave, 404)):
            self.client.force_login(user)
            for do in ("hide", "reveal", "timer", "more-time", "stop-timer"):
                self.assertEqual(self.control(do, seconds=60).status_code, status)
        self.client.force_login(self.alice)
        self.assertEqual(self.control("nonsense").status_code, 404)
        self.assertEqual(self.control("timer", seconds=7).status_code, 404)
        question = WorkshopQuestion.objects.get(pk=self.question.pk)
        self.assertEqual((question.notes_hidden, question.closes_at), (False, None))

    def test_vote_counts_can_stay_hidden_until_voting_closes(self) -> None:
        wish = actions.do_add_wish(self.fatima, self.p1, "Meer tijd voor gezinnen")
        actions.do_vote(self.piet, wish)
        self.client.force_login(self.alice)
        self.client.post(self.url("workshop_options"), {"hide_votes": "on"})
        self.assertTrue(self.fresh().hide_votes)
        screen = self.screen()
        self.assertIn("Meer tijd voor gezinnen", screen)
        self.assertNotIn('class="ws-votes"', screen)
        self.assertNotIn('id="vote-total"', screen)
        wishes = self.phone.get(self.participant_url("participant_wishes")).content.decode()
        self.assertNotIn(nl("%(counter)s vote") % {"counter": 1}, wishes)
        self.client.post(self.url("workshop_voting_sluiten"))
        screen = self.screen()
        self.assertIn('class="ws-votes"', screen)
        self.assertContains(self.phone.get(self.participant_url("participant_wishes")), "1 stem")


class TimerTests(LiveTestCase):
    def expire(self) -> None:
        WorkshopQuestion.objects.filter(pk=self.question.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1)
        )

    def test_the_countdown_shows_on_the_screen_the_regie_and_the_phones(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.control("timer", seconds=180).status_code, 302)
        for page in (
            self.screen(),
            self.client.get(self.url("workshop_present")).content.decode(),
            self.phone.get(self.participant_url("participant_home")).content.decode(),
            self.phone.get(self.note_url()).content.decode(),
        ):
            self.assertRegex(page, r'data-seconds="(179|180)"')
            self.assertRegex(page, r"(2:59|3:00)")

    def test_at_zero_input_closes_on_the_server_and_more_time_opens_it(self) -> None:
        note = actions.do_add_note(self.fatima, self.question, "Op tijd")
        self.expire()
        late = self.phone.post(self.note_url(), {"text": "Te laat"})
        self.assertContains(
            late, nl("The time for this question is up; answers can no longer be added or changed."), status_code=409
        )
        edit = self.phone.post(self.participant_url("participant_note_edit", note.uuid), {"text": "Gewijzigd"})
        self.assertEqual(edit.status_code, 409)
        delete = self.phone.post(self.participant_url("participant_note_delete", note.uuid))
        self.assertEqual(delete.status_code, 409)
        self.assertEqual(list(Note.objects.values_list("text", flat=True)), ["Op tijd"])
        page = self.phone.get(self.note_url()).content.decode()
        self.assertNotIn('name="text"', page)  # no form once the time is up
        self.assertIn(nl("Time is up"), page)
        # another question is not affected
        other = self.participant_url("participant_question", self.questions[1].uuid)
        self.assertEqual(self.phone.post(other, {"text": "Andere vraag"}).status_code, 302)

        self.client.force_login(self.alice)
        self.control("more-time")
        question = WorkshopQuestion.objects.get(pk=self.question.pk)
        self.assertTrue(question.accepts_input())
        self.assertGreater(question.closes_at, timezone.now() + datetime.timedelta(seconds=50))
        self.assertEqual(self.phone.post(self.note_url(), {"text": "Toch nog"}).status_code, 302)
        self.control("stop-timer")
        self.assertIsNone(WorkshopQuestion.objects.get(pk=self.question.pk).closes_at)

    def test_more_time_adds_to_a_running_countdown(self) -> None:
        actions.do_start_timer(self.question, 120)
        before = WorkshopQuestion.objects.get(pk=self.question.pk).closes_at
        actions.do_add_time(self.question, 60)
        after = WorkshopQuestion.objects.get(pk=self.question.pk).closes_at
        assert before is not None and after is not None
        self.assertEqual(after - before, datetime.timedelta(seconds=60))


class ModerationTests(LiveTestCase):
    def test_hide_and_restore_a_note(self) -> None:
        note = actions.do_add_note(self.fatima, self.question, "Niet voor het scherm")
        self.client.force_login(self.alice)
        self.assertIn("Niet voor het scherm", self.screen())
        hide = self.url("workshop_note_verbergen", note.uuid)
        self.assertEqual(self.client.post(hide).status_code, 302)
        self.assertNotIn("Niet voor het scherm", self.screen())
        regie = self.client.get(self.url("workshop_live")).content.decode()
        self.assertIn("Niet voor het scherm", regie)
        self.assertIn("ws-note--hidden", regie)
        self.assertContains(self.phone.get(self.note_url()), nl("Taken off the screen by the facilitator."))
        self.client.post(self.url("workshop_note_terugzetten", note.uuid))
        self.assertIn("Niet voor het scherm", self.screen())

    def test_with_the_approval_queue_notes_wait_until_approved(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url("workshop_options"), {"moderate_notes": "on"})
        self.phone.post(self.note_url(), {"text": "Graag eerst kijken"})
        note = Note.objects.get()
        self.assertEqual(note.status, Note.Status.PENDING)
        self.assertNotIn("Graag eerst kijken", self.screen())
        self.assertIn("ws-note--pending", self.client.get(self.url("workshop_live")).content.decode())
        self.client.post(self.url("workshop_note_goedkeuren", note.uuid))
        self.assertIn("Graag eerst kijken", self.screen())

    def test_readers_outsiders_and_other_sessions_cannot_moderate(self) -> None:
        note = actions.do_add_note(self.fatima, self.question, "Blijft staan")
        other_person = join(Client(), self.other, "Elders")
        elsewhere = actions.do_add_note(other_person, actions.ordered_questions(self.other)[0], "Andere sessie")
        for user, status in ((self.bob, 403), (self.dave, 404)):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url("workshop_note_verbergen", note.uuid)).status_code, status)
            self.assertEqual(self.client.post(self.url("workshop_options"), {"hide_votes": "on"}).status_code, status)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.post(self.url("workshop_note_verbergen", elsewhere.uuid)).status_code, 404)
        self.assertEqual(Note.objects.filter(status=Note.Status.SHOWN).count(), 2)
        self.assertFalse(self.fresh().hide_votes)


class OwnWishTests(LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.wish = actions.do_add_wish(self.fatima, self.p1, "Eerste versie")

    def edit(self, client: Client, text: str = "Tweede versie") -> Any:
        return client.post(
            self.participant_url("participant_wish_edit", self.wish.uuid), {"pillar": "P2", "text": text}
        )

    def test_participants_change_and_withdraw_their_own_wishes(self) -> None:
        page = self.phone.get(self.participant_url("participant_wishes")).content.decode()
        self.assertIn(self.participant_url("participant_wish_edit", self.wish.uuid), page)
        other_page = self.other_phone.get(self.participant_url("participant_wishes")).content.decode()
        self.assertNotIn(self.participant_url("participant_wish_edit", self.wish.uuid), other_page)
        self.assertEqual(self.phone.get(self.participant_url("participant_wish_edit", self.wish.uuid)).status_code, 200)
        self.assertEqual(self.edit(self.phone).status_code, 302)
        self.wish.refresh_from_db()
        self.assertEqual((self.wish.text, self.wish.theme), ("Tweede versie", self.p2))
        self.assertEqual(self.edit(self.phone, "  ").status_code, 400)
        actions.do_vote(self.fatima, self.wish)  # one's own vote does not stop a change
        self.assertEqual(self.edit(self.phone, "Derde versie").status_code, 302)
        delete = self.participant_url("participant_wish_delete", self.wish.uuid)
        self.assertEqual(self.phone.post(delete).status_code, 302)
        self.assertFalse(Wish.objects.exists())
        self.assertFalse(Vote.objects.exists())  # the vote is free again

    def test_nobody_changes_another_participants_wish(self) -> None:
        self.assertEqual(self.edit(self.other_phone).status_code, 404)
        delete = self.participant_url("participant_wish_delete", self.wish.uuid)
        self.assertEqual(self.other_phone.post(delete).status_code, 404)
        self.assertEqual(Wish.objects.get().text, "Eerste versie")

    def test_a_wish_others_voted_for_keeps_its_words(self) -> None:
        actions.do_vote(self.piet, self.wish)
        self.assertEqual(self.edit(self.phone).status_code, 409)
        self.assertEqual(Wish.objects.get().text, "Eerste versie")

    def test_after_voting_closes_or_once_an_action_wishes_stay(self) -> None:
        actions.do_set_voting(self.workshop, is_open=False)
        self.assertEqual(self.edit(self.phone).status_code, 409)
        actions.do_set_voting(self.workshop, is_open=True)
        actions.do_wish_to_action(self.wish, self.org_a)
        self.assertEqual(self.edit(self.phone).status_code, 409)
        self.assertEqual(
            self.phone.post(self.participant_url("participant_wish_delete", self.wish.uuid)).status_code, 409
        )
        self.assertEqual(Wish.objects.get().text, "Eerste versie")
