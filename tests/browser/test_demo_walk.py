"""Walk the demo as its coordinator and as its reader: every staff page reachable by links from the organisation
page opens (no 5xx, no 403 behind a link that is shown), passes axe (once per kind of page), and fits the screen
at 375 and at 1,280 px (issue 12, proof)."""

import re
from collections import Counter, deque
from io import StringIO
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from cjgscan.demo import seed
from cjgscan.organisations.models import Organisation
from tests.browser.helpers import WIDE_ELEMENTS_JS, BrowserPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
# Files rather than pages (PDF, spreadsheets, CSV, QR codes): not opened here, their own tests cover them.
FILE_SUFFIX = re.compile(r"\.(pdf|csv|xlsx|json|svg|png)$")
FILE_VIEWS = {
    "round_report_pdf",
    "report_download",
    "workshop_report_pdf",
    "workshop_report_table",
    "round_export",
    "action_export",
}
MAX_PAGES = 100
# Pages of one kind (view and query parameters) visited at most this often: they share a template, and the machine
# running the suite is small.
PER_KIND = 2


def log_in(page: BrowserPage, email: str) -> None:
    page.visit("/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(seed.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/[0-9a-f-]+/$"))


def too_wide(page: BrowserPage) -> list[str]:
    """The widths at which the page scrolls sideways, with what sticks out."""
    found = []
    viewport = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            found.append(f"{width} px: {scroll} px wide, {page.evaluate(WIDE_ELEMENTS_JS)}")
    if viewport:
        page.set_viewport_size(viewport)
    return found


def kind(path: str) -> tuple[str, tuple[str, ...]]:
    parts = urlsplit(path)
    return resolve(parts.path).url_name or "", tuple(sorted(parse_qs(parts.query)))


def walk(page: BrowserPage, start: str, prefix: str) -> tuple[list[str], dict[str, list[str]]]:
    """Breadth first over the links of the pages under `prefix` (the organisation's own pages)."""
    seen, queue, visited = {start}, deque([start]), []
    problems: dict[str, list[str]] = {}
    checked_views: set[str] = set()
    kinds: Counter[tuple[str, tuple[str, ...]]] = Counter()
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        name = kind(path)[0]
        if name in FILE_VIEWS or FILE_SUFFIX.search(urlsplit(path).path):
            continue
        kinds[kind(path)] += 1
        if kinds[kind(path)] > PER_KIND:
            continue
        reply = page.goto(path)
        assert reply is not None
        visited.append(path)
        if reply.status != 200:
            problems[path] = [f"HTTP {reply.status}"]
            continue
        found = too_wide(page)
        if name not in checked_views:
            checked_views.add(name)
            try:
                page.check_accessibility()
            except AssertionError as error:
                found.append(str(error)[:3000])
        if found:
            problems[path] = found
        for href in page.eval_on_selector_all("main a[href], header a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(urljoin(page.url, href))
            if parts.netloc != urlsplit(page.url).netloc or not parts.path.startswith(prefix):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            try:
                resolve(parts.path)
            except Resolver404:
                problems[link] = ["a link to a page that does not exist"]
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visited, problems


@pytest.mark.parametrize("email", ["coordinator@demodorp.nl", "lezer@demodorp.nl"])
def test_every_page_of_the_demo_opens_and_fits(page: BrowserPage, email: str) -> None:
    call_command("demo", stdout=StringIO())
    organisation = Organisation.objects.get(name=seed.DEMO_ORGANISATION)
    page.set_default_timeout(30_000)  # a results page on a busy two-CPU machine can take a while
    log_in(page, email)
    start = f"/o/{organisation.uuid}/"
    visited, problems = walk(page, start, start)
    # The walk reaches the rounds, results, key pages, plan, actions and the work session.
    names = {resolve(urlsplit(path).path).url_name for path in visited}
    assert {"round_detail", "results_overview", "results_key", "action_list", "action_detail"} <= names, names
    assert {"workshop_detail", "workshop_agenda", "results_trend"} <= names, names
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
