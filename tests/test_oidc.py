"""Sign-in for municipalities with OpenID Connect, against a real provider on the loopback (tests/oidc_provider.py):
the library (mozilla-django-oidc) talks HTTP to it for the token, the keys and userinfo, as it would to Entra ID.

A verified e-mail address signs in the existing member it belongs to (any case); an unknown or unverified one is
refused with a message and makes no account; a token with a bad signature, audience, issuer, nonce or expiry is
refused; so are a replayed or foreign callback and a wrong PKCE verifier; `next` leads only to this site; off (no
button, 404) unless configured; after it the two-factor rules of a password sign-in, unless the provider's own
multi-factor is trusted by setting; refusals do not count towards the lock-out.
"""

import http.client
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from cjgscan.organisations import twofactor
from tests.base import BaseTestCase
from tests.factories import PASSWORD, make_user
from tests.oidc_provider import Provider
from tests.served import free_port
from tests.test_production import DOCUMENTED, cjgscan
from tests.test_settings_and_cli import run
from tests.test_two_factor import code_for

UNKNOWN = "Er is geen account met dit e-mailadres; vraag je beheerder om een uitnodiging."
UNVERIFIED = "Je gemeente-account heeft je e-mailadres niet bevestigd"
FAILED = "Inloggen met je gemeente-account is niet gelukt."


