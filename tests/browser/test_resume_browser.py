"""Every link resumes: a group link opened again in the same browser, and the resume code on another device."""

import pytest
from playwright.sync_api import expect

from cjgscan.rounds.models import Answer, Response
from tests.browser.helpers import BrowserPage
from tests.factories import make_organisation, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_first_characteristic(page: BrowserPage) -> None:
    page.locator("input[name='item-S1.K1'][value='v3']").check()
    expect(page.locator("#save-status")).to_have_text("Opgeslagen")


def test_group_link_and_its_short_code_resume_and_a_resume_code_moves_to_another_device(  # type: ignore[no-untyped-def]
    browser, live_server
) -> None:
    round_ = make_round(make_organisation("CJG Hervatten"))
    group = round_.groups.first()
    link = f"/g/{group.link_token()}/"

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(context.new_page())
    page.visit(link)  # the link's page: nothing started yet
    expect(page.get_by_role("heading", level=1)).to_have_text("Meting najaar")
    assert not Response.objects.exists()
    with page.expect_navigation():  # the start button posts with a real Origin, so the CSRF check passes
        page.get_by_role("button", name="Beginnen met de vragenlijst").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Beginnen").click()  # the introduction
    page.check_accessibility()
    answer_first_characteristic(page)
    page.close()  # the tab is closed

    # The same link (and the short code, as typed from the sheet) in the same browser: the answer is still there.
    short = group.short_code()
    for again in (link, f"/g/{short[:4].lower()}-{short[4:8].lower()}-{short[8:].lower()}"):
        page = BrowserPage(context.new_page())
        page.visit(again)
        expect(page.get_by_role("heading", level=1)).to_have_text("Inspirerende missie en visie")
        expect(page.locator("input[name='item-S1.K1'][value='v3']")).to_be_checked()
        page.close()
    assert Response.objects.count() == 1

    page = BrowserPage(context.new_page())
    page.visit(link)
    page.get_by_text("Verder op een ander apparaat").click()
    code = page.locator("#resume-code-shown").inner_text()
    assert len(code) == 14, code
    page.check_accessibility()
    assert page.console_errors == [], page.console_errors
    context.close()

    # Another device: type the code, go on with the same answers.
    other = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(other.new_page())
    page.visit("/verder/")
    page.get_by_label("Verdercode").fill(code.lower().replace("-", ""))
    with page.expect_navigation():
        page.get_by_role("button", name="Verder", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspirerende missie en visie")
    expect(page.locator("input[name='item-S1.K1'][value='v3']")).to_be_checked()
    page.locator("input[name='item-S1.K2'][value='v1']").check()
    expect(page.locator("#save-status")).to_have_text("Opgeslagen")
    page.check_accessibility()
    assert page.console_errors == [], page.console_errors
    other.close()
    assert Response.objects.count() == 1
    assert sorted(Answer.objects.values_list("value", flat=True)) == [1, 3]
