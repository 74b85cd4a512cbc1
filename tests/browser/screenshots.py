"""`make screenshots`: every respondent page and the main coordinator pages as PNG, for people to look at.

Not part of the test suite (the file name does not start with test_); run it with `make screenshots`. It writes
test-artifacts/screenshots/<width>x<height>/<respondent|coordinator>/NN-<page>.png at a phone size (375x740) and a
desktop size (1280x900), whole pages, from a fresh database with rounds and answers made by tests/factories.py.
"""

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cjgscan.organisations.models import Role
from cjgscan.rounds.models import Round
from cjgscan.workshops import actions, themes
from tests.browser.helpers import BrowserPage
from tests.factories import (
    PASSWORD,
    load_builtin_instruments,
    make_membership,
    make_organisation,
    make_response,
    make_round,
    make_user,
    release,
)
from tests.respondents import invite
from tests.test_workshops import make_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = [{"width": 375, "height": 740}, {"width": 1280, "height": 900}]
SKIP_LINK_UNLESS_FOCUSED = ".utrecht-skip-link:not(:focus) { visibility: hidden; }"


class Camera:
    """Numbered, full-page screenshots of one browser page into one folder."""

    def __init__(self, page: BrowserPage, folder: Path):
        self.page = page
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def shoot(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.count += 1
        path = str(self.folder / f"{self.count:02d}-{name}.png")
        # A full-page capture stretches the viewport, which uncovers the skip link parked above it (position: fixed;
        # top: -200 %); people never see it there, so it is hidden in the picture unless it has focus.
        self.page.screenshot(
            path=path, full_page=True, animations="disabled", style=SKIP_LINK_UNLESS_FOCUSED, timeout=120_000
        )

    def shoot_all(self, pages: list[tuple[str, str]]) -> None:
        for name, url in pages:
            self.page.goto(url)
            self.shoot(name)


def each_viewport(
    browser, live_server, part: str, walk: Callable[[BrowserPage, Camera], None], languages=("nl",)
) -> None:  # type: ignore[no-untyped-def]
    for viewport in VIEWPORTS:
        for language in languages:
            context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport)
            if language != "nl":
                context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = BrowserPage(context.new_page())
            folder = part if len(languages) == 1 else f"{part}-{language}"
            walk(page, Camera(page, OUT / f"{viewport['width']}x{viewport['height']}" / folder))
            context.close()


def sign_in(page: BrowserPage, email: str) -> None:
    """Log in on the login page, in whichever language it is shown."""
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.keyboard.press("Enter")


@pytest.fixture(scope="module", autouse=True)
def fresh_folder() -> None:
    shutil.rmtree(OUT, ignore_errors=True)


