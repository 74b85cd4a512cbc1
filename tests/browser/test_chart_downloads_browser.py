"""A reader downloads a chart for a slide: the links under each chart are reached with the keyboard, named for screen
readers, and give the SVG, the PNG and the CSV; axe-core checks every page. Screenshots at a phone's and a desktop's
width go to test-artifacts/ for people to look at."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE_VIEWPORT, BrowserPage
from tests.browser.test_dashboard import log_in
from tests.browser.test_dashboard import reader as reader  # the fixture: two released rounds, a lezer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "chart-downloads"


def test_download_a_chart_as_svg_png_and_csv_with_the_keyboard(page: BrowserPage, reader) -> None:  # type: ignore[no-untyped-def]
    user, organisation, autumn = reader
    log_in(page, user.email)
    page.visit(f"/o/{organisation.uuid}/metingen/{autumn.uuid}/resultaten/")
    links = page.locator("details#keys .site-chart-downloads a")
    expect(links).to_have_count(3)
    expect(links.nth(0)).to_have_accessible_name("SVG – Scores per sleutel")
    expect(links.nth(2)).to_have_accessible_name("Gegevens (CSV) – Scores per sleutel")

    # Tab until the radar's SVG link has the focus: it is in the tab order, and its focus can be seen.
    for _step in range(60):
        page.keyboard.press("Tab")
        if links.nth(0).evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the radar's download links cannot be reached with the Tab key")
    outline = links.nth(0).evaluate(
        "link => getComputedStyle(link).outlineStyle + ' ' + getComputedStyle(link).outlineWidth"
    )
    assert not outline.startswith("none"), outline

    with page.expect_download() as svg:
        page.keyboard.press("Enter")
    assert svg.value.suggested_filename == "najaarsmeting-scores-per-sleutel.svg"
    assert Path(svg.value.path()).read_text(encoding="utf-8").startswith("<?xml")
    with page.expect_download() as png:
        links.nth(1).click()
    assert Path(png.value.path()).read_bytes().startswith(b"\x89PNG")
    with page.expect_download() as data:
        links.nth(2).click()
    assert data.value.suggested_filename.endswith(".csv")

    OUT.mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE_VIEWPORT, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        page.locator("details#keys").scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / f"overview-{viewport['width']}.png"), full_page=True)
    page.check_accessibility()

    # A key page: three links under every characteristic's bar; the trend page: under its line chart.
    page.visit(f"/o/{organisation.uuid}/metingen/{autumn.uuid}/resultaten/S2/")
    bars = page.locator("svg.chart-distribution")
    expect(page.locator(".site-chart-downloads")).to_have_count(bars.count())
    page.screenshot(path=str(OUT / "key-1280.png"))
    page.visit(f"/o/{organisation.uuid}/trend/zeven-sleutels/")
    trend_links = page.locator(".site-chart-downloads a")
    expect(trend_links).to_have_count(3)
    expect(trend_links.nth(1)).to_have_attribute("href", re.compile(r"/trend/zeven-sleutels/grafiek\.png$"))
    page.set_viewport_size(PHONE_VIEWPORT)
    page.screenshot(path=str(OUT / "trend-375.png"), full_page=True)
