"""The trend page: rounds side by side, matched across versions and groups, protected, in a fixed number of queries."""

import copy
import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from cjgscan.analysis.trend import SAME, UP
from cjgscan.analysis.trend_results import ALL, organisation_trend
from cjgscan.instruments.loader import default_files, do_load_document, read_file
from cjgscan.instruments.models import Instrument
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease

SCAN = "zeven-sleutels"


def on_day(organisation, *args, **fields) -> Round:  # type: ignore[no-untyped-def]
    """A round that opens and closes on one day: make_round(organisation, [version], title, day, ...)."""
    *version, title, day = args
    return make_round(organisation, *version, title=title, opens_on=day, closes_on=day, **fields)


class TrendTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        today = datetime.date(2026, 6, 1)
        cls.spring = make_round(cls.org_a, title="Voorjaar", opens_on=today, closes_on=today, status="closed")
        later = datetime.date(2026, 10, 1)
        cls.autumn = make_round(cls.org_a, title="Najaar", opens_on=later, closes_on=later)
        big, medium, third = list(cls.spring.groups.all()[:3])
        cls.big, cls.medium, cls.third = big.name, medium.name, third.name
        # Spring: big group answers S1.K1 with 1,2,1,2,1,2 (mean 1,5) and S5.K1 3,3,4,4,3,4 (mean 3,5).
        for k1, k5 in zip([1, 2, 1, 2, 1, 2], [3, 3, 4, 4, 3, 4], strict=True):
            make_response(cls.spring, big, {"S1.K1": f"v{k1}", "S5.K1": f"v{k5}"})
        for _n in range(5):
            make_response(cls.spring, medium, {"S1.K1": "v2", "S5.K1": "v2"})
        # Autumn: big group 3,4,3,4,3,4 (mean 3,5) and 4,3,3,4,4,3 (mean 3,5); medium only 2 respondents, so
        # it is pooled with the third group (5) and neither is shown for autumn.
        groups = {g.name: g for g in cls.autumn.groups.all()}
        for k1, k5 in zip([3, 4, 3, 4, 3, 4], [4, 3, 3, 4, 4, 3], strict=True):
            make_response(cls.autumn, groups[cls.big], {"S1.K1": f"v{k1}", "S5.K1": f"v{k5}"})
        for _n in range(2):
            make_response(cls.autumn, groups[cls.medium], {"S1.K1": "v4", "S5.K1": "v4"})
        for _n in range(5):
            make_response(cls.autumn, groups[cls.third], {"S1.K1": "v3", "S5.K1": "v1"})
        release(cls.spring)
        release(cls.autumn)
        cls.instrument = Instrument.objects.get(slug=SCAN)

    def setUp(self) -> None:
        # English: the Dutch of new texts arrives with the next translation merge; numbers then read 2.0.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def url(self, org=None, **params: str) -> str:  # type: ignore[no-untyped-def]
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return reverse("results_trend", args=[(org or self.org_a).uuid, SCAN]) + (f"?{query}" if query else "")

    def test_key_scores_and_changes_by_hand(self) -> None:
        trend = organisation_trend(self.org_a, self.instrument)
        assert [t.round.title for t in trend.rounds] == ["Voorjaar", "Najaar"]
        spring, autumn = trend.rounds
        # All spring respondents, S1.K1: six answers 1,2,1,2,1,2 and five 2s → (9 + 10) / 11.
        assert spring.key(ALL, "S1").mean == pytest.approx(19 / 11)
        assert spring.key(self.big, "S1").mean == pytest.approx(1.5)
        assert autumn.key(self.big, "S1").mean == pytest.approx(3.5)
        rise = trend.change(self.big, "S1", 0, 1)
        # se of each round: √0,3 / √6 = √0,05; margin 1,96 × √0,1 = 0,6198.
        assert rise.difference == pytest.approx(2.0)
        assert rise.interval == (pytest.approx(2 - 0.61981, abs=1e-4), pytest.approx(2 + 0.61981, abs=1e-4))
        assert rise.verdict == UP
        assert trend.change(self.big, "S5", 0, 1).verdict == SAME
        assert trend.change(self.big, "S2", 0, 1).difference is None  # nobody answered key 2

    def test_a_group_too_small_in_a_round_is_shown_for_no_figure_of_that_round(self) -> None:
        trend = organisation_trend(self.org_a, self.instrument)
        spring, autumn = trend.rounds
        assert self.medium in spring.keys and self.medium in spring.groups
        assert self.medium not in autumn.keys and self.third not in autumn.keys
        assert set(autumn.keys) == {ALL, self.big}
        assert autumn.respondents == 13 and autumn.groups == {self.big: 6}
        self.client.force_login(self.bob)
        content = self.client.get(self.url(groep=self.medium)).content.decode()
        assert "not shown" in content
        # Autumn's medium group answered 4 everywhere; its mean must appear nowhere (4.0 would be it).
        table = content.split("<caption")[1]
        assert "4.0" not in table

    def test_the_page_shows_chart_table_summary_and_words(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url())
        assert page.status_code == 200
        content = page.content.decode()
        self.assertRegex(content, r'<svg[^>]* role="img"')
        assert "chart-line" in content
        assert "Voorjaar" in content and "Najaar" in content
        assert "the same (within the noise)" in content
        content_big = self.client.get(self.url(groep=self.big)).content.decode()
        assert "clearly risen" in content_big
        assert "+2.0" in content_big
        assert "Change per key and group" in content

    def test_a_base_round_compares_every_round_with_it(self) -> None:
        third = on_day(self.org_a, "Winter", datetime.date(2026, 12, 1))
        for value in (1, 2, 1, 2, 1):
            make_response(third, third.groups.first(), {"S1.K1": f"v{value}"})
        release(third)
        trend = organisation_trend(self.org_a, self.instrument, base=str(self.spring.uuid))
        assert trend.base == 0 and trend.pairs == [(0, 1), (0, 2)]
        assert organisation_trend(self.org_a, self.instrument).pairs == [(0, 1), (1, 2)]
        self.client.force_login(self.bob)
        content = self.client.get(self.url(basis=str(self.spring.uuid))).content.decode()
        assert "Change from Voorjaar" in content and "to Winter" in content

    def test_items_are_matched_by_code_across_versions(self) -> None:
        document = copy.deepcopy(read_file(next(p for p in default_files() if p.name == f"{SCAN}.yaml")))
        key1 = document["themes"][0]
        key1["items"][1]["id"] = "S1.K99"  # S1.K2 is gone, S1.K99 is new
        version = do_load_document(document, "changed.yaml").version
        assert version.number == 2
        newer = on_day(self.org_a, version, "Nieuw", datetime.date(2027, 3, 1))
        for _n in range(5):
            make_response(newer, newer.groups.first(), {"S1.K1": "v4", "S1.K99": "v1"})
        make_response(self.autumn, self.autumn.groups.first(), {"S1.K2": "v1"})
        release(newer)
        assert not release(self.autumn).accepted  # one new answer waits
        trend = organisation_trend(self.org_a, self.instrument)
        assert [t.round.title for t in trend.rounds] == ["Voorjaar", "Najaar", "Nieuw"]
        assert trend.left_out_items == ["S1.K2", "S1.K99"]
        # Key 1 in the new round only from S1.K1 (all 4s): S1.K99's 1s are left out.
        assert trend.rounds[2].key(ALL, "S1").mean == pytest.approx(4.0)
        self.client.force_login(self.bob)
        assert "S1.K2, S1.K99" in self.client.get(self.url()).content.decode()

    def test_rounds_too_small_or_on_another_scale_are_named_not_compared(self) -> None:
        small = on_day(self.org_a, "Klein", datetime.date(2026, 1, 1))
        make_response(small, small.groups.first(), {"S1.K1": "v1"})
        agreement = self.autumn.version.scales.get(code="agreement")
        other = on_day(self.org_a, "Andere schaal", datetime.date(2026, 2, 1), scale=agreement)
        for _n in range(5):
            make_response(other, other.groups.first(), {"S1.K1": "v5"})
        release(small)
        release(other)
        trend = organisation_trend(self.org_a, self.instrument)
        assert [r.title for r in trend.too_small] == ["Klein"]
        assert [r.title for r in trend.other_scale] == ["Andere schaal"]
        assert [t.round.title for t in trend.rounds] == ["Voorjaar", "Najaar"]

    def test_a_fixed_number_of_queries_whatever_the_rounds_and_respondents(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(self.url())
        with self.assertNumQueries(14) as before:  # 12 + the releases and the answers that wait
            self.client.get(self.url())
        for month in (1, 2, 3):
            extra = on_day(self.org_a, f"Extra {month}", datetime.date(2027, month, 1))
            for value in (1, 2, 3, 4, 1, 2, 3):
                make_response(extra, extra.groups.first(), {"S1.K1": f"v{value}", "S3.K1": "v2"})
            release(extra)
        with self.assertNumQueries(len(before.captured_queries)):
            page = self.client.get(self.url())
        assert page.content.decode().count("Extra ") >= 3

    def test_access(self) -> None:
        self.client.force_login(self.dave)
        assert self.client.get(self.url()).status_code == 404
        self.client.force_login(self.carol)  # coordinator of A, administrator of B
        assert self.client.get(self.url()).status_code == 200
        content = self.client.get(self.url(org=self.org_b)).content.decode()
        assert "Voorjaar" not in content and "There is no round with enough" in content
        self.client.force_login(self.bob)
        assert self.client.get(reverse("results_trend", args=[self.org_a.uuid, "vijf-pijlers"])).status_code == 404
        assert self.client.get(reverse("results_trend", args=[self.org_a.uuid, "onbekend"])).status_code == 404
        self.client.logout()
        assert self.client.get(self.url()).status_code == 302

    def test_linked_from_the_round_dashboard_and_the_organisation_home(self) -> None:
        self.client.force_login(self.bob)
        overview = reverse("results_overview", args=[self.org_a.uuid, self.autumn.uuid])
        assert self.url() in self.client.get(overview).content.decode()
        home = reverse("organisation_home", args=[self.org_a.uuid])
        assert self.url() in self.client.get(home).content.decode()

    def test_groups_are_matched_by_name(self) -> None:
        unrelease(self.autumn)
        Round.objects.filter(pk=self.autumn.pk).update(min_group_size=3)
        make_response(self.autumn, self.autumn.groups.get(name=self.medium), {"S1.K1": "v4"})
        release(Round.objects.get(pk=self.autumn.pk))
        renamed = self.autumn.groups.get(name=self.third)
        renamed.name = "Nieuwe naam"
        renamed.save()
        trend = organisation_trend(self.org_a, self.instrument)
        assert {"Nieuwe naam", self.medium} <= set(trend.groups)
        # Medium: all 2s in spring, all 4s in autumn (3 respondents, now enough).
        assert trend.change(self.medium, "S1", 0, 1).difference == pytest.approx(2.0)
        assert trend.change("Nieuwe naam", "S1", 0, 1).difference is None  # not in spring

    def test_one_round_shows_its_scores_and_says_a_change_needs_two(self) -> None:
        only = make_round(self.org_b, title="Eerste meting")
        for value in (1, 2, 3, 4, 2):
            make_response(only, only.groups.first(), {"S1.K1": f"v{value}"})
        release(only)
        self.client.force_login(self.carol)
        content = self.client.get(self.url(org=self.org_b)).content.decode()
        assert "Eerste meting" in content and "2.4" in content
        assert "At least two rounds with enough respondents are needed" in content
        assert "Change per key and group" not in content
