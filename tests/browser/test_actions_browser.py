"""A coordinator makes an action from a perception gap on the dashboard and moves it through plan-do-check-act
with the keyboard only; axe-core checks every page on the way. (In English: the Dutch texts of this feature
are merged into the catalogue separately.)"""

import re

import pytest
from playwright.sync_api import expect

from cjgscan.development.models import Action
from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.factories import (
    PASSWORD,
    make_membership,
    make_organisation,
    make_response,
    make_round,
    make_user,
    release,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator():  # type: ignore[no-untyped-def]
    organisation = make_organisation("CJG Actiedorp")
    user = make_user("Cora")
    make_membership(user, organisation, Role.COORDINATOR)
    round_ = make_round(organisation, title="Meting najaar")
    groups = list(round_.groups.all()[:2])
    for n in range(10):
        # The two groups see S1.K1 very differently: a perception gap.
        make_response(round_, groups[n % 2], {"S1.K1": "v4" if n % 2 else "v1", "S1.K2": "v2", "S5.K1": "v1"})
    release(round_)
    return user, organisation, round_


def tab_to(page: BrowserPage, condition: str, limit: int = 120) -> None:
    """Press Tab until `condition` (JavaScript about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {condition})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def press_button(page: BrowserPage, text: str) -> None:
    tab_to(page, f"el.tagName === 'BUTTON' && el.textContent.trim() === {text!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.check_accessibility()


def test_make_an_action_from_the_dashboard_and_move_it_through_the_phases(page: BrowserPage, coordinator) -> None:  # type: ignore[no-untyped-def]
    user, organisation, round_ = coordinator
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))
    page.get_by_role("button", name="English").click()
    page.check_accessibility()

    # The action plan is in the menu; still empty.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Action plan").click()
    page.check_accessibility()
    expect(page.get_by_text("There are no actions yet.")).to_be_visible()

    # The dashboard: a perception gap on S1.K1 offers "Make an action" (in the gaps section, opened first).
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/resultaten/")
    page.locator("details#gaps > summary").click()
    gap = page.locator("#gaps li", has_text="S1.K1").filter(has=page.locator('a[href*="source=gap+S1.K1"]'))
    gap.get_by_role("link", name="Make an action").click()
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("New action")
    expect(page.get_by_label("Characteristic")).to_have_value("S1.K1")
    expect(page.locator("#id_round")).to_have_value(str(round_.pk))
    expect(page.get_by_label("Title")).not_to_have_value("")
    tab_to(page, "el.id === 'id_owner_name'")
    page.keyboard.type("Team JGZ")
    page.locator("#id_due_on").fill("2099-12-31")  # the date picker's keyboard order depends on the OS locale
    press_button(page, "Add the action")
    action = Action.objects.get()
    assert (action.item_code, action.theme_code, action.round_id, action.source) == (
        "S1.K1",
        "S1",
        round_.pk,
        "gap S1.K1",
    )
    assert action.owner_name == "Team JGZ" and str(action.due_on) == "2099-12-31"

    # Plan → Do → Check → Act, with the keyboard only.
    expect(page.locator('[aria-current="step"]')).to_contain_text("Plan")
    for phase in ("Do", "Check", "Act"):
        press_button(page, f"To {phase}")
        expect(page.locator('[aria-current="step"]')).to_contain_text(phase)
    action.refresh_from_db()
    assert action.phase == Action.Phase.ACT
    press_button(page, "Back to Check")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Check")

    # A note in the status log, by keyboard.
    tab_to(page, "el.id === 'id_text'")
    page.keyboard.type("Teamoverleg gepland")
    press_button(page, "Add the note")
    expect(page.get_by_text("Teamoverleg gepland")).to_be_visible()

    # The board on a phone: four stacked sections, nothing sticking out sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    page.visit(f"/o/{organisation.uuid}/acties/")
    check_column = page.locator("section", has=page.get_by_role("heading", name=re.compile(r"^Check")))
    expect(check_column.get_by_role("link", name=action.title)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="By key").click()
    page.check_accessibility()

    # Agreed scores, then deleting the action after confirmation.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/afgesproken-scores/")
    page.get_by_label("Agreed score").first.fill("9")
    page.get_by_role("button", name="Save the agreed scores").click()
    page.check_accessibility()
    expect(page.get_by_text("The score must lie between 1 and 4")).to_be_visible()
    page.console_errors.clear()  # the 400 answer to the invalid form

    page.visit(f"/o/{organisation.uuid}/acties/{action.uuid}/verwijderen/")
    press_button(page, "Yes, delete the action")
    assert not Action.objects.exists()
