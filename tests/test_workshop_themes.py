"""Themes in the werksessie: the facilitator groups notes of a question under a name on the regie; the big screen and
the phones show them grouped at their next poll (never a hidden, waiting or unrevealed note); a theme becomes a wish
of the question's pillar with one click, and participants vote for it; the report lists the notes by theme."""

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from cjgscan.organisations.models import Role
from cjgscan.workshops import actions, themes
from cjgscan.workshops.models import Note, NoteTheme, Vote, Wish
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user
from tests.parallel import in_parallel
from tests.stored_reports import no_rendering
from tests.test_workshop_live import LiveTestCase
from tests.test_workshops import join, make_workshop, nl
from tests.tools import skip_on_database


class ThemeTestCase(LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.carol)  # coordinator of A
        self.question.workshop = self.workshop
        self.visie = actions.do_add_note(self.fatima, self.question, "Eén visie op gezinnen")
        self.samen = actions.do_add_note(self.piet, self.question, "Samen met de scholen")
        self.loket = actions.do_add_note(self.piet, self.question, "Eén loket voor ouders")

    def make(self, name: str, *notes: Note, follow: bool = False, **extra: Any) -> Any:
        data = {"do": "new", "name": name, "note": [str(note.uuid) for note in notes], **extra}
        return self.client.post(self.url("workshop_theme_make", self.question.uuid), data, follow=follow)

    def theme_url(self, action: str, group: NoteTheme) -> str:
        return self.url(f"workshop_theme_{action.replace('-', '_')}", group.uuid)

    def phone_now(self) -> str:
        return self.phone.get(self.participant_url("participant_now")).content.decode()


