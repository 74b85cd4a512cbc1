"""The action plan (issue 5) through HTTP: access, prefill, validation, phases, notes, the check before and
after with small-group suppression, overdue actions, the owner filter, CSV export and a fixed number of queries.

Pages are requested in English so the assertions do not depend on the Dutch catalogue."""

import csv
import datetime
import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cjgscan.development.models import Action, ActionNote
from cjgscan.development.services import create_action
from cjgscan.development.views import owner_token
from cjgscan.lib.spreadsheet import safe_cell, safe_row
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease

TODAY = timezone.localdate()


class ActionTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.before = make_round(
            cls.org_a,
            title="Meting voorjaar",
            opens_on=TODAY - datetime.timedelta(days=120),
            closes_on=TODAY - datetime.timedelta(days=90),
            status=Round.Status.CLOSED,
        )
        cls.action = create_action(
            cls.org_a,
            title="Missie bespreken in het team",
            description="Twee teamdagen",
            theme_code="S1",
            item_code="S1.K1",
            round=cls.before,
            source="gap S1.K1",
            owner=cls.carol,
        )

    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def url(self, name: str, *args: Any, org: Any = None) -> str:
        return reverse(name, args=[(org or self.org_a).uuid, *args])

    def detail(self, action: Action | None = None) -> str:
        return self.url("action_detail", (action or self.action).uuid)


