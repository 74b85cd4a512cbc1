"""Benchmark: the PDF report of a full round vs. rendering its HTML, in one run.

    python -m bench.report            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python -m bench.report

Seeds a round of the seven keys (every characteristic answered, comments on every key, an earlier round to
compare with) and prints the time to build the report's context and HTML, the time to make the whole PDF
(context, HTML and WeasyPrint), and their ratio: how much the typesetting costs on top of the page.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable

RESPONDENTS = 300
REPEAT = 3


def cpu_time(function: Callable[[], object], repeat: int = REPEAT) -> float:
    """The median CPU time of this process for `function` (the database's own work is not counted)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    from bench.dashboard import best_of, open_database, seed_round, setup_django

    setup_django()
    from django.db import connection

    from cjgscan.instruments.models import Theme
    from cjgscan.organisations.models import Organisation
    from cjgscan.reports.report import render_report_html, render_report_pdf
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

    render_report_pdf(fetched(), "nl")  # warm up: WeasyPrint's import and font set-up are paid once per process
    html = best_of(lambda: render_report_html(fetched(), "nl"), REPEAT)
    pdf = best_of(lambda: render_report_pdf(fetched(), "nl"), REPEAT)
    # CPU time as well: on a busy machine the wall-clock time mostly measures the other processes.
    html_cpu = cpu_time(lambda: render_report_html(fetched(), "nl"))
    pdf_cpu = cpu_time(lambda: render_report_pdf(fetched(), "nl"))
    size = len(render_report_pdf(fetched(), "nl"))
    print(f"cjgscan report benchmark on {connection.vendor}, best-of-{REPEAT} medians")
    print(f"round of {RESPONDENTS:,} respondents × 51 characteristics, compared with one of {RESPONDENTS // 2:,}")
    print(f"{'':>5} {'HTML (ms)':>10} {'PDF (ms)':>10} {'PDF ÷ HTML':>11}")
    print(f"{'wall':>5} {html * 1000:>10.1f} {pdf * 1000:>10.1f} {pdf / html:>11.1f}")
    print(f"{'CPU':>5} {html_cpu * 1000:>10.1f} {pdf_cpu * 1000:>10.1f} {pdf_cpu / html_cpu:>11.1f}")
    print(f"PDF size: {size / 1024:.0f} kB")
    close_database()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
