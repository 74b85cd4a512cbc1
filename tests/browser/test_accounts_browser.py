"""In Chromium, with axe-core on every page: a beheerder whose organisation requires two-factor sign-in is sent to
set it up after the password, scans (reads) the key, confirms with a code computed here, sees the recovery codes
once, and next time signs in with the code; then invites a colleague and changes a role on the members page."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from cjgscan.organisations.models import MemberInvitation, Membership, Role
from tests.browser.helpers import BrowserPage
from tests.factories import PASSWORD, make_membership, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_key(key: str, offset: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page."""
    compact = key.replace(" ", "")
    secret = base64.b32decode(compact + "=" * (-len(compact) % 8))
    totp = TOTP(secret)
    totp.drift = offset
    return f"{totp.token():06d}"


def enter_password(page: BrowserPage, email: str) -> None:
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")


def test_required_set_up_then_sign_in_with_a_code_then_manage_members(page: BrowserPage) -> None:
    admin = make_user("Bea")
    colleague = make_user("Cor")
    organisation = make_organisation("CJG Codestad", two_factor_required=True)
    make_membership(admin, organisation, Role.BEHEERDER)
    make_membership(colleague, organisation, Role.LEZER)

    enter_password(page, admin.email)
    page.wait_for_url(re.compile(r"/account/tweestapsverificatie/$"))
    page.check_accessibility()
    expect(page.get_by_role("img", name="QR-code om te scannen met je authenticator-app")).to_be_visible()
    # Every other page sends her back here until it is done.
    page.goto(f"/o/{organisation.uuid}/")
    page.wait_for_url(re.compile(r"/account/tweestapsverificatie/$"))
    key = page.get_by_test_id("otp-key").inner_text()
    page.get_by_role("textbox", name="Code").fill(code_from_key(key))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Je herstelcodes")).to_be_visible()
    page.check_accessibility()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Ik heb ze bewaard: terug naar je account").click()
    page.wait_for_url(re.compile(r"/account/$"))
    page.check_accessibility()
    expect(page.get_by_text("Aan: na je wachtwoord")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen/"))
    enter_password(page, admin.email)
    page.wait_for_url(re.compile(r"/inloggen/code/$"))
    page.check_accessibility()
    # The code of the next 30 seconds: the one used for the set-up may not be used twice.
    page.get_by_role("textbox", name="Code").fill(code_from_key(key, offset=1))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(rf"/o/{organisation.uuid}/$"))

    page.get_by_role("link", name="Leden beheren").click()
    page.wait_for_url(re.compile(r"/leden/$"))
    page.check_accessibility()
    page.get_by_label("E-mailadres").fill("nieuw@example.nl")
    page.get_by_label("Rol", exact=True).select_option("coordinator")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_text("Er gaat een uitnodiging naar nieuw@example.nl.")).to_be_visible()
    page.check_accessibility()
    assert MemberInvitation.objects.get().role == Role.COORDINATOR
    page.get_by_label(f"Rol van {colleague.email}").select_option("coordinator")
    page.get_by_label(f"Rol van {colleague.email}").locator("xpath=..").get_by_role(
        "button", name="Rol wijzigen"
    ).click()
    expect(page.get_by_text(f"{colleague.email} is nu coördinator.")).to_be_visible()
    assert Membership.objects.get(user=colleague).role == Role.COORDINATOR