class AccessTests(ActionTestCase):
    def test_outsider_gets_404_everywhere(self) -> None:
        self.client.force_login(self.dave)
        a = self.action.uuid
        for url in (
            self.url("action_list"),
            self.url("action_create"),
            self.url("action_export"),
            self.detail(),
            self.url("action_edit", a),
            self.url("action_delete", a),
            self.url("agreed_scores", self.before.uuid),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url in (self.url("action_phase", a), self.url("action_note", a), self.url("action_delete", a)):
            self.assertEqual(self.client.post(url, {"phase": "do", "text": "x"}).status_code, 404, url)
        self.action.refresh_from_db()
        self.assertEqual(self.action.phase, Action.Phase.PLAN)

    def test_an_action_of_another_organisation_is_not_found(self) -> None:
        other = create_action(self.org_b, title="Van Beestad")
        self.client.force_login(self.carol)  # member of both
        self.assertEqual(self.client.get(self.detail(other)).status_code, 404)
        self.assertEqual(self.client.get(self.url("action_detail", other.uuid, org=self.org_b)).status_code, 200)
        self.assertNotContains(self.client.get(self.url("action_list")), "Van Beestad")

    def test_reader_may_look_but_not_change(self) -> None:
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(self.url("action_list")), "Missie bespreken")
        page = self.client.get(self.detail())
        self.assertContains(page, "Missie bespreken")
        self.assertNotContains(page, self.url("action_edit", self.action.uuid))
        self.assertNotContains(page, self.url("action_phase", self.action.uuid))
        a = self.action.uuid
        for url in (self.url("action_create"), self.url("action_edit", a), self.url("action_delete", a)):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertEqual(self.client.post(self.url("action_create"), {"title": "x", "phase": "plan"}).status_code, 403)
        self.assertEqual(self.client.post(self.url("action_phase", a), {"phase": "do"}).status_code, 403)
        self.assertEqual(
            self.client.post(self.url("action_note", a), {"noted_on": TODAY, "text": "x"}).status_code, 403
        )
        self.assertEqual(self.client.post(self.url("action_delete", a)).status_code, 403)
        self.assertEqual(Action.objects.count(), 1)
        self.assertEqual(ActionNote.objects.count(), 0)

    def test_anonymous_is_sent_to_the_login(self) -> None:
        response = self.client.get(self.url("action_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_writes_need_the_csrf_token(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        self.assertEqual(client.post(self.url("action_phase", self.action.uuid), {"phase": "do"}).status_code, 403)
        self.action.refresh_from_db()
        self.assertEqual(self.action.phase, Action.Phase.PLAN)

    def test_linked_from_the_organisation_home_and_the_menu(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(reverse("organisation_home", args=[self.org_a.uuid])).content.decode()
        self.assertIn(self.url("action_list"), page)
        nav = page.split('aria-label="Main menu"')[1].split("</nav>")[0]
        self.assertIn(self.url("action_list"), nav)
        self.assertNotIn(self.url("action_create"), page)  # a reader cannot add


class CreateAndEditTests(ActionTestCase):
    def form_data(self, **fields: Any) -> dict[str, Any]:
        data = {
            "title": "Werkgroep samenwerking",
            "description": "",
            "theme_code": "",
            "item_code": "",
            "round": "",
            "owner": "",
            "owner_name": "",
            "starts_on": "",
            "due_on": "",
            "phase": "plan",
            "source": "",
        }
        return data | fields

    def test_create_with_every_field(self) -> None:
        self.client.force_login(self.carol)
        data = self.form_data(
            title="  Werkgroep   samenwerking ",
            description="Met partners",
            theme_code="S3",
            item_code="S3.K2",
            round=str(self.before.pk),
            owner=str(self.alice.pk),
            starts_on=str(TODAY),
            due_on=str(TODAY + datetime.timedelta(days=30)),
            phase="do",
            source="tip S3.T1",
        )
        response = self.client.post(self.url("action_create"), data)
        action = Action.objects.get(title="Werkgroep samenwerking")
        self.assertRedirects(response, self.detail(action))
        self.assertEqual(
            (action.organisation, action.theme_code, action.item_code, action.round, action.owner, action.phase),
            (self.org_a, "S3", "S3.K2", self.before, self.alice, "do"),
        )
        self.assertEqual(action.source, "tip S3.T1")
        page = self.client.get(self.detail(action))
        self.assertContains(page, "Met partners")
        self.assertContains(page, "Alice")
        self.assertContains(page, "Inviting appearance")  # the key's title in the newest version

    def test_a_characteristic_links_its_key(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url("action_create"), self.form_data(item_code="S5.K1", owner_name="Team JGZ"))
        action = Action.objects.get(title="Werkgroep samenwerking")
        self.assertEqual((action.theme_code, action.item_code, action.owner_name), ("S5", "S5.K1", "Team JGZ"))

    def test_invalid_input_is_explained_and_nothing_saved(self) -> None:
        self.client.force_login(self.alice)
        cases = [
            ({"title": "   "}, "Give the action a title."),
            ({"title": "x" * 201}, "at most 200 characters"),
            ({"description": "x" * 5001}, "at most 5000 characters"),
            ({"theme_code": "S2", "item_code": "S3.K1"}, "belongs to key S3, not to S2"),
            ({"theme_code": "S99"}, "Select a valid choice"),
            ({"owner": str(self.dave.pk)}, "Select a valid choice"),  # not a member
            ({"owner": str(self.bob.pk), "owner_name": "Team JGZ"}, "not both"),
            ({"starts_on": "2026-05-01", "due_on": "2026-04-01"}, "cannot be before the start date"),
            ({"round": str(make_round(self.org_b).pk)}, "Select a valid choice"),
            ({"phase": "done"}, "Select a valid choice"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                response = self.client.post(self.url("action_create"), self.form_data(**fields))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertEqual(Action.objects.count(), 1)

    def test_prefill_from_query_parameters(self) -> None:
        self.client.force_login(self.alice)
        other_round = make_round(self.org_b)
        query = {
            "title": "Tip <b>opvolgen</b>",
            "description": "Uit de tip",
            "key": "S3",
            "item": "S3.K2",
            "round": str(self.before.uuid),
            "source": "tip S3.T1",
        }
        page = self.client.get(self.url("action_create"), query)
        form = page.context["form"]
        self.assertEqual(form["title"].value(), "Tip <b>opvolgen</b>")
        self.assertEqual(form["theme_code"].value(), "S3")
        self.assertEqual(form["item_code"].value(), "S3.K2")
        self.assertEqual(form["round"].value(), self.before.pk)
        self.assertEqual(form["source"].value(), "tip S3.T1")
        self.assertContains(page, "Tip &lt;b&gt;opvolgen&lt;/b&gt;")
        self.assertNotContains(page, "<b>opvolgen")
        # A round of another organisation, or nonsense, is not taken over.
        for bad in (str(other_round.uuid), "not-a-uuid"):
            form = self.client.get(self.url("action_create"), {"round": bad}).context["form"]
            self.assertIsNone(form["round"].value())

    def test_edit(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.url("action_edit", self.action.uuid))
        self.assertEqual(page.context["form"]["item_code"].value(), "S1.K1")
        data = self.form_data(title="Missie herzien", theme_code="S1", item_code="S1.K2", owner_name="Directie")
        response = self.client.post(self.url("action_edit", self.action.uuid), data)
        self.assertRedirects(response, self.detail())
        self.action.refresh_from_db()
        self.assertEqual(
            (self.action.title, self.action.item_code, self.action.owner_name), ("Missie herzien", "S1.K2", "Directie")
        )

    def test_an_owner_who_left_can_stay_the_owner(self) -> None:
        from cjgscan.organisations.models import Membership

        Membership.objects.filter(user=self.carol, organisation=self.org_a).delete()
        self.client.force_login(self.alice)
        data = self.form_data(title="Nog steeds van Carol", owner=str(self.carol.pk))
        self.assertRedirects(self.client.post(self.url("action_edit", self.action.uuid), data), self.detail())
        self.action.refresh_from_db()
        self.assertEqual(self.action.owner, self.carol)
        # But a new action cannot be given to her.
        response = self.client.post(self.url("action_create"), data)
        self.assertContains(response, "Select a valid choice")

    def test_phase_changes(self) -> None:
        self.client.force_login(self.carol)
        for phase in ("do", "check", "act", "plan"):
            self.client.post(self.url("action_phase", self.action.uuid), {"phase": phase})
            self.action.refresh_from_db()
            self.assertEqual(self.action.phase, phase)
        response = self.client.post(self.url("action_phase", self.action.uuid), {"phase": "done"}, follow=True)
        self.assertContains(response, "Choose one of the phases")
        self.action.refresh_from_db()
        self.assertEqual(self.action.phase, "plan")
        # From the board, back to the board.
        response = self.client.post(self.url("action_phase", self.action.uuid), {"phase": "do", "terug": "lijst"})
        self.assertRedirects(response, self.url("action_list"))

    def test_status_log(self) -> None:
        self.client.force_login(self.carol)
        url = self.url("action_note", self.action.uuid)
        self.client.post(url, {"noted_on": "2026-03-01", "text": "Eerste teamdag gehouden"})
        self.client.post(url, {"noted_on": "2026-04-01", "text": "<script>x</script> tweede"})
        page = self.client.get(self.detail()).content.decode()
        self.assertLess(page.index("tweede"), page.index("Eerste teamdag"))  # newest first
        self.assertIn("&lt;script&gt;x&lt;/script&gt;", page)
        self.assertNotIn("<script>x", page)
        response = self.client.post(url, {"noted_on": "2026-04-01", "text": "   "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Write something in the note.", status_code=400)
        response = self.client.post(url, {"noted_on": "gisteren", "text": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.action.notes.count(), 2)
        self.assertEqual(self.action.notes.first().author, self.carol)

    def test_delete_asks_first(self) -> None:
        ActionNote.objects.create(action=self.action, text="Log")
        self.client.force_login(self.alice)
        page = self.client.get(self.url("action_delete", self.action.uuid))
        self.assertContains(page, "cannot be undone")
        self.assertTrue(Action.objects.filter(pk=self.action.pk).exists())
        response = self.client.post(self.url("action_delete", self.action.uuid))
        self.assertRedirects(response, self.url("action_list"))
        self.assertFalse(Action.objects.filter(pk=self.action.pk).exists())
        self.assertEqual(ActionNote.objects.count(), 0)

    def test_create_action_service(self) -> None:
        action = create_action(self.org_a, title=" Wens uit de werksessie ", theme_code="P3", source="wish abc")
        self.assertEqual((action.title, action.phase, action.theme_code), ("Wens uit de werksessie", "plan", "P3"))
        with self.assertRaises(ValidationError):
            create_action(self.org_b, title="x", round=self.before)
        with self.assertRaises(ValidationError):
            create_action(self.org_a, title="   ")
        # A pillar code from a work session survives editing in the form.
        self.client.force_login(self.alice)
        form = self.client.get(self.url("action_edit", action.uuid)).context["form"]
        self.assertEqual(form["theme_code"].value(), "P3")


class BoardTests(ActionTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        yesterday = TODAY - datetime.timedelta(days=1)
        cls.late = create_action(cls.org_a, title="Te late actie", owner_name="Team JGZ")
        cls.late_done = create_action(cls.org_a, title="Late maar gecheckt", owner=cls.alice)
        Action.objects.filter(pk__in=[cls.late.pk, cls.late_done.pk]).update(due_on=yesterday)
        Action.objects.filter(pk=cls.late_done.pk).update(phase=Action.Phase.CHECK)

    def test_board_by_phase(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url("action_list")).content.decode()
        for label in ("Plan", "Do", "Check", "Act"):
            self.assertIn(f'id="phase-{label.lower()}">{label}', page)
        check_column = page.split('id="phase-check"')[1].split('id="phase-act"')[0]
        self.assertIn("Late maar gecheckt", check_column)
        self.assertNotIn("Te late actie", check_column)

    def test_overdue_stands_out_in_words_and_icon(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url("action_list")).content.decode()
        late_card = page.split("Te late actie")[1].split("</li>")[0]
        self.assertIn('class="action-overdue"><svg', late_card)
        self.assertIn("Overdue", late_card)
        checked_card = page.split("Late maar gecheckt")[1].split("</li>")[0]
        self.assertNotIn("Overdue", checked_card)  # the work is done; it is being checked
        self.assertIn("1 action is past its due date.", page)
        self.assertContains(self.client.get(self.detail(self.late)), "has passed")

    def test_by_key(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url("action_list"), {"weergave": "sleutel"}).content.decode()
        self.assertIn("S1 Inspiring mission and vision", page)
        self.assertLess(page.index("Missie bespreken"), page.index("Not linked to a key"))
        self.assertGreater(page.index("Te late actie"), page.index("Not linked to a key"))

    def test_filter_by_owner(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url("action_list"), {"eigenaar": owner_token(self.carol.pk)}).content.decode()
        self.assertIn("Missie bespreken", page)
        self.assertNotIn("Te late actie", page)
        # Internal ids stay internal (a 16-character token may start with the id's digits, so the id must end there).
        self.assertNotRegex(page, rf"eigenaar={self.carol.pk}(?![0-9a-f])")
        page = self.client.get(self.url("action_list"), {"eigenaar": "naam:Team JGZ"}).content.decode()
        self.assertIn("Te late actie", page)
        self.assertNotIn("Missie bespreken", page)
        page = self.client.get(self.url("action_list"), {"eigenaar": "onzin"}).content.decode()
        self.assertIn("This owner has no actions.", page)
        # An owner of another organisation is not a choice here.
        self.assertNotIn(owner_token(self.dave.pk), self.client.get(self.url("action_list")).content.decode())

    def test_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.bob)
        # session, user, membership, members (filter), free-text owners, actions, memberships (menu)
        # [+ key titles]; the CSV has no menu.
        urls = {
            self.url("action_list"): 7,
            self.url("action_list") + "?weergave=sleutel": 8,
            self.url("action_list") + f"?eigenaar={owner_token(self.alice.pk)}": 7,
            self.url("action_export"): 6,
        }
        for url, count in urls.items():
            self.client.get(url)
            with self.assertNumQueries(count):
                self.client.get(url)
        for n in range(12):
            create_action(self.org_a, title=f"Extra {n}", theme_code=f"S{n % 7 + 1}", round=self.before, owner=self.bob)
            ActionNote.objects.create(action=Action.objects.get(title=f"Extra {n}"), text="x")
        for url, count in urls.items():
            with self.assertNumQueries(count):
                self.client.get(url)

    def test_csv_export(self) -> None:
        create_action(
            self.org_a,
            title='=HYPERLINK("http://evil")',
            description="+31 6 1234",
            owner_name="@team",
            source="-1",
        )
        create_action(self.org_a, title="Tab", description="\t=1", source="\rCR")
        self.client.force_login(self.bob)
        response = self.client.get(self.url("action_export"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        raw = response.content
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
        self.assertEqual(rows[0][:3], ["Title", "Description", "Key"])
        by_title = {row[0]: row for row in rows[1:]}
        evil = by_title['\'=HYPERLINK("http://evil")']
        self.assertEqual((evil[1], evil[5], evil[10]), ("'+31 6 1234", "'@team", "'-1"))
        self.assertEqual((by_title["Tab"][1], by_title["Tab"][10]), ("'\t=1", "'\rCR"))
        late = by_title["Te late actie"]
        self.assertEqual(
            (late[5], late[7], late[8], late[9]), ("Team JGZ", str(TODAY - datetime.timedelta(days=1)), "Plan", "yes")
        )
        self.assertEqual(by_title["Missie bespreken in het team"][3:6], ["S1.K1", "Meting voorjaar", "Carol"])
        # The export follows the owner filter.
        filtered = self.client.get(self.url("action_export"), {"eigenaar": "naam:Team JGZ"}).content.decode("utf-8-sig")
        self.assertEqual(len(filtered.strip().splitlines()), 2)


class SpreadsheetTests(BaseTestCase):
    def test_safe_cell(self) -> None:
        for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
            self.assertEqual(safe_cell(dangerous), "'" + dangerous)
        for harmless in ("Plan", "", " =1", "3,5", "'quoted"):
            self.assertEqual(safe_cell(harmless), harmless)
        self.assertEqual(safe_row([-1, 2.5, None, "=x"]), [-1, 2.5, None, "'=x"])


class CheckTests(ActionTestCase):
    """Before (the action's round) and after (the latest later round), per group where each round may show it."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        big, medium, tiny = list(cls.before.groups.all())[:3]
        cls.big_name, cls.medium_name, cls.tiny_name = big.name, medium.name, tiny.name
        for _n in range(6):
            make_response(cls.before, big, {"S1.K1": "v2"})
        for _n in range(5):
            make_response(cls.before, medium, {"S1.K1": "v1"})
        make_response(cls.before, tiny, {"S1.K1": "v1"})
        cls.middle = make_round(
            cls.org_a,
            title="Meting zomer",
            opens_on=TODAY - datetime.timedelta(days=60),
            closes_on=TODAY - datetime.timedelta(days=30),
            status=Round.Status.CLOSED,
        )
        cls.after = make_round(cls.org_a, title="Meting najaar")
        big2, medium2 = list(cls.after.groups.all())[:2]
        for _n in range(5):
            make_response(cls.after, big2, {"S1.K1": "v4"})
        for _n in range(5):
            make_response(cls.after, medium2, {"S1.K1": "v3"})
        release(cls.before)
        release(cls.after)
        make_round(
            cls.org_a, title="Meting concept", opens_on=TODAY + datetime.timedelta(days=10), status=Round.Status.DRAFT
        )

    def table(self, page: str, code: str) -> dict[str, list[str]]:
        import re

        caption = f'<caption class="utrecht-table__caption"><span class="site-code">{code}</span>'
        html = page.split(caption)[1].split("</table>")[0]
        rows = {}
        for row in re.findall(r"<tr class=\"utrecht-table__row\"><th[^>]*>(.*?)</th>(.*?)</tr>", html, re.S):
            rows[row[0]] = re.findall(r"<td[^>]*>(.*?)</td>", row[1])
        return rows

    def test_before_and_after_per_group(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.detail()).content.decode()
        self.assertIn("“Meting voorjaar” (before) and “Meting najaar” (after)", page)
        item = self.table(page, "S1.K1")
        self.assertEqual(item["All respondents"], ["1.5", "3.5", "+2.0"])
        self.assertEqual(item[self.big_name], ["2.0", "4.0", "+2.0"])
        # Before, the medium group was merged to protect the tiny one: no figure of its own.
        self.assertEqual(item[self.medium_name], ["–", "3.0", "–"])
        self.assertNotIn(self.tiny_name, page)
        self.assertNotIn("Other (merged)", page)
        key = self.table(page, "S1")
        self.assertEqual(key["All respondents"], ["1.5", "3.5", "+2.0"])

    def test_items_match_by_code_across_instrument_versions(self) -> None:
        # A newer version of the instrument with the same codes (a changed text makes a new version).
        import yaml

        from cjgscan.instruments.loader import default_files, load_files
        from cjgscan.instruments.models import InstrumentVersion, Item

        path = next(p for p in default_files() if "zeven" in p.name)
        document = yaml.safe_load(path.read_text())
        document["introduction"]["text"] = {"nl": "Nieuwe versie", "en": "New version"}
        newer_file = self.tmp_path() / path.name
        newer_file.write_text(yaml.safe_dump(document, allow_unicode=True))
        newer = load_files([newer_file])[0].version
        self.assertNotEqual(newer.pk, self.before.version_id)
        self.assertEqual(InstrumentVersion.objects.filter(instrument=newer.instrument).count(), 2)
        Round.objects.filter(pk=self.after.pk).update(opens_on=TODAY - datetime.timedelta(days=20))
        winter = make_round(self.org_a, newer, title="Meting winter")
        for _n in range(5):
            make_response(winter, winter.groups.first(), {"S1.K1": "v4"})
        release(winter)
        self.client.force_login(self.bob)
        page = self.client.get(self.detail()).content.decode()
        self.assertIn("“Meting voorjaar” (before) and “Meting winter” (after)", page)
        self.assertEqual(self.table(page, "S1.K1")["All respondents"], ["1.5", "4.0", "+2.5"])
        self.assertEqual(self.table(page, "S1")["All respondents"], ["1.5", "4.0", "+2.5"])
        Item.objects.filter(theme__version=newer, code="S1.K1").update(code="S1.K99")
        page = self.client.get(self.detail()).content.decode()
        self.assertEqual(self.table(page, "S1.K1")["All respondents"], ["1.5", "–", "–"])

    def tmp_path(self) -> Any:
        import pathlib
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return pathlib.Path(directory)

    def test_no_later_round_or_too_few_respondents(self) -> None:
        self.client.force_login(self.bob)
        latest = create_action(self.org_a, title="Na de laatste", theme_code="S1", round=self.after)
        self.assertContains(self.client.get(self.detail(latest)), "There is no later round than “Meting najaar” yet.")
        unrelease(self.after)
        Round.objects.filter(pk=self.after.pk).update(min_group_size=50)
        release(Round.objects.get(pk=self.after.pk))
        page = self.client.get(self.detail()).content.decode()
        self.assertIn("cannot be compared yet", page)
        self.assertNotIn("3.5", page)
        unlinked = create_action(self.org_a, title="Los", round=self.before)
        self.assertContains(self.client.get(self.detail(unlinked)), "Link the action to a round and a key")

    def test_the_detail_page_has_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(self.detail())
        with self.assertNumQueries(28) as context:  # 24 + each round's release and its cells
            self.client.get(self.detail())
        for _n in range(10):
            make_response(self.after, self.after.groups.first(), {"S1.K1": "v1", "S1.K2": "v2"})
            ActionNote.objects.create(action=self.action, text="x")
        release(self.after)
        with self.assertNumQueries(len(context.captured_queries)):
            self.client.get(self.detail())
