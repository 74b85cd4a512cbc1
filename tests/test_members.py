"""Members in the app: a beheerder invites colleagues (a single-use link, sent by the worker), changes roles and
removes members, never the last beheerder; installation administrators create organisations with their first
beheerder. The e-mails go through the real worker and a real SMTP server on loopback."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cjgscan.organisations.members import token_hash
from cjgscan.organisations.models import MemberInvitation, Membership, Organisation, Role
from tests.base import BaseTestCase
from tests.factories import PASSWORD, make_membership, make_organisation, make_user
from tests.smtp import body, smtp_server
from tests.test_invitations import run_worker

INVITE_LINK = re.compile(r"http://testserver/uitnodiging/([A-Za-z0-9_=-]+)/")
NEW_PASSWORD = "a long new password 4 us"


class MemberPagesTest(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)
        self.url = reverse("member_list", args=[self.org_a.uuid])

    def membership(self, user: object) -> Membership:
        return Membership.objects.get(user=user, organisation=self.org_a)

    def test_the_page_lists_members_and_is_linked_from_the_organisation(self) -> None:
        home = self.client.get(reverse("organisation_home", args=[self.org_a.uuid]))
        self.assertContains(home, self.url)
        with self.assertNumQueries(6):  # session, user, membership, members, invitations, organisation menu
            reply = self.client.get(self.url)
        for user in (self.alice, self.bob, self.carol):
            self.assertContains(reply, user.email)
        self.assertNotContains(reply, self.dave.email)

    def test_inviting_a_new_address_queues_the_e_mail_after_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            reply = self.client.post(self.url, {"email": "eva@example.nl", "role": Role.COORDINATOR})
        self.assertRedirects(reply, self.url)
        invitation = MemberInvitation.objects.get(email="eva@example.nl")
        assert invitation.role == Role.COORDINATOR and invitation.organisation == self.org_a
        # No token exists until the worker sends the e-mail: nothing in the request or the queue can accept it.
        assert invitation.token_hash == "" and invitation.sent_at is None
        assert len(callbacks) == 1 and mail.outbox == []
        self.assertContains(self.client.get(self.url), "eva@example.nl")

    def test_an_existing_account_becomes_a_member_at_once_without_a_new_password(self) -> None:
        before = self.dave.password
        self.client.post(self.url, {"email": "DAVE@example.nl", "role": Role.LEZER})
        assert self.membership(self.dave).role == Role.LEZER
        assert not MemberInvitation.objects.exists()
        self.dave.refresh_from_db()
        assert self.dave.password == before

    def test_a_new_role_is_saved(self) -> None:
        bob = self.membership(self.bob)
        reply = self.client.post(
            reverse("member_role", args=[self.org_a.uuid, bob.uuid]), {f"{bob.uuid}-role": "coordinator"}
        )
        self.assertRedirects(reply, self.url)
        assert self.membership(self.bob).role == Role.COORDINATOR

    def test_the_last_beheerder_can_be_neither_demoted_nor_removed(self) -> None:
        alice = self.membership(self.alice)
        reply = self.client.post(
            reverse("member_role", args=[self.org_a.uuid, alice.uuid]), {f"{alice.uuid}-role": "lezer"}, follow=True
        )
        self.assertContains(reply, "Een organisatie houdt altijd minstens één beheerder")
        reply = self.client.post(reverse("member_remove", args=[self.org_a.uuid, alice.uuid]), follow=True)
        self.assertContains(reply, "Een organisatie houdt altijd minstens één beheerder")
        assert self.membership(self.alice).role == Role.BEHEERDER
        # With a second beheerder the first may go.
        carol = self.membership(self.carol)
        self.client.post(
            reverse("member_role", args=[self.org_a.uuid, carol.uuid]), {f"{carol.uuid}-role": "beheerder"}
        )
        self.client.post(reverse("member_remove", args=[self.org_a.uuid, alice.uuid]))
        assert not Membership.objects.filter(user=self.alice, organisation=self.org_a).exists()

    def test_removing_a_member(self) -> None:
        bob = self.membership(self.bob)
        self.client.post(reverse("member_remove", args=[self.org_a.uuid, bob.uuid]))
        assert not Membership.objects.filter(pk=bob.pk).exists()
        assert self.bob.pk is not None and type(self.bob).objects.filter(pk=self.bob.pk).exists()

    def test_coordinator_and_reader_get_403_and_outsiders_404(self) -> None:
        bob = self.membership(self.bob)
        invitation = MemberInvitation.objects.create(organisation=self.org_a, email="x@example.nl")
        urls = [
            self.url,
            reverse("member_role", args=[self.org_a.uuid, bob.uuid]),
            reverse("member_remove", args=[self.org_a.uuid, bob.uuid]),
            reverse("member_invitation_cancel", args=[self.org_a.uuid, invitation.uuid]),
        ]
        for user, status in ((self.bob, 403), (self.carol, 403), (self.dave, 404)):
            self.client.force_login(user)
            for url in urls:
                assert self.client.post(url, {"email": "y@example.nl", "role": "beheerder"}).status_code == status
        assert self.membership(self.bob).role == Role.LEZER
        assert MemberInvitation.objects.filter(pk=invitation.pk).exists()

    def test_a_membership_of_another_organisation_is_404_through_this_one(self) -> None:
        dave = Membership.objects.get(user=self.dave)
        assert self.client.post(reverse("member_remove", args=[self.org_a.uuid, dave.uuid])).status_code == 404
        assert Membership.objects.filter(pk=dave.pk).exists()

    def test_every_form_needs_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        bob = self.membership(self.bob)
        assert client.post(self.url, {"email": "z@example.nl", "role": "lezer"}).status_code == 403
        assert client.post(reverse("member_remove", args=[self.org_a.uuid, bob.uuid])).status_code == 403
        assert not MemberInvitation.objects.exists()
        assert Membership.objects.filter(pk=bob.pk).exists()

    def test_names_and_addresses_are_escaped(self) -> None:
        self.bob.first_name = "<script>alert(1)</script>"
        self.bob.save()
        reply = self.client.get(self.url)
        self.assertNotContains(reply, "<script>alert(1)</script>")
        self.assertContains(reply, "&lt;script&gt;alert(1)&lt;/script&gt;")


class InstallationPagesTest(BaseTestCase):
    def test_staff_create_an_organisation_with_its_first_beheerder(self) -> None:
        staff = make_user("Stef", is_staff=True)
        self.client.force_login(staff)
        url = reverse("install_organisations")
        data = {
            "name": "CJG Nieuwdorp",
            "municipality": "Nieuwdorp",
            "region": "",
            "administrator_email": "nina@example.nl",
        }
        reply = self.client.post(url, data, follow=True)
        self.assertContains(reply, "CJG Nieuwdorp")
        organisation = Organisation.objects.get(name="CJG Nieuwdorp")
        invitation = MemberInvitation.objects.get(organisation=organisation)
        assert invitation.email == "nina@example.nl" and invitation.role == Role.BEHEERDER
        # An existing account becomes the beheerder at once.
        data = {"name": "CJG Tweedorp", "municipality": "", "region": "", "administrator_email": self.carol.email}
        self.client.post(url, data)
        assert Membership.objects.get(organisation__name="CJG Tweedorp").role == Role.BEHEERDER

    def test_others_get_403(self) -> None:
        self.client.force_login(self.alice)
        for name in ("install_organisations", "install_two_factor_reset"):
            assert self.client.get(reverse(name)).status_code == 403
            assert (
                self.client.post(reverse(name), {"name": "X", "administrator_email": "x@example.nl"}).status_code == 403
            )
        assert not Organisation.objects.filter(name="X").exists()


# The invitation e-mail through the real worker and a real SMTP server. The worker manages its own transactions,
# so these tests commit for real.


@pytest.fixture
def smtp(settings):  # type: ignore[no-untyped-def]
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield inbox


def invite(client: Client, organisation: Organisation, email: str, role: str = Role.COORDINATOR) -> None:
    reply = client.post(reverse("member_list", args=[organisation.uuid]), {"email": email, "role": role})
    assert reply.status_code == 302


def accept(client: Client, token: str) -> object:
    data = {"first_name": "Eva", "last_name": "de Vries", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(f"/uitnodiging/{token}/", data)


@pytest.mark.django_db(transaction=True)
def test_an_invited_colleague_sets_a_password_once_through_the_e_mailed_link(smtp, client: Client) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("Anke")
    organisation = make_organisation("CJG Mailstad")
    make_membership(admin, organisation, Role.BEHEERDER)
    client.force_login(admin)
    invite(client, organisation, "eva@example.nl")
    run_worker()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["X-Envelope-To"] == "eva@example.nl"
    assert "CJG Mailstad" in message["Subject"]
    text = body(message)
    assert "7 dagen" in text and "7 days" in text
    (token,) = set(INVITE_LINK.findall(text))
    invitation = MemberInvitation.objects.get()
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash

    visitor = Client()
    page = visitor.get(f"/uitnodiging/{token}/")
    assert page.status_code == 200 and "Kies je wachtwoord" in page.content.decode()
    assert MemberInvitation.objects.get().accepted_at is None  # opening the link changes nothing
    reply = accept(visitor, token)
    assert reply.status_code == 302 and reply["Location"] == f"/o/{organisation.uuid}/"
    membership = Membership.objects.get(user__email="eva@example.nl")
    assert membership.organisation == organisation and membership.role == Role.COORDINATOR
    assert membership.user.check_password(NEW_PASSWORD) and membership.user.first_name == "Eva"
    assert visitor.get(f"/o/{organisation.uuid}/").status_code == 200

    # Used once: the link now says so, and a second account cannot be made with it.
    again = Client()
    used = again.get(f"/uitnodiging/{token}/")
    assert used.status_code == 410 and "Deze uitnodiging is al gebruikt" in used.content.decode()
    assert accept(again, token).status_code == 410  # type: ignore[attr-defined]
    assert Membership.objects.filter(user__email="eva@example.nl").count() == 1
    assert Client().get("/uitnodiging/not-a-token-at-all-0123456789/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_expired_link_gives_a_clear_page_and_makes_no_account(smtp, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEMBER_INVITATION_DAYS = 3
    admin = make_user("Anke")
    organisation = make_organisation("CJG Mailstad")
    make_membership(admin, organisation, Role.BEHEERDER)
    client.force_login(admin)
    invite(client, organisation, "olaf@example.nl")
    run_worker()
    (token,) = set(INVITE_LINK.findall(body(smtp.messages[0])))
    invitation = MemberInvitation.objects.get()
    assert invitation.expires_at is not None and invitation.sent_at is not None
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=3)
    MemberInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    visitor = Client()
    page = visitor.get(f"/uitnodiging/{token}/")
    assert page.status_code == 410 and "Deze uitnodiging is verlopen" in page.content.decode()
    assert accept(visitor, token).status_code == 410  # type: ignore[attr-defined]
    assert not Membership.objects.filter(user__email="olaf@example.nl").exists()


@pytest.mark.django_db(transaction=True)
def test_an_existing_account_gets_a_note_not_a_password_link(smtp, client: Client) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("Anke")
    consultant = make_user("Karel")
    organisation = make_organisation("CJG Tweede")
    make_membership(admin, organisation, Role.BEHEERDER)
    client.force_login(admin)
    invite(client, organisation, consultant.email, Role.LEZER)
    run_worker()
    (message,) = smtp.messages
    assert message["X-Envelope-To"] == consultant.email
    assert "/uitnodiging/" not in body(message) and f"/o/{organisation.uuid}/" in body(message)
    consultant.refresh_from_db()
    assert consultant.check_password(PASSWORD)


class AdminInDutchTest(BaseTestCase):
    def test_the_remaining_admin_pages_name_things_in_dutch(self) -> None:
        root = make_user("Root", is_staff=True, is_superuser=True)
        self.client.force_login(root)
        page = self.client.get(reverse("admin:index")).content.decode()
        for name in ("Uitnodigingen voor leden", "Uitgezette tweestapsverificaties", "Inlogpogingen", "Taken"):
            assert name in page, name
        # Devices are set up by their owner and switched off through the recorded reset only.
        assert "TOTP" not in page
        assert "Inlogpogingen" in self.client.get("/beheer/axes/accessattempt/").content.decode()
