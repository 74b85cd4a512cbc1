"""Configuration by environment, the console command, and the migrations."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cjgscan.lib.env import env_bool, env_int, env_list, parse_email_url

ROOT = Path(__file__).resolve().parents[1]
CJGSCAN = Path(sys.executable).with_name("cjgscan")


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "EMAIL_URL")}
    clean["CJGSCAN_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [str(CJGSCAN), *args], capture_output=True, text=True, env={**clean, **env}, cwd=tmp_path, timeout=120
    )


def test_help_lists_our_commands_with_one_line_each(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for command in ("load-instruments", "instrument", "demo"):
        line = next(line for line in lines if line.strip().startswith(command + " "))
        assert len(line.split(None, 1)[1]) > 20, line
    assert "cjgscan help --all" in result.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path: Path) -> None:
    result = run(["check"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    result = run(["check"], tmp_path, SECRET_KEY="short")
    assert "at least 32 characters" in result.stderr


def test_debug_mode_makes_and_keeps_a_development_key(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "dev-secret-key").read_text()
    assert len(key) >= 50
    run(["check"], tmp_path, DEBUG="1")
    assert (tmp_path / "dev-secret-key").read_text() == key


def test_a_fresh_sqlite_database_is_migrated_in_wal_mode_and_the_demo_is_repeatable(tmp_path: Path) -> None:
    assert run(["migrate", "--noinput"], tmp_path, DEBUG="1").returncode == 0
    first = run(["demo"], tmp_path, DEBUG="1")
    second = run(["demo"], tmp_path, DEBUG="1")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "beheerder@demodorp.nl" in second.stdout
    assert "unchanged, already loaded as version 1" in second.stdout
    import sqlite3

    with sqlite3.connect(tmp_path / "cjgscan.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # The demo seeded once: its two organisations, four users, three rounds (the second run kept them).
        assert db.execute("SELECT count(*) FROM organisations_organisation").fetchone()[0] == 2
        assert db.execute("SELECT count(*) FROM auth_user").fetchone()[0] == 4
        assert db.execute("SELECT count(*) FROM rounds_round").fetchone()[0] == 4
    assert "kept as they are" in second.stdout


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "veel")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a.nl, b.nl,")
    assert env_list("X_LIST", []) == ["a.nl", "b.nl"]


def test_email_url() -> None:
    smtp = parse_email_url("smtp+tls://user%40cjg.nl:geheim@mail.example.nl:2587?timeout=5")
    assert smtp["EMAIL_HOST"] == "mail.example.nl"
    assert smtp["EMAIL_PORT"] == 2587
    assert smtp["EMAIL_HOST_USER"] == "user@cjg.nl"
    assert smtp["EMAIL_HOST_PASSWORD"] == "geheim"
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert smtp["EMAIL_TIMEOUT"] == 5
    assert parse_email_url("smtps://mail.example.nl")["EMAIL_PORT"] == 465
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        parse_email_url("carrier-pigeon://")


@pytest.mark.django_db
def test_migrations_are_complete() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
