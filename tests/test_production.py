"""The production setup: `cjgscan check --deploy` is clean with the settings of docs/deploy.md, `cjgscan serve`
refuses DEBUG, and a database that cannot be reached gives the Dutch 503 page."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from cjgscan.web.views import server_error

ROOT = Path(__file__).resolve().parent.parent


def cjgscan(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    base.update(CJGSCAN_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "cjgscan.cli", *args], env=base, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


DOCUMENTED = {
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789",
    "ALLOWED_HOSTS": "cjg.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://cjg.example.nl",
    "SECURE_PROXY_SSL_HEADER": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path: Path) -> None:
    result = cjgscan(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **DOCUMENTED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # The documentation shows the same settings.
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert all(f"export {name}=" in deploy for name in DOCUMENTED)


def test_serve_refuses_debug(tmp_path: Path) -> None:
    result = cjgscan(tmp_path, "serve", "--no-collectstatic", DEBUG="1")
    assert result.returncode != 0
    assert "runserver" in result.stderr


def test_a_database_that_is_down_gives_the_dutch_503_page() -> None:
    request = RequestFactory().get("/")
    for error in (OperationalError("connection refused"), InterfaceError("connection already closed")):
        try:
            raise error
        except (OperationalError, InterfaceError):
            reply = server_error(request)
        assert reply.status_code == 503
        assert reply.headers["Retry-After"] == "30"
        assert "Tijdelijk niet beschikbaar" in reply.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        reply = server_error(request)
    assert reply.status_code == 500
