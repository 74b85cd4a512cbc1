"""A respondent fills in the whole questionnaire with the keyboard only, leaves half-way and resumes."""

import pytest
from playwright.sync_api import expect

from cjgscan.rounds.models import Answer, Response, ThemeAnswer
from tests.browser.helpers import BrowserPage
from tests.factories import make_organisation, make_round
from tests.respondents import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: BrowserPage, condition: str, limit: int = 80) -> None:
    """Press Tab until `condition` (JavaScript about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {condition})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def answer_page_with_keyboard(page: BrowserPage, key: int, items: int, first: int = 1) -> None:
    """Tab into each radio group and pick an answer: Space takes the first option, arrows move on."""
    for n in range(first, items + 1):
        tab_to(page, f"el.name === 'item-S{key}.K{n}'")
        page.keyboard.press("Space" if n % 2 else "ArrowDown")
        expect(page.locator("#save-status")).to_have_text("Opgeslagen")
        page.locator("#save-status").evaluate("el => el.textContent = ''")


def next_page(page: BrowserPage) -> None:
    tab_to(page, "el.tagName === 'BUTTON' && el.value === 'next'")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_fill_in_leave_resume_and_send(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    round_ = make_round(make_organisation("CJG Toetsenbord"), ask_profession=True)
    invitation, token = invite(round_, round_.groups.first())
    counts = [9, 6, 3, 7, 9, 10, 7]

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(context.new_page())
    page.visit(f"/r/{token}/")  # the link's page; its button starts
    with page.expect_navigation():
        page.get_by_role("button", name="Beginnen met de vragenlijst").click()
    assert token not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Meting najaar")
    tab_to(page, "el.name === 'profession'")
    page.keyboard.press("ArrowDown")  # the second professional group
    next_page(page)

    page.check_accessibility()
    answer_page_with_keyboard(page, 1, counts[0])
    tab_to(page, "el.id === 'comment-S1'")
    page.keyboard.type("Missie is bekend, visie nog <niet> overal.")
    next_page(page)
    page.check_accessibility()
    answer_page_with_keyboard(page, 2, 3)  # half of key 2, then the browser is closed
    assert page.console_errors == [], page.console_errors
    context.close()

    # Later, in a new browser: the same link resumes on key 2 with the answers kept.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(context.new_page())
    page.visit(f"/r/{token}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Verder met de vragenlijst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effectieve en efficiënte werkwijzen")
    expect(page.locator("input[name='item-S2.K1'][value='v1']")).to_be_checked()
    expect(page.locator("input[name='item-S2.K2'][value='v2']")).to_be_checked()
    answer_page_with_keyboard(page, 2, counts[1], first=4)
    next_page(page)
    for key in range(3, 8):
        page.check_accessibility()
        expect(page.locator("progress")).to_have_attribute("value", str(key))
        answer_page_with_keyboard(page, key, counts[key - 1])
        next_page(page)

    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleren en versturen")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Verstuur')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/klaar/")
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt")
    # Back button and a replay do not send twice.
    page.go_back()
    page.visit(f"/r/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt")
    assert page.console_errors == [], page.console_errors
    context.close()

    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.profession == "S4.B2"
    assert Answer.objects.filter(response=response).count() == 51
    assert ThemeAnswer.objects.get(theme__code="S1").comment == "Missie is bekend, visie nog <niet> overal."
    assert response.channel == Response.Channel.PERSONAL


def test_a_phone_sized_screen_needs_no_sideways_scrolling(page: BrowserPage) -> None:
    round_ = make_round(make_organisation())
    _invitation, token = invite(round_, round_.groups.first())
    page.set_viewport_size({"width": 360, "height": 740})
    page.visit(f"/r/{token}/")
    page.get_by_role("button", name="Beginnen").click()
    page.check_accessibility()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
