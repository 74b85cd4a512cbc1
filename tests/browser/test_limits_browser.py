"""What people see of the shared limits (issue 13): the lock-out page, a worn-out werksessie code with the new-code
button, the refused group-link starts on the round page. Axe and the 375 px check on each; screenshots for review."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjgscan.limits.models import RefusedStart, Total
from cjgscan.organisations.models import Role
from cjgscan.workshops.models import JOIN_FAILURES, Workshop
from tests.browser.helpers import BrowserPage
from tests.factories import (
    PASSWORD,
    load_builtin_instruments,
    make_membership,
    make_organisation,
    make_round,
    make_user,
)
from tests.test_workshops import make_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "limits"


def shoot(page: BrowserPage, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{width}x{height}.png"), full_page=True)


def log_in(page: BrowserPage, email: str, password: str) -> None:
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_lock_out_page_says_what_is_true(page: BrowserPage) -> None:
    user = make_user("Lotte")
    for _ in range(5):
        log_in(page, user.email, "verkeerd wachtwoord")
    expect(page.locator("h1")).to_have_text("Inloggen met dit e-mailadres staat even stil")
    expect(page.locator("main")).to_contain_text("Andere e-mailadressen kunnen gewoon inloggen")
    page.check_accessibility()
    shoot(page, "locked-out")
    # The 429 of the lock-out is the point of this page, not an error of it.
    page.console_errors[:] = [e for e in page.console_errors if "429" not in e]


def test_a_worn_out_code_and_a_new_one_by_keyboard(page: BrowserPage, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKSHOP_CODE_FAILURE_LIMIT = 10
    load_builtin_instruments()
    organisation = make_organisation("CJG Sessiestad")
    user = make_user("Saar")
    make_membership(user, organisation, Role.BEHEERDER)
    workshop = make_workshop(organisation)
    Total.objects.create(name=JOIN_FAILURES, count=10)
    log_in(page, user.email, PASSWORD)
    page.visit(f"/o/{organisation.uuid}/werksessies/{workshop.uuid}/")
    warning = page.locator(".utrecht-alert--warning")
    expect(warning).to_contain_text("De code werkt niet meer voor nieuwe deelnemers")
    shoot(page, "workshop-code-worn-out")
    page.get_by_role("button", name="Nieuwe code maken").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.check_accessibility()
    fresh = Workshop.objects.get(pk=workshop.pk)
    assert fresh.code != workshop.code
    expect(page.locator(".ws-code")).to_have_text(fresh.display_code)
    expect(page.locator(".utrecht-alert--warning")).to_have_count(0)
    shoot(page, "workshop-new-code")


def test_the_round_page_shows_refused_starts_per_group_link(page: BrowserPage) -> None:
    organisation = make_organisation("CJG Linkstad")
    user = make_user("Lina")
    make_membership(user, organisation, Role.COORDINATOR)
    round_ = make_round(organisation, title="Meting met groepslinks")
    group = round_.groups.first()
    assert group is not None
    RefusedStart.objects.create(group=group, day=round_.opens_on, count=37)
    log_in(page, user.email, PASSWORD)
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/")
    expect(page.locator("[data-refused-starts]")).to_have_text(
        re.compile(r"^37 starts geweigerd: te veel nieuwe vragenlijsten vanaf één adres in korte tijd$")
    )
    page.locator("[data-refused-starts]").scroll_into_view_if_needed()
    shoot(page, "round-refused-starts")
