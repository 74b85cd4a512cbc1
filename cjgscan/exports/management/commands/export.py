import sys
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from cjgscan.exports.tables import ANSWERS, FIGURES, answer_folding, export_table
from cjgscan.exports.workbook import write_export_xlsx
from cjgscan.exports.writers import CSV, DELIMITERS, FORMATS, XLSX, write_csv
from cjgscan.rounds.models import Round


class Command(BaseCommand):
    help = "Export a round's figures (or, with --answers, its anonymised answers) as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_id", help="the round's id (the uuid in its web address)")
        parser.add_argument("--format", choices=FORMATS, default=CSV, help="file format (default: csv)")
        parser.add_argument("-o", "--output", required=True, help="the file to write; - for standard output (csv)")
        parser.add_argument(
            "--answers",
            action="store_true",
            help="the anonymised answers instead of the figures (what only administrators may download)",
        )
        parser.add_argument(
            "--delimiter", choices=DELIMITERS, default=";", help="CSV separator: ; (decimal comma) or , (default: ;)"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of headings and texts (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            round_uuid = uuid.UUID(options["round_id"])
            round_ = Round.objects.select_related("version__instrument", "scale", "organisation").get(uuid=round_uuid)
        except (ValueError, Round.DoesNotExist):
            raise CommandError(f"No round with id {options['round_id']!r}.") from None
        file_format, output = options["format"], options["output"]
        if output == "-" and file_format == XLSX:
            raise CommandError("XLSX cannot go to standard output; give a file name with -o.")
        kind = ANSWERS if options["answers"] else FIGURES
        with translation.override(options["language"]):
            if not answer_folding(round_).visible:
                self.stderr.write(
                    f"Fewer than {round_.min_group_size} respondents have sent their answers: "
                    "the file holds only the column headings."
                )
            if output == "-":
                write_csv(export_table(round_, kind), sys.stdout.buffer, options["delimiter"])
                return
            with open(output, "wb") as file:
                if file_format == XLSX:
                    write_export_xlsx(round_, kind, file)
                else:
                    write_csv(export_table(round_, kind), file, options["delimiter"])
        self.stderr.write(f"Written: {output}")
