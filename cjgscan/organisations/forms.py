from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cjgscan.organisations.branding import LOGO_MAX_BYTES, clean_colour, sanitise_logo
from cjgscan.organisations.models import Organisation, Role


class OrganisationForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A PNG or JPEG file of at most 512 KB; it is shown in the header, at most 3 lines of text high."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "municipality", "region", "colour", "benchmark_opt_in", "two_factor_required"]
        help_texts = {
            "colour": _(
                "A hex code such as #1d4f91, used for the header and accents. White text must stay readable on it "
                "(contrast at least 4.5:1). Leave empty for the standard colour."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logo_png: tuple[bytes, int, int] | None = None

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        return name

    def clean_colour(self) -> str:
        return clean_colour(self.cleaned_data.get("colour") or "")

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if upload:
            # One byte past the limit is enough to refuse a larger file without reading all of it.
            self.logo_png = sanitise_logo(upload.read(LOGO_MAX_BYTES + 1))
        return upload


# Django's own help texts address the reader as "u"; ours say the same with "je".
PASSWORD_HELP = _(
    "At least 10 characters, not only digits, not a commonly used password and not too much like your name or "
    "e-mail address."
)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.LEZER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two:
            if one != two:
                self.add_error("password2", _("The two passwords are not the same."))
            else:
                probe = get_user_model()(email=self.email, username=self.email, first_name=data.get("first_name", ""))
                try:
                    password_validation.validate_password(one, probe)
                except ValidationError as error:
                    self.add_error("password1", error)
        return data


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=150, help_text=_("You log in with it."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        User = get_user_model()
        taken = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exclude(pk=self.user.pk)
        if taken.exists():
            raise ValidationError(_("Another account already uses this e-mail address."))
        return email


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        return password


class NewOrganisationForm(OrganisationForm):
    administrator_email = forms.EmailField(
        label=_("E-mail address of the first administrator"),
        help_text=_("Gets an e-mail with a link to choose a password, or access at once with an existing account."),
    )

    logo = None  # type: ignore[assignment]  # the house style is set by its own beheerder afterwards
    remove_logo = None  # type: ignore[assignment]

    class Meta(OrganisationForm.Meta):
        fields = ["name", "municipality", "region"]


class AccountLookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))

    def clean_email(self) -> Any:
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if user is None:
            raise ValidationError(_("There is no account with this e-mail address."))
        return user