class MakingThemesTests(ThemeTestCase):
    def test_the_facilitator_makes_a_theme_of_ticked_notes_and_adds_to_it(self) -> None:
        reply = self.make("  Samenwerking\x00 ", self.samen, self.loket)
        self.assertRedirects(reply, self.url("workshop_present") + "#themes", fetch_redirect_response=False)
        group = NoteTheme.objects.get(question=self.question)
        self.assertEqual(group.name, "Samenwerking")
        self.assertEqual(set(group.notes.values_list("text", flat=True)), {self.samen.text, self.loket.text})
        added = self.client.post(
            self.url("workshop_theme_make", self.question.uuid),
            {"do": "add", "theme": str(group.uuid), "note": [str(self.visie.uuid)]},
            follow=True,
        )
        self.assertContains(added, "Samenwerking")
        self.assertEqual(group.notes.count(), 3)
        # A second theme takes a note out of the first: a note is in one theme at most.
        self.make("Visie", self.visie)
        self.assertEqual(group.notes.count(), 2)
        self.assertEqual(Note.objects.get(pk=self.visie.pk).group.name, "Visie")  # type: ignore[union-attr]

    def test_rename_take_out_and_dissolve(self) -> None:
        self.make("Samenwerken", self.samen, self.loket)
        group = NoteTheme.objects.get()
        self.client.post(self.theme_url("hernoemen", group), {"name": "Samen met partners"})
        group.refresh_from_db()
        self.assertEqual(group.name, "Samen met partners")
        self.client.post(self.url("workshop_note_unthemed", self.loket.uuid))
        self.assertEqual(list(group.notes.all()), [self.samen])
        self.client.post(self.theme_url("opheffen", group))
        self.assertFalse(NoteTheme.objects.exists())
        self.assertEqual(Note.objects.filter(question=self.question).count(), 3)  # the notes stay
        self.assertFalse(Note.objects.filter(group__isnull=False).exists())

    def test_a_theme_needs_a_name_and_notes_of_its_own_question(self) -> None:
        reply = self.make("   ", self.samen, follow=True)
        self.assertContains(reply, nl("Give the theme a name."))
        elsewhere = actions.do_add_note(self.fatima, self.questions[1], "Andere vraag")
        merged = actions.do_add_note(self.fatima, self.question, "Samen met scholen")
        actions.do_merge_notes(self.question, [self.samen.uuid, merged.uuid])
        reply = self.make("Los", elsewhere, merged, follow=True, note=[str(elsewhere.uuid), str(merged.uuid), "x"])
        self.assertContains(reply, nl("Tick at least one note of the question for the theme."))
        self.assertFalse(NoteTheme.objects.exists())
        self.assertEqual(self.make("Geen", self.samen, do="add", theme="nonsense").status_code, 404)

    def test_not_once_the_session_has_ended(self) -> None:
        self.make("Samenwerken", self.samen)
        group = NoteTheme.objects.get()
        actions.do_end(self.workshop)
        reply = self.make("Te laat", self.loket, follow=True)
        self.assertContains(reply, nl("The work session has ended; nothing can be added or changed any more."))
        self.client.post(self.theme_url("wens", group))
        self.client.post(self.theme_url("opheffen", group))
        self.assertEqual(NoteTheme.objects.count(), 1)
        self.assertFalse(Wish.objects.exists())

    def test_readers_outsiders_participants_and_other_sessions_cannot_theme(self) -> None:
        self.make("Samenwerken", self.samen)
        group = NoteTheme.objects.get()
        posts = [
            (
                self.url("workshop_theme_make", self.question.uuid),
                {"do": "new", "name": "X", "note": [self.loket.uuid]},
            ),
            *((self.theme_url(action, group), {"name": "X", "text": "X"}) for action in themes_views_actions()),
            (self.url("workshop_note_unthemed", self.samen.uuid), {}),
        ]
        self.client.force_login(self.bob)  # lezer
        for url, data in posts:
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.client.force_login(self.dave)  # another organisation
        for url, data in posts:
            self.assertEqual(self.client.post(url, data).status_code, 404, url)
        for url, data in posts:  # a participant's phone is nobody here: to the login page
            reply = self.phone.post(url, data)
            self.assertEqual(reply.status_code, 302)
            self.assertIn(reverse("login"), reply["Location"])
        # Carol is beheerder of B: B's session in the URL with A's theme, or A's session with B's theme, is 404.
        self.client.force_login(self.carol)
        self.assertEqual(
            self.client.post(self.url("workshop_theme_opheffen", group.uuid, workshop=self.other)).status_code, 404
        )
        other_note = actions.do_add_note(actions.do_join(self.other, "Ander")[0], self.other.questions.first(), "B")  # type: ignore[arg-type]
        other_group = themes.do_make_theme(other_note.question, [other_note.uuid], "Van B")
        self.assertEqual(self.client.post(self.theme_url("opheffen", other_group)).status_code, 404)
        self.assertEqual(self.client.post(self.url("workshop_note_unthemed", other_note.uuid)).status_code, 404)
        reply = self.make("X", self.loket, do="add", theme=str(other_group.uuid))
        self.assertEqual(reply.status_code, 404)
        # nothing changed
        self.assertEqual(NoteTheme.objects.count(), 2)
        self.assertEqual(NoteTheme.objects.get(pk=group.pk).name, "Samenwerken")
        self.assertFalse(Wish.objects.exists())

    def test_a_theme_post_needs_the_csrf_token(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.carol)
        url = self.url("workshop_theme_make", self.question.uuid)
        self.assertEqual(strict.post(url, {"do": "new", "name": "X", "note": [self.samen.uuid]}).status_code, 403)
        self.assertFalse(NoteTheme.objects.exists())


def themes_views_actions() -> tuple[str, ...]:
    from cjgscan.workshops.themes_views import THEME_ACTIONS

    return THEME_ACTIONS


