"""Benchmark: the PDF report of a full round, against rendering its HTML, with the targets of issue 14.

    python -m bench.report            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python -m bench.report
    REPORT_WEASYPRINT=1 python -m bench.report   # also WeasyPrint, the engine before Typst (about a minute)

Seeds a round of the seven keys (300 respondents, every characteristic answered, comments on every key, an
earlier round to compare with) and prints the CPU time of this process (median of REPEAT) for:

- html: the report's context and its HTML (reports/report.html), what the ratio is taken against;
- typst: the full report (with the appendix per key) as the application makes it (the worker and the `cjgscan
  report` command): the context, its data and Typst (cjgscan/reports/typeset.py);
- typst-board: the board report (no appendix), the default download;
- with REPORT_WEASYPRINT=1: weasyprint, the same HTML through WeasyPrint, as the application made it before;
  weasyprint-lean, the same with the layout cost cut (bench/report_lean.css: no hyphenation, no page-number
  look-ups in the contents, no keep-together rules); weasyprint-board, the board report.

Then the application's full report against the targets: at most 1 s of CPU and at most 5 times the HTML, PASS or
FAIL (the exit status is 1 on a FAIL). Each PDF is also checked for the tagging a screen reader needs (marked,
language, structure tree) when pikepdf is installed (it is a test dependency).
"""

import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESPONDENTS = int(os.environ.get("REPORT_RESPONDENTS", "300"))
WEASYPRINT = os.environ.get("REPORT_WEASYPRINT", "") not in ("", "0")
TARGET_CPU = 1.0  # seconds of CPU for the full report (issue 14)
TARGET_RATIO = 5.0  # PDF ÷ HTML
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

    from cjgscan.instruments.models import Theme
    from cjgscan.lib.pdf import html_to_pdf
    from cjgscan.organisations.models import Organisation
    from cjgscan.reports.report import REPORT_CSS, render_report_html, render_report_pdf
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

    titles = itertools.count()

    def fetched() -> Round:
        """The round as the worker fetches it, with a new title each time: Typst remembers what it laid out
        (memoised within the process), and the worker's next report is another round or another release, so each
        measurement is a document Typst has not seen (the title is in every page's footer)."""
        found = Round.objects.select_related("organisation", "version__instrument", "scale").get(pk=round_.pk)
        found.title = f"{found.title} {next(titles)}"
        return found

    def weasyprint_lean(html: str) -> bytes:
        from django.contrib.staticfiles import finders
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
        from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

        fetcher = URLFetcher(allowed_protocols={"data"})
        base = Path(str(finders.find(REPORT_CSS))).read_text(encoding="utf-8")
        sheets = [CSS(string=base, url_fetcher=fetcher), CSS(string=LEAN_CSS.read_text(encoding="utf-8"))]
        document = HTML(string=html, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1", pdf_tags=True)

    render_report_pdf(fetched(), "nl")  # warm up: Typst's fonts, read once per process
    html_cpu, _html = cpu_time(lambda: render_report_html(fetched(), "nl", appendix=True))
    # Each engine's time includes building the context (and, for WeasyPrint, the HTML): what the worker spends.
    engines: list[tuple[str, Callable[[], bytes]]] = [
        ("typst", lambda: render_report_pdf(fetched(), "nl", appendix=True)),
        ("typst-board", lambda: render_report_pdf(fetched(), "nl")),
    ]
    if WEASYPRINT:
        html_to_pdf(render_report_html(fetched(), "nl"), REPORT_CSS, tagged=True)  # warm up: import, fonts
        engines += [
            (
                "weasyprint",
                lambda: html_to_pdf(render_report_html(fetched(), "nl", appendix=True), REPORT_CSS, tagged=True),
            ),
            ("weasyprint-lean", lambda: weasyprint_lean(render_report_html(fetched(), "nl", appendix=True))),
            ("weasyprint-board", lambda: html_to_pdf(render_report_html(fetched(), "nl"), REPORT_CSS, tagged=True)),
        ]
    print(f"cjgscan report benchmark on {connection.vendor}, CPU time of this process, medians of {REPEAT}")
    print(f"round of {RESPONDENTS:,} respondents × 51 characteristics, compared with one of {RESPONDENTS // 2:,}")
    print(f"{'engine':<17} {'CPU (ms)':>9} {'÷ HTML':>7} {'pages':>6} {'kB':>6}  tagged")
    print(f"{'html':<17} {html_cpu * 1000:>9.1f}")
    measured = {}
    for name, render in engines:
        seconds, content = cpu_time(render)
        assert isinstance(content, bytes)
        measured[name] = seconds
        print(
            f"{name:<17} {seconds * 1000:>9.1f} {seconds / html_cpu:>7.1f} "
            f"{pages(content):>6} {len(content) / 1024:>6.0f}  {tagged(content)}"
        )
    cpu, ratio = measured["typst"], measured["typst"] / html_cpu
    cpu_ok, ratio_ok = cpu <= TARGET_CPU, ratio <= TARGET_RATIO
    verdict = {True: "PASS", False: "FAIL"}
    label = "full report (the application, Typst):"
    print(f"{label} CPU {cpu:.2f} s (target ≤ {TARGET_CPU:.0f} s) {verdict[cpu_ok]}")
    print(f"{label} PDF ÷ HTML {ratio:.1f} (target ≤ {TARGET_RATIO:.0f}) {verdict[ratio_ok]}")
    close_database()
    if not (cpu_ok and ratio_ok):
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
