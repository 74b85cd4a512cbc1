"""Every user's own account: name, e-mail, password, language and two-factor sign-in; and the code step of signing
in (cjgscan.organisations.twofactor)."""

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cjgscan.organisations import twofactor
from cjgscan.organisations.forms import PASSWORD_HELP, AccountForm, CodeForm, LanguageForm, PasswordConfirmForm
from cjgscan.organisations.models import Profile
from cjgscan.rounds.paper import qr_svg_inline

WAIT = gettext_lazy("That code is not right, or it came too soon after a wrong one. Wait a few seconds and try again.")


def _profile(user: object) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    profile = _profile(user)
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    form = AccountForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user.first_name, user.last_name = data["first_name"], data["last_name"]
        # Accounts log in with their e-mail address, which is also their username.
        user.email = user.username = data["email"]
        user.save(update_fields=["first_name", "last_name", "email", "username"])
        messages.success(request, _("Your details have been saved."))
        return redirect("account")
    context = {
        "form": form,
        "language_form": LanguageForm(initial={"language": profile.language}),
        "two_factor": twofactor.confirmed_device(user) is not None,
        "two_factor_required": twofactor.required_for(user),
        "recovery_codes_left": user.recovery_codes.count(),
    }
    return render(request, "organisations/account.html", context)


@login_required
@require_POST
def account_language(request: HttpRequest) -> HttpResponse:
    """Stored with the account (applied at every login) and set for this browser at once."""
    form = LanguageForm(request.POST)
    response = redirect("account")
    if form.is_valid():
        profile = _profile(request.user)
        profile.language = form.cleaned_data["language"]
        profile.save(update_fields=["language"])
        twofactor.set_language_cookie(response, profile.language)
        with translation.override(profile.language):
            messages.success(request, _("Your language has been saved."))
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "organisations/password_change.html"
    success_url = reverse_lazy("account")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["new_password1"].help_text = PASSWORD_HELP
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a code; the recovery codes are shown once, on the answer
    to that POST, and never again."""
    user: Any = request.user
    device = twofactor.unconfirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.do_confirm_device(device, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(twofactor.SETUP_REQUIRED_KEY, None)
            return render(request, "organisations/two_factor_codes.html", {"codes": codes})
        if twofactor.throttled(device):
            form.add_error("code", WAIT)
        else:
            form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": qr_svg_inline(device.config_url, _("QR code to scan with your authenticator app")),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "required": request.session.get(twofactor.SETUP_REQUIRED_KEY, False),
        "replacing": twofactor.confirmed_device(user) is not None,
    }
    return render(request, "organisations/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.required_for(user):
        messages.error(request, _("Your organisation requires two-factor sign-in for administrators."))
        return redirect("account")
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        twofactor.do_disable(user)
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("account")
    return render(request, "organisations/two_factor_disable.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in. Wrong codes count towards the lock-out like wrong passwords."""
    found = twofactor.pending(request)
    if found is None:
        messages.error(request, _("Signing in took too long. Enter your e-mail address and password again."))
        return redirect("login")
    user, state = found
    if twofactor.locked(request, state["username"]):
        request.session.pop(twofactor.PENDING_KEY, None)
        return render(request, "registration/locked_out.html", status=429)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(user, form.cleaned_data["code"]):
            return twofactor.finish(request, user, state["next"])
        twofactor.failed(request, state["username"])
        if getattr(request, "axes_locked_out", False):
            request.session.pop(twofactor.PENDING_KEY, None)
            return render(request, "registration/locked_out.html", status=429)
        if twofactor.throttled(twofactor.confirmed_device(user)):
            form.add_error("code", WAIT)
        else:
            form.add_error("code", _("That code is not right. Try the newest code from your app."))
    return render(request, "registration/login_code.html", {"form": form})
