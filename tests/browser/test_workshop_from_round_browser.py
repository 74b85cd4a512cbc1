"""A session started from a closed round: the big screen opens with the round's results (key scores and radar, the
three things to discuss, the largest gaps) and follows the regie from slide to slide and on to the first question,
without a reload; every page passes axe-core, and a small group appears only inside its shared column."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from tests.browser.test_workshop_live_browser import (
    FOLLOW_MS,
    assert_inside_viewport,
    mark_visit,
    regie_and_big_screen,
    same_visit,
)
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user
from tests.test_workshop_from_round import TINY, closed_round, without_together
from tests.test_workshops import make_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "workshop-from-round"
SLIDE_TITLES = ("Scores per sleutel", "Drie punten om te bespreken", "Waar groepen het meest verschillen")


def test_a_session_from_a_round_opens_with_its_results(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    organisation = make_organisation("CJG Zaaldorp")
    facilitator = make_user("Fenna")
    make_membership(facilitator, organisation, Role.COORDINATOR)
    round_ = closed_round(organisation, title="Meting voorjaar")
    workshop = make_workshop(organisation, round=round_, slide=1)
    base = f"/o/{organisation.uuid}/werksessies/{workshop.uuid}/"

    regie, screen = regie_and_big_screen(browser, live_server, facilitator.email)

    # The round's page offers the start; the choice of questions from the round is a page of its own.
    regie.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/")
    expect(regie.locator("#start-workshop")).to_have_text("Start een werksessie")
    regie.visit(base + "uit-meting/")
    OUT.mkdir(parents=True, exist_ok=True)
    regie.screenshot(path=str(OUT / "questions-from-round-1280x900.png"), full_page=True)
    assert TINY not in without_together(regie.content())

    regie.visit(base + "presenteren/")
    expect(regie.locator("#slides .ws-slide__title")).to_have_text(SLIDE_TITLES[0])
    screen.visit(base + "scherm/")
    expect(screen.locator("#slide-title")).to_have_text(SLIDE_TITLES[0])
    for size in ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720}):
        screen.set_viewport_size(size)
        for part in ("#slide-title", ".ws-slide__chart svg", ".ws-screen__code"):
            assert_inside_viewport(screen, part)
        assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screen.screenshot(path=str(OUT / f"slide-1-{size['width']}x{size['height']}.png"))
    screen.set_viewport_size({"width": 1920, "height": 1080})
    screen.check_accessibility()
    mark_visit(screen)

    # The regie steps through the slides; the big screen follows without a reload, and then shows the first question.
    for number, title in enumerate(SLIDE_TITLES[1:], start=2):
        regie.locator(f"#slides button[name='slide'][value='{number}']").click()
        regie.wait_for_load_state("load")
        regie.check_accessibility()
        expect(screen.locator("#slide-title")).to_have_text(title, timeout=FOLLOW_MS)
        assert same_visit(screen)
        assert TINY not in without_together(screen.content()), number
        for size in ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720}):
            screen.set_viewport_size(size)
            assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            screen.screenshot(path=str(OUT / f"slide-{number}-{size['width']}x{size['height']}.png"))
        screen.set_viewport_size({"width": 1920, "height": 1080})
        screen.check_accessibility()
    regie.screenshot(path=str(OUT / "regie-1280x900.png"), full_page=True)
    regie.set_viewport_size({"width": 375, "height": 740})
    regie.screenshot(path=str(OUT / "regie-375x740.png"), full_page=True)
    regie.set_viewport_size({"width": 1280, "height": 900})
    regie.locator("#slides button[name='slide'][value='0']").click()
    regie.wait_for_load_state("load")
    first = workshop.questions.order_by("theme__number", "position").first()
    assert first is not None
    expect(screen.locator("#current-question")).to_have_text(first.text, timeout=FOLLOW_MS)
    assert same_visit(screen)
    assert regie.console_errors == [] and screen.console_errors == [], (regie.console_errors, screen.console_errors)
