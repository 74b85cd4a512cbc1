"""A reader logs in and reads the results: overview, a key, the trend; axe-core checks every page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.factories import (
    PASSWORD,
    make_membership,
    make_organisation,
    make_response,
    make_round,
    make_user,
    release,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader():  # type: ignore[no-untyped-def]
    organisation = make_organisation("CJG Grafiekstad", benchmark_opt_in=True)
    user = make_user("Lena")
    make_membership(user, organisation, Role.LEZER)
    spring = make_round(
        organisation,
        title="Voorjaarsmeting",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 31),
        status="closed",
    )
    autumn = make_round(organisation, title="Najaarsmeting", opens_on=datetime.date(2026, 10, 1))
    for round_, shift in ((spring, 0), (autumn, 1)):
        groups = list(round_.groups.all()[:2])
        for n in range(12):
            # Keys score differently; in autumn the odd keys move one point.
            values = {f"S{key}.K{item}": f"v{1 + (key + n % 2 + item % 2 + shift * (key % 2)) % 4}"
                      for key in range(1, 8) for item in range(1, 4)}  # fmt: skip
            make_response(round_, groups[n % 2], values, comments={"S2": f"Opmerking {n}"} if n < 3 else None)
        release(round_)
    return user, organisation, autumn


def log_in(page: BrowserPage, email: str) -> None:
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))


def test_read_the_results_overview_a_key_and_the_trend(page: BrowserPage, reader) -> None:  # type: ignore[no-untyped-def]
    user, organisation, autumn = reader
    log_in(page, user.email)
    page.check_accessibility()

    page.visit(f"/o/{organisation.uuid}/metingen/{autumn.uuid}/resultaten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaten")
    # The radar: an image named by its title and description, with the summary in words and a data table.
    radar = page.locator("svg.chart-radar")
    expect(radar).to_have_attribute("role", "img")
    title_id, desc_id = (radar.get_attribute("aria-labelledby") or "").split()
    expect(page.locator(f"#{title_id}")).to_have_text("Scores per sleutel")
    expect(page.locator(f"#{desc_id}")).to_contain_text("op een schaal van 1 tot 4")
    summary = page.locator("details#keys > summary + p")
    expect(summary).not_to_be_empty()
    keys_table = page.locator("table", has=page.locator("caption", has_text="(1–4)")).first
    expect(keys_table.locator("tbody tr")).to_have_count(7)
    # The heatmap and its table in a section that opens, one row per characteristic.
    details = page.locator("details#heatmap")
    details.locator("summary").click()
    heatmap = page.locator("svg.chart-heatmap")
    expect(heatmap).to_have_attribute("role", "img")
    expect(details.locator("tbody tr")).to_have_count(51)
    page.check_accessibility()

    page.locator("table.site-data").first.get_by_role("link").nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effectieve en efficiënte werkwijzen")
    expect(page.locator("svg.chart-distribution").first).to_have_attribute("role", "img")
    expect(page.get_by_text("Opmerking 0")).to_be_visible()
    page.check_accessibility()

    page.go_back()
    page.locator(f"a[href='/o/{organisation.uuid}/trend/zeven-sleutels/']").first.click()
    page.wait_for_url(re.compile(r"/trend/zeven-sleutels/$"))
    page.check_accessibility()
    chart = page.locator("svg.chart-line")
    expect(chart).to_have_attribute("role", "img")
    trend_table = page.locator("table.site-data").first
    expect(trend_table.locator("thead th")).to_have_count(4)  # key, two rounds, one change
    expect(trend_table.locator("tbody tr")).to_have_count(8)  # seven keys and all keys together
    expect(trend_table).to_contain_text("Voorjaarsmeting")

    # Choose a group and a base with the keyboard-operable form; the page reloads with them.
    group = autumn.groups.first().name
    page.locator("#id_groep").select_option(label=group)
    page.locator("#id_basis").select_option(index=1)
    page.locator("form.site-inline-fields button[type=submit]").click()
    page.wait_for_url(re.compile(r"groep="))
    expect(page.locator("#id_groep")).to_have_value(group)
    page.check_accessibility()
