"""Themes in the room, with three browsers: the big screen (1920×1080), the facilitator's regie and a phone.

On the regie the facilitator ticks notes with the keyboard and makes them a theme; the big screen and the phone show
the notes grouped without a reload. Ticks survive the regie's own refresh. "Maak er een wens van" turns the theme into
a wish, and the phone votes for it. axe-core on every page visited; screenshots in test-artifacts/screenshots/themes.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from cjgscan.workshops import actions
from cjgscan.workshops.models import Note, NoteTheme, Participant, Vote, Wish
from tests.browser.helpers import BrowserPage
from tests.browser.test_workshop_live_browser import FOLLOW_MS, PHONE, mark_visit, regie_and_big_screen, same_visit
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user
from tests.test_workshops import make_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "themes"


def test_themes_made_on_the_regie_reach_the_screen_and_the_phone_and_become_a_wish(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    organisation = make_organisation("CJG Zaaldorp")
    facilitator = make_user("Fenna")
    make_membership(facilitator, organisation, Role.COORDINATOR)
    workshop = make_workshop(organisation)
    question = actions.ordered_questions(workshop)[0]
    base = f"/o/{organisation.uuid}/werksessies/{workshop.uuid}/"
    SHOTS.mkdir(parents=True, exist_ok=True)

    regie, screen = regie_and_big_screen(browser, live_server, facilitator.email)
    phone_context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=PHONE, has_touch=True)
    phone = BrowserPage(phone_context.new_page())
    phone.visit(f"/werksessie/?code={workshop.code}")
    phone.locator("#id_name").fill("Sanne")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    sanne = Participant.objects.get(name="Sanne")
    others = [actions.do_join(workshop, name)[0] for name in ("Youssef", "Ilse")]
    texts = ["Samenwerken met de scholen", "Vaste afspraken met het onderwijs", "Eén loket voor alle ouders",
             "Meer tijd voor huisbezoek", "De school als vindplaats"]  # fmt: skip
    notes = [actions.do_add_note([sanne, *others][n % 3], question, text) for n, text in enumerate(texts)]
    hidden = actions.do_add_note(others[0], question, "Een naam van een collega")
    actions.do_moderate_note(question, hidden.uuid, Note.Status.HIDDEN)

    screen.visit(base + "scherm/")
    mark_visit(screen)
    phone.visit(f"/werksessie/{workshop.uuid}/")
    mark_visit(phone)
    regie.visit(base + "presenteren/")

    # Keyboard only: Tab to a note's box, Space ticks it; a new note arriving (the regie's refresh) keeps the ticks.
    first = regie.locator(f"#pick-{notes[0].uuid}")
    first.focus()
    regie.keyboard.press("Space")
    regie.locator(f"#pick-{notes[1].uuid}").focus()
    regie.keyboard.press("Space")
    regie.locator(f"#pick-{notes[4].uuid}").check()
    regie.locator("#theme-name").fill("Samen met de scholen")
    actions.do_add_note(others[1], question, "Ouders eerder betrekken")
    expect(regie.locator("#notes")).to_contain_text("Ouders eerder betrekken", timeout=FOLLOW_MS)
    for n in (0, 1, 4):
        expect(regie.locator(f"#pick-{notes[n].uuid}")).to_be_checked()
    expect(regie.locator("#theme-name")).to_have_value("Samen met de scholen")
    regie.locator(f"#pick-{hidden.uuid}").check()  # the hidden note goes into the theme too: it stays hidden
    regie.locator("#theme-name").focus()
    with regie.expect_navigation():
        regie.keyboard.press("Enter")
    group = NoteTheme.objects.get()
    assert group.name == "Samen met de scholen"
    assert set(group.notes.values_list("pk", flat=True)) == {notes[0].pk, notes[1].pk, notes[4].pk, hidden.pk}
    expect(regie.locator(f"#theme-{group.uuid}")).to_contain_text(texts[4])
    expect(regie.locator(f"#theme-{group.uuid}")).to_contain_text("Een naam van een collega")
    regie.check_accessibility()

    # The big screen and the phone show the theme without a reload; the hidden note is on neither.
    theme_on_screen = screen.locator(".ws-theme", has_text="Samen met de scholen")
    expect(theme_on_screen).to_contain_text(texts[0], timeout=FOLLOW_MS)
    expect(theme_on_screen).to_contain_text(texts[4])
    expect(theme_on_screen).not_to_contain_text(texts[2])
    expect(screen.locator("#screen-live")).not_to_contain_text("Een naam van een collega")
    expect(screen.locator("#notes")).to_contain_text(texts[2])  # the rest, after the themes
    expect(phone.locator("#now-themes")).to_contain_text("Samen met de scholen", timeout=FOLLOW_MS)
    expect(phone.locator("#now-themes")).to_contain_text(texts[1])
    expect(phone.locator("#now")).not_to_contain_text("Een naam van een collega")
    assert same_visit(screen) and same_visit(phone)
    screen.check_accessibility()
    phone.check_accessibility()
    screen.screenshot(path=str(SHOTS / "groot-scherm-1920x1080.png"), animations="disabled")
    screen.set_viewport_size({"width": 1280, "height": 720})
    assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screen.screenshot(path=str(SHOTS / "groot-scherm-1280x720.png"), animations="disabled")
    screen.set_viewport_size({"width": 1920, "height": 1080})
    phone.screenshot(path=str(SHOTS / "telefoon-375x740.png"), full_page=True, animations="disabled")
    regie.screenshot(path=str(SHOTS / "regie-1280x900.png"), full_page=True, animations="disabled")

    # "Maak er een wens van": one click, the name as the text; the phone votes for it.
    with regie.expect_navigation():
        regie.locator(f"#make-wish-{group.uuid}").click()
    wish = Wish.objects.get()
    assert (wish.text, wish.theme_id) == ("Samen met de scholen", question.theme_id)
    regie.check_accessibility()
    expect(screen.locator(".ws-screen__wishes")).to_contain_text("Samen met de scholen", timeout=FOLLOW_MS)
    phone.visit(f"/werksessie/{workshop.uuid}/wensen/")
    with phone.expect_navigation():
        phone.locator(f"form[action$='/wensen/{wish.uuid}/stemmen/'] button").click()
    assert Vote.objects.filter(wish=wish, participant=sanne).exists()
    phone.check_accessibility()
    expect(screen.locator(".ws-screen__wishes")).to_contain_text("1", timeout=FOLLOW_MS)
    regie.set_viewport_size(PHONE)
    regie.reload()
    regie.check_accessibility()
    regie.locator(f"#theme-{group.uuid}").scroll_into_view_if_needed()
    regie.screenshot(path=str(SHOTS / "regie-375x740.png"), animations="disabled")

    # On the big screen itself, when the facilitator asks for the controls: tick, name, Enter.
    screen.locator(".ws-screen__theming a").click()
    screen.wait_for_load_state("load")
    screen.check_accessibility()
    screen.locator(f"#pick-{notes[3].uuid}").focus()
    screen.keyboard.press("Space")
    screen.locator("#theme-name").fill("Tijd voor gezinnen")
    with screen.expect_navigation():
        screen.keyboard.press("Enter")
    assert "?themas=1" in screen.url
    expect(screen.locator(".ws-theme", has_text="Tijd voor gezinnen")).to_contain_text(texts[3])
    screen.check_accessibility()
    expect(phone.locator("#now-themes")).to_contain_text("Tijd voor gezinnen", timeout=FOLLOW_MS)

    for page in (regie, screen, phone):
        assert page.console_errors == [], page.console_errors
    for context in (regie.context, screen.context, phone_context):
        context.close()
