import os

import pytest
from django.conf import settings

from tests.tools import missing_tool
from tests.tools import pytest_runtest_makereport as pytest_runtest_makereport  # every skip fails in CI


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 on purpose is slow; the tests do not need it (test_auth checks production uses Argon2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files straight from the source folders, as in development: no collectstatic before a test run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None
    settings.WHITENOISE_USE_FINDERS = True
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be allowed here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium through Playwright; never a downloaded browser."""
    if not os.path.exists(CHROMIUM):
        reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CJGSCAN_REQUIRE_BROWSER"):
            pytest.fail(reason)
        missing_tool(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser page on the live server that fails the test on any console error
    (a Content-Security-Policy violation is one)."""
    from tests.browser.helpers import BrowserPage

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(context.new_page())
    yield page
    context.close()
    assert page.console_errors == [], page.console_errors