def test_respondent_pages(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    organisation = make_organisation("CJG Voorbeelddorp")
    round_ = make_round(organisation, ask_profession=True, ask_importance=True)
    group = round_.groups.first()
    today = timezone.localdate()
    closed = make_round(organisation, title="Meting voorjaar", status=Round.Status.CLOSED)
    later = make_round(
        organisation, title="Meting volgend jaar", opens_on=today + datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )  # fmt: skip

    def walk(page: BrowserPage, camera: Camera) -> None:
        _invitation, token = invite(round_, group, email=f"{camera.folder.parent.name}@example.nl")
        page.goto(f"/r/{token}/")
        camera.shoot("link-geopend")  # the landing page where there is one, else the questionnaire's first page
        if "/vragenlijst/" not in page.url:
            page.locator("main form[method=post] button[type=submit]").first.click()
            page.wait_for_url("**/vragenlijst/**")
        page.locator("label[for='profession-anders']").click()
        camera.shoot("beroepsgroep")
        page.get_by_role("button", name="Beginnen").click()
        page.wait_for_url("**/1/")
        camera.shoot("sleutel-leeg")
        for code, option in (("S1.K1", "v3"), ("S1.K2", "v2"), ("S1.K3", "dont_know")):
            page.locator(f"label[for='item-{code}-{option}']").click()
            page.locator(f"fieldset[id='kenmerk-{code}'] .site-item-status").get_by_text("Opgeslagen").wait_for()
        page.locator("input[id='item-S1.K4-v4']").focus()  # to show the focus ring
        camera.shoot("sleutel-met-antwoorden")
        page.route("**/opslaan/", lambda route: route.abort("internetdisconnected"))
        page.locator("label[for='item-S1.K5-v1']").click()
        page.locator("fieldset[id='kenmerk-S1.K5'] .site-save-error").wait_for()
        page.locator("fieldset[id='kenmerk-S1.K5']").scroll_into_view_if_needed()
        camera.shoot("sleutel-niet-opgeslagen")
        page.unroute("**/opslaan/")
        questionnaire = page.url.rsplit("/1/", 1)[0]
        # A tampered form (an answer that is not on the scale) is refused with the error page.
        page.locator("input[id='item-S1.K6-v1']").evaluate("el => { el.value = 'v9'; el.checked = true; }")
        page.get_by_role("button", name="Volgende").click()
        page.wait_for_load_state("load")
        camera.shoot("fout-niet-opgeslagen")
        page.goto(f"{questionnaire}/8/")
        camera.shoot("controleren")
        page.get_by_role("button", name="Verstuur").click()
        page.wait_for_url("**/klaar/")
        camera.shoot("bedankt")

        for name, round_for_link in (("meting-gesloten", closed), ("meting-nog-niet-open", later)):
            email = f"{name}-{camera.folder.parent.name}@example.nl"
            _other, other_token = invite(round_for_link, round_for_link.groups.first(), email=email)
            page.goto(f"/r/{other_token}/")
            if "/r/" in page.url and page.locator("main form[method=post] button[type=submit]").count():
                page.locator("main form[method=post] button[type=submit]").first.click()
            camera.shoot(name)
        page.goto("/r/" + "x" * 43 + "/")
        camera.shoot("fout-link-werkt-niet")
        page.goto(reverse("respondent_resume", args=[round_.uuid]).replace(str(round_.uuid), str(closed.uuid)))
        camera.shoot("fout-antwoorden-niet-gevonden")
        page.goto("/bestaat-niet/")
        camera.shoot("fout-404")

    each_viewport(browser, live_server, "respondent", walk)


def test_coordinator_pages(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    organisation = make_organisation("CJG Voorbeelddorp", colour="#1d4f91")
    user = make_user("Coby")
    make_membership(user, organisation, Role.BEHEERDER)
    round_ = make_round(organisation, title="Meting najaar", ask_importance=True)
    groups = list(round_.groups.all())
    answers = ["v1", "v2", "v3", "v4"]
    # Five groups of five and one of three (shown together with another), groups that disagree on key 3.
    for g, group in enumerate(groups):
        for n in range(5 if g < len(groups) - 1 else 3):
            values = {f"S{k}.K{i}": answers[(n + k + i) % 4] for k in range(1, 8) for i in range(1, 4)}
            if g < 2:
                values |= {f"S3.K{i}": "v4" if g == 0 else "v1" for i in range(1, 4)}
            make_response(
                round_, group, values, comments={"S1": f"Opmerking {n}"} if n % 4 == 0 else None,
                importance={"S1": 1 + n % 5, "S5": 2},
            )  # fmt: skip
    release(round_)  # results are shown as released; the two answers after it wait for the next release
    for n in range(2):
        make_response(round_, groups[n], {"S1.K1": "v2"})
    for n in range(3):
        invite(round_, groups[0], email=f"medewerker{n}@example.nl")
    base = f"/o/{organisation.uuid}/"
    round_base = f"{base}metingen/{round_.uuid}/"
    pages = [
        ("organisatie", base),
        ("organisatie-gegevens", reverse("organisation_edit", args=[organisation.uuid])),
        ("metingen", f"{base}metingen/"),
        ("nieuwe-meting", f"{base}metingen/nieuw/"),
        ("meting", round_base),
        ("meting-instellingen", f"{round_base}instellingen/"),
        ("uitnodigingen", f"{round_base}uitnodigingen/"),
        ("groepslink", reverse("group_link", args=[organisation.uuid, round_.uuid, groups[0].uuid])),
        ("papieren-invoer", f"{round_base}papier/invoer/"),
        ("resultaten", f"{round_base}resultaten/"),
        ("resultaten-sleutel-1", f"{round_base}resultaten/S1/"),
        ("trend", f"{base}trend/zeven-sleutels/"),
        ("actieplan", reverse("action_list", args=[organisation.uuid])),
        ("werksessies", reverse("workshop_list", args=[organisation.uuid])),
        ("nieuwe-werksessie", reverse("workshop_create", args=[organisation.uuid])),
        ("nieuwe-actie", reverse("action_create", args=[organisation.uuid])),
        ("afgesproken-scores", reverse("agreed_scores", args=[organisation.uuid, round_.uuid])),
        ("api-sleutels", reverse("api_token_list")),
        ("instrumenten", reverse("instrument_list")),
    ]

    def walk(page: BrowserPage, camera: Camera) -> None:
        page.goto("/inloggen/")
        camera.shoot("inloggen")
        sign_in(page, user.email)
        page.wait_for_url(f"**{base}")
        for name, url in pages:
            page.goto(url)
            if name == "resultaten":  # every section open, as a reader who reads it all sees it
                page.evaluate("document.querySelectorAll('details.site-section').forEach(d => { d.open = true; })")
            camera.shoot(name)

    # Every staff page in Dutch and in English (coordinator-nl/, coordinator-en/).
    each_viewport(browser, live_server, "coordinator", walk, languages=("nl", "en"))


def test_workshop_in_the_room(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    """The big screen at the beamer's sizes (what the room sees, not scrolled), the regie and a phone."""
    load_builtin_instruments()
    organisation = make_organisation("CJG Zaaldorp")
    user = make_user("Fenna")
    make_membership(user, organisation, Role.COORDINATOR)
    workshop = make_workshop(organisation)
    question = actions.ordered_questions(workshop)[0]
    people = [actions.do_join(workshop, name)[0] for name in ("Sanne", "Youssef", "Ilse", "Mark")]
    texts = ["Eén loket voor alle ouders", "Samenwerken met de scholen in de wijk", "Meer tijd voor huisbezoek",
             "Duidelijk maken wat het CJG doet", "Gedeelde resultaten meten"]  # fmt: skip
    for n, text in enumerate(texts):
        actions.do_add_note(people[n % len(people)], question, text)
    wish = actions.do_add_wish(people[0], question.theme, "Eén gezicht naar buiten")
    actions.do_vote(people[1], wish)
    actions.do_start_timer(question, 180)
    base = f"/o/{organisation.uuid}/werksessies/{workshop.uuid}/"

    login = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = BrowserPage(login.new_page())
    page.goto("/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/o/{organisation.uuid}/")
    state = login.storage_state()
    login.close()
    for viewport in ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720}):
        context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport, storage_state=state)
        screen = BrowserPage(context.new_page())
        screen.goto(base + "scherm/")
        folder = OUT / f"{viewport['width']}x{viewport['height']}" / "werksessie"
        folder.mkdir(parents=True, exist_ok=True)
        screen.screenshot(path=str(folder / "01-groot-scherm.png"), animations="disabled")
        actions.do_set_notes_hidden(question, True)
        screen.reload()
        screen.screenshot(path=str(folder / "02-groot-scherm-eerst-schrijven.png"), animations="disabled")
        actions.do_set_notes_hidden(question, False)
        # Themes: two of the notes under a name (a wish already), the rest after them.
        shown = list(question.notes.order_by("pk").values_list("uuid", flat=True))
        theme = themes.do_make_theme(question, [shown[1], shown[4]], "Samenwerken met partners")
        theme_wish, _new = themes.do_theme_to_wish(theme)
        screen.reload()
        screen.screenshot(path=str(folder / "05-groot-scherm-themas.png"), animations="disabled")
        themes.do_dissolve_theme(theme)
        theme_wish.delete()
        context.close()
    for viewport in VIEWPORTS:
        context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport, storage_state=state)
        regie = BrowserPage(context.new_page())
        camera = Camera(regie, OUT / f"{viewport['width']}x{viewport['height']}" / "werksessie")
        camera.count = 2
        regie.goto(base + "presenteren/")
        camera.shoot("regie")
        context.close()
        phone_context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport)
        phone = BrowserPage(phone_context.new_page())
        camera = Camera(phone, OUT / f"{viewport['width']}x{viewport['height']}" / "werksessie")
        camera.count = 3
        phone.goto(f"/werksessie/?code={workshop.code}")
        phone.locator("#id_name").fill("Anouk")
        with phone.expect_navigation():
            phone.locator("main form button[type=submit]").click()
        phone.goto(f"/werksessie/{workshop.uuid}/vraag/{question.uuid}/")
        camera.shoot("telefoon-vraag")
        phone_context.close()


