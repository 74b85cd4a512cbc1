"""A session in the room with four browsers: the big screen on a beamer, the facilitator's regie, two phones.

The facilitator moves to the next question, chooses "write first", reveals, starts a countdown and hides a note on
the regie; the big screen and the phones follow without a reload (the static poll script, ETag "nothing changed"),
and at zero the phones' input closes, on the page and on the server.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from cjgscan.workshops import actions
from cjgscan.workshops.models import Note, Workshop, WorkshopQuestion
from tests.browser.helpers import BrowserPage
from tests.browser.test_instrument_browser import log_in
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user
from tests.test_workshops import make_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
# The poll runs every 2.5 s; what the facilitator does must reach every screen within a few seconds.
FOLLOW_MS = 8_000


def mark_visit(page: BrowserPage) -> None:
    page.evaluate("document.body.dataset.sameVisit = 'yes'")  # gone if the page were loaded again


def same_visit(page: BrowserPage) -> bool:
    return bool(page.evaluate("document.body.dataset.sameVisit === 'yes'"))


def assert_inside_viewport(page: BrowserPage, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"] + 1, (selector, box, size)
    assert box["y"] + box["height"] <= size["height"] + 1, (selector, box, size)


def regie_and_big_screen(browser, live_server, email: str) -> tuple[BrowserPage, BrowserPage]:  # type: ignore[no-untyped-def]
    """The facilitator signed in on a laptop (the regie, 1280×900) and on the beamer (the big screen, 1920×1080),
    two browser contexts sharing the log-in."""
    regie = BrowserPage(
        browser.new_context(
            base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}
        ).new_page()
    )
    log_in(regie, email)
    screen_context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        viewport={"width": 1920, "height": 1080},
        storage_state=regie.context.storage_state(),
    )
    return regie, BrowserPage(screen_context.new_page())


def test_the_room_follows_the_regie(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    organisation = make_organisation("CJG Zaaldorp")
    facilitator = make_user("Fenna")
    make_membership(facilitator, organisation, Role.COORDINATOR)
    workshop = make_workshop(organisation)
    first, second = actions.ordered_questions(workshop)[:2]
    base = f"/o/{organisation.uuid}/werksessies/{workshop.uuid}/"

    regie, screen = regie_and_big_screen(browser, live_server, facilitator.email)
    phones = []
    for name in ("Sanne", "Youssef"):
        context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=PHONE, has_touch=True)
        phone = BrowserPage(context.new_page())
        phone.visit(f"/werksessie/?code={workshop.code}")
        phone.locator("#id_name").fill(name)
        with phone.expect_navigation():
            phone.locator("main form button[type=submit]").click()
        phone.check_accessibility()
        phones.append(phone)

    # The big screen: no menu, the question in large type, QR code and code on the screen at 1920×1080 and 1280×720.
    regie.visit(base + "presenteren/")
    expect(regie.locator("a.ws-screen-link")).to_have_attribute("href", base + "scherm/")
    screen.visit(base + "scherm/")
    expect(screen.locator(".site-nav")).to_have_count(0)
    expect(screen.locator("#current-question")).to_have_text(first.text)
    for size in ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720}):
        screen.set_viewport_size(size)
        for part in ("#current-question", ".ws-screen__qr svg", ".ws-screen__code", ".ws-url"):
            assert_inside_viewport(screen, part)
        assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        question_px = float(
            screen.locator("#current-question").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        )
        assert question_px >= size["width"] * 0.025, question_px  # readable from the back: 48 px on 1920, 32 on 1280
    screen.set_viewport_size({"width": 1920, "height": 1080})
    expect(screen.locator(".ws-screen__code")).to_have_text(workshop.display_code)
    mark_visit(screen)
    for phone in phones:
        expect(phone.locator("#now .ws-big-link")).to_have_text(first.text)
        mark_visit(phone)

    # The next question reaches the big screen and both phones without a reload.
    regie.locator(f"form[action$='/presenteren/vraag/'] button[value='{second.uuid}']").click()
    regie.wait_for_load_state("load")
    regie.check_accessibility()
    expect(screen.locator("#current-question")).to_have_text(second.text, timeout=FOLLOW_MS)
    for phone in phones:
        expect(phone.locator("#now .ws-big-link")).to_have_text(second.text, timeout=FOLLOW_MS)
        assert same_visit(phone)
    assert same_visit(screen)

    # Write first, then reveal: meanwhile the screen shows only how many answers there are.
    regie.locator("#controls button[value='hide']").click()
    regie.wait_for_load_state("load")
    regie.check_accessibility()
    for phone, text in zip(phones, ("Eén loket voor ouders", "Samen met de scholen"), strict=True):
        phone.locator("#now .ws-big-link").click()
        phone.wait_for_load_state("load")
        phone.locator("#id_text").fill(text)
        with phone.expect_navigation():
            phone.locator("form.ws-phone-form button[type=submit]").click()
        phone.check_accessibility()
    expect(screen.locator("#note-count")).to_contain_text("2", timeout=FOLLOW_MS)
    expect(screen.locator("#screen-live")).not_to_contain_text("Eén loket voor ouders")
    expect(regie.locator("#notes")).to_contain_text("Eén loket voor ouders", timeout=FOLLOW_MS)  # the regie sees them
    screen.check_accessibility()
    regie.locator("#controls button[value='reveal']").click()
    regie.wait_for_load_state("load")
    expect(screen.locator("#notes")).to_contain_text("Eén loket voor ouders", timeout=FOLLOW_MS)
    expect(screen.locator("#notes")).to_contain_text("Samen met de scholen")
    assert same_visit(screen)
    screen.check_accessibility()

    # Moderation: a note hidden on the regie leaves the big screen.
    note = Note.objects.get(text="Samen met de scholen")
    regie.locator(f"#moderate-{note.uuid}").click()
    regie.wait_for_load_state("load")
    expect(screen.locator("#notes")).not_to_contain_text("Samen met de scholen", timeout=FOLLOW_MS)
    expect(regie.locator(f"#regie-note-{note.uuid}")).to_have_class("ws-note ws-note--hidden")
    regie.check_accessibility()

    # The countdown: started on the regie, it runs on the screen and the phones; at zero the phones' input closes.
    regie.locator("#timer-seconds").select_option("60")
    regie.locator("#controls form:has(#timer-seconds) button[type=submit]").click()
    regie.wait_for_load_state("load")
    regie.check_accessibility()
    expect(screen.locator(".ws-timer__clock")).to_contain_text("0:5", timeout=FOLLOW_MS)
    phone = phones[0]
    expect(phone.locator("#now .ws-timer__clock")).to_contain_text("0:5", timeout=FOLLOW_MS)
    expect(phone.locator(".ws-time-up")).to_be_hidden()
    mark_visit(phone)
    # Rather than wait a minute: the deadline moves to three seconds from now, as "stop" and "start" would do.
    WorkshopQuestion.objects.filter(pk=second.pk).update(closes_at=timezone.now() + datetime.timedelta(seconds=3))
    actions.touch(workshop.pk)
    expect(phone.locator(".ws-time-up")).to_be_visible(timeout=FOLLOW_MS + 3_000)
    expect(phone.locator("form.ws-phone-form")).to_be_hidden()
    expect(screen.locator(".ws-timer")).to_have_class("ws-timer ws-timer--up", timeout=FOLLOW_MS)
    assert same_visit(phone)
    phone.check_accessibility()
    # The server refuses too, whatever the page does.
    refused = phone.request.post(
        phone.url,
        form={
            "text": "Te laat",
            "csrfmiddlewaretoken": phone.locator("[name=csrfmiddlewaretoken]").first.input_value(),
        },
        headers={"Referer": phone.url},
    )
    assert refused.status == 409
    assert not Note.objects.filter(text="Te laat").exists()
    # One minute more: the phones can write again.
    regie.locator("#controls button[value='more-time']").click()
    regie.wait_for_load_state("load")
    expect(phone.locator("#now .ws-timer__clock")).to_contain_text("0:", timeout=FOLLOW_MS)
    expect(phone.locator("#now .ws-timer")).not_to_have_class("ws-timer ws-timer--up", timeout=FOLLOW_MS)
    phone.reload()
    phone.locator("#id_text").fill("Net op tijd")
    with phone.expect_navigation():
        phone.locator("form.ws-phone-form button[type=submit]").click()
    assert Note.objects.filter(text="Net op tijd").exists()
    assert Workshop.objects.get().revision > 0

    for page in (regie, screen, *phones):
        assert page.console_errors == [], page.console_errors
    for context in (regie.context, screen.context, *(p.context for p in phones)):
        context.close()
