"""An administrator downloads the anonymised answers as CSV from the dashboard, with the keyboard only."""

import csv
import io

import pytest
from playwright.sync_api import expect

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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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

    # The page of its own, and with a bad choice (answered 400): a message, still accessible.
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/exporteren/")
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/exporteren/?inhoud=cijfers&formaat=pdf")
    expect(page.locator(".utrecht-form-field-error-message")).to_be_visible()
    page.console_errors[:] = [error for error in page.console_errors if "400" not in error]
