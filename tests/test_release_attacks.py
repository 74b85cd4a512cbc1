"""Findings 4–7 of the privacy issue as attacks through the product: a lezer (Bob) or a coordinator combines what
pages, exports and the API release, over time, and must never isolate fewer than the round's minimum."""

import datetime
from collections import Counter
from itertools import combinations, product
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cjgscan.analysis.results import GROUPS, PROFESSIONS, round_results
from cjgscan.analysis.trend_results import organisation_trend
from cjgscan.api.models import ApiToken
from cjgscan.instruments.models import Instrument
from cjgscan.rounds.models import Response, Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round

ITEM = "S1.K1"


class RoundSteps(BaseTestCase):
    """What the coordinator and the lezer do through the product."""

    def close(self, round_: Round) -> None:
        """The coordinator closes the round through the round page, as in the product."""
        self.client.force_login(self.alice)
        response = self.client.post(reverse("round_sluiten", args=[self.org_a.uuid, round_.uuid]))
        self.assertEqual(response.status_code, 302)

    def reopen(self, round_: Round) -> None:
        self.client.force_login(self.alice)
        closes_on = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
        url = reverse("round_heropenen", args=[self.org_a.uuid, round_.uuid])
        self.assertEqual(self.client.post(url, {"closes_on": closes_on}).status_code, 302)

    def api(self, round_: Round, per: str = "groep") -> dict[str, Any]:
        """What Bob, a lezer, reads from the API."""
        secret = ApiToken.issue(self.bob, "test", ApiToken.Scope.READ, None)[1]
        url = f"/api/v1/organisaties/{self.org_a.uuid}/metingen/{round_.uuid}/resultaten?per={per}"
        reply = self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(reply.status_code, 200)
        body: dict[str, Any] = reply.json()
        return body


