"""Who may import whom, read from the source with `ast` (nothing is imported, imports inside functions count too).

The presentation of results has one home, cjgscan/presentation: the charts, rows and sentences that the results
pages (dashboard), the PDF report (reports) and the exports share. So the pages and the report do not reach into
each other, the home sits below its users, and no app imports another app's views (DESIGN.md, Architecture).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import cjgscan

PACKAGE = Path(cjgscan.__file__).parent
ROOT_URLCONF = "cjgscan.urls"  # the project's URLs: not an app, it names every app's views by design

# app -> apps (packages under cjgscan/) it must not import
FORBIDDEN = {
    "reports": {"dashboard"},
    "dashboard": {"reports"},
    "exports": {"dashboard", "reports"},
    "presentation": {"dashboard", "reports", "development", "workshops", "api"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[str]:
    """Every module an import statement in the file names: `from cjgscan.reports import charts` names both
    cjgscan.reports and cjgscan.reports.charts (it may be either a module or a name in one)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "cjgscan" and len(parts) > 2 else None


def is_views(module: str) -> bool:
    """cjgscan.<app>.views, cjgscan.<app>.views_trend, …"""
    parts = module.split(".")
    return len(parts) >= 3 and parts[0] == "cjgscan" and parts[2].startswith("views")


def sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield module_name(path), path


def test_the_rules_see_the_imports_they_are_about() -> None:
    """The walk finds imports at the top and inside functions; otherwise the tests below could not fail."""
    found = dict(sources())
    assert "cjgscan.presentation.charts" in set(imported(found["cjgscan.presentation.trend_chart"]))
    assert "cjgscan.reports.report" in set(imported(found["cjgscan.reports.tasks"]))  # imported inside a function
    assert is_views("cjgscan.dashboard.views_trend") and not is_views("cjgscan.dashboard.urls")


def test_results_pages_report_and_exports_do_not_reach_into_each_other() -> None:
    problems = []
    for module, path in sources():
        forbidden = FORBIDDEN.get(app_of(module) or "", set())
        for name in sorted(set(imported(path))):
            if app_of(name) in forbidden or (name.count(".") == 1 and name.split(".")[1] in forbidden):
                problems.append(f"{module} imports {name}")
    assert problems == [], "\n".join(problems)


def test_no_app_imports_another_apps_views() -> None:
    problems = []
    for module, path in sources():
        if module == ROOT_URLCONF:
            continue
        own = app_of(module)
        for name in sorted(set(imported(path))):
            if is_views(name) and app_of(name) != own:
                problems.append(f"{module} imports {name}")
    assert problems == [], "\n".join(problems)


def test_the_charts_have_one_home() -> None:
    """Chart and presentation modules live in cjgscan/presentation only (the PDF and the pages draw the same)."""
    misplaced = [
        module
        for module, _path in sources()
        if module.rsplit(".", 1)[-1] in {"charts", "trend_chart"} and app_of(module) != "presentation"
    ]
    assert misplaced == []
