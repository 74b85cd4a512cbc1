"""Retention: a closed round's invitation addresses deleted (figures kept), a round deleted with confirmation."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cjgscan.rounds.models import Answer, Invitation, Response, Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round


class RetentionTests(BaseTestCase):
    def setUp(self) -> None:
        today = timezone.localdate()
        self.round = make_round(
            self.org_a,
            title="Afgesloten meting",
            status=Round.Status.CLOSED,
            opens_on=today - datetime.timedelta(days=90),
            closes_on=today - datetime.timedelta(days=40),
        )
        self.group = self.round.groups.first()
        for n in range(3):
            Invitation.objects.create(round=self.round, group=self.group, email=f"p{n}@example.nl")
        for n in range(5):
            make_response(self.round, self.group, {"S1.K1": f"v{n % 4 + 1}"})
        self.open_round = make_round(self.org_a, title="Lopende meting")
        Invitation.objects.create(round=self.open_round, group=self.open_round.groups.first(), email="x@example.nl")
        self.addresses_url = reverse("round_delete_addresses", args=[self.org_a.uuid, self.round.uuid])
        self.delete_url = reverse("round_delete", args=[self.org_a.uuid, self.round.uuid])

    def test_command_deletes_addresses_of_rounds_closed_long_enough(self) -> None:
        out = io.StringIO()
        call_command("retention", "--closed-days", "30", "--dry-run", stdout=out)
        assert "would delete 3 addresses" in out.getvalue()
        assert Invitation.objects.filter(round=self.round).count() == 3
        call_command("retention", "--closed-days", "60", stdout=io.StringIO())  # closed only 40 days ago
        assert Invitation.objects.filter(round=self.round).count() == 3
        call_command("retention", "--closed-days", "30", stdout=out)
        assert Invitation.objects.filter(round=self.round).count() == 0
        assert Invitation.objects.filter(round=self.open_round).count() == 1  # open: untouched
        self.round.refresh_from_db()
        assert self.round.deleted_invitation_count == 3
        assert self.round.addresses_deleted_on == timezone.localdate()
        assert Response.objects.filter(round=self.round, status="submitted").count() == 5
        assert Answer.objects.filter(response__round=self.round).count() == 5
        with self.assertRaisesMessage(CommandError, "not closed"):
            call_command("retention", "--round", str(self.open_round.uuid))

    def test_beheerder_deletes_addresses_after_close_and_the_page_says_so(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.round.uuid]))
        self.assertContains(page, self.addresses_url)
        self.assertContains(self.client.get(self.addresses_url), "3")
        reply = self.client.post(self.addresses_url, follow=True)
        self.assertContains(reply, "De adressen van 3 uitnodigingen zijn verwijderd op")
        assert not Invitation.objects.filter(round=self.round).exists()
        assert Response.objects.filter(round=self.round).count() == 5

    def test_addresses_of_an_open_round_stay(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("round_delete_addresses", args=[self.org_a.uuid, self.open_round.uuid])
        self.client.post(url)
        assert Invitation.objects.filter(round=self.open_round).count() == 1

    def test_only_beheerders_may_delete(self) -> None:
        for user, status in ((self.carol, 403), (self.bob, 403), (self.dave, 404)):
            self.client.force_login(user)
            for url in (self.addresses_url, self.delete_url):
                assert self.client.get(url).status_code == status, (user, url)
                assert self.client.post(url, {"confirm": "on"}).status_code == status, (user, url)
        self.client.force_login(self.carol)
        page = self.client.get(reverse("round_detail", args=[self.org_a.uuid, self.round.uuid]))
        self.assertNotContains(page, self.delete_url)
        assert Round.objects.filter(pk=self.round.pk).exists()
        assert Invitation.objects.filter(round=self.round).count() == 3

    def test_deleting_a_round_needs_confirmation_and_removes_everything(self) -> None:
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.delete_url), "5 ingevulde vragenlijsten")
        reply = self.client.post(self.delete_url, {})
        self.assertContains(reply, "Vink het vakje aan om te bevestigen.", status_code=400)
        assert Round.objects.filter(pk=self.round.pk).exists()
        reply = self.client.post(self.delete_url, {"confirm": "on"})
        self.assertRedirects(reply, reverse("round_list", args=[self.org_a.uuid]))
        assert not Round.objects.filter(pk=self.round.pk).exists()
        assert not Response.objects.filter(round_id=self.round.pk).exists()
        assert not Invitation.objects.filter(round_id=self.round.pk).exists()
        assert Round.objects.filter(pk=self.open_round.pk).exists()