class ReleaseAttackTests(RoundSteps):
    def distributions(self, body: dict[str, Any]) -> dict[str, Counter[str]]:
        """Per released column: the answers to ITEM on the scale, don't know and not applicable."""
        item = next((i for i in body["items"] if i["code"] == ITEM), None)
        found: dict[str, Counter[str]] = {}
        for score in item["scores"] if item else []:
            counts = Counter(score["distribution"])
            counts["dont_know"], counts["not_applicable"] = score["dont_know"], score["not_applicable"]
            found[f"{body['per']}:{score['column']}"] = counts
        return found

    def assert_no_small_difference(self, columns: dict[str, Counter[str]], minimum: int) -> None:
        """Every ±1 combination of one to three released columns that is itself a set of answers (no negative
        count) holds no answers or at least `minimum` of them."""
        vectors = list(columns.items())
        for size in (1, 2, 3):
            for chosen in combinations(vectors, size):
                for signs in product((1, -1), repeat=size):
                    if 1 not in signs:
                        continue
                    total: Counter[str] = Counter()
                    for sign, (_name, counts) in zip(signs, chosen, strict=True):
                        for bucket, n in counts.items():
                            total[bucket] += sign * n
                    if any(n < 0 for n in total.values()):
                        continue
                    names = [name for name, _counts in chosen]
                    self.assertFalse(0 < sum(total.values()) < minimum, (names, signs, dict(total)))

    def test_finding_4_all_minus_group_minus_profession_gives_nothing_small(self) -> None:
        """Groups A (2, profession X), B (5, Y), C (6, X): the group view pools A with B and shows C; the
        profession view shows X = A + C. Then X − C is A's two answers — unless the release folds more."""
        round_ = make_round(self.org_a, ask_profession=True)
        a, b, c = list(round_.groups.all())[:3]
        for value in ("v1", "v2"):
            make_response(round_, a, {ITEM: value}, comments={"S1": f"Alleen wij {value}"}, profession="S4.B1")
        for _n in range(5):
            make_response(round_, b, {ITEM: "v3"}, comments={"S1": "Groep B"}, profession="S4.B2")
        for _n in range(6):
            make_response(round_, c, {ITEM: "v4"}, comments={"S1": "Groep C"}, profession="S4.B1")
        self.close(round_)
        self.client.force_login(self.bob)
        columns = self.distributions(self.api(round_, "groep")) | self.distributions(self.api(round_, "beroep"))
        self.assertIn("groep:all", columns)
        self.assert_no_small_difference(columns, round_.min_group_size)
        # Comments: what the profession view lists minus what the group view lists leaves nothing small.
        fresh = Round.objects.get(pk=round_.pk)
        theme = next(t.pk for t in round_results(fresh).themes if t.code == "S1")
        per_group = Counter(round_results(fresh, GROUPS).comments.get(theme, []))
        per_profession = Counter(round_results(fresh, PROFESSIONS).comments.get(theme, []))
        for difference in (per_profession - per_group, per_group - per_profession):
            self.assertFalse(0 < sum(difference.values()) < round_.min_group_size, difference)

    def test_finding_5_dashboard_and_trend_fold_the_same_groups(self) -> None:
        """Two groups of equal size beside a small one: one tie-break for every page, so the trend cannot show
        the group the dashboard folded (all − one − other would be the small group)."""
        round_ = make_round(self.org_a)
        small, first, second = list(round_.groups.all())[:3]
        for group, name in ((small, "Alfa"), (first, "Beta"), (second, "Gamma")):
            group.name = name
            group.save()
        # uuid order opposite to name order: the old dashboard (uuid) and the old trend (name) then disagree.
        type(first).objects.filter(pk=first.pk).update(uuid="ffffffff-ffff-4fff-bfff-ffffffffffff")
        type(second).objects.filter(pk=second.pk).update(uuid="00000000-0000-4000-8000-000000000000")
        make_response(round_, small, {ITEM: "v1"})
        make_response(round_, small, {ITEM: "v1"})
        for group in (first, second):
            for _n in range(5):
                make_response(round_, group, {ITEM: "v4"})
        self.close(round_)
        fresh = Round.objects.get(pk=round_.pk)
        names = {"Alfa", "Beta", "Gamma"}
        dashboard = {c.label: c.respondents for c in round_results(fresh).group_columns if c.label in names}
        trend = organisation_trend(self.org_a, Instrument.objects.get(slug="zeven-sleutels"))
        shown = next(t for t in trend.rounds if t.round.pk == round_.pk)
        self.assertEqual(set(shown.groups), set(dashboard))
        # Everyone minus every group some page shows alone never leaves Alfa's two respondents.
        alone = dashboard | shown.groups
        left = shown.respondents - sum(alone.values())
        self.assertFalse(0 < left < round_.min_group_size, (alone, left))

    def test_finding_6_one_more_submission_changes_no_released_figure(self) -> None:
        """Two looks around one submission must not give that person's answers: results come in releases."""
        round_ = make_round(self.org_a)
        group = round_.groups.first()
        for _n in range(6):
            make_response(round_, group, {ITEM: "v2"})
        self.close(round_)
        self.reopen(round_)
        before = self.api(round_)
        self.assertTrue(before["visible"])
        make_response(round_, group, {ITEM: "v4"})  # one person answers after the reopening
        after = self.api(round_)
        self.assertEqual(self.distributions(before), self.distributions(after))
        self.close(round_)  # a release of one new answer is refused: the earlier one stays
        self.assertEqual(self.distributions(before), self.distributions(self.api(round_)))
        self.reopen(round_)
        for _n in range(4):
            make_response(round_, group, {ITEM: "v4"})
        self.close(round_)  # five new answers: a new release
        latest = self.distributions(self.api(round_))["groep:all"]
        difference = Counter(latest)
        difference.subtract(self.distributions(before)["groep:all"])
        self.assertEqual(sum(difference.values()), 5)

    def test_finding_7_known_paper_forms_do_not_open_a_small_group(self) -> None:
        """A coordinator types 3 paper forms (known to them) into a group of 2 online respondents: the group must
        not appear on its own, or its 2 online answer sheets fall out by subtraction."""
        round_ = make_round(self.org_a)
        small, other = list(round_.groups.all())[:2]
        make_response(round_, small, {ITEM: "v1"})
        make_response(round_, small, {ITEM: "v2"})
        for _n in range(3):
            paper = make_response(round_, small, {ITEM: "v4"})
            Response.objects.filter(pk=paper.pk).update(channel=Response.Channel.PAPER)
        for _n in range(6):
            make_response(round_, other, {ITEM: "v3"})
        self.close(round_)
        self.client.force_login(self.bob)
        body = self.api(round_)
        alone = {c["key"] for c in body["columns"]}
        self.assertNotIn(str(small.uuid), alone)
        # What the coordinator could compute: a column minus the three paper forms they typed.
        known = Counter({"4": 3})
        for name, counts in self.distributions(body).items():
            rest = Counter({k: v for k, v in counts.items() if k not in ("dont_know", "not_applicable")})
            rest.subtract(known)
            if all(n >= 0 for n in rest.values()):
                self.assertFalse(0 < sum(rest.values()) < round_.min_group_size, (name, rest))


