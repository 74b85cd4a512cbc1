"""Driving pages in Chromium, with axe-core checking every page a test visits."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE = Axe()
# Everything axe-core checks by default, WCAG 2.1 A/AA included, plus its best practices.
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations"]}


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
        self.checked.append(self.page.url)

    def visit(self, path: str) -> None:
        self.page.goto(path)
        self.check_accessibility()
