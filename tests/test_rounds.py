"""The coordinator's round pages: create, settings, groups, open/close, live response; who may do what."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cjgscan.rounds.models import RespondentGroup, Response, Round
from tests.base import BaseTestCase
from tests.factories import make_round
from tests.respondents import invite, start


def round_data(**overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "title": "  Meting   voorjaar ",
        "scale_code": "presence",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=21)).isoformat(),
        "groups": ["CJG-leiding", "JGZ-medewerkers"],
        "extra_groups": "Huisartsen\n\n  Scholen  ",
        "min_group_size": "5",
        "ask_importance": "on",
    }
    return {**data, **overrides}


class RoundCreateTests(BaseTestCase):
    def url(self) -> str:
        return reverse("round_create", args=[self.org_a.uuid])

    def post(self, **overrides: object):  # type: ignore[no-untyped-def]
        data = round_data(version=self.versions["zeven-sleutels"].pk, **overrides)
        return self.client.post(self.url(), data)

    def test_the_form_offers_the_default_groups(self) -> None:
        self.client.force_login(self.carol)
        page = self.client.get(self.url())
        for name in ("CJG-leiding", "JGZ-medewerkers", "Ouders en jongeren"):
            self.assertContains(page, name)
        self.assertEqual(page.context["form"]["groups"].initial[:2], ["CJG-leiding", "JGZ-medewerkers"])
        self.assertNotIn("Ouders en jongeren", page.context["form"]["groups"].initial)
        self.assertNotContains(page, "Vijf pijlers")  # a dialogue is not a scan

    def test_coordinator_creates_a_round_with_chosen_and_own_groups(self) -> None:
        self.client.force_login(self.carol)
        reply = self.post()
        round_ = Round.objects.get()
        self.assertRedirects(reply, reverse("round_detail", args=[self.org_a.uuid, round_.uuid]))
        self.assertEqual(round_.title, "Meting voorjaar")
        self.assertEqual(round_.status, Round.Status.DRAFT)
        self.assertEqual(round_.scale.code, "presence")
        self.assertTrue(round_.ask_importance)
        self.assertEqual(
            list(round_.groups.values_list("name", flat=True)),
            ["CJG-leiding", "JGZ-medewerkers", "Huisartsen", "Scholen"],
        )

    def test_bad_input_is_refused_in_dutch_and_nothing_is_created(self) -> None:
        self.client.force_login(self.carol)
        today = timezone.localdate()
        cases = [
            ({"min_group_size": "2"}, "min_group_size"),
            ({"closes_on": (today - datetime.timedelta(days=3)).isoformat()}, "closes_on"),
            ({"groups": [], "extra_groups": ""}, "groups"),
            ({"extra_groups": "Scholen\nscholen"}, "extra_groups"),
            ({"title": ""}, "title"),
            ({"opens_on": "31-02-2026"}, "opens_on"),
            ({"scale_code": "percentage"}, "scale_code"),
        ]
        for overrides, field in cases:
            reply = self.post(**overrides)
            self.assertEqual(reply.status_code, 200, overrides)
            self.assertIn(field, reply.context["form"].errors, overrides)
            self.assertContains(reply, "Verbeter")
        self.assertFalse(Round.objects.exists())
        self.assertFalse(RespondentGroup.objects.exists())

    def test_reader_gets_403_and_outsider_404(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.post().status_code, 403)
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.post().status_code, 404)
        self.assertFalse(Round.objects.exists())


class RoundPagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, status=Round.Status.DRAFT)
        cls.other = make_round(cls.org_b, title="Andermans meting")

    def detail(self) -> str:
        return reverse("round_detail", args=[self.org_a.uuid, self.round.uuid])

    def test_list_and_detail_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(self.detail())  # remembers the organisation in the session
        # session, user, membership, memberships (menu), rounds with counts
        with self.assertNumQueries(5):
            reply = self.client.get(reverse("round_list", args=[self.org_a.uuid]))
        self.assertContains(reply, "Meting najaar")
        self.assertNotContains(reply, "Andermans meting")
        # session, user, membership, round, responses by channel, invitations
        with self.assertNumQueries(6):
            self.client.get(self.detail(), HTTP_HX_REQUEST="true")

    def counts(self, reply, channel: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        import re

        row = re.search(rf'data-channel="{channel}">(.*?)</tr>', reply.content.decode(), re.S)
        assert row is not None, channel
        return dict(re.findall(r'data-count="(\w+)">([^<]*)<', row[1]))

    def test_the_response_adds_up_per_channel_for_the_round_only(self) -> None:
        from django.test import Client

        from tests.factories import make_response

        group, other = list(self.round.groups.all())[:2]
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.OPEN)
        for n in range(3):
            invitation, token = invite(self.round, group, f"p{n}@example.nl")
            type(invitation).objects.filter(pk=invitation.pk).update(send_count=1)
            if n < 2:
                client = Client()
                start(client, token)
                if n == 0:
                    client.post(reverse("respondent_submit", args=[self.round.uuid]))
        # Five answers through the group link of the other group, one started; two paper forms.
        for n in range(6):
            make_response(self.round, other, {"S1.K1": "v1"}, submitted=n < 5)
        for _n in range(2):
            paper = make_response(self.round, other, {"S1.K1": "v2"})
            Response.objects.filter(pk=paper.pk).update(channel=Response.Channel.PAPER)
        self.client.force_login(self.bob)
        reply = self.client.get(self.detail(), HTTP_HX_REQUEST="true")
        # Personal links apart: 1 of 3 e-mailed answered is 33 %, not (1 + 5 + 2) / 3.
        self.assertEqual(
            self.counts(reply, "personal"),
            {"invited": "3", "emailed": "3", "started": "1", "answered": "1", "rate": "33%"},
        )
        self.assertEqual(self.counts(reply, "group_link"), {"started": "1", "answered": "5"})
        self.assertEqual(self.counts(reply, "paper"), {"answered": "2"})
        self.assertEqual(self.counts(reply, "total"), {"started": "2", "answered": "8"})
        # No figure per group on the live page, no address.
        self.assertNotIn("progress", reply.context)
        self.assertNotContains(reply, group.name)
        self.assertNotContains(reply, "p0@example.nl")
        self.assertNotContains(reply, "<html")  # the htmx fragment only
        page = self.client.get(self.detail())
        self.assertContains(page, 'hx-trigger="every 15s"', count=1)
        self.assertEqual(page.context["released_group_counts"], [])  # nothing released yet
        self.assertNotContains(page, 'id="released-group-counts"')

    def test_per_group_counts_come_from_the_latest_release_not_live(self) -> None:
        from tests.factories import make_response, release

        group, other = list(self.round.groups.all())[:2]
        Round.objects.filter(pk=self.round.pk).update(status=Round.Status.OPEN)
        for _n in range(5):
            make_response(self.round, group, {"S1.K1": "v1"})
            make_response(self.round, other, {"S1.K1": "v2"})
        self.assertTrue(release(self.round).accepted)
        self.client.force_login(self.bob)
        self.assertEqual(
            self.client.get(self.detail()).context["released_group_counts"], [(group.name, 5), (other.name, 5)]
        )
        # One more answer after the release changes nothing on the page: the per-group figures wait for the next.
        make_response(self.round, group, {"S1.K1": "v3"})
        page = self.client.get(self.detail())
        self.assertEqual(page.context["released_group_counts"], [(group.name, 5), (other.name, 5)])
        self.assertContains(page, 'id="released-group-counts"')

    def test_no_response_rate_above_100_percent(self) -> None:
        from tests.factories import make_response

        group = self.round.groups.first()
        invitation, _token = invite(self.round, group, "enige@example.nl")
        type(invitation).objects.filter(pk=invitation.pk).update(send_count=1)
        for _n in range(2):
            make_response(self.round, group, {"S1.K1": "v1"})
        self.client.force_login(self.bob)
        reply = self.client.get(self.detail(), HTTP_HX_REQUEST="true")
        self.assertEqual(self.counts(reply, "personal")["rate"], "0%")
        self.assertNotContains(reply, "200")

    def test_open_close_reopen(self) -> None:
        self.client.force_login(self.carol)
        self.client.post(reverse("round_openen", args=[self.org_a.uuid, self.round.uuid]))
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, Round.Status.OPEN)
        self.client.post(reverse("round_sluiten", args=[self.org_a.uuid, self.round.uuid]))
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, Round.Status.CLOSED)
        reopen = reverse("round_heropenen", args=[self.org_a.uuid, self.round.uuid])
        self.client.post(reopen, {"closes_on": "2000-01-01"})
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, Round.Status.CLOSED)
        new_date = timezone.localdate() + datetime.timedelta(days=7)
        self.client.post(reopen, {"closes_on": new_date.isoformat()})
        self.round.refresh_from_db()
        self.assertEqual((self.round.status, self.round.closes_on), (Round.Status.OPEN, new_date))
        # Opening an open round is refused without harm.
        reply = self.client.post(reverse("round_openen", args=[self.org_a.uuid, self.round.uuid]), follow=True)
        self.assertContains(reply, "niet mogelijk")

    def test_groups_change_until_answers_come_in(self) -> None:
        self.client.force_login(self.carol)
        url = reverse("round_groups", args=[self.org_a.uuid, self.round.uuid])
        first = self.round.groups.first()
        self.client.post(url, {"add": "1", "name": "Ouders"})
        self.client.post(url, {"rename": "1", "group": str(first.uuid), "name": "Leiding"})
        last = self.round.groups.last()
        self.client.post(url, {"remove": "1", "group": str(last.uuid)})
        self.assertEqual(self.round.groups.count(), 6)
        self.assertTrue(self.round.groups.filter(name="Leiding").exists())
        self.assertFalse(self.round.groups.filter(pk=last.pk).exists())
        # Duplicate names are refused.
        reply = self.client.post(url, {"add": "1", "name": "leiding"}, follow=True)
        self.assertContains(reply, "al een groep")
        Response.objects.create(round=self.round, group=first)
        self.client.post(url, {"add": "1", "name": "Te laat"})
        self.client.post(url, {"remove": "1", "group": str(first.uuid)})
        self.assertEqual(self.round.groups.count(), 6)
        self.assertContains(self.client.get(url), "kunnen niet meer veranderen")

    def test_settings_lock_what_respondents_saw_once_answers_exist(self) -> None:
        self.client.force_login(self.carol)
        url = reverse("round_edit", args=[self.org_a.uuid, self.round.uuid])
        Response.objects.create(round=self.round, group=self.round.groups.first())
        data = {
            "title": "Nieuwe titel",
            "opens_on": self.round.opens_on.isoformat(),
            "closes_on": self.round.closes_on.isoformat(),
            "min_group_size": "7",
            "ask_importance": "on",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.round.refresh_from_db()
        self.assertEqual(
            (self.round.title, self.round.min_group_size, self.round.ask_importance),
            ("Nieuwe titel", 7, False),
        )

    def test_every_write_is_403_for_a_reader_and_every_page_404_for_an_outsider(self) -> None:
        group = self.round.groups.first()
        writes = [
            (reverse("round_openen", args=[self.org_a.uuid, self.round.uuid]), {}),
            (reverse("round_sluiten", args=[self.org_a.uuid, self.round.uuid]), {}),
            (
                reverse("round_heropenen", args=[self.org_a.uuid, self.round.uuid]),
                {"closes_on": "2099-01-01"},
            ),
            (reverse("round_edit", args=[self.org_a.uuid, self.round.uuid]), {"title": "x"}),
            (reverse("round_groups", args=[self.org_a.uuid, self.round.uuid]), {"add": "1", "name": "x"}),
            (
                reverse("round_groups", args=[self.org_a.uuid, self.round.uuid]),
                {"remove": "1", "group": str(group.uuid)},
            ),
        ]
        pages = [
            reverse("round_list", args=[self.org_a.uuid]),
            self.detail(),
            reverse("round_edit", args=[self.org_a.uuid, self.round.uuid]),
            reverse("round_groups", args=[self.org_a.uuid, self.round.uuid]),
        ]
        self.client.force_login(self.bob)
        for url, data in writes:
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.client.force_login(self.dave)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url, data in writes:
            self.assertEqual(self.client.post(url, data).status_code, 404, url)
        # Carol is a member of both organisations, but a round is only found under its own organisation.
        self.client.force_login(self.carol)
        self.assertEqual(
            self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.other.uuid])).status_code, 404
        )
        self.round.refresh_from_db()
        self.assertEqual(
            (self.round.status, self.round.title, self.round.groups.count()), ("draft", "Meting najaar", 6)
        )
