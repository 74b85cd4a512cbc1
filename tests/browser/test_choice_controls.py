"""What you tap is what you see: every kind of choice control in the product looks different once chosen.

The DOM says a radio is checked even when nothing on the screen shows it (the Utrecht CSS hides the browser's own
radio and draws the dot only with `utrecht-radio-button--html-input`), so these tests compare screenshot pixels of
the control, and of the whole option box, before and after choosing it: on a phone and on a desktop screen, with
normal colours and with forced colours (Windows high contrast).
"""

import io

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Locator

from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage, open_questionnaire
from tests.browser.test_instrument_browser import log_in
from tests.factories import (
    load_builtin_instruments,
    make_membership,
    make_organisation,
    make_response,
    make_round,
    make_user,
    release,
)
from tests.respondents import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 375, "height": 740}, {"width": 1280, "height": 900}]
# A pixel counts as changed when a colour channel moved by more than this: a change the eye sees on a screen.
CHANNEL_THRESHOLD = 20


def picture(page: BrowserPage, element: Locator) -> Image.Image:
    """The element as the user sees it, without hover or focus styles (which differ from the checked look)."""
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    return Image.open(io.BytesIO(element.screenshot(animations="disabled", caret="hide"))).convert("RGB")


def changed_share(before: Image.Image, after: Image.Image) -> float:
    """The share of pixels that visibly changed (1.0 when the size changed)."""
    if before.size != after.size:
        return 1.0
    difference = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v > CHANNEL_THRESHOLD else 0)
    histogram = difference.histogram()
    return histogram[255] / (before.size[0] * before.size[1])


def assert_choosing_shows(page: BrowserPage, control: Locator, box: Locator | None, choose: str) -> None:
    """Choose `control` (click its label, or pick an option of a select; a checkbox that is ticked already is
    unticked) and require its pixels, and its option box's, to change visibly."""
    control.scroll_into_view_if_needed()
    control_before = picture(page, control)
    box_before = picture(page, box) if box is not None else None
    if choose == "select":
        current = control.input_value()
        values = control.locator("option").evaluate_all("options => options.map(o => o.value)")
        control.select_option(next(value for value in values if value != current))
    else:
        was_checked = control.is_checked()
        assert choose == "checkbox" or not was_checked, "a radio to choose must not be chosen yet"
        page.locator(f"label[for='{control.get_attribute('id')}']").click()
        assert control.is_checked() != was_checked
    name = f"{control.get_attribute('name')}={control.get_attribute('value') or control.input_value()}"
    # The dot or tick itself: at least a tenth of the control's pixels change (a dot of half its size is about 20 %);
    # for a select, the words of the chosen option (a few per cent of its box).
    share = changed_share(control_before, picture(page, control))
    least = 0.02 if choose == "select" else 0.10
    assert share >= least, f"{name} looks the same chosen and not chosen ({share:.1%} of its pixels changed)"
    if box is not None and box_before is not None:
        # The whole option: border and background change, so at least a third of it.
        share = changed_share(box_before, picture(page, box))
        assert share >= 0.33, f"the option box of {name} barely changes when chosen ({share:.1%})"


def option_box(page: BrowserPage, selector: str) -> tuple[Locator, Locator]:
    control = page.locator(selector)
    return control, page.locator(".site-choice", has=control)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
@pytest.mark.parametrize("forced_colors", ["none", "active"])
def test_respondent_sees_each_chosen_answer(browser, live_server, viewport, forced_colors) -> None:  # type: ignore[no-untyped-def]
    round_ = make_round(make_organisation("CJG Keuzedorp"), ask_profession=True, ask_importance=True)
    _invitation, token = invite(round_, round_.groups.first())
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport)
    page = BrowserPage(context.new_page())
    page.emulate_media(forced_colors=forced_colors)
    open_questionnaire(page, token)

    control, box = option_box(page, "input[name='profession'][value='anders']")
    assert_choosing_shows(page, control, box, "radio")
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url("**/1/")
    page.check_accessibility()
    for selector in ("input[name='item-S1.K1'][value='v3']", "input[name='item-S1.K2'][value='dont_know']"):
        control, box = option_box(page, selector)
        assert_choosing_shows(page, control, box, "radio")
    control, box = option_box(page, "input[name='importance-S1'][value='4']")
    assert_choosing_shows(page, control, box, "radio")
    assert page.console_errors == [], page.console_errors
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
@pytest.mark.parametrize("forced_colors", ["none", "active"])
def test_coordinator_sees_each_chosen_option(browser, live_server, viewport, forced_colors) -> None:  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    organisation = make_organisation("CJG Keuzestad")
    user = make_user("Kees")
    make_membership(user, organisation, Role.BEHEERDER)
    round_ = make_round(organisation, title="Meting keuze")
    group = round_.groups.first()
    for _n in range(5):
        make_response(round_, group, {"S1.K1": "v3"})
    release(round_)  # results, and so the export form, come with a release

    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport)
    page = BrowserPage(context.new_page())
    page.emulate_media(forced_colors=forced_colors)
    log_in(page, user.email)

    # The export form on the dashboard (radio buttons from a Django form).
    page.visit(f"/o/{organisation.uuid}/metingen/{round_.uuid}/resultaten/")
    for selector in ("input[name='inhoud'][value='antwoorden']", "input[name='formaat'][value='csv']"):
        control, box = option_box(page, selector)
        assert_choosing_shows(page, control, box, "radio")

    # A new round: checkboxes from a Django form (a list and a single one) and a select.
    page.visit(f"/o/{organisation.uuid}/metingen/nieuw/")
    control, box = option_box(page, "input[name='ask_importance']")
    assert_choosing_shows(page, control, box, "checkbox")
    groups = page.locator("input[name='groups']:not(:checked)").first
    control, box = option_box(page, f"input[name='groups'][value='{groups.get_attribute('value')}']")
    assert_choosing_shows(page, control, box, "checkbox")
    assert_choosing_shows(page, page.locator("select[name='scale_code']"), None, "select")

    # A new work session: checkboxes written in the template.
    page.visit(f"/o/{organisation.uuid}/werksessies/nieuw/")
    question = page.locator("input[name='questions']").first.get_attribute("id")
    control, box = option_box(page, f"input[id='{question}']")
    assert_choosing_shows(page, control, box, "checkbox")
    assert page.console_errors == [], page.console_errors
    context.close()
