"""A reader asks for the board report, sees it being made, and gets the download link without reloading."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.browser.test_instrument_browser import log_in
from tests.factories import (
    load_builtin_instruments,
    make_membership,
    make_organisation,
    make_response,
    make_round,
    make_user,
    release,
)
from tests.stored_reports import run_report_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


def test_a_reader_waits_for_the_worker_and_the_download_link_appears(page: BrowserPage) -> None:
    load_builtin_instruments()
    organisation = make_organisation("CJG Rapportdorp")
    reader = make_user("Lotte")
    make_membership(reader, organisation, Role.LEZER)
    round_ = make_round(organisation, title="Meting najaar")
    group = round_.groups.first()
    for _n in range(5):
        make_response(round_, group, {"S1.K1": "v3", "S2.K1": "v2"})
    release(round_)
    OUT.mkdir(parents=True, exist_ok=True)

    log_in(page, reader.email)
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/resultaten/")
    page.get_by_role("link", name="Rapport (PDF)").click()
    page.wait_for_url("**/rapport/")
    page.check_accessibility()
    page.screenshot(path=str(OUT / "rapport-1280.png"), full_page=True)
    page.get_by_role("button", name="Rapport maken").first.click()
    status = page.locator("#report-board [role=status]")
    expect(status).to_contain_text("Wacht op verwerking")
    page.check_accessibility()
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(OUT / "rapport-wacht-375.png"), full_page=True)
    assert run_report_tasks() == 1  # what `cjgscan worker` does
    # htmx asks again every 2 s and swaps in the link: no reload.
    link = status.get_by_role("link", name="Downloaden: Bestuursrapport (PDF)")
    expect(link).to_be_visible(timeout=8_000)
    page.check_accessibility()
    page.screenshot(path=str(OUT / "rapport-klaar-375.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
