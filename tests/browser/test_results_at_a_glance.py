"""The results overview as a board reads it: summary and three things to discuss first, details in sections that
open from the keyboard, every table and figure inside the page at 1280 px and 375 px (tables as cards on a phone),
in Dutch and English; the cockpit and the house colour in the header."""

import re

import pytest

from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.factories import PASSWORD, make_membership, make_organisation, make_response, make_round, make_user, release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE_JS = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main table, main figure, main svg, main .site-glance, main .site-topics")]
    .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > limit + 0.5
                  && !el.closest(".site-figure--wide"))
    .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
              + ` right ${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def board():  # type: ignore[no-untyped-def]
    organisation = make_organisation("CJG Breedveld", colour="#1d4f91")
    user = make_user("Bea")
    make_membership(user, organisation, Role.COORDINATOR)
    round_ = make_round(organisation, title="Najaarsmeting", ask_importance=True)
    groups = list(round_.groups.all())
    # Every default group with 5 respondents but the last (3: shown together with another, and the page names it),
    # so the main table has many columns; groups disagree on S3.
    for g, group in enumerate(groups):
        for n in range(5 if g < len(groups) - 1 else 3):
            values = {f"S{k}.K{i}": f"v{1 + (k + n + i) % 4}" for k in range(1, 8) for i in range(1, 4)}
            if g < 2:  # the first group rates key 3 at the top, the second at the bottom
                values |= {f"S3.K{i}": "v4" if g == 0 else "v1" for i in range(1, 4)}
            make_response(round_, group, values, importance={"S1": 5, "S5": 2})
    release(round_)
    return user, organisation, round_


def log_in(page: BrowserPage, email: str) -> None:
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_overview_reads_at_a_glance_and_fits_the_page(page: BrowserPage, board, language: str) -> None:  # type: ignore[no-untyped-def]
    user, organisation, round_ = board
    log_in(page, user.email)
    # The cockpit: the current round and the header in the organisation's colour.
    page.check_accessibility()
    header = page.locator("header.site-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(29, 79, 145)"
    assert page.locator("#current-heading").is_visible()
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state("load")
    url = f"/o/{organisation.uuid}/metingen/{round_.uuid}/resultaten/"
    page.visit(url)
    words = {
        "nl": ("In één oogopslag", "gesprekspunten", "Gegevens", "Waar groepen verschillend oordelen"),
        "en": ("At a glance", "things to discuss", "Details", "Where groups see it differently"),
    }[language]
    glance, discuss, details, gaps = words
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == glance and discuss in headings[1], headings
    assert page.locator(".site-topic").count() == 3
    # The summary names the folded groups.
    assert "+" in page.locator(".site-glance").inner_text()
    # Details open from the keyboard.
    gap_section = page.locator("details#gaps")
    assert gap_section.get_attribute("open") is None
    gap_section.locator("summary").focus()
    page.keyboard.press("Enter")
    assert gap_section.get_attribute("open") is not None
    assert gaps in gap_section.inner_text()
    # One line per characteristic: no code appears twice in the gap list.
    codes = gap_section.locator("li .site-code").all_inner_texts()
    assert codes and len(codes) == len(set(codes)), codes
    for section in page.locator("details.site-section").all():
        if section.get_attribute("open") is None:
            section.locator("summary").click()
    for width, height in ((1280, 900), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        outside = page.evaluate(OUTSIDE_JS)
        assert outside == [], f"{width} px: {outside}"
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{width} px: page {scroll} px wide"
        main_table = page.locator("details#keys table")
        consensus = main_table.locator("td[data-label]").last
        assert consensus.is_visible()
        box = consensus.bounding_box()
        assert box and box["x"] + box["width"] <= width, f"{width} px: the consensus column is off the page"
        display = main_table.locator("tbody tr").first.evaluate("el => getComputedStyle(el).display")
        # On a phone every row is a card (a block with a line per column); on a desktop a table row.
        assert display == ("block" if width == 375 else "table-row")
    page.check_accessibility()


TEXT_RIGHT_JS = """(table) => {
  const right = el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().right;
  };
  const headers = [...table.querySelectorAll("thead th")];
  return [...table.querySelectorAll("tbody tr, tfoot tr")].flatMap(row => [...row.children].map((cell, i) =>
    [headers[i].textContent.trim(), Math.round(right(headers[i])), Math.round(right(cell))]).slice(1));
}"""


def test_numbers_sit_under_their_headers(page: BrowserPage, board) -> None:  # type: ignore[no-untyped-def]
    """The invitations table: before, the figures sat left in their cells under right-aligned headers, so each
    number stood under the previous column's header."""
    user, organisation, round_ = board
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, user.email)
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/uitnodigingen/")
    cells = page.locator("main table").first.evaluate(TEXT_RIGHT_JS)
    assert cells
    for header, header_right, cell_right in cells:
        assert abs(header_right - cell_right) <= 1, f"{header}: header ends at {header_right}, figure at {cell_right}"
