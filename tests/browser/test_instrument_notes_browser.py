"""Instrument texts v2 in the questionnaire: a word explained on request opens with the keyboard, and a note reads
as part of the statement, at phone and laptop width."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE_VIEWPORT, BrowserPage
from tests.browser.test_questionnaire import tab_to
from tests.factories import make_organisation, make_round
from tests.respondents import invite, page_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def test_a_word_is_explained_on_request_with_the_keyboard(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    round_ = make_round(make_organisation("CJG Woorden"))
    _invitation, token = invite(round_, round_.groups.first())
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = BrowserPage(context.new_page())
    page.visit(f"/r/{token}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Beginnen met de vragenlijst").click()
    page.visit(page_url(round_, 2))  # key 2: output and outcome
    summary = page.get_by_text("Wat betekent “outcome”?")
    explanation = page.get_by_text("Wat het werk van het CJG oplevert voor kinderen en gezinnen", exact=False)
    expect(summary).to_be_visible()
    expect(explanation).to_be_hidden()
    tab_to(page, "el.tagName === 'SUMMARY' && el.textContent.includes('outcome')")
    page.keyboard.press("Enter")
    expect(explanation).to_be_visible()
    page.check_accessibility()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "woord-uitgelegd-1280.png"), full_page=False)
    page.set_viewport_size(PHONE_VIEWPORT)
    explanation.scroll_into_view_if_needed()
    page.check_fits_a_phone()
    box = explanation.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_VIEWPORT["width"]
    page.screenshot(path=str(ARTIFACTS / "woord-uitgelegd-375.png"), full_page=False)

    page.visit(page_url(round_, 5))  # key 5: notes for today's reader
    note = page.get_by_text("Doorzettingsmacht (de bron zegt afdwingmacht)", exact=False)
    expect(note).to_be_visible()
    assert note.evaluate("el => getComputedStyle(el).fontWeight") != "700"  # the label is bold, not the note
    page.check_accessibility()
    context.close()
