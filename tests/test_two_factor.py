"""Two-factor sign-in (django-otp TOTP) and the account page: set-up, the code after the password, recovery codes
(hashed, single use), the organisation's "required for beheerders", the lock-out on wrong codes, the reset by an
installation administrator (recorded), and the account's name, e-mail, password and language."""

import re
import time

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cjgscan.organisations import twofactor
from cjgscan.organisations.models import Profile, RecoveryCode, TwoFactorReset
from tests.base import BaseTestCase
from tests.factories import PASSWORD, make_user


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The code the phone shows now (offset in steps of 30 s)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def log_in(client: Client, user: object, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": user.email, "password": password})  # type: ignore[attr-defined]


class TwoFactorTest(BaseTestCase):
    def set_up_device(self, user: object) -> tuple[TOTPDevice, list[str]]:
        device = twofactor.unconfirmed_device(user)
        codes = twofactor.do_confirm_device(device, code_for(device))
        assert codes is not None
        device.refresh_from_db()
        # The code just used cannot be used again (replay protection): later steps in the tests use the next one.
        device.last_t = -1
        device.save(update_fields=["last_t"])
        return device, codes

    def test_set_up_from_the_account_page_shows_a_qr_code_and_the_recovery_codes_once(self) -> None:
        self.client.force_login(self.alice)
        account = self.client.get(reverse("account"))
        self.assertContains(account, reverse("two_factor_setup"))
        page = self.client.get(reverse("two_factor_setup"))
        self.assertContains(page, "<svg")
        self.assertContains(page, 'role="img"')
        device = TOTPDevice.objects.get(user=self.alice, confirmed=False)
        wrong = self.client.post(
            reverse("two_factor_setup"), {"code": "000000" if code_for(device) != "000000" else "111111"}
        )
        self.assertContains(wrong, "Die code klopt niet")
        device.refresh_from_db()
        device.throttle_reset()  # django-otp's back-off after a wrong code; the phone user waits a second
        reply = self.client.post(reverse("two_factor_setup"), {"code": code_for(device)})
        self.assertContains(reply, "Je herstelcodes")
        codes = re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", reply.content.decode())
        assert len(codes) == 10 and all(len(c) == 11 for c in codes), codes
        assert TOTPDevice.objects.get(user=self.alice).confirmed
        # Stored only as hashes; the page after does not show them again.
        stored = set(RecoveryCode.objects.filter(user=self.alice).values_list("code_hash", flat=True))
        assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
        self.assertNotContains(self.client.get(reverse("account")), codes[0])

    def test_after_the_password_the_code_is_asked_and_only_then_the_user_is_logged_in(self) -> None:
        device, _codes = self.set_up_device(self.alice)
        reply = log_in(self.client, self.alice)
        self.assertRedirects(reply, reverse("login_code"), fetch_redirect_response=False)
        assert "_auth_user_id" not in self.client.session
        assert self.client.get(reverse("home")).status_code == 302  # still not in
        self.assertContains(self.client.post(reverse("login_code"), {"code": "ABCDE-FGHJK"}), "Die code klopt niet")
        assert "_auth_user_id" not in self.client.session
        reply = self.client.post(reverse("login_code"), {"code": code_for(device)})
        assert reply.status_code == 302 and reply["Location"] == reverse("home")
        assert self.client.session["_auth_user_id"] == str(self.alice.pk)

    def test_a_recovery_code_works_once(self) -> None:
        _device, codes = self.set_up_device(self.alice)
        log_in(self.client, self.alice)
        reply = self.client.post(reverse("login_code"), {"code": codes[0].lower().replace("-", " ")})
        assert reply.status_code == 302 and "_auth_user_id" in self.client.session
        assert RecoveryCode.objects.filter(user=self.alice).count() == 9
        other = Client()
        log_in(other, self.alice)
        self.assertContains(other.post(reverse("login_code"), {"code": codes[0]}), "Die code klopt niet")
        assert "_auth_user_id" not in other.session
        # Another user's code does not work for Alice either.
        _bobs, bob_codes = self.set_up_device(self.bob)
        self.assertContains(other.post(reverse("login_code"), {"code": bob_codes[0]}), "Die code klopt niet")

    def test_the_code_step_expires(self) -> None:
        device, _codes = self.set_up_device(self.alice)
        log_in(self.client, self.alice)
        session = self.client.session
        session[twofactor.PENDING_KEY] = {**session[twofactor.PENDING_KEY], "at": time.time() - 301}
        session.save()
        reply = self.client.post(reverse("login_code"), {"code": code_for(device)})
        self.assertRedirects(reply, reverse("login"), fetch_redirect_response=False)
        assert "_auth_user_id" not in self.client.session
        assert self.client.get(reverse("login_code")).status_code == 302

    def test_wrong_codes_lock_the_account_like_wrong_passwords(self) -> None:
        device, codes = self.set_up_device(self.alice)
        client = Client(REMOTE_ADDR="203.0.113.20")
        log_in(client, self.alice)
        statuses = []
        for n in range(settings.AXES_FAILURE_LIMIT):
            # Recovery-code-shaped guesses: django-otp's own throttle (for digit codes) does not step in first.
            statuses.append(client.post(reverse("login_code"), {"code": f"AAAAA-AAAA{n}"}).status_code)
        assert statuses[-1] == 429 and set(statuses[:-1]) == {200}, statuses
        # Now locked: neither a right code nor the right password gets in, from this client or another one.
        assert client.post(reverse("login_code"), {"code": codes[1]}).status_code in (302, 429)
        assert "_auth_user_id" not in client.session
        other = Client(REMOTE_ADDR="203.0.113.21")
        reply = log_in(other, self.alice)
        assert reply.status_code == 429 or reply.get("Location") == reverse("login_code")
        if reply.status_code != 429:
            assert other.post(reverse("login_code"), {"code": code_for(device)}).status_code == 429
        assert "_auth_user_id" not in other.session

    def test_digit_codes_are_throttled_by_django_otp_too(self) -> None:
        device, _codes = self.set_up_device(self.alice)
        assert not twofactor.verify(self.alice, "000000" if code_for(device) != "000000" else "111111")
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        # Right after a failure even the right code is refused until the back-off has passed, and the page says so.
        assert not twofactor.verify(self.alice, code_for(device))
        log_in(self.client, self.alice)
        self.assertContains(
            self.client.post(reverse("login_code"), {"code": code_for(device)}), "Wacht een paar seconden"
        )

    def test_required_for_beheerders_sends_them_to_set_up_until_done(self) -> None:
        self.org_a.two_factor_required = True
        self.org_a.save()
        reply = log_in(self.client, self.alice)
        self.assertRedirects(reply, reverse("two_factor_setup"), fetch_redirect_response=False)
        org_page = reverse("organisation_home", args=[self.org_a.uuid])
        self.assertRedirects(self.client.get(org_page), reverse("two_factor_setup"), fetch_redirect_response=False)
        page = self.client.get(reverse("two_factor_setup"))
        self.assertContains(page, "Je organisatie verplicht tweestapsverificatie voor beheerders")
        device = TOTPDevice.objects.get(user=self.alice)
        self.client.post(reverse("two_factor_setup"), {"code": code_for(device)})
        assert self.client.get(org_page).status_code == 200
        # Switching it off is refused while the organisation requires it.
        reply = self.client.post(reverse("two_factor_disable"), {"password": PASSWORD}, follow=True)
        self.assertContains(reply, "Je organisatie verplicht tweestapsverificatie voor beheerders.")
        assert TOTPDevice.objects.filter(user=self.alice, confirmed=True).exists()

    def test_required_is_only_for_beheerders_and_only_of_that_organisation(self) -> None:
        self.org_a.two_factor_required = True
        self.org_a.save()
        for user in (self.bob, self.carol, self.dave):  # lezer, coordinator of A (beheerder of B), beheerder of C
            client = Client()
            reply = log_in(client, user)
            assert reply["Location"] == reverse("home"), (user, reply["Location"])

    def test_the_organisation_setting_is_changed_by_its_beheerder(self) -> None:
        self.client.force_login(self.alice)
        data = {"name": "CJG Aadorp", "municipality": "Aadorp", "region": "", "two_factor_required": "on"}
        self.client.post(reverse("organisation_edit", args=[self.org_a.uuid]), data)
        self.org_a.refresh_from_db()
        assert self.org_a.two_factor_required

    def test_switching_off_needs_the_password(self) -> None:
        self.set_up_device(self.alice)
        self.client.force_login(self.alice)
        self.assertContains(
            self.client.post(reverse("two_factor_disable"), {"password": "nope"}), "Dat is niet je wachtwoord"
        )
        assert TOTPDevice.objects.filter(user=self.alice).exists()
        self.client.post(reverse("two_factor_disable"), {"password": PASSWORD})
        assert not TOTPDevice.objects.filter(user=self.alice).exists()
        assert not RecoveryCode.objects.filter(user=self.alice).exists()

    def test_an_installation_administrator_resets_it_and_who_when_is_kept(self) -> None:
        self.set_up_device(self.alice)
        staff = make_user("Stef", is_staff=True)
        self.client.force_login(staff)
        reply = self.client.post(reverse("install_two_factor_reset"), {"email": self.alice.email}, follow=True)
        self.assertContains(reply, self.alice.email)
        assert not TOTPDevice.objects.filter(user=self.alice).exists()
        assert not RecoveryCode.objects.filter(user=self.alice).exists()
        reset = TwoFactorReset.objects.get()
        assert reset.user == self.alice and reset.reset_by == staff and reset.reset_at is not None
        # Alice logs in with her password alone again.
        assert log_in(Client(), self.alice)["Location"] == reverse("home")
        self.assertContains(
            self.client.post(reverse("install_two_factor_reset"), {"email": "nobody@example.nl"}),
            "Er is geen account met dit e-mailadres",
        )

    def test_the_pages_need_a_login_and_the_csrf_token(self) -> None:
        for name in ("account", "two_factor_setup", "two_factor_disable", "password_change"):
            assert Client().get(reverse(name)).status_code == 302
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        assert client.post(reverse("account"), {"first_name": "X", "email": "x@example.nl"}).status_code == 403
        assert client.post(reverse("account_language"), {"language": "en"}).status_code == 403


class AccountPageTest(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_name_and_e_mail_are_changed_and_the_new_address_logs_in(self) -> None:
        data = {"first_name": "Alies", "last_name": "Jansen", "email": "alies@example.nl"}
        self.assertRedirects(self.client.post(reverse("account"), data), reverse("account"))
        self.alice.refresh_from_db()
        assert (self.alice.first_name, self.alice.email, self.alice.username) == (
            "Alies",
            "alies@example.nl",
            "alies@example.nl",
        )
        assert log_in(Client(), self.alice).status_code == 302

    def test_an_address_of_another_account_is_refused(self) -> None:
        reply = self.client.post(reverse("account"), {"first_name": "A", "email": self.bob.email.upper()})
        self.assertContains(reply, "Een ander account gebruikt dit e-mailadres al")

    def test_password_change_through_djangos_view(self) -> None:
        new = "another long password 77"
        data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        self.assertRedirects(self.client.post(reverse("password_change"), data), reverse("account"))
        self.alice.refresh_from_db()
        assert self.alice.check_password(new)
        assert self.client.get(reverse("account")).status_code == 200  # still logged in

    def test_the_language_is_stored_and_applied_at_the_next_login(self) -> None:
        reply = self.client.post(reverse("account_language"), {"language": "en"})
        assert reply.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert Profile.objects.get(user=self.alice).language == "en"
        fresh = Client()  # another browser, without the cookie
        reply = log_in(fresh, self.alice)
        assert reply.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        self.assertContains(fresh.get(reverse("account")), "Your account")

    def test_output_is_escaped(self) -> None:
        self.alice.first_name = '"><script>x()</script>'
        self.alice.save()
        reply = self.client.get(reverse("account"))
        self.assertNotContains(reply, "<script>x()</script>")


class NewPhoneTest(BaseTestCase):
    set_up_device = TwoFactorTest.set_up_device

    def test_the_old_app_works_until_the_new_one_is_confirmed_and_a_code_works_once(self) -> None:
        old, old_codes = self.set_up_device(self.alice)
        new = twofactor.unconfirmed_device(self.alice)
        assert new.pk != old.pk and twofactor.confirmed_device(self.alice) == old
        assert twofactor.verify(self.alice, code_for(old))
        assert not twofactor.verify(self.alice, code_for(old))  # the same code a second time
        new_codes = twofactor.do_confirm_device(new, code_for(new))
        assert new_codes is not None and set(new_codes).isdisjoint(old_codes)
        assert list(TOTPDevice.objects.filter(user=self.alice)) == [new]
        assert not twofactor.use_recovery_code(self.alice, old_codes[0])
