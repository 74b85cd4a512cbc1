"""Background work of accounts, run by `cjgscan worker`."""

from django.contrib.auth.forms import PasswordResetForm
from django_tasks import task

EMAIL_TEMPLATE = "registration/password_reset_email.txt"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> None:
    """The reset link, if the address belongs to an active account (Django's own rule); otherwise nothing.

    Queued for every request, account or not, so that the page answers in the same time either way."""
    from django.utils import translation

    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
        )
