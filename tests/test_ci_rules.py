"""CI skips nothing it should run: under CJGSCAN_REQUIRE_TOOLS=1 (.ci/run) a skip for a missing tool fails the run,
database-specific skips stay skips, and scripts/system-packages fails when it could not install what is missing."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = """
import pytest
from tests.tools import missing_tool, require_tool, skip_on_database

def test_missing_tool():
    missing_tool("pdftotext is not installed")

def test_required_tool_absent():
    require_tool("no-such-tool-for-cjgscan", "no-such-package")

def test_a_plain_skip():
    pytest.skip("xgettext is missing")

@pytest.mark.skip(reason="chromium is missing")
def test_a_skip_marker():
    pass

def test_database_specific():
    skip_on_database("rowid is SQLite's")

def test_passes():
    pass
"""


def run_sample(tmp_path: Path, require: bool) -> dict[str, int]:
    sample = tmp_path / "test_sample.py"
    sample.write_text(SAMPLE)
    env = {key: value for key, value in os.environ.items() if not key.startswith("CJGSCAN_REQUIRE")}
    if require:
        env["CJGSCAN_REQUIRE_TOOLS"] = "1"
    args = ["-p", "tests.tools", "-p", "no:django", "-p", "no:cacheprovider", "-c", os.devnull, "-q"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *args, "--rootdir", str(tmp_path), str(sample)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = result.stdout.strip().splitlines()[-1]
    return {word: int(count) for count, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}


def test_every_skip_but_a_database_one_fails_when_tools_are_required(tmp_path: Path) -> None:
    # A skip marker fails in the set-up, which pytest counts as an error: the run fails either way.
    assert run_sample(tmp_path, require=True) == {"failed": 3, "error": 1, "skipped": 1, "passed": 1}


def test_without_the_flag_missing_tools_are_skips(tmp_path: Path) -> None:
    assert run_sample(tmp_path, require=False) == {"skipped": 5, "passed": 1}


def fake_path(tmp_path: Path, uid: int, apt_exit: int) -> dict[str, str]:
    """A PATH with no gettext, poppler or fonts, an `id` that says `uid` and an apt-get that exits `apt_exit`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("grep", "bash"):
        real = shutil.which(name)
        assert real is not None
        (bin_dir / name).symlink_to(real)
    for name, body in (("id", f"echo {uid}"), ("apt-get", f"exit {apt_exit}")):
        (bin_dir / name).write_text(f"#!{bin_dir / 'bash'}\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return {"PATH": str(bin_dir), "CJGSCAN_CHROMIUM": str(tmp_path / "no-chromium")}


@pytest.mark.parametrize(
    ("uid", "apt_exit", "require", "exit_code", "says"),
    [
        (0, 100, False, 1, "ERROR: could not install"),  # root, apt-get fails: make test stops
        (0, 0, False, 0, "Installing from Debian"),  # root, apt-get works
        (1000, 0, False, 0, "NOTE: missing"),  # a developer without root: skips
        (1000, 0, True, 1, "CJGSCAN_REQUIRE_TOOLS=1"),  # ... but not in CI
    ],
)
def test_system_packages_fails_when_an_install_failed(
    tmp_path: Path, uid: int, apt_exit: int, require: bool, exit_code: int, says: str
) -> None:
    env = fake_path(tmp_path, uid, apt_exit)
    if require:
        env["CJGSCAN_REQUIRE_TOOLS"] = "1"
    result = subprocess.run(
        [str(tmp_path / "bin" / "bash"), str(ROOT / "scripts" / "system-packages")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == exit_code, result
    assert says in result.stdout + result.stderr
