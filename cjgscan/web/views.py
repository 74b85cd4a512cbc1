import sys
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cjgscan.lib.client import client_address
from cjgscan.limits import counters
from cjgscan.web.tasks import send_password_reset

RESET_WINDOW_SECONDS = 60 * 60


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mail address"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: auth_forms.AuthenticationForm) -> HttpResponse:
        """The password was right: log in, or first ask for the two-factor code (cjgscan.organisations.twofactor)."""
        from cjgscan.organisations import twofactor

        username = form.cleaned_data["username"]
        return twofactor.start(self.request, form.get_user(), username, self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from cjgscan.organisations import oidc

        return {**super().get_context_data(**kwargs), "oidc_button": oidc.button_label()}


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a reset link. The mail is queued for the worker for every address, account or not, so the answer
    takes as long either way and says nothing about who has an account; a few requests per address and per client
    address in one to two hours (PASSWORD_RESET_LIMIT, PASSWORD_RESET_CLIENT_LIMIT), counted in shared storage."""

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        # Both counted, whichever refuses: a flood from one client stays refused, and one address gets few mails.
        per_address = counters.hit("password-reset", email.strip().lower(), RESET_WINDOW_SECONDS)
        per_client = counters.hit("password-reset-client", client_address(self.request), RESET_WINDOW_SECONDS)
        if per_address > settings.PASSWORD_RESET_LIMIT or per_client > settings.PASSWORD_RESET_CLIENT_LIMIT:
            form.add_error(
                None,
                _(
                    "A link to set a new password has been asked for too often in the last hour. Look in your "
                    "mailbox (and spam folder) for the link you already got, or try again in an hour."
                ),
            )
            reply = self.render_to_response(self.get_context_data(form=form), status=429)
            reply.headers["Retry-After"] = str(RESET_WINDOW_SECONDS)
            return reply
        language = translation.get_language() or settings.LANGUAGE_CODE
        send_password_reset.enqueue(email, self.request.get_host(), self.request.is_secure(), language)
        return HttpResponseRedirect(self.get_success_url())


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is down or restarting gets a short Dutch 503 page that asks to retry;
    anything else the usual 500 page. Rendered without context processors: they might need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response.headers["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
