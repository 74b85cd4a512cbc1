import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) on DATABASE_URL; see docs/deploy.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}",
            help="Address to listen on (default: $BIND or 127.0.0.1:$PORT, PORT=8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Worker processes (default: $WEB_CONCURRENCY or 2×CPU+1).",
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1")))
        parser.add_argument("--timeout", type=int, default=30, help="Seconds before a stuck worker is restarted.")
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Do not collect static files first (done at deploy)."
        )
        parser.add_argument("--migrate", action="store_true", help="Apply database migrations first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            raise CommandError(
                "cjgscan serve is the production server: unset DEBUG (use `cjgscan runserver` to develop)."
            )
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "cjgscan.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(options["timeout"]),
            "--graceful-timeout",
            "20",
            "--max-requests",
            "2000",
            "--max-requests-jitter",
            "200",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            "--no-control-socket",  # several instances may run on one machine
            # No access log: the respondents' link URLs hold their tokens.
            "--error-logfile",
            "-",
        ]
        self.stdout.write(f"cjgscan serving on http://{options['bind']} with {options['workers']} workers")
        self.stdout.flush()
        # Replace this process: signals from the supervisor (systemd, docker) reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
