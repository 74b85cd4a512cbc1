"""Skips, two kinds. A test that needs a tool (pdftotext, xgettext, pg_ctl, Chromium) skips when it is missing
on a developer's machine, but under CJGSCAN_REQUIRE_TOOLS=1 (set by .ci/run) every skip fails the run (the hook
in tests/conftest.py), because CI must not pass with checks that never ran. A test that belongs to one database
(PostgreSQL's xmin, SQLite's rowid, concurrency on PostgreSQL) stays a skip on the other: it says so with
skip_on_database(), whose reason starts with DATABASE_SKIP.
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest

REQUIRE_TOOLS = "CJGSCAN_REQUIRE_TOOLS"
DATABASE_SKIP = "database-specific: "
# The source documents (../shared/seeds) are not part of the repository: the content checks against them run where
# they lie beside the checkout (the workspace) and say so when they do not.
SOURCE_SKIP = "source documents not beside the checkout"


def tools_required() -> bool:
    return bool(os.environ.get(REQUIRE_TOOLS))


def skip_on_database(reason: str) -> NoReturn:
    """Skip a test that only means something on the other database; CI runs the suite on both."""
    pytest.skip(DATABASE_SKIP + reason)


def missing_tool(reason: str) -> NoReturn:
    """Skip for a missing tool; a failure when tools are required (CI)."""
    if tools_required():
        pytest.fail(f"{reason} ({REQUIRE_TOOLS}=1: CI needs every tool; see scripts/system-packages)")
    pytest.skip(reason)


def require_tool(name: str, package: str) -> str:
    """The path of a command-line tool, or a skip (a failure in CI) that names the Debian package."""
    path = shutil.which(name)
    if path is None:
        missing_tool(f"{name} is not installed (apt-get install {package})")
    return path


def is_skip_allowed_in_ci(reason: str) -> bool:
    return reason.removeprefix("Skipped: ").startswith((DATABASE_SKIP, SOURCE_SKIP))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CJGSCAN_REQUIRE_TOOLS=1 (CI) a skip is a failure, wherever it comes from (a fixture, a helper, a
    marker), unless it is database-specific: a check that never ran must not pass CI. (A hook of
    tests/conftest.py, which imports it; a plugin of its own for tests/test_ci_rules.py.)"""
    outcome: Any = yield
    report = outcome.get_result()
    if not (report.skipped and tools_required()) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if not is_skip_allowed_in_ci(reason):
        report.outcome = "failed"
        report.longrepr = f"{reason} -- a skip is a failure under {REQUIRE_TOOLS}=1 (CI)"
