import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from cjgscan.instruments.export import version_as_dict, version_as_text
from cjgscan.instruments.models import Instrument, InstrumentVersion


class Command(BaseCommand):
    help = "List the loaded instruments, or show one (themes, items, tips, questions, ids) as JSON or text."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,show}")
        actions.add_parser("list", help="list loaded instruments and their versions")
        show = actions.add_parser("show", help="print one instrument")
        show.add_argument("slug", help="e.g. zeven-sleutels")
        show.add_argument("--format", choices=["json", "text"], default="text")
        show.add_argument("--version", type=int, dest="number", help="version number (default: newest)")
        show.add_argument("--language", choices=["nl", "en"], default="nl", help="language of --format text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for each in InstrumentVersion.objects.select_related("instrument"):
                self.stdout.write(f"{each.instrument.slug}\tv{each.number}\t{each.title['nl']}")
            return
        try:
            instrument = Instrument.objects.get(slug=options["slug"])
        except Instrument.DoesNotExist:
            raise CommandError(f"No instrument '{options['slug']}'. Try: cjgscan instrument list") from None
        versions = instrument.versions.all()
        if options["number"]:
            versions = versions.filter(number=options["number"])
        version = versions.first()
        if version is None:
            raise CommandError(f"'{instrument.slug}' has no version {options['number']}.")
        if options["format"] == "json":
            self.stdout.write(json.dumps(version_as_dict(version), ensure_ascii=False, indent=2))
        else:
            with translation.override(options["language"]):
                self.stdout.write(version_as_text(version), ending="")
