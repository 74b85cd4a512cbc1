import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cjgscan.demo import seed


class Command(BaseCommand):
    help = (
        "Seed the demo organisations 'CJG Demodorp' and 'CJG Voorbeeldstad' with rounds, results, a plan and a "
        "work session (safe to run again: existing demo data is kept; --reset starts over)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="address to print for the login")
        parser.add_argument("--reset", action="store_true", help="delete the demo organisations first and seed anew")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        call_command("load_instruments", stdout=self.stdout)
        if options["reset"]:
            seed.reset()
        url = options["url"].rstrip("/")
        if seed.seed(url):
            self.stdout.write(f"Demo data seeded in {time.monotonic() - started:.1f} s.")
        else:
            self.stdout.write("The demo organisations already have data; kept as they are (--reset starts over).")
        self.stdout.write("")
        self.stdout.write(f"  Open {url}/ and log in with one of (password for all: {seed.PASSWORD})")
        for user in seed.USERS:
            roles = ", ".join(f"{role} in {name}" for name, role in user.memberships)
            self.stdout.write(f"    {user.email:<26} {roles}")
        self.stdout.write(f"  Sent e-mails (invitations, password reset): {url}/post/")
        self.stdout.write("")
