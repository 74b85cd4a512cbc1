"""A work session in two browsers: the facilitator's big screen and a participant's phone.

Notes and votes from the phone appear on the big screen without a reload (htmx polling); axe-core checks every
page either browser visits, and the phone is driven with the keyboard only.
"""

import re

import pytest
from playwright.sync_api import expect

from cjgscan.development.models import Action
from cjgscan.organisations.models import Role
from cjgscan.workshops.models import Note, Vote, Wish, Workshop
from tests.browser.helpers import BrowserPage
from tests.browser.test_instrument_browser import log_in
from tests.browser.test_questionnaire import tab_to
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_form(page: BrowserPage, action_part: str) -> None:
    """Press the submit button of the form whose action contains `action_part` (or of the main form without an
    action, for ""), with the keyboard."""
    form = f"form[action*='{action_part}']" if action_part else "main form:not([action])"
    button = page.locator(f"{form} button[type=submit]").first
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_notes_and_votes_reach_the_big_screen_without_a_reload(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    organisation = make_organisation("CJG Werkdorp")
    facilitator = make_user("Fenna")
    make_membership(facilitator, organisation, Role.COORDINATOR)

    screen_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    screen = BrowserPage(screen_context.new_page())
    phone_context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 360, "height": 740}, has_touch=True
    )
    phone = BrowserPage(phone_context.new_page())

    # The facilitator creates a session from the organisation's home page.
    log_in(screen, facilitator.email)
    screen.check_accessibility()
    screen.locator(f"a[href='/o/{organisation.uuid}/werksessies/']").click()
    screen.check_accessibility()
    screen.locator(f"a[href='/o/{organisation.uuid}/werksessies/nieuw/']").click()
    screen.check_accessibility()
    screen.locator("#id_title").fill("Werksessie met de partners")
    screen.locator("#id_votes_per_participant").fill("2")
    screen.locator("#question-P5\\.V1").uncheck()
    submit_form(screen, "")
    screen.check_accessibility()
    workshop = Workshop.objects.get()
    assert workshop.questions.count() == 29  # all 30 guiding questions but one
    expect(screen.locator(".ws-code")).to_have_text(workshop.display_code)
    screen.locator("a[href$='/presenteren/']").click()
    screen.check_accessibility()
    first_question = workshop.current_question
    assert first_question is not None
    expect(screen.locator("#current-question")).to_have_text(first_question.text)
    screen.evaluate("document.body.dataset.sameVisit = 'yes'")  # gone if the page were loaded again

    # The participant joins on the phone, with the keyboard only.
    phone.visit("/werksessie/")
    tab_to(phone, "el.id === 'id_code'")
    phone.keyboard.type(workshop.display_code.lower())
    phone.keyboard.press("Tab")
    phone.keyboard.type("Sanne")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.check_accessibility()
    expect(phone.locator("h1")).to_have_text("Werksessie met de partners")
    tab_to(phone, "el.classList.contains('ws-big-link')")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.check_accessibility()
    tab_to(phone, "el.id === 'id_text'")
    phone.keyboard.type("Samen één <visie> op gezinnen")
    tab_to(phone, "el.tagName === 'BUTTON' && el.type === 'submit' && el.closest('form').matches('.ws-phone-form')")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.check_accessibility()
    expect(phone.locator(".ws-own-note")).to_contain_text("Samen één <visie> op gezinnen")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The note appears on the big screen by itself.
    expect(screen.locator("#notes")).to_contain_text("Samen één <visie> op gezinnen")
    expect(screen.locator("#participant-count")).to_contain_text("1")
    assert screen.evaluate("document.body.dataset.sameVisit") == "yes"
    screen.check_accessibility()

    # A second note.
    tab_to(phone, "el.id === 'id_text'")
    phone.keyboard.type("Samenwerken met het onderwijs")
    phone.keyboard.press("Tab")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    expect(screen.locator("#notes")).to_contain_text("Samenwerken met het onderwijs")

    # Wishes and votes.
    phone.locator(".ws-phone-nav a[href$='/wensen/']").focus()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.check_accessibility()
    for pillar, text in (("P2", "Eén herkenbaar gezicht"), ("P1", "Gedeelde resultaten meten")):
        phone.locator("#id_pillar").select_option(pillar)
        tab_to(phone, "el.id === 'id_text'")
        phone.keyboard.type(text)
        phone.keyboard.press("Tab")
        with phone.expect_navigation():
            phone.keyboard.press("Enter")
    phone.check_accessibility()
    expect(screen.locator(".ws-wishes")).to_contain_text("Gedeelde resultaten meten")
    wish = Wish.objects.get(text="Gedeelde resultaten meten")
    submit_form(phone, f"/wensen/{wish.uuid}/stemmen/")
    phone.check_accessibility()
    expect(phone.locator(f"form[action*='/wensen/{wish.uuid}/intrekken/']")).to_be_visible()
    expect(screen.locator(".ws-wish", has_text="Gedeelde resultaten meten").locator(".ws-votes")).to_contain_text("1")
    expect(screen.locator("#vote-total")).to_contain_text("1")
    assert screen.evaluate("document.body.dataset.sameVisit") == "yes"
    screen.check_accessibility()
    assert Vote.objects.count() == 1

    # The facilitator merges the two notes, moves on and closes voting.
    screen.locator("a[href$='/samenvoegen/']").click()
    screen.check_accessibility()
    for note in Note.objects.all():
        screen.locator(f"#note-{note.uuid}").check()
    submit_form(screen, "")
    screen.check_accessibility()
    assert Note.objects.filter(merged_into__isnull=False).count() == 1
    screen.locator("a[href$='/presenteren/']").last.click()
    expect(screen.locator(".ws-badge")).to_have_text("2×")
    screen.locator("form[action$='/presenteren/vraag/'] button.utrecht-button--primary-action").click()
    screen.wait_for_load_state("load")
    second = Workshop.objects.get().current_question
    assert second is not None and second.pk != first_question.pk
    expect(screen.locator("#current-question")).to_have_text(second.text)
    screen.check_accessibility()
    phone.visit(f"/werksessie/{workshop.uuid}/")
    expect(phone.locator(".ws-now")).to_contain_text(second.text)
    submit_form(screen, "/stemmen-sluiten/")
    screen.check_accessibility()
    phone.visit(f"/werksessie/{workshop.uuid}/wensen/")
    expect(phone.locator("form[action*='/stemmen/']")).to_have_count(0)

    # The agenda: wishes by votes; one click makes a wish an action.
    screen.locator("a[href$='/agenda/']").first.click()
    screen.check_accessibility()
    rows = screen.locator("tbody tr")
    expect(rows.first).to_contain_text("Gedeelde resultaten meten")
    submit_form(screen, f"/wensen/{wish.uuid}/actie/")
    screen.check_accessibility()
    action = Action.objects.get()
    assert action.source == "wish"  # the wish links to the action; the page says where it came from in words
    screen.locator(f"a[href='/o/{organisation.uuid}/acties/{action.uuid}/']").click()
    screen.check_accessibility()
    expect(screen.locator("h1")).to_contain_text("Gedeelde resultaten meten")
    expect(screen.locator("main")).to_contain_text("werksessie ")
    assert str(wish.uuid) not in screen.content()

    assert re.search(r"/acties/", screen.url)
    assert screen.console_errors == [], screen.console_errors
    assert phone.console_errors == [], phone.console_errors
    screen_context.close()
    phone_context.close()
