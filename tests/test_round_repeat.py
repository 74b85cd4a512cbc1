""" "Herhaal deze meting": a new draft round with the same set-up (issue 12, item 5)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round


class RepeatRoundTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        version = cls.versions["zeven-sleutels"]
        cls.original = make_round(
            cls.org_a,
            title="Meting 2025",
            opens_on=datetime.date(2025, 3, 1),
            closes_on=datetime.date(2025, 3, 22),
            status=Round.Status.CLOSED,
            scale=version.scales.get(code="agreement"),
            ask_profession=True,
            ask_importance=False,
            min_group_size=7,
        )
        cls.original.groups.filter(position=2).delete()
        cls.original.groups.create(name="Huisartsen", position=9)
        make_response(cls.original, cls.original.groups.first(), {"S1.K1": "v3"})

    def url(self, round_: Round | None = None) -> str:
        round_ = round_ or self.original
        return reverse("round_repeat", args=[round_.organisation.uuid, round_.uuid])

    def test_an_administrator_gets_a_draft_with_the_same_set_up(self) -> None:
        self.client.force_login(self.alice)
        reply = self.client.post(self.url())
        repeat = Round.objects.exclude(pk=self.original.pk).get(organisation=self.org_a)
        self.assertRedirects(reply, reverse("round_detail", args=[self.org_a.uuid, repeat.uuid]))
        self.assertEqual(repeat.status, Round.Status.DRAFT)
        self.assertEqual(repeat.title, "Meting 2025 (herhaling)")
        self.assertEqual((repeat.version, repeat.scale), (self.original.version, self.original.scale))
        self.assertEqual((repeat.ask_profession, repeat.ask_importance, repeat.min_group_size), (True, False, 7))
        names = list(self.original.groups.order_by("position").values_list("name", flat=True))
        self.assertEqual(list(repeat.groups.order_by("position").values_list("name", flat=True)), names)
        today = timezone.localdate()
        self.assertEqual((repeat.opens_on, repeat.closes_on), (today, today + datetime.timedelta(days=21)))
        self.assertFalse(repeat.responses.exists() or repeat.releases.exists() or repeat.invitations.exists())
        # Ready to open: the round page offers the opening button.
        self.assertContains(
            self.client.get(reply["Location"]), reverse("round_openen", args=[self.org_a.uuid, repeat.uuid])
        )

    def test_the_button_is_on_the_round_page_for_administrators_only(self) -> None:
        detail = reverse("round_detail", args=[self.org_a.uuid, self.original.uuid])
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(detail), f'action="{self.url()}"')
        self.client.force_login(self.carol)
        self.assertNotContains(self.client.get(detail), f'action="{self.url()}"')

    def test_only_administrators_may_repeat_and_outsiders_see_nothing(self) -> None:
        for user, status in ((self.bob, 403), (self.carol, 403), (self.dave, 404)):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url()).status_code, status, user)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 405)
        other = make_round(self.org_c)
        self.assertEqual(self.client.post(self.url(other)).status_code, 404)
        self.assertEqual(Round.objects.count(), 2)
