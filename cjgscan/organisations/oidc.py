"""Sign-in for municipalities with OpenID Connect (e.g. a municipality's Entra ID), off unless configured.

mozilla-django-oidc does the protocol: state, nonce and PKCE in the session, the code exchanged at the token
endpoint, the ID token's signature checked against the provider's keys (JWKS). We add what it leaves open or that
is ours to decide (docs/deploy.md):

- the ID token's issuer, audience and expiry are checked (the library checks none of them);
- a member is found by the *verified* e-mail address, case-insensitively, among active accounts; nobody is ever
  created or linked to an address we do not know, and the person is told in words what went wrong;
- after it, the same rules as after a password (cjgscan.organisations.twofactor): a code from the app when the
  account has one, the set-up page for beheerders whose organisation requires it; unless the provider says it did
  multi-factor itself (an `amr` or `acr` value the installation trusts, OIDC_MFA_AMR / OIDC_MFA_ACR);
- a failure here is not a guessed password: it does not count towards the lock-out (django-axes).
"""

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.checks import Tags, Warning, register
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cjgscan.organisations import twofactor

logger = logging.getLogger(__name__)

REFUSALS = {
    "unknown": _("There is no account with this e-mail address; ask your administrator for an invitation."),
    "unverified": _(
        "Your municipality account did not confirm your e-mail address, so it cannot sign you in here. Log in with "
        "your e-mail address and password, or ask your administrator."
    ),
    "several": _(
        "Several accounts have this e-mail address, so it cannot sign you in; ask your administrator to sort it out."
    ),
    "failed": _(
        "Signing in with your municipality account did not work. Try again, or log in with your e-mail address and "
        "password."
    ),
}


def enabled() -> bool:
    return bool(settings.OIDC_ENABLED)


def button_label() -> str:
    """The text of the button on the login page; empty when the sign-in is off."""
    if not enabled():
        return ""
    return settings.OIDC_BUTTON_LABEL or str(_("Log in with your municipality account"))


def not_a_password_attempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: the provider's callback is not counted as a login attempt.

    The lock-out is against guessing passwords and codes; here nothing is guessed (the provider checked the person),
    and a refused callback has no username, so axes would otherwise count it under the client address alone.
    """
    return request.path == reverse("oidc_callback")


def refuse(request: HttpRequest, reason: str, detail: str) -> None:
    request.oidc_refusal = reason  # type: ignore[attr-defined]
    logger.warning("OpenID Connect sign-in refused (%s): %s", reason, detail)


def audiences(payload: dict[str, Any]) -> list[str]:
    aud = payload.get("aud")
    return [aud] if isinstance(aud, str) else list(aud or [])


class MemberBackend(OIDCAuthenticationBackend):
    """Finds the existing member for the provider's verified e-mail address; never makes an account."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view passes a nonce; a password login (even with ?code=&state= in its URL) never
        # reaches the provider.
        if request is None or "nonce" not in kwargs or not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature (and the nonce); the rest of OpenID Connect's ID token rules here."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.PyJWTError as error:
            # The library turns only a bad signature into SuspiciousOperation; an expired token is PyJWT's own error.
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        if "nonce" not in kwargs:
            return payload  # a signed userinfo answer (the library's get_userinfo), not the ID token
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation(f"ID token from issuer {payload.get('iss')!r}, not {settings.OIDC_OP_ISSUER!r}")
        client_id = settings.OIDC_RP_CLIENT_ID
        if client_id not in audiences(payload):
            raise SuspiciousOperation(f"ID token for audience {payload.get('aud')!r}, not this client")
        if len(audiences(payload)) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation("ID token for several audiences without this client as its azp")
        if not isinstance(payload.get("exp"), int | float):
            # PyJWT rejects an expired token, but only when it has an expiry at all.
            raise SuspiciousOperation("ID token without an expiry")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = dict(payload)
        if settings.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                # OpenID Connect Core 5.3.2: userinfo about someone else must not be used.
                refuse(self.request, "failed", "userinfo sub differs from the ID token's")
                return None
            claims = {**userinfo, **payload}  # the signed ID token wins where both say something
        self.request.oidc_claims = claims
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            refuse(self.request, "unverified", "no e-mail address in the claims")
            return None
        # Entra ID sends no email_verified; its optional claim xms_edov says the same (the domain owner verified it).
        verified = claims.get("email_verified", claims.get("xms_edov"))
        if isinstance(verified, str):  # a few providers send "true"/"false" as text
            verified = {"true": True, "false": False}.get(verified.strip().lower())
        if verified is False or (verified is not True and not settings.OIDC_EMAIL_VERIFIED_BY_ISSUER):
            refuse(self.request, "unverified", f"email_verified is {verified!r}")
            return None
        users = list(get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)[:2])
        if len(users) != 1:
            refuse(self.request, "several" if users else "unknown", f"{len(users)} active accounts for the address")
            return None
        return users[0]


def multi_factor_done(claims: dict[str, Any]) -> bool:
    """The provider says it asked for more than a password, in a way this installation trusts."""
    amr = claims.get("amr")
    methods = {method for method in (amr if isinstance(amr, list) else [amr]) if isinstance(method, str)}
    return bool(methods & set(settings.OIDC_MFA_AMR)) or claims.get("acr") in settings.OIDC_MFA_ACR


class LoginView(OIDCAuthenticationRequestView):
    """The button on the login page: off to the provider, with state, nonce and PKCE kept in the session; `next`
    only when it is an address on this site (the library's check, Django's url_has_allowed_host_and_scheme)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: signed in (or on to the code step), or back on the login page with the reason."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            return super().dispatch(request, *args, **kwargs)
        except (SuspiciousOperation, requests.RequestException, ValueError) as error:
            # A forged or replayed answer, a token that does not check out, a provider that is down.
            refuse(request, "failed", str(error))
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "oidc_refusal", "failed")
        messages.error(self.request, REFUSALS[reason])
        return redirect("login")

    def login_success(self) -> HttpResponse:
        claims = getattr(self.request, "oidc_claims", {})
        next_url = self.success_url
        if multi_factor_done(claims):
            return twofactor.finish(self.request, self.user, next_url, second_factor=True)
        return twofactor.start(self.request, self.user, self.user.get_username(), next_url)


ENDPOINTS = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)


@register(Tags.security, deploy=True)
def check_provider_over_https(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """`cjgscan check --deploy`: the client secret, the codes and the keys that sign tokens travel only over HTTPS."""
    if not enabled():
        return []
    plain = [
        name for name in ENDPOINTS if getattr(settings, name) and not getattr(settings, name).startswith("https://")
    ]
    if not plain:
        return []
    return [
        Warning(
            f"{', '.join(plain)} should be https:// addresses: the client secret, codes and signing keys go there.",
            id="cjgscan.organisations.W001",
        )
    ]