class ScreensShowThemesTests(ThemeTestCase):
    def test_the_polls_change_when_themes_change_and_show_the_notes_grouped(self) -> None:
        url = self.url("workshop_screen_live")
        before = self.client.get(url)
        phone_before = self.phone.get(self.participant_url("participant_now"))
        self.assertEqual(self.client.get(url, headers={"If-None-Match": before["ETag"]}).status_code, 304)
        self.make("Samenwerking", self.samen, self.loket)
        group = NoteTheme.objects.get()
        after = self.client.get(url, headers={"If-None-Match": before["ETag"]})
        self.assertEqual(after.status_code, 200)
        screen = after.content.decode()
        heading = screen.index(f'id="screen-theme-{group.uuid}">Samenwerking')
        rest = screen.index(nl("Not in a theme"))
        self.assertLess(heading, screen.index(self.samen.text))
        self.assertLess(screen.index(self.loket.text), rest)
        self.assertLess(rest, screen.index("Eén visie op gezinnen"))
        self.assertEqual(self.client.get(url, headers={"If-None-Match": after["ETag"]}).status_code, 304)
        phone = self.phone.get(self.participant_url("participant_now"), headers={"If-None-Match": phone_before["ETag"]})
        self.assertEqual(phone.status_code, 200)
        self.assertContains(phone, nl("Themes on the screen"))
        self.assertContains(phone, "Samenwerking")
        self.assertContains(phone, self.loket.text)
        self.assertNotContains(phone, "Eén visie op gezinnen")  # the phones show themes, not every note
        # renaming, taking out and dissolving move the revision too
        for change in (
            lambda: self.client.post(self.theme_url("hernoemen", group), {"name": "Partners"}),
            lambda: self.client.post(self.url("workshop_note_unthemed", self.loket.uuid)),
            lambda: self.client.post(self.theme_url("wens", group)),
            lambda: self.client.post(self.theme_url("opheffen", group)),
        ):
            etag = self.client.get(url)["ETag"]
            change()
            self.assertEqual(self.client.get(url, headers={"If-None-Match": etag}).status_code, 200)

    def test_a_theme_never_shows_a_hidden_or_waiting_note(self) -> None:
        self.make("Samenwerking", self.samen, self.loket)
        actions.do_moderate_note(self.question, self.loket.uuid, Note.Status.HIDDEN)
        pending = actions.do_add_note(self.fatima, self.question, "Nog niet goedgekeurd")
        Note.objects.filter(pk=pending.pk).update(status=Note.Status.PENDING)
        group = NoteTheme.objects.get()
        self.client.post(
            self.url("workshop_theme_make", self.question.uuid),
            {"do": "add", "theme": str(group.uuid), "note": [str(pending.uuid)]},
        )
        for page in (self.screen(), self.phone_now()):
            self.assertIn("Samenwerking", page)
            self.assertIn(self.samen.text, page)
            self.assertNotIn(self.loket.text, page)
            self.assertNotIn(pending.text, page)
        # a theme whose notes are all off the screen is not on it either
        actions.do_moderate_note(self.question, self.samen.uuid, Note.Status.HIDDEN)
        for page in (self.screen(), self.phone_now()):
            self.assertNotIn("Samenwerking", page)
        # the regie sees every note of the theme, with its state
        regie = self.client.get(self.url("workshop_live")).content.decode()
        for text in ("Samenwerking", self.samen.text, self.loket.text, pending.text):
            self.assertIn(text, regie)

    def test_write_first_then_reveal_holds_for_themes(self) -> None:
        self.control("hide")
        self.make("Samenwerking", self.samen, self.loket)
        for page in (self.screen(), self.phone_now()):
            self.assertNotIn("Samenwerking", page)
            self.assertNotIn(self.samen.text, page)
        self.assertIn("Samenwerking", self.client.get(self.url("workshop_live")).content.decode())
        self.control("reveal")
        for page in (self.screen(), self.phone_now()):
            self.assertIn("Samenwerking", page)
            self.assertIn(self.samen.text, page)

    def test_the_regie_offers_the_controls_to_writers_only(self) -> None:
        self.make("Samenwerking", self.samen)
        group = NoteTheme.objects.get()
        regie = self.client.get(self.url("workshop_present")).content.decode()
        self.assertIn(f'id="pick-{self.loket.uuid}" name="note" value="{self.loket.uuid}" form="theme-form"', regie)
        self.assertIn('id="theme-form"', regie)
        self.assertIn(self.theme_url("wens", group), regie)
        self.assertIn(self.url("workshop_note_unthemed", self.samen.uuid), regie)
        self.assertNotIn(" style=", regie)
        self.client.force_login(self.bob)
        regie = self.client.get(self.url("workshop_present")).content.decode()
        self.assertIn("Samenwerking", regie)
        self.assertNotIn('id="theme-form"', regie)
        self.assertNotIn("pick-", regie)
        self.assertNotIn(self.theme_url("wens", group), regie)

    def test_the_big_screen_has_theme_controls_on_request_for_writers_only(self) -> None:
        plain = self.client.get(self.url("workshop_screen")).content.decode()
        self.assertNotIn("pick-", plain)
        self.assertIn(self.url("workshop_screen") + "?themas=1#themes", plain)
        theming = self.client.get(self.url("workshop_screen") + "?themas=1").content.decode()
        self.assertIn(f'data-live-url="{self.url("workshop_screen_live")}?themas=1"', theming)
        self.assertIn(f'id="pick-{self.samen.uuid}"', theming)
        self.assertIn('<input type="hidden" name="next" value="screen">', theming)
        live = self.client.get(self.url("workshop_screen_live") + "?themas=1").content.decode()
        self.assertIn(f'id="pick-{self.samen.uuid}"', live)
        reply = self.make("Samenwerking", self.samen, next="screen")
        self.assertRedirects(reply, self.url("workshop_screen") + "?themas=1#themes", fetch_redirect_response=False)
        self.assertContains(self.client.get(reply["Location"]), "Samenwerking")
        self.client.force_login(self.bob)  # a reader: the screen as it is, without the controls
        for url in (self.url("workshop_screen") + "?themas=1", self.url("workshop_screen_live") + "?themas=1"):
            page = self.client.get(url).content.decode()
            self.assertNotIn("pick-", page)
            self.assertNotIn("theme-form", page)
            self.assertNotIn("?themas=1", page)

    def test_the_polls_keep_a_fixed_number_of_queries_with_themes(self) -> None:
        self.client.force_login(self.bob)
        live, screen = self.url("workshop_live"), self.url("workshop_screen_live")
        now = self.participant_url("participant_now")
        self.client.get(live)  # the first request after signing in writes the session
        for n in range(2):
            people = [join(Client(), self.workshop, f"P{n}{k}") for k in range(3)]
            notes = [actions.do_add_note(person, self.question, f"Notitie {n}{k}") for k, person in enumerate(people)]
            group = themes.do_make_theme(self.question, [note.uuid for note in notes[:2]], f"Thema {n}")
            themes.do_theme_to_wish(group)
            with self.assertNumQueries(10):  # one more than before themes: every theme of the question
                self.client.get(live)
            with self.assertNumQueries(9):
                self.assertContains(self.client.get(screen), f"Thema {n}")
            with self.assertNumQueries(3):  # the revision, the session, the themes' notes
                self.assertContains(self.phone.get(now), f"Thema {n}")


