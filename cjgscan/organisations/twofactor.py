"""Two-factor sign-in: a time-based code from an app (django-otp's TOTP device) and single-use recovery codes.

After the password the user is not logged in yet: the session only remembers who is half-way (for a few minutes)
until the code is right. Wrong codes count as failed logins for the lock-out (django-axes), exactly like wrong
passwords, so guessing codes is limited as much as guessing passwords.
"""

import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cjgscan.lib.tokens import keyed_hash
from cjgscan.organisations.models import Membership, Profile, RecoveryCode, Role, TwoFactorReset

PENDING_KEY = "two_factor_pending"
SETUP_REQUIRED_KEY = "two_factor_setup_required"
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: codes are typed from paper.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def unconfirmed_device(user: Any) -> TOTPDevice:
    """The device being set up: one per user, kept until it is confirmed or replaced."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    return device


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _recovery_hash(user: Any, code: str) -> str:
    # Keyed with the secret key: a copy of the database alone cannot try the 50-bit codes offline.
    return keyed_hash("recovery-code", f"{user.pk}:{_normalise(code)}")


def new_recovery_codes(user: Any) -> list[str]:
    """Fresh codes (the old ones stop working); returned once to show, stored only as hashes."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_recovery_hash(user, c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def use_recovery_code(user: Any, code: str) -> bool:
    """True once per code: the matching row is deleted, and only one of two parallel requests deletes it."""
    if len(_normalise(code)) != 10:
        return False
    deleted, _ = RecoveryCode.objects.filter(user=user, code_hash=_recovery_hash(user, code)).delete()
    return deleted > 0


def verify(user: Any, code: str) -> bool:
    """A code from the app (6 digits, with django-otp's own throttling and replay protection) or a recovery code."""
    code = "".join(code.split())
    if code.isdigit():
        device = confirmed_device(user)
        return device is not None and bool(device.verify_token(code))
    return use_recovery_code(user, code)


def throttled(device: TOTPDevice | None) -> bool:
    """django-otp waits 1, 2, 4, ... seconds after each wrong code before it tries the next one at all."""
    return device is not None and not device.verify_is_allowed()[0]


def do_confirm_device(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the set-up with a code from the app; returns the new recovery codes, or None for a wrong code."""
    if not device.verify_token("".join(code.split())):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_recovery_codes(device.user)


def do_disable(user: Any) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def do_reset(user: Any, reset_by: Any) -> None:
    """Lost phone: an installation administrator switches it off; who and when is kept."""
    with transaction.atomic():
        do_disable(user)
        TwoFactorReset.objects.create(user=user, reset_by=reset_by)


def required_for(user: Any) -> bool:
    """Administrators of an organisation that requires two-factor sign-in must have it."""
    return Membership.objects.filter(user=user, role=Role.BEHEERDER, organisation__two_factor_required=True).exists()


# Signing in


def start(request: HttpRequest, user: Any, username: str, next_url: str) -> HttpResponse:
    """After a right password: log in at once, or first ask for the code."""
    if confirmed_device(user) is None:
        return finish(request, user, next_url)
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "username": username, "at": time.time(), "next": next_url}
    return redirect("login_code")


def pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """Who is half-way through signing in; nobody once the few minutes for the code have passed."""
    state = request.session.get(PENDING_KEY)
    if not state or time.time() - state["at"] > settings.TWO_FACTOR_STEP_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=state["user"], is_active=True).first()
    return (user, state) if user is not None else None


def failed(request: HttpRequest, username: str) -> None:
    """A wrong code is a failed login for the lock-out, counted under the same username as the password step."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def locked(request: HttpRequest, username: str) -> bool:
    """Locked out (by wrong passwords or wrong codes): then even a right code does not let anyone in."""
    from axes.handlers.proxy import AxesProxyHandler

    return bool(AxesProxyHandler.is_locked(request, credentials={"username": username}))


def finish(request: HttpRequest, user: Any, next_url: str, second_factor: bool = False) -> HttpResponse:
    """Logged in: the account's language applies, and administrators who must have two-factor go to set it up,
    unless a second factor was already checked elsewhere (a municipality's sign-in that did it, cjgscan.organisations
    .oidc)."""
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    response: HttpResponse = HttpResponseRedirect(next_url)
    if not second_factor and confirmed_device(user) is None and required_for(user):
        request.session[SETUP_REQUIRED_KEY] = True
        response = redirect("two_factor_setup")
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        set_language_cookie(response, profile.language)
    return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


class TwoFactorSetupMiddleware:
    """An administrator who must set up two-factor sign-in sees only the set-up page (and can log out) until done.
    The flag is set at login, so other requests pay nothing but a look in the session they load anyway."""

    ALLOWED = ("two_factor_setup", "logout", "set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(SETUP_REQUIRED_KEY):
            allowed = [reverse(name) for name in self.ALLOWED]
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("two_factor_setup")
        return self.get_response(request)