def provider_redirect(url: str) -> str:
    """Follow the browser's visit to the provider: where it sends the browser back to."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        reply = connection.getresponse()
        reply.read()
    finally:
        connection.close()
    assert reply.status == 302, reply.status
    return reply.getheader("Location") or ""


class OidcTestCase(BaseTestCase):
    provider: Provider

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.provider = cls.enterClassContext(Provider())

    def setUp(self) -> None:
        self.enterContext(override_settings(**self.provider.settings()))

    def start(self, client: Client, next_url: str | None = None) -> str:
        """The button: to the provider and back; returns the callback URL the provider sent the browser to."""
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        start = client.get(reverse("oidc_login") + query)
        assert start.status_code == 302
        assert start["Location"].startswith(f"{self.provider.issuer}/authorize?"), start["Location"]
        back = urlsplit(provider_redirect(start["Location"]))
        assert back.path == reverse("oidc_callback")
        return f"{back.path}?{back.query}"

    def sign_in(self, address: str, next_url: str | None = None, **claims: object) -> HttpResponse:
        self.provider.sign_in_as(address, **claims)
        return self.client.get(self.start(self.client, next_url))

    def assert_signed_in_as(self, user: object) -> None:
        assert self.client.session.get("_auth_user_id") == str(user.pk)  # type: ignore[attr-defined]

    def assert_refused(self, reply: HttpResponse, message: str, client: Client | None = None) -> None:
        client = client or self.client
        assert reply.status_code == 302 and reply["Location"] == reverse("login"), (reply.status_code, reply)
        assert "_auth_user_id" not in client.session
        self.assertContains(client.get(reverse("login")), message)


class SignInTests(OidcTestCase):
    def test_a_verified_address_signs_in_its_member_whatever_the_case(self) -> None:
        reply = self.sign_in("ALICE@Example.NL")
        assert reply.status_code == 302 and reply["Location"] == reverse("home"), reply
        self.assert_signed_in_as(self.alice)
        # The library sent state, nonce and a PKCE challenge (S256), and the provider checked the verifier.
        sent = self.provider.seen[-1]
        assert sent["code_challenge_method"] == "S256" and len(sent["state"]) >= 32 and len(sent["nonce"]) >= 32
        assert sent["redirect_uri"] == "http://testserver/inloggen/gemeente/terug/"
        assert sent["scope"] == "openid email profile"
        # As long as a password login, and signing out is ours alone: the provider hears nothing of it.
        assert self.client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
        seen = len(self.provider.seen)
        assert self.client.post(reverse("logout"))["Location"] == reverse("login")
        assert "_auth_user_id" not in self.client.session and len(self.provider.seen) == seen

    def test_the_id_token_alone_is_enough_without_a_userinfo_endpoint(self) -> None:
        with override_settings(OIDC_OP_USER_ENDPOINT=""):
            self.sign_in(self.bob.email)
        self.assert_signed_in_as(self.bob)

    def test_next_leads_only_to_this_site(self) -> None:
        own = reverse("organisation_home", args=[self.org_a.uuid])
        assert self.sign_in(self.alice.email, next_url=own)["Location"] == own
        for elsewhere in ("https://evil.example/", "//evil.example/o/", "http://testserver.evil.example/"):
            self.client.logout()
            with self.subTest(next=elsewhere):
                assert self.sign_in(self.alice.email, next_url=elsewhere)["Location"] == reverse("home")

    def test_an_unknown_address_is_refused_with_a_message_and_no_account_is_made(self) -> None:
        users = get_user_model().objects.count()
        self.assert_refused(self.sign_in("nieuw@example.nl"), UNKNOWN)
        assert get_user_model().objects.count() == users

    def test_an_inactive_account_is_refused_like_an_unknown_one(self) -> None:
        gone = make_user("Gerrit", is_active=False)
        self.assert_refused(self.sign_in(gone.email), UNKNOWN)

    def test_an_address_of_two_accounts_signs_in_neither(self) -> None:
        get_user_model().objects.create_user(username="ALICE@EXAMPLE.NL", email="ALICE@EXAMPLE.NL")
        self.assert_refused(self.sign_in(self.alice.email), "Er zijn meerdere accounts met dit e-mailadres")

    def test_an_unverified_address_is_refused(self) -> None:
        self.assert_refused(self.sign_in(self.alice.email, email_verified=False), UNVERIFIED)
        self.assert_refused(self.sign_in(self.alice.email, email_verified="false"), UNVERIFIED)
        # No claim at all: refused, unless the installation trusts this issuer to set the addresses.
        self.assert_refused(self.sign_in(self.alice.email, email_verified=None), UNVERIFIED)
        self.assert_refused(self.sign_in(self.alice.email, email_verified=None, xms_edov=False), UNVERIFIED)
        with override_settings(OIDC_EMAIL_VERIFIED_BY_ISSUER=True):
            self.assert_refused(self.sign_in(self.alice.email, email_verified=False), UNVERIFIED)
            self.sign_in(self.alice.email, email_verified=None)
        self.assert_signed_in_as(self.alice)

    def test_entra_ids_domain_owner_verified_claim_counts_as_verified(self) -> None:
        self.sign_in(self.alice.email, email_verified=None, xms_edov=True)
        self.assert_signed_in_as(self.alice)

    def test_no_email_claim_is_refused(self) -> None:
        self.assert_refused(self.sign_in(self.alice.email, email=None), UNVERIFIED)

    def test_tokens_that_do_not_check_out_are_refused(self) -> None:
        refused = ["signature", "audience", "issuer", "nonce", "expired", "no_expiry", "audiences_without_azp"]
        for tampering in [*refused, "userinfo_sub", "denied"]:
            with self.subTest(tampering=tampering):
                self.provider.sign_in_as(self.alice.email)
                self.provider.tamper = {tampering}
                self.assert_refused(self.client.get(self.start(self.client)), FAILED)
        # Several audiences are allowed when we are the authorized party (OpenID Connect Core 3.1.3.7).
        self.provider.sign_in_as(self.alice.email)
        self.provider.tamper = {"audiences_with_azp"}
        self.client.get(self.start(self.client))
        self.assert_signed_in_as(self.alice)

    def test_a_provider_that_cannot_be_reached_is_a_message_not_a_500(self) -> None:
        self.provider.sign_in_as(self.alice.email)
        callback = self.start(self.client)
        with override_settings(OIDC_OP_TOKEN_ENDPOINT=f"http://127.0.0.1:{free_port()}/token", OIDC_TIMEOUT=2):
            self.assert_refused(self.client.get(callback), FAILED)

    def test_a_wrong_pkce_verifier_is_refused_by_the_provider(self) -> None:
        self.provider.sign_in_as(self.alice.email)
        callback = self.start(self.client)
        session = self.client.session
        for state in session["oidc_states"].values():
            state["code_verifier"] = "x" * 64
        session.save()
        self.assert_refused(self.client.get(callback), FAILED)

    def test_a_callback_works_once_and_only_in_the_session_that_started_it(self) -> None:
        """Login CSRF: an attacker's own callback link, opened by someone else, signs nobody in."""
        attacker = Client()
        self.provider.sign_in_as(self.dave.email)
        foreign = self.start(attacker)
        self.assert_refused(self.client.get(foreign), FAILED)
        self.provider.sign_in_as(self.alice.email)
        callback = self.start(self.client)
        self.client.get(callback)
        self.assert_signed_in_as(self.alice)
        self.client.logout()
        self.assert_refused(self.client.get(callback), FAILED)

    def test_a_password_login_never_reaches_the_provider(self) -> None:
        seen, tokens = len(self.provider.seen), len(self.provider.tokens)
        reply = self.client.post(
            reverse("login") + "?code=abc&state=def", {"username": self.bob.email, "password": PASSWORD}
        )
        assert reply.status_code == 302
        self.assert_signed_in_as(self.bob)
        assert (len(self.provider.seen), len(self.provider.tokens)) == (seen, tokens)

    def test_refusals_do_not_count_towards_the_lock_out(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            self.sign_in("onbekend@example.nl")
        assert AccessAttempt.objects.count() == 0
        # Wrong passwords lock the address for passwords; the municipality's sign-in checked the person itself.
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.client.post(reverse("login"), {"username": self.bob.email, "password": "fout wachtwoord"})
        locked = self.client.post(reverse("login"), {"username": self.bob.email, "password": PASSWORD})
        assert locked.status_code == 429
        self.sign_in(self.bob.email)
        self.assert_signed_in_as(self.bob)


class ButtonTests(OidcTestCase):
    def test_the_login_page_shows_the_button_with_next(self) -> None:
        page = self.client.get(reverse("login") + "?next=/o/")
        self.assertContains(page, "Inloggen met je gemeente-account")
        self.assertContains(page, f'href="{reverse("oidc_login")}?next=/o/"')
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(self.client.get(reverse("login")), "Log in with your municipality account")
        with override_settings(OIDC_BUTTON_LABEL="Inloggen met je Aadorp-account"):
            self.assertContains(self.client.get(reverse("login")), "Inloggen met je Aadorp-account")

    def test_the_two_urls_take_only_get_and_post_needs_the_csrf_token(self) -> None:
        for name in ("oidc_login", "oidc_callback"):
            assert self.client.post(reverse(name)).status_code == 405
            assert Client(enforce_csrf_checks=True).post(reverse(name)).status_code == 403

    def test_off_unless_configured_no_button_and_404(self) -> None:
        seen = len(self.provider.seen)
        with override_settings(OIDC_ENABLED=False):
            page = self.client.get(reverse("login"))
            self.assertNotContains(page, reverse("oidc_login"))
            self.assertNotContains(page, "gemeente-account")
            assert self.client.get(reverse("oidc_login")).status_code == 404
            assert self.client.get(reverse("oidc_callback") + "?code=abc&state=def").status_code == 404
        assert len(self.provider.seen) == seen


class TwoFactorAfterSignInTests(OidcTestCase):
    def confirm_device(self, user: object) -> object:
        device = twofactor.unconfirmed_device(user)
        assert twofactor.do_confirm_device(device, code_for(device)) is not None
        device.refresh_from_db()
        device.last_t = -1  # the set-up's code may be used once more here
        device.save(update_fields=["last_t"])
        return device

    def test_an_account_with_an_app_is_asked_for_its_code_after_the_provider(self) -> None:
        device = self.confirm_device(self.alice)
        reply = self.sign_in(self.alice.email, amr=["pwd"])
        assert reply["Location"] == reverse("login_code")
        assert "_auth_user_id" not in self.client.session
        reply = self.client.post(reverse("login_code"), {"code": code_for(device)})  # type: ignore[arg-type]
        assert reply["Location"] == reverse("home")
        self.assert_signed_in_as(self.alice)

    def test_the_code_step_after_it_still_refuses_a_locked_address(self) -> None:
        self.confirm_device(self.bob)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.client.post(reverse("login"), {"username": self.bob.email, "password": "fout wachtwoord"})
        assert self.sign_in(self.bob.email)["Location"] == reverse("login_code")
        assert self.client.get(reverse("login_code")).status_code == 429
        assert "_auth_user_id" not in self.client.session

    def test_a_beheerder_who_must_have_two_factor_is_sent_to_set_it_up(self) -> None:
        self.org_a.two_factor_required = True
        self.org_a.save(update_fields=["two_factor_required"])
        reply = self.sign_in(self.alice.email)
        assert reply["Location"] == reverse("two_factor_setup")
        assert self.client.get(reverse("organisation_home", args=[self.org_a.uuid]))["Location"] == reverse(
            "two_factor_setup"
        )

    def test_the_providers_multi_factor_counts_only_when_trusted_by_setting(self) -> None:
        self.org_a.two_factor_required = True
        self.org_a.save(update_fields=["two_factor_required"])
        self.confirm_device(self.carol)
        # Not trusted (the default): the provider's claim changes nothing.
        assert self.sign_in(self.alice.email, amr=["pwd", "mfa"])["Location"] == reverse("two_factor_setup")
        self.client.logout()
        with override_settings(OIDC_MFA_AMR=["mfa"], OIDC_MFA_ACR=["http://schemas.example/mfa"]):
            assert self.sign_in(self.alice.email, amr=["pwd", "mfa"])["Location"] == reverse("home")
            assert self.client.get(reverse("organisation_home", args=[self.org_a.uuid])).status_code == 200
            self.client.logout()
            assert self.sign_in(self.carol.email, acr="http://schemas.example/mfa")["Location"] == reverse("home")
            self.assert_signed_in_as(self.carol)
            self.client.logout()
            # A sign-in with only a password at the provider: our own code after all.
            assert self.sign_in(self.carol.email, amr=["pwd"])["Location"] == reverse("login_code")
            assert self.sign_in(self.alice.email, amr="pwd")["Location"] == reverse("two_factor_setup")


class DiscoveryTests(OidcTestCase):
    def test_oidc_discover_prints_the_settings(self) -> None:
        out = StringIO()
        call_command("oidc_discover", self.provider.issuer, stdout=out)
        lines = out.getvalue().splitlines()
        expected = self.provider.settings()
        for name in ("OIDC_OP_ISSUER", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"):
            assert f"{name}={expected[name]}" in lines
        assert f"OIDC_OP_JWKS_ENDPOINT={expected['OIDC_OP_JWKS_ENDPOINT']}" in lines

    def test_oidc_discover_refuses_a_document_for_another_issuer(self) -> None:
        other = self.provider.issuer.replace("127.0.0.1", "localhost")
        with pytest.raises(CommandError, match="names the issuer"):
            call_command("oidc_discover", other, stdout=StringIO())


def test_a_client_id_without_the_rest_stops_the_start(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, SECRET_KEY="x" * 40, OIDC_RP_CLIENT_ID="cjgscan")
    assert result.returncode != 0
    assert "also set OIDC_RP_CLIENT_SECRET, OIDC_OP_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr


def test_check_deploy_wants_the_provider_over_https(tmp_path: Path) -> None:
    issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000"
    configured = {
        "OIDC_RP_CLIENT_ID": "cjgscan",
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_OP_ISSUER": f"{issuer}/v2.0",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{issuer}/oauth2/v2.0/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{issuer}/oauth2/v2.0/token",
        "OIDC_OP_JWKS_ENDPOINT": f"{issuer}/discovery/v2.0/keys",
    }
    clean = cjgscan(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **DOCUMENTED, **configured)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    configured["OIDC_OP_TOKEN_ENDPOINT"] = "http://idp.example.nl/token"
    plain = cjgscan(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **DOCUMENTED, **configured)
    assert plain.returncode != 0
    assert "cjgscan.organisations.W001" in plain.stderr and "OIDC_OP_TOKEN_ENDPOINT" in plain.stderr