class ThemeToWishTests(ThemeTestCase):
    def test_one_click_makes_a_wish_of_the_questions_pillar_that_phones_vote_for(self) -> None:
        self.make("Samenwerking met scholen", self.samen, self.loket)
        group = NoteTheme.objects.get()
        reply = self.client.post(self.theme_url("wens", group), {"text": ""}, follow=True)
        wish = Wish.objects.get()
        self.assertEqual(
            (wish.text, wish.theme, wish.participant), ("Samenwerking met scholen", self.question.theme, None)
        )
        group.refresh_from_db()
        self.assertEqual(group.wish, wish)
        self.assertContains(reply, "Samenwerking met scholen")
        # a second click (or a second tab) makes no second wish
        self.client.post(self.theme_url("wens", group), {"text": "Iets anders"})
        self.assertEqual(Wish.objects.count(), 1)
        # on the big screen among the wishes, and on the phones to vote for
        self.assertIn("Samenwerking met scholen", self.screen()[self.screen().index('id="wishes-heading"') :])
        wishes_page = self.phone.get(self.participant_url("participant_wishes"))
        self.assertContains(wishes_page, self.participant_url("participant_stemmen", wish.uuid))
        self.phone.post(self.participant_url("participant_stemmen", wish.uuid))
        self.assertEqual(Vote.objects.get().participant, self.fatima)
        self.assertNotContains(
            self.phone.get(self.participant_url("participant_wishes")),
            self.participant_url("participant_wish_edit", wish.uuid),
        )

    def test_the_text_can_be_changed_before_and_after_until_someone_votes(self) -> None:
        self.make("Samenwerking", self.samen)
        group = NoteTheme.objects.get()
        self.client.post(self.theme_url("wens", group), {"text": "  Vaste   afspraken met scholen "})
        wish = Wish.objects.get()
        self.assertEqual(wish.text, "Vaste afspraken met scholen")
        self.client.post(self.theme_url("wens-wijzigen", group), {"text": "Eén loket met de scholen"})
        wish.refresh_from_db()
        self.assertEqual(wish.text, "Eén loket met de scholen")
        actions.do_vote(self.piet, wish)
        reply = self.client.post(self.theme_url("wens-wijzigen", group), {"text": "Iets anders"}, follow=True)
        self.assertContains(reply, nl("Others have voted for this wish, so it can no longer be changed."))
        wish.refresh_from_db()
        self.assertEqual(wish.text, "Eén loket met de scholen")
        # a dissolved theme leaves its wish (and the vote) in place
        self.client.post(self.theme_url("opheffen", group))
        self.assertEqual(Wish.objects.get().votes.count(), 1)

    def test_a_second_click_makes_no_second_wish(self) -> None:
        self.make("Samenwerking", self.samen)
        group = NoteTheme.objects.get()
        first, created = themes.do_theme_to_wish(group)
        second, again = themes.do_theme_to_wish(group)
        self.assertEqual((first.pk, created, again), (second.pk, True, False))


