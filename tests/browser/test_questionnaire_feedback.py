"""Feedback where the eye is: "Opgeslagen" beside the answer that was saved, a failed save said beside it with the
choice kept, one announcement for screen readers; the review page leads to each unanswered characteristic;
respondents read statements, not codes."""

import pytest
from playwright.sync_api import Route, expect

from cjgscan.rounds.models import Answer, Round
from tests.browser.helpers import BrowserPage, open_questionnaire
from tests.factories import make_organisation, make_round
from tests.respondents import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Counts every change to the live region's text, so a test can tell one announcement from one per click.
COUNT_ANNOUNCEMENTS_JS = """() => {
  const region = document.getElementById("save-status");
  window.announcements = [];
  new MutationObserver(() => window.announcements.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def status_of(page: BrowserPage, code: str):  # type: ignore[no-untyped-def]
    return page.locator(f"fieldset[id='kenmerk-{code}'] .site-item-status")


def choose(page: BrowserPage, code: str, option: str) -> None:
    page.locator(f"label[for='item-{code}-{option}']").click()


def test_saved_shows_beside_the_answer_and_is_announced_once(page: BrowserPage) -> None:
    round_ = make_round(make_organisation())
    _invitation, token = invite(round_, round_.groups.first())
    open_questionnaire(page, token)
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url("**/1/")
    page.evaluate(COUNT_ANNOUNCEMENTS_JS)

    # Respondents read the statement; the coordinators' code (S1.K1) is not on their screen.
    legend = page.locator("fieldset[id='kenmerk-S1.K1'] legend")
    expect(legend).not_to_contain_text("S1.K1")
    assert "S1.K" not in page.locator("main").inner_text()

    choose(page, "S1.K1", "v2")
    expect(status_of(page, "S1.K1")).to_have_text("Opgeslagen")
    expect(status_of(page, "S1.K2")).to_have_text("")
    choose(page, "S1.K2", "v3")
    expect(status_of(page, "S1.K2")).to_have_text("Opgeslagen")
    choose(page, "S1.K1", "v4")
    expect(page.locator("#save-status")).to_have_text("Opgeslagen")
    page.wait_for_load_state("networkidle")
    assert Answer.objects.filter(item__code__in=["S1.K1", "S1.K2"]).count() == 2
    # Three saves, one polite announcement.
    assert page.evaluate("window.announcements") == ["Opgeslagen"]
    page.check_accessibility()


def test_a_failed_save_says_so_beside_the_question_and_keeps_the_choice(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    round_ = make_round(make_organisation())
    _invitation, token = invite(round_, round_.groups.first())
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(context.new_page())
    open_questionnaire(page, token)
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url("**/1/")
    page.evaluate(COUNT_ANNOUNCEMENTS_JS)
    choose(page, "S1.K1", "v2")
    expect(status_of(page, "S1.K1")).to_have_text("Opgeslagen")

    # The server refuses (the round was closed meanwhile): its reason shows beside the question.
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    choose(page, "S1.K2", "v3")
    expect(status_of(page, "S1.K2")).to_have_text("Niet opgeslagen: De vragenlijst is gesloten.")
    expect(page.locator("input[id='item-S1.K2-v3']")).to_be_checked()
    expect(status_of(page, "S1.K1")).to_have_text("Opgeslagen")

    # No answer at all (offline): said beside the question; the choice stays.
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.OPEN)

    def offline(route: Route) -> None:
        route.abort("internetdisconnected")

    page.route("**/opslaan/", offline)
    choose(page, "S1.K3", "v1")
    expect(status_of(page, "S1.K3")).to_contain_text("Niet opgeslagen: er is geen verbinding.")
    expect(page.locator("input[id='item-S1.K3-v1']")).to_be_checked()
    page.unroute("**/opslaan/")

    # Back online, the next change saves the whole page, the earlier choices with it.
    choose(page, "S1.K4", "v1")
    expect(status_of(page, "S1.K4")).to_have_text("Opgeslagen")
    page.wait_for_load_state("networkidle")
    assert set(Answer.objects.values_list("item__code", flat=True)) == {"S1.K1", "S1.K2", "S1.K3", "S1.K4"}
    assert page.evaluate("window.announcements") == [
        "Opgeslagen",
        "Niet opgeslagen: De vragenlijst is gesloten.",
        page.locator("form[data-autosave-offline]").get_attribute("data-autosave-offline"),
        "Opgeslagen",
    ]
    # The refused save (410) and the aborted one, as the browser and htmx log them, are the only errors seen.
    expected = ("/opslaan/", "Failed to load resource", "htmx:sendError", "htmx:afterRequest")
    assert page.console_errors, "the two failed saves were not even logged"
    assert all(any(part in error for part in expected) for error in page.console_errors), "\n".join(page.console_errors)
    context.close()


def test_the_review_page_leads_to_each_unanswered_characteristic(page: BrowserPage) -> None:
    round_ = make_round(make_organisation())
    _invitation, token = invite(round_, round_.groups.first())
    open_questionnaire(page, token)
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url("**/1/")
    for n in range(1, 10):
        if n != 4:
            choose(page, f"S1.K{n}", "v3")
            expect(status_of(page, f"S1.K{n}")).to_have_text("Opgeslagen")
    questionnaire = page.url.rsplit("/1/", 1)[0]
    page.visit(f"{questionnaire}/8/")
    expect(page.get_by_role("heading", name="Niet beantwoord")).to_be_visible()
    links = page.locator(".site-unanswered a")
    expect(links).to_have_count(51 - 8)
    page.locator(".site-unanswered a[href$='#kenmerk-S1.K4']").click()
    page.wait_for_url("**/1/#kenmerk-S1.K4")
    expect(page.locator("fieldset[id='kenmerk-S1.K4']")).to_be_in_viewport()
    page.check_accessibility()
