import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cjgscan.reports.report import render_report_pdf
from cjgscan.rounds.models import Round


class Command(BaseCommand):
    help = (
        "Write the PDF report of a round (the same file as the download on its report page), rendered here and "
        "now, without the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", metavar="ROUND_ID", help="the round's uuid (from its address) or number")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write, or - for standard output")
        parser.add_argument("--language", choices=["nl", "en"], default="nl", help="language of the report")
        parser.add_argument("--appendix", action="store_true", help="add the appendix: a chapter per key")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = self._round(options["round"])
        content = render_report_pdf(round_, options["language"], appendix=options["appendix"])
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        Path(options["output"]).write_bytes(content)
        if options["verbosity"] > 0:
            self.stderr.write(f"{options['output']}: {len(content):,} bytes, round “{round_.title}”")

    def _round(self, given: str) -> Round:
        rounds = Round.objects.select_related("organisation", "version__instrument", "scale")
        try:
            key = {"uuid": uuid.UUID(given)} if not given.isdigit() else {"pk": int(given)}
        except ValueError:
            raise CommandError(f"'{given}' is not a round's uuid or number.") from None
        try:
            return rounds.get(**key)
        except Round.DoesNotExist:
            raise CommandError(f"There is no round '{given}'.") from None
