import sys

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext_lazy as _


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


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is down or restarting gets a short Dutch 503 page that asks to retry;
    anything else the usual 500 page. Rendered without context processors: they might need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response.headers["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
