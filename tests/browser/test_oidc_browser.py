"""In Chromium, against the loopback OpenID provider (tests/oidc_provider.py): the login page shows the municipality
button (axe, 375 px), an unknown address comes back with the message on the login page, and a member's address goes
to the provider and back signed in. Screenshots of the login page with the button at 375 and 1280 px."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.factories import make_membership, make_organisation, make_user
from tests.oidc_provider import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "oidc"


@pytest.fixture
def provider(settings) -> Iterator[Provider]:  # type: ignore[no-untyped-def]
    with Provider() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        yield running


def shoot(page: BrowserPage, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"{name}-{width}x{height}.png"), full_page=True)


def test_sign_in_with_the_municipality_button(page: BrowserPage, provider: Provider) -> None:
    user = make_user("Gemma")
    organisation = make_organisation("CJG Gemeentestad")
    make_membership(user, organisation, Role.COORDINATOR)

    page.visit("/inloggen/")
    button = page.get_by_role("link", name="Inloggen met je gemeente-account")
    expect(button).to_be_visible()
    shoot(page, "login-with-button")

    provider.sign_in_as("onbekend@example.nl")
    button.click()
    page.wait_for_url(re.compile(r"/inloggen/$"))
    expect(
        page.get_by_text("Er is geen account met dit e-mailadres; vraag je beheerder om een uitnodiging.")
    ).to_be_visible()
    page.check_accessibility()
    shoot(page, "login-unknown-address")

    provider.sign_in_as(user.email.upper())
    # By keyboard, as well as a mouse would.
    page.get_by_role("link", name="Inloggen met je gemeente-account").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/o/{organisation.uuid}/$"))
    assert len(provider.seen) == 2  # both times through the provider's authorization endpoint
    expect(page.get_by_role("heading", level=1)).to_contain_text("CJG Gemeentestad")
    page.check_accessibility()