class EveryOutputReadsTheReleaseTests(RoundSteps):
    """Dashboard, key page, export tables, API, trend and report summary: answers that no release includes reach
    none of them, and all of them show the same released cells."""

    def outputs(self, round_: Round) -> dict[str, Any]:
        from cjgscan.exports.tables import ANSWERS, FIGURES, export_table
        from cjgscan.reports.report import report_context

        fresh = Round.objects.select_related("organisation", "version__instrument", "scale").get(pk=round_.pk)
        self.client.force_login(self.bob)
        overview = self.client.get(reverse("results_overview", args=[self.org_a.uuid, round_.uuid]))
        key_page = self.client.get(reverse("results_key", args=[self.org_a.uuid, round_.uuid, "S1"]))
        secret = ApiToken.issue(self.bob, "test", ApiToken.Scope.READ, None)[1]
        api = self.client.get(
            f"/api/v1/organisaties/{self.org_a.uuid}/metingen/{round_.uuid}/resultaten",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        ).json()
        trend = organisation_trend(self.org_a, Instrument.objects.get(slug="zeven-sleutels"))
        trend_round = next(t for t in trend.rounds if t.round.pk == round_.pk)
        report = report_context(fresh)
        return {
            "dashboard": [(c.label, c.respondents) for c in overview.context["results"].columns],
            "key_rows": [(c.label, s.mean) for c, s in key_page.context["key_scores"]],
            "comments": sorted(key_page.context["comments"]),
            "figures": [list(row) for row in export_table(fresh, FIGURES).rows],
            "answers": [list(row) for row in export_table(fresh, ANSWERS).rows],
            "api": {k: v for k, v in api.items() if k != "waiting"},
            "trend": (trend_round.respondents, trend_round.groups, trend_round.key("", "S1").mean),
            "report": report["response_sentence"],
        }

    def test_answers_after_the_release_wait_everywhere(self) -> None:
        round_ = make_round(self.org_a)
        big, medium, tiny = list(round_.groups.all())[:3]
        for _n in range(6):
            make_response(round_, big, {ITEM: "v3"}, comments={"S1": "Groot"})
        for _n in range(5):
            make_response(round_, medium, {ITEM: "v2"})
        make_response(round_, tiny, {ITEM: "v1"})
        self.close(round_)
        released = self.outputs(round_)
        self.assertEqual(released["dashboard"][0][1], 12)
        self.assertEqual(len({row[0] for row in released["answers"]}), 12)
        # Two more answers arrive after a reopening (below the minimum: they must wait).
        self.reopen(round_)
        make_response(round_, tiny, {ITEM: "v4"}, comments={"S1": "Nieuw en klein"})
        make_response(round_, tiny, {ITEM: "v4"}, comments={"S1": "Nieuw en klein"})
        self.assertEqual(self.outputs(round_), released)
        # Every figure of every output is one of the released cells': the same columns everywhere.
        cells = {label for label, _n in released["dashboard"]}
        self.assertEqual({c["label"] for c in released["api"]["columns"]}, cells)
        self.assertEqual({row[3] for row in released["figures"]}, cells)
        self.assertTrue({row[2] for row in released["answers"]} <= cells)
        self.assertEqual({label for label, _mean in released["key_rows"]}, cells)


class ReleaseStorageTests(RoundSteps):
    def test_a_release_goes_only_with_its_round(self) -> None:
        from django.db.models import RestrictedError

        from cjgscan.rounds.models import Release
        from cjgscan.rounds.retention import delete_round

        round_ = make_round(self.org_a)
        for _n in range(5):
            make_response(round_, round_.groups.first(), {ITEM: "v2"})
        self.close(round_)
        release = Release.objects.get(round=round_)
        self.assertEqual(release.responses.count(), 5)
        with self.assertRaises(RestrictedError):
            release.delete()  # its figures would change under the readers' eyes
        delete_round(round_.pk)
        self.assertFalse(Release.objects.filter(pk=release.pk).exists())

    def test_released_group_counts_for_the_round_page(self) -> None:
        from cjgscan.analysis.released import released_group_counts

        round_ = make_round(self.org_a)
        big, small = list(round_.groups.all())[:2]
        for _n in range(6):
            make_response(round_, big, {ITEM: "v2"})
        make_response(round_, small, {ITEM: "v2"})
        self.assertEqual(released_group_counts(round_), [])  # nothing before the first release
        self.close(round_)
        self.assertEqual(released_group_counts(round_), [(f"{big.name} + {small.name} (samen)", 7)])
        self.reopen(round_)
        make_response(round_, big, {ITEM: "v2"})  # waits: the released counts stay
        self.assertEqual(released_group_counts(round_), [(f"{big.name} + {small.name} (samen)", 7)])
