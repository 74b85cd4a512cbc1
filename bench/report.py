"""Benchmark: the PDF report of a full round, side by side in one run, against rendering its HTML.

    python -m bench.report            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python -m bench.report

Seeds a round of the seven keys (300 respondents, every characteristic answered, comments on every key, an
earlier round to compare with) and prints the CPU time of this process (median of REPEAT) for:

- html: the report's context and HTML (what every engine starts from);
- weasyprint: the full report (with the appendix per key) through WeasyPrint, as the worker makes it;
- weasyprint-lean: the same HTML with the layout cost cut (bench/report_lean.css: no hyphenation, no
  page-number look-ups in the contents, no keep-together rules);
- weasyprint-board: the board report (no appendix), the default download;
- typst: the same context and the same SVG charts typeset by Typst (bench/report_typst.py).

Each PDF is also checked for the tagging a screen reader needs (marked, language, figures with alternative
text) when pikepdf is installed (it is a test dependency).
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESPONDENTS = int(os.environ.get("REPORT_RESPONDENTS", "300"))
REPEAT = int(os.environ.get("REPORT_REPEAT", "3"))
LEAN_CSS = Path(__file__).with_name("report_lean.css")


def cpu_time(function: Callable[[], object], repeat: int = REPEAT) -> tuple[float, object]:
    """The median CPU time of this process (all its threads) for `function`, and its last result."""
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.process_time()
        result = function()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def tagged(content: bytes) -> str:
    try:
        import pikepdf
    except ImportError:
        return "?"
    from io import BytesIO

    with pikepdf.open(BytesIO(content)) as pdf:
        marked = bool(pdf.Root.get("/MarkInfo", {}).get("/Marked"))
        language = str(pdf.Root.get("/Lang", ""))
        tree = pdf.Root.get("/StructTreeRoot") is not None
    return "yes" if marked and language and tree else f"no (marked {marked}, lang {language!r}, tree {tree})"


def pages(content: bytes) -> int:
    try:
        import pikepdf
    except ImportError:
        return 0
    from io import BytesIO

    with pikepdf.open(BytesIO(content)) as pdf:
        return len(pdf.pages)


def main() -> None:
    from bench.dashboard import open_database, seed_round, setup_django

    setup_django()
    from django.db import connection

    from bench import report_typst
    from cjgscan.instruments.models import Theme
    from cjgscan.lib.pdf import html_to_pdf
    from cjgscan.organisations.models import Organisation
    from cjgscan.reports.report import REPORT_CSS, render_report_html, report_context
    from cjgscan.rounds.models import Response, Round, ThemeAnswer

    close_database = open_database()

    home = Organisation.objects.create(name="CJG Bench")
    earlier = seed_round(home, RESPONDENTS // 2)
    round_ = seed_round(home, RESPONDENTS)
    Round.objects.filter(pk=earlier.pk).update(opens_on=round_.opens_on.replace(year=round_.opens_on.year - 1))
    themes = list(Theme.objects.filter(version=round_.version_id))
    ThemeAnswer.objects.bulk_create(
        ThemeAnswer(response_id=response, theme=theme, comment=f"Opmerking {n} over {theme.code}")
        for n, response in enumerate(Response.objects.filter(round=round_).values_list("pk", flat=True)[:40])
        for theme in themes
    )

    def fetched() -> Round:
        return Round.objects.select_related("organisation", "version__instrument", "scale").get(pk=round_.pk)

    def weasyprint_lean(html: str) -> bytes:
        from django.contrib.staticfiles import finders
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
        from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

        fetcher = URLFetcher(allowed_protocols={"data"})
        base = Path(str(finders.find(REPORT_CSS))).read_text(encoding="utf-8")
        sheets = [CSS(string=base, url_fetcher=fetcher), CSS(string=LEAN_CSS.read_text(encoding="utf-8"))]
        document = HTML(string=html, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1", pdf_tags=True)

    full_html = render_report_html(fetched(), "nl", appendix=True)
    board_html = render_report_html(fetched(), "nl")
    html_to_pdf(board_html, REPORT_CSS, tagged=True)  # warm up: WeasyPrint's import and font set-up
    import typst  # type: ignore[import-not-found]  # noqa: F401

    html_cpu, _html = cpu_time(lambda: render_report_html(fetched(), "nl", appendix=True))
    engines: list[tuple[str, Callable[[], bytes]]] = [
        ("weasyprint", lambda: html_to_pdf(full_html, REPORT_CSS, tagged=True)),
        ("weasyprint-lean", lambda: weasyprint_lean(full_html)),
        ("weasyprint-board", lambda: html_to_pdf(board_html, REPORT_CSS, tagged=True)),
        ("typst", lambda: report_typst.render(report_context(fetched(), appendix=True), "nl")),
    ]
    print(f"cjgscan report benchmark on {connection.vendor}, CPU time of this process, medians of {REPEAT}")
    print(f"round of {RESPONDENTS:,} respondents × 51 characteristics, compared with one of {RESPONDENTS // 2:,}")
    print(f"{'engine':<17} {'CPU (ms)':>9} {'+HTML (ms)':>11} {'÷ HTML':>7} {'pages':>6} {'kB':>6}  tagged")
    print(f"{'html':<17} {html_cpu * 1000:>9.1f}")
    for name, render in engines:
        seconds, content = cpu_time(render)
        assert isinstance(content, bytes)
        total = seconds + (html_cpu if name != "typst" else 0.0)  # typst's time includes its own context
        print(
            f"{name:<17} {seconds * 1000:>9.1f} {total * 1000:>11.1f} {total / html_cpu:>7.1f} "
            f"{pages(content):>6} {len(content) / 1024:>6.0f}  {tagged(content)}"
        )
    close_database()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
