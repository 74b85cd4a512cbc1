"""Django's own texts that our users read, here so that our catalogue gives them in our voice.

Django's Dutch catalogue addresses the reader with *u* ("Uw wachtwoord mag ..."); everything else in cjgscan says
*je* (tests/test_wording.py). Our catalogue (LOCALE_PATHS) takes precedence over Django's, so a msgid listed here
and translated in cjgscan/locale/nl replaces Django's translation. The msgids are Django's exactly (with its
typographic apostrophes). Nothing calls this function: `makemessages` reads it.
"""

from django.utils.translation import gettext_noop, ngettext


def _texts() -> None:  # pragma: no cover - read by makemessages, never called
    # django.contrib.auth.password_validation: the help texts beside a new password and its errors.
    gettext_noop("Your password can’t be too similar to your other personal information.")
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        0,
    )
    gettext_noop("Your password can’t be a commonly used password.")
    gettext_noop("Your password can’t be entirely numeric.")
    # django.contrib.auth.forms.PasswordChangeForm (the account page).
    gettext_noop("Your old password was entered incorrectly. Please enter it again.")
