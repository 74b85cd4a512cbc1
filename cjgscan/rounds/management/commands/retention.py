import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cjgscan.rounds.models import Round
from cjgscan.rounds.retention import RetentionError, delete_invitation_addresses, rounds_due


class Command(BaseCommand):
    help = "Delete the invitation addresses of closed rounds (response figures stay); see docs/deploy.md."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--closed-days",
            type=int,
            metavar="DAYS",
            help="All rounds closed at least DAYS days ago (by their closing date), e.g. 30; run it daily.",
        )
        which.add_argument("--round", type=uuid.UUID, metavar="UUID", help="One closed round (its id in the URL).")
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["round"]:
            round_ = Round.objects.filter(uuid=options["round"]).first()
            if round_ is None:
                raise CommandError(f"No round {options['round']}.")
            if round_.status != Round.Status.CLOSED:
                raise CommandError(f"The round “{round_.title}” is not closed.")
            rounds = [round_]
        else:
            if options["closed_days"] < 0:
                raise CommandError("--closed-days cannot be negative.")
            rounds = rounds_due(options["closed_days"])
        total = 0
        for round_ in rounds:
            label = f"{round_.organisation} · {round_.title} (closed {round_.closes_on:%d-%m-%Y})"
            if options["dry_run"]:
                self.stdout.write(f"would delete {round_.invitations.count()} addresses: {label}")
                continue
            try:
                deleted = delete_invitation_addresses(round_.pk)
            except RetentionError as error:
                raise CommandError(f"{label}: {error}") from error
            total += deleted
            self.stdout.write(f"deleted {deleted} addresses: {label}")
        if not options["dry_run"]:
            self.stdout.write(f"{total} invitation addresses deleted from {len(rounds)} rounds.")
