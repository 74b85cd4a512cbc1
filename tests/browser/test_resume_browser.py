"""Every link resumes: a group link opened again in the same browser, and the resume code on another device;
the group link page copies its short address."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cjgscan.lib import codes
from cjgscan.organisations.models import Role
from cjgscan.rounds.models import Answer, Response
from tests.browser.helpers import BrowserPage
from tests.browser.test_dashboard import log_in
from tests.factories import PASSWORD, make_membership, make_organisation, make_round, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_first_characteristic(page: BrowserPage) -> None:
    page.locator("input[name='item-S1.K1'][value='v3']").check()
    expect(page.locator("#save-status")).to_have_text("Opgeslagen")


def test_group_link_and_its_short_code_resume_and_a_resume_code_moves_to_another_device(  # type: ignore[no-untyped-def]
    browser, live_server
) -> None:
    round_ = make_round(make_organisation("CJG Hervatten"))
    group = round_.groups.first()
    link = f"/g/{group.link_token()}/"

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(context.new_page())
    page.visit(link)  # the link's page: nothing started yet
    expect(page.get_by_role("heading", level=1)).to_have_text("Meting najaar")
    assert not Response.objects.exists()
    with page.expect_navigation():  # the start button posts with a real Origin, so the CSRF check passes
        page.get_by_role("button", name="Beginnen met de vragenlijst").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Beginnen").click()  # the introduction
    page.check_accessibility()
    answer_first_characteristic(page)
    page.close()  # the tab is closed

    # The same link (and the short code, as typed from the sheet) in the same browser: the answer is still there.
    short = group.short_code()
    for again in (link, f"/g/{short[:4].lower()}-{short[4:8].lower()}-{short[8:].lower()}"):
        page = BrowserPage(context.new_page())
        page.visit(again)
        expect(page.get_by_role("heading", level=1)).to_have_text("Inspirerende missie en visie")
        expect(page.locator("input[name='item-S1.K1'][value='v3']")).to_be_checked()
        page.close()
    assert Response.objects.count() == 1

    page = BrowserPage(context.new_page())
    page.visit(link)
    page.get_by_text("Verder op een ander apparaat").click()
    code = page.locator("#resume-code-shown").inner_text()
    assert len(code) == 14, code
    page.check_accessibility()
    assert page.console_errors == [], page.console_errors
    context.close()

    # Another device: type the code, go on with the same answers.
    other = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(other.new_page())
    page.visit("/verder/")
    page.get_by_label("Verdercode").fill(code.lower().replace("-", ""))
    with page.expect_navigation():
        page.get_by_role("button", name="Verder", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspirerende missie en visie")
    expect(page.locator("input[name='item-S1.K1'][value='v3']")).to_be_checked()
    page.locator("input[name='item-S1.K2'][value='v1']").check()
    expect(page.locator("#save-status")).to_have_text("Opgeslagen")
    page.check_accessibility()
    assert page.console_errors == [], page.console_errors
    other.close()
    assert Response.objects.count() == 1
    assert sorted(Answer.objects.values_list("value", flat=True)) == [1, 3]


def test_the_group_link_page_copies_the_short_address_and_works_without_javascript(  # type: ignore[no-untyped-def]
    browser, live_server
) -> None:
    organisation = make_organisation("CJG Kopieerstad")
    user = make_user("Kees")
    make_membership(user, organisation, Role.LEZER)
    round_ = make_round(organisation)
    group = round_.groups.first()
    path = reverse("group_link", args=[organisation.uuid, round_.uuid, group.uuid])
    short = f"{live_server.url}/g/{codes.formatted(group.short_code())}"

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = BrowserPage(context.new_page())
    log_in(page, user.email)
    page.visit(path)
    expect(page.get_by_label("Kort adres, om te typen")).to_have_value(short)
    page.get_by_role("button", name="Kopieer het korte adres").click()
    expect(page.locator("#group-short-url-status")).to_have_text("Het korte adres is gekopieerd.")
    # Headless Chromium can leave the clipboard promise pending for ever: wait for it at most two seconds.
    copied = page.evaluate(
        "Promise.race([navigator.clipboard.readText(), new Promise(r => setTimeout(() => r('timeout'), 2000))])"
    )
    assert copied == short, copied
    page.check_accessibility()
    assert page.console_errors == [], page.console_errors
    context.close()

    # Without JavaScript there is no button that does nothing; the address is there to select and copy.
    # (page.goto, not visit: axe-core needs JavaScript.)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", java_script_enabled=False)
    page = BrowserPage(context.new_page())
    page.goto("/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(path)
    expect(page.get_by_label("Kort adres, om te typen")).to_have_value(short)
    expect(page.get_by_role("button", name="Kopieer het korte adres")).to_be_hidden()
    context.close()
