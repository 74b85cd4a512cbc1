"""A beheerder deletes a closed round's invitation addresses, then the whole round, by keyboard (axe on each page)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from cjgscan.rounds.models import Invitation, Response, Round
from tests.browser.helpers import BrowserPage
from tests.factories import PASSWORD, make_membership, make_organisation, make_response, make_round, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_delete_addresses_and_then_the_round(page: BrowserPage) -> None:
    organisation = make_organisation("CJG Bewaarstad")
    user = make_user("Bea")
    make_membership(user, organisation, Role.BEHEERDER)
    round_ = make_round(
        organisation,
        title="Oude meting",
        status=Round.Status.CLOSED,
        opens_on=datetime.date(2025, 3, 1),
        closes_on=datetime.date(2025, 3, 31),
    )
    group = round_.groups.first()
    assert group is not None
    for n in range(4):
        Invitation.objects.create(round=round_, group=group, email=f"oud{n}@example.nl")
        make_response(round_, group, {"S1.K1": "v2"})

    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/")

    page.get_by_role("link", name=re.compile("Delete invitation addresses|Uitnodigingsadressen verwijderen")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/adressen-verwijderen/$"))
    page.check_accessibility()
    page.get_by_role("button", name=re.compile("Delete the addresses|Adressen verwijderen")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/metingen/{round_.uuid}/$"))
    page.check_accessibility()
    expect(page.locator("main")).to_contain_text(re.compile("4 invitations|4 uitnodigingen"))
    assert not Invitation.objects.exists()
    assert Response.objects.count() == 4

    page.get_by_role("link", name=re.compile("^(Delete the round|Meting verwijderen)$")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/verwijderen/$"))
    page.check_accessibility()
    button = page.get_by_role("button", name=re.compile("Delete the round for good|Meting definitief verwijderen"))
    button.focus()
    page.keyboard.press("Enter")  # not confirmed: the page explains (400), nothing is deleted
    expect(page.locator("main")).to_contain_text(re.compile("Tick the box|Vink het vakje"))
    page.check_accessibility()
    assert Round.objects.filter(pk=round_.pk).exists()
    page.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/o/{organisation.uuid}/metingen/$"))
    page.check_accessibility()
    assert not Round.objects.filter(pk=round_.pk).exists()
    assert not Response.objects.exists()
    # The one expected error: the unconfirmed form's 400.
    page.console_errors[:] = [e for e in page.console_errors if "400" not in e or "/verwijderen/" not in e]
    page.console_errors[:] = [e for e in page.console_errors if "status of 400" not in e]