class ReportByThemeTests(ThemeTestCase):
    def test_the_report_page_and_table_list_notes_by_theme(self) -> None:
        self.make("Samenwerking", self.samen, self.loket)
        themes.do_theme_to_wish(NoteTheme.objects.get())
        with no_rendering():
            page = self.client.get(self.url("workshop_report")).content.decode()
        heading = page.index(f"{nl('Theme')}: Samenwerking")
        rest = page.index(nl("Not in a theme"))
        self.assertLess(heading, page.index(self.loket.text))
        self.assertLess(page.index(self.loket.text), rest)
        self.assertLess(rest, page.index("Eén visie op gezinnen"))
        xlsx = self.client.get(self.url("workshop_report_table", "xlsx"))
        rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()]
        self.assertEqual(rows[0][-1], nl("Theme"))
        by_text = {row[3]: row for row in rows[1:]}
        self.assertEqual(by_text[self.samen.text][-1], "Samenwerking")
        self.assertEqual(by_text[self.loket.text][-1], "Samenwerking")
        self.assertIn(by_text["Eén visie op gezinnen"][-1], ("", None))
        self.assertEqual(by_text["Samenwerking"][1], nl("wish"))
        self.assertEqual(by_text["Samenwerking"][-1], "Samenwerking")

    def test_the_pdf_lists_notes_by_theme(self) -> None:
        from cjgscan.reports.workshop_report import render_pdf
        from tests.test_report import pdf_text

        self.make("Samenwerking", self.samen, self.loket)
        text = " ".join(pdf_text(render_pdf(self.workshop, "nl")).split())
        heading = text.index(f"{nl('Theme')}: Samenwerking")
        self.assertLess(heading, text.index(self.loket.text))
        self.assertLess(text.index(self.loket.text), text.index(nl("Not in a theme")))
        self.assertLess(text.index(nl("Not in a theme")), text.index("Eén visie op gezinnen"))

    def test_a_changed_theme_is_a_new_version_of_the_report(self) -> None:
        from cjgscan.reports.stored import workshop_fingerprint

        before = workshop_fingerprint(self.workshop, "nl")
        self.make("Samenwerking", self.samen)
        made = workshop_fingerprint(self.workshop, "nl")
        self.client.post(self.theme_url("hernoemen", NoteTheme.objects.get()), {"name": "Partners"})
        self.assertEqual(len({before, made, workshop_fingerprint(self.workshop, "nl")}), 3)


@pytest.mark.django_db(transaction=True)
def test_parallel_clicks_on_make_it_a_wish_make_one_wish() -> None:
    if connection.vendor != "postgresql":
        skip_on_database("concurrency is tested on PostgreSQL (CI runs the suite with DATABASE_URL too)")
    load_builtin_instruments()
    organisation = make_organisation()
    facilitator = make_user("Fenna")
    make_membership(facilitator, organisation, Role.COORDINATOR)
    workshop = make_workshop(organisation)
    question = actions.ordered_questions(workshop)[0]
    note = actions.do_add_note(actions.do_join(workshop, "Sanne")[0], question, "Samen met de scholen")
    group = themes.do_make_theme(question, [note.uuid], "Scholen")
    url = reverse("workshop_theme_wens", args=[organisation.uuid, workshop.uuid, group.uuid])
    clients = []
    for _ in range(4):
        client = Client()
        client.force_login(facilitator)
        clients.append(client)
    statuses = in_parallel([lambda c=c: c.post(url, {"text": ""}).status_code for c in clients])
    assert statuses == [302] * 4, statuses
    assert Wish.objects.filter(workshop=workshop).count() == 1
    assert NoteTheme.objects.get(pk=group.pk).wish == Wish.objects.get()
