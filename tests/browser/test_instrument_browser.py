"""A coordinator logs in and walks the instrument browser in Chromium; axe-core checks every page."""

import re

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.factories import PASSWORD, load_builtin_instruments, make_membership, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator():  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    user = make_user("Coco")
    make_membership(user, make_organisation("CJG Browserdorp", municipality="Browserdorp"), Role.COORDINATOR)
    return user


def log_in(page: BrowserPage, email: str) -> None:
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))


def test_log_in_and_walk_the_instrument_browser(page: BrowserPage, coordinator) -> None:  # type: ignore[no-untyped-def]
    log_in(page, coordinator.email)
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("CJG Browserdorp")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Instrumenten").click()
    page.check_accessibility()
    page.get_by_role("link", name="Zeven sleutels voor een werkend CJG").click()
    page.check_accessibility()
    expect(page.get_by_text("Volledig aanwezig en geborgd")).to_be_visible()

    # Every key, from the first through "next" links, each page checked.
    page.get_by_role("link", name="Inspirerende missie en visie").click()
    for number in range(1, 8):
        page.check_accessibility()
        expect(page.get_by_text(f"S{number}.K1", exact=True)).to_be_visible()
        if number < 7:
            page.locator("a[rel=next]").click()
    expect(page.locator("a[rel=next]")).to_have_count(0)
    expect(page.get_by_text("S7.T5", exact=True)).to_be_visible()

    page.get_by_role("link", name="Instrumenten").first.click()
    page.get_by_role("link", name="Vijf pijlers voor CJG-ontwikkeling").click()
    page.check_accessibility()
    page.get_by_role("link", name="Partners en samenwerking").click()
    page.check_accessibility()
    expect(page.get_by_text("P3.V9", exact=True)).to_be_visible()

    # English, on the same page.
    page.get_by_role("button", name="English").click()
    page.check_accessibility()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners and cooperation")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_keyboard_only_and_small_screen(page: BrowserPage, coordinator) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, coordinator.email)
    page.visit("/instrumenten/zeven-sleutels/S6/")
    # The first Tab reaches the skip link, which takes the focus to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Tab onwards to the "next" link and follow it with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.rel") == "next":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/zeven-sleutels/S7/")
    page.check_accessibility()


def test_error_pages_are_accessible_too(page: BrowserPage, coordinator) -> None:  # type: ignore[no-untyped-def]
    log_in(page, coordinator.email)
    response = page.goto("/instrumenten/zeven-sleutels/S99/")
    assert response is not None and response.status == 404
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    page.console_errors.clear()  # the browser logs the 404 status itself


def test_the_accessibility_check_catches_a_violation(page: BrowserPage, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/inloggen/")
    page.evaluate("document.querySelector('label[for=id_username]').remove()")
    with pytest.raises(AssertionError, match="label"):
        page.check_accessibility()
