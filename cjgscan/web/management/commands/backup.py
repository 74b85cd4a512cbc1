import io
import json
import zipfile
from pathlib import Path
from typing import Any

import django
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "cjgscan-backup"
FORMAT_VERSION = 1
# Rebuilt by `migrate` (content types, permissions), short-lived (sessions, login attempts, rate-limit counters) or
# made again by the worker when asked (the stored answer files: a copy of the answers, megabytes for a large round).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "limits.counter", "exports"]


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


class Command(BaseCommand):
    help = "Write all data to a portable backup file (zip with JSON), for `cjgscan restore`; see docs/deploy.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file to write, e.g. cjgscan-2026-11-23.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        partial = path.with_name(path.name + ".partial")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "django": django.get_version(),
            "migrations": applied_migrations(),
        }
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            with archive.open("data.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as stream:
                call_command(
                    "dumpdata",
                    exclude=EXCLUDED,
                    natural_foreign=True,
                    natural_primary=True,
                    stdout=stream,
                    verbosity=0,
                )
        partial.replace(path)  # a backup file is either complete or absent
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
