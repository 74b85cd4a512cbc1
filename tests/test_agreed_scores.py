"""Agreed scores per key after a round, and the "make an action" links on the results and instrument pages."""

import decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.db import connection
from django.urls import reverse

from cjgscan.development.models import AgreedScore
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release


class AgreedScoreTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a)  # presence scale: 1 to 4
        groups = list(cls.round.groups.all())
        for _n in range(5):
            make_response(cls.round, groups[0], {"S1.K1": "v3", "S1.K2": "v2", "S5.K1": "v1"})
        for _n in range(5):
            make_response(cls.round, groups[1], {"S1.K1": "v1", "S1.K2": "v2", "S5.K1": "v1", "S5.K2": "v1"})
        release(cls.round)

    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def url(self) -> str:
        return reverse("agreed_scores", args=[self.org_a.uuid, self.round.uuid])

    def data(self, **scores: tuple[str, str]) -> dict[str, str]:
        data = {}
        for number in range(1, 8):
            score, reasoning = scores.get(f"S{number}", ("", ""))
            data |= {f"S{number}-score": score, f"S{number}-reasoning": reasoning}
        return data

    def test_record_change_and_clear(self) -> None:
        self.client.force_login(self.carol)
        page = self.client.get(self.url())
        self.assertContains(page, "Inspiring mission and vision")
        self.assertContains(page, 'name="S7-reasoning"')
        response = self.client.post(
            self.url(), self.data(S1=("2,5", "We zien het anders dan gemeten"), S5=("1", "Eens"))
        )
        self.assertRedirects(response, self.url())
        scores = {a.theme_code: a for a in AgreedScore.objects.filter(round=self.round)}
        self.assertEqual(scores["S1"].score, decimal.Decimal("2.5"))
        self.assertEqual(scores["S1"].recorded_by, self.carol)
        self.assertEqual(set(scores), {"S1", "S5"})
        page = self.client.get(self.url())
        self.assertEqual(page.context["rows"][0]["form"]["score"].value(), "2,5")
        # Change one, clear the other.
        self.client.post(self.url(), self.data(S1=("3.0", "Na discussie")))
        self.assertEqual(list(AgreedScore.objects.values_list("theme_code", "score")), [("S1", decimal.Decimal("3.0"))])

    def test_invalid_scores_are_explained_and_nothing_saved(self) -> None:
        self.client.force_login(self.alice)
        cases = [
            ("4,5", "Te hoog", "must lie between 1 and 4"),
            ("0", "Te laag", "must lie between 1 and 4"),
            ("2,25", "Te precies", "at most one decimal"),
            ("drie", "Tekst", "Enter a number"),
            ("NaN", "Geen getal", "Enter a number"),
            ("3", "", "Explain how the team arrived at this score."),
            ("", "Alleen een reden", "Fill in the agreed score"),
        ]
        for score, reasoning, message in cases:
            with self.subTest(score=score):
                response = self.client.post(self.url(), self.data(S1=("2", "Goed"), S2=(score, reasoning)))
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, "Nothing has been saved.", status_code=400)
                self.assertFalse(AgreedScore.objects.exists())  # not even the valid S1

    def test_reader_sees_but_cannot_record(self) -> None:
        AgreedScore.objects.create(
            round=self.round, theme_code="S1", score=decimal.Decimal("2.5"), reasoning="<b>Samen</b> besloten"
        )
        self.client.force_login(self.bob)
        page = self.client.get(self.url())
        self.assertContains(page, "&lt;b&gt;Samen&lt;/b&gt; besloten")
        self.assertNotContains(page, 'name="S1-score"')
        self.assertEqual(self.client.post(self.url(), self.data(S1=("3", "x"))).status_code, 403)
        self.assertEqual(AgreedScore.objects.get().score, decimal.Decimal("2.5"))

    def test_outsider_gets_404(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), self.data(S1=("3", "x"))).status_code, 404)
        self.client.force_login(self.carol)
        other = reverse("agreed_scores", args=[self.org_b.uuid, self.round.uuid])
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_shown_next_to_the_measured_averages_on_the_dashboard(self) -> None:
        overview = reverse("results_overview", args=[self.org_a.uuid, self.round.uuid])
        self.client.force_login(self.bob)
        before = self.client.get(overview).content.decode()
        self.assertIn("has not recorded agreed scores", before)
        AgreedScore.objects.create(round=self.round, theme_code="S1", score=decimal.Decimal("3.5"), reasoning="x")
        after = self.client.get(overview).content.decode()
        section = after.split('id="agreed-scores"')[1].split("</section>")[0]
        self.assertRegex(section, r"1\. Inspiring mission and vision</th>\s*<td[^>]*>2\.0</td>\s*<td[^>]*>3\.5</td>")
        # The measured figures are the same as before.
        measured = before.split('id="keys"')[1].split("</table>")[0]
        self.assertEqual(measured, after.split('id="keys"')[1].split("</table>")[0])
        page = self.client.get(self.url()).content.decode()
        self.assertIn("<strong>3.5</strong>", page)


class MakeActionLinkTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a)
        groups = list(cls.round.groups.all())
        for _n in range(5):
            make_response(cls.round, groups[0], {"S1.K1": "v4", "S5.K1": "v1"})
        for _n in range(5):
            make_response(cls.round, groups[1], {"S1.K1": "v1", "S5.K1": "v1"})
        release(cls.round)

    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def links(self, url: str) -> list[dict[str, Any]]:
        import re

        page = self.client.get(url).content.decode()
        create = reverse("action_create", args=[self.org_a.uuid])
        found = []
        for href in re.findall(r'href="([^"]+)"', page):
            href = href.replace("&amp;", "&")
            if urlparse(href).path == create and urlparse(href).query:
                found.append({k: v[0] for k, v in parse_qs(urlparse(href).query).items()})
        return found

    def test_from_a_gap_and_a_weak_characteristic_on_the_dashboard(self) -> None:
        overview = reverse("results_overview", args=[self.org_a.uuid, self.round.uuid])
        self.client.force_login(self.carol)
        links = self.links(overview)
        gap = next(link for link in links if link["source"] == "gap S1.K1")
        self.assertEqual((gap["key"], gap["item"], gap["round"]), ("S1", "S1.K1", str(self.round.uuid)))
        self.assertTrue(gap["title"])
        weak = next(link for link in links if link["source"].startswith("weak S"))
        self.assertEqual(weak["round"], str(self.round.uuid))
        weak_key = next(link for link in links if link["source"] == "weak S5")  # 1.0 on a scale of 1 to 4
        self.assertEqual((weak_key["key"], weak_key.get("item")), ("S5", None))
        self.assertNotIn("weak S1", [link["source"] for link in links])  # 2.5: the middle, not below
        # The link opens a prefilled form.
        form = self.client.get(reverse("action_create", args=[self.org_a.uuid]), gap).context["form"]
        self.assertEqual((form["item_code"].value(), form["round"].value()), ("S1.K1", self.round.pk))
        self.client.force_login(self.bob)
        self.assertEqual(self.links(overview), [])

    def test_the_links_cost_no_queries(self) -> None:
        def queries(url: str) -> int:
            executed: list[str] = []
            with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
                self.client.get(url)
            return len(executed)

        for name, args in (("results_overview", []), ("results_key", ["S5"])):
            url = reverse(name, args=[self.org_a.uuid, self.round.uuid, *args])
            self.client.force_login(self.bob)
            self.client.get(url)
            reader = queries(url)
            self.assertGreater(reader, 5)
            self.client.force_login(self.alice)
            self.client.get(url)
            with self.assertNumQueries(reader):
                self.assertContains(self.client.get(url), "Make an action")

    def test_from_a_tip_and_a_weak_key_on_the_key_page(self) -> None:
        key = reverse("results_key", args=[self.org_a.uuid, self.round.uuid, "S5"])
        self.client.force_login(self.alice)
        links = self.links(key)
        sources = [link["source"] for link in links]
        self.assertIn("weak S5", sources)
        self.assertIn("tip S5.T1", sources)
        tip = next(link for link in links if link["source"] == "tip S5.T1")
        self.assertEqual((tip["key"], tip["round"]), ("S5", str(self.round.uuid)))
        self.assertNotIn("item", tip)
        self.client.force_login(self.bob)
        self.assertEqual(self.links(key), [])

    def test_from_a_tip_in_the_instrument_browser(self) -> None:
        theme = reverse("theme_detail", args=["zeven-sleutels", "S3"])
        self.client.force_login(self.alice)
        self.assertEqual(self.links(theme), [])  # no organisation chosen yet
        self.client.get(reverse("organisation_home", args=[self.org_a.uuid]))
        links = self.links(theme)
        self.assertEqual(links[0]["source"], "tip S3.T1")
        self.assertEqual(links[0]["key"], "S3")
        self.assertNotIn("round", links[0])
        self.client.force_login(self.bob)
        self.client.get(reverse("organisation_home", args=[self.org_a.uuid]))
        self.assertEqual(self.links(theme), [])  # a reader cannot add actions
