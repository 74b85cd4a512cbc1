"""Driving pages in Chromium: every page a test checks is run through axe-core and must fit a 375 px wide phone
screen without sideways scrolling."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE = Axe()
# Everything axe-core checks by default, WCAG 2.1 A/AA included, plus its best practices.
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations"]}
# The narrowest phone screen we design for (an iPhone SE / mini); no page may scroll sideways on it.
PHONE_VIEWPORT = {"width": 375, "height": 740}
# What sticks out, to name in the failure: elements past the right edge, or whose content overflows them visibly.
WIDE_ELEMENTS_JS = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > limit + 1
                  || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"))
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}`
              + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px, scroll width ${el.scrollWidth} px)`);
}"""


class BrowserPage:
    """A Playwright page plus the accessibility check and the console errors seen so far."""

    def __init__(self, page: Page):
        self.page = page
        self.console_errors: list[str] = []
        self.checked: list[str] = []
        page.set_default_timeout(10_000)
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.console_errors.append(f"{response.status} {response.request.method} {response.url}")
            ),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)

    def check_accessibility(self) -> None:
        self.page.wait_for_load_state("load")
        results = AXE.run(self.page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        self.check_fits_a_phone()
        # The tab shows the title as text: markup there means a template block was left open.
        title = self.page.title()
        assert title and "<" not in title, f"{self.page.url} has the title {title[:200]!r}"
        self.checked.append(self.page.url)

    def check_fits_a_phone(self) -> None:
        """The page does not scroll sideways at 375 px: checked at that width whatever the test's own viewport,
        which is put back afterwards."""
        viewport = self.page.viewport_size
        if viewport != PHONE_VIEWPORT:
            self.page.set_viewport_size(PHONE_VIEWPORT)
        try:
            scroll_width, width = self.page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            wide = self.page.evaluate(WIDE_ELEMENTS_JS) if scroll_width > width else []
        finally:
            if viewport is not None and viewport != PHONE_VIEWPORT:
                self.page.set_viewport_size(viewport)
        assert scroll_width <= width, (
            f"{self.page.url} scrolls sideways at {PHONE_VIEWPORT['width']} px: {scroll_width} px wide; {wide}"
        )

    def visit(self, path: str) -> None:
        self.page.goto(path)
        self.check_accessibility()


def open_questionnaire(page: BrowserPage, token: str) -> None:
    """Open a personal link as a respondent: follow it, and press the start button if the link shows a page first."""
    page.visit(f"/r/{token}/")
    if "/vragenlijst/" not in page.url:
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        page.check_accessibility()