def test_account_and_member_pages(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    from cjgscan.organisations import twofactor
    from cjgscan.organisations.members import issue_token
    from cjgscan.organisations.models import MemberInvitation

    organisation = make_organisation("CJG Voorbeelddorp")
    user = make_user("Coby", is_staff=True, last_name="van der Berg-Oosterhuis")
    make_membership(user, organisation, Role.BEHEERDER)
    for name, role in (("Lex", Role.LEZER), ("Cora", Role.COORDINATOR)):
        make_membership(make_user(name), organisation, role)
    MemberInvitation.objects.create(organisation=organisation, email="nog.niet.aangenomen@example.nl")
    valid = MemberInvitation.objects.create(organisation=organisation, email="nieuwe.collega@example.nl")
    issue_token(valid, "screenshot-token-valid")
    expired = MemberInvitation.objects.create(organisation=organisation, email="te.laat@example.nl")
    issue_token(expired, "screenshot-token-expired")
    MemberInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    pages = [
        ("account", reverse("account")),
        ("wachtwoord-wijzigen", reverse("password_change")),
        ("tweestap-instellen", reverse("two_factor_setup")),
        ("leden", reverse("member_list", args=[organisation.uuid])),
        ("installatie-organisaties", reverse("install_organisations")),
        ("installatie-tweestap-uitzetten", reverse("install_two_factor_reset")),
    ]

    def walk(page: BrowserPage, camera: Camera) -> None:
        TOTPDevice = twofactor.TOTPDevice
        TOTPDevice.objects.filter(user=user).delete()
        page.goto("/inloggen/")
        sign_in(page, user.email)
        page.wait_for_url(f"**/o/{organisation.uuid}/")
        camera.shoot_all(pages)
        page.get_by_role("button", name="Uitloggen").click()
        page.goto("/uitnodiging/screenshot-token-valid/")
        camera.shoot("uitnodiging-wachtwoord-kiezen")
        page.goto("/uitnodiging/screenshot-token-expired/")
        camera.shoot("uitnodiging-verlopen")
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        page.goto("/inloggen/")
        sign_in(page, user.email)
        page.wait_for_url("**/inloggen/code/")
        camera.shoot("inloggen-code")

    each_viewport(browser, live_server, "account", walk)
