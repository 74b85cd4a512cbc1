from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from cjgscan.organisations.models import Membership, Organisation, Role

DEMO_ORGANISATION = "CJG Demodorp"
DEMO_EMAIL = "beheerder@demodorp.nl"
DEMO_PASSWORD = "demodorp-2026"  # noqa: S105 (printed on purpose: a local demo)


class Command(BaseCommand):
    help = "Create the demo organisation 'CJG Demodorp' with an administrator account (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="address to print for the login")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_instruments", stdout=self.stdout)
        with transaction.atomic():
            organisation, _ = Organisation.objects.get_or_create(
                name=DEMO_ORGANISATION, defaults={"municipality": "Demodorp", "region": "Regio Voorbeeld"}
            )
            user, _ = get_user_model().objects.get_or_create(
                username=DEMO_EMAIL,
                defaults={"email": DEMO_EMAIL, "first_name": "Demo", "last_name": "Beheerder"},
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            Membership.objects.update_or_create(user=user, organisation=organisation, defaults={"role": Role.BEHEERDER})
        self.stdout.write("")
        self.stdout.write(f"  Open {options['url']}/ and log in with")
        self.stdout.write(f"    e-mail:     {DEMO_EMAIL}")
        self.stdout.write(f"    password:   {DEMO_PASSWORD}")
        self.stdout.write("")
