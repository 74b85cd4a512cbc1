"""An administrator asks for the anonymised answers as CSV from the dashboard, with the keyboard only, sees the
worker's progress on the page and downloads the file when it is ready, without reloading."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjgscan.exports.models import StoredExport
from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.browser.test_instrument_browser import log_in
from tests.browser.test_questionnaire import tab_to
from tests.factories import (
    load_builtin_instruments,
    make_membership,
    make_organisation,
    make_response,
    make_round,
    make_user,
    release,
)
from tests.stored_exports import run_export_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "exports"


def screenshots(page: BrowserPage, name: str) -> None:
    viewport = page.viewport_size
    for width, height in ((375, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(viewport)


def test_keyboard_only_export_from_the_dashboard(page: BrowserPage) -> None:
    load_builtin_instruments()
    organisation = make_organisation("CJG Exportdorp")
    user = make_user("Ada")
    make_membership(user, organisation, Role.BEHEERDER)
    round_ = make_round(organisation, title="Meting export")
    group = round_.groups.first()
    group.name = "=Staf"
    group.save()
    for n in range(5):
        make_response(round_, group, {"S1.K1": "v3", "S1.K2": "v2"}, comments={"S1": f"-{n} is @laag"})
    release(round_)

    log_in(page, user.email)
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/resultaten/")
    expect(page.locator("#export-heading")).to_be_visible()

    tab_to(page, "el.name === 'inhoud'")
    page.keyboard.press("ArrowDown")  # figures → answers
    tab_to(page, "el.name === 'formaat'")
    page.keyboard.press("ArrowDown")  # XLSX → CSV
    tab_to(page, "el.name === 'scheidingsteken'")
    page.keyboard.press("ArrowDown")  # ; → ,
    tab_to(page, "el.tagName === 'BUTTON' && el.closest('form') && el.closest('form').action.includes('/exporteren/')")
    page.keyboard.press("Enter")
    # The worker is asked; the page of the file says so and asks again every 2 s.
    page.wait_for_url("**/exporten/*/")
    status = page.locator("[role=status]")
    expect(status).to_contain_text("Wacht op verwerking")
    page.check_accessibility()
    OUT.mkdir(parents=True, exist_ok=True)
    screenshots(page, "antwoorden-wacht")
    # While the worker writes, the page shows how far it is (as make_export records it every second).
    StoredExport.objects.update(status="running", done=2, total=5)
    expect(status.locator("progress")).to_have_attribute("value", "40", timeout=8_000)
    expect(status).to_contain_text("2 van 5 respondenten")
    page.check_accessibility()
    screenshots(page, "antwoorden-bezig")
    StoredExport.objects.update(status="queued", done=0, total=0)
    assert run_export_tasks() == 1  # what `cjgscan worker` does
    link = status.get_by_role("link", name="Downloaden")
    expect(link).to_be_visible(timeout=8_000)  # swapped in by htmx: no reload
    page.check_accessibility()
    screenshots(page, "antwoorden-klaar")
    link.focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as file:
        content = file.read()
    assert content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=","))
    assert len(header) == 7  # respondent, release, group, code, value, answer code, comment
    assert {row[1] for row in rows} == {"1"}
    assert {row[2] for row in rows} == {"'=Staf"}
    assert {row[0] for row in rows} == {"1", "2", "3", "4", "5"}
    assert sorted(row[6] for row in rows if row[6]) == [f"'-{n} is @laag" for n in range(5)]

    # Asking again for the same data: the stored file at once, nothing made again.
    page.visit(
        f"/o/{organisation.uuid}/metingen/{round_.uuid}/exporteren/?inhoud=antwoorden&formaat=csv&scheidingsteken=,"
    )
    expect(page.locator("#answers").get_by_role("link", name="Downloaden")).to_be_visible()
    assert StoredExport.objects.count() == 1

    # The page of its own, and with a bad choice (answered 400): a message, still accessible.
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/exporteren/")
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/exporteren/?inhoud=cijfers&formaat=pdf")
    expect(page.locator(".utrecht-form-field-error-message")).to_be_visible()
    page.console_errors[:] = [error for error in page.console_errors if "400" not in error]
