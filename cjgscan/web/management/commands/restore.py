import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cjgscan.organisations.models import Organisation
from cjgscan.web.management.commands.backup import FORMAT, FORMAT_VERSION, applied_migrations


class Command(BaseCommand):
    help = "Restore a backup made by `cjgscan backup` into this database (replacing its data with --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A backup file made by `cjgscan backup`.")
        parser.add_argument("--force", action="store_true", help="Replace the data in a database that is not empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            archive = zipfile.ZipFile(path)
            manifest = json.loads(archive.read("manifest.json"))
        except (OSError, KeyError, zipfile.BadZipFile, ValueError) as error:
            raise CommandError(f"{path} is not a cjgscan backup: {error}") from error
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise CommandError(f"{path} is not a cjgscan backup of a format this version reads.")
        call_command("migrate", interactive=False, verbosity=0)
        applied = applied_migrations()
        missing = [
            f"{app}.{name}"
            for app, names in manifest["migrations"].items()
            for name in names
            if name not in applied.get(app, [])
        ]
        if missing:
            raise CommandError(
                "The backup comes from a newer version of cjgscan (migrations unknown here: "
                f"{', '.join(missing[:5])}). Install that version first."
            )
        if not options["force"] and (Organisation.objects.exists() or get_user_model().objects.exists()):
            raise CommandError("This database is not empty. Use --force to replace its data with the backup.")
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder) / "data.json"
            with archive.open("data.json") as source, data.open("wb") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(data), verbosity=0)
        self.stdout.write(f"Restored {path} (made {manifest['created']} on {manifest['database']}).")
