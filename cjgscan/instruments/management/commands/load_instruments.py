from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cjgscan.instruments.loader import default_files, load_files
from cjgscan.instruments.schema import InstrumentFileError


class Command(BaseCommand):
    help = "Load instrument YAML files (default: the built-in ones); changed content becomes a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="YAML files; default: all built-in instruments")

    def handle(self, *args: Any, **options: Any) -> None:
        files = options["files"] or default_files()
        try:
            results = load_files(files)
        except InstrumentFileError as error:
            raise CommandError(f"{error}\nNothing was loaded.") from None
        for result in results:
            version = result.version
            state = "loaded as new version" if result.created else "unchanged, already loaded as version"
            self.stdout.write(f"{version.instrument.slug}: {state} {version.number}")
