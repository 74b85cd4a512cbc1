"""Benchmark: the exports (CSV and XLSX, answers and figures) vs. the raw database writing the same rows, in one run.

    python -m bench.exports            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python -m bench.exports

For 1,000 and 10,000 respondents × 51 characteristics (seeded as in bench/dashboard.py, plus comments on two keys
from every fifth respondent) it downloads each export through the web view, as an administrator, to the last byte,
and prints its time and its peak Python memory (tracemalloc), each also as a ratio to the database alone:
PostgreSQL's `COPY (SELECT …) TO STDOUT` of the same rows, or on SQLite a raw cursor fetching them in batches.
Memory stays flat when the peak at 10,000 respondents is about the peak at 1,000.
"""

import importlib.metadata
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable

from bench.dashboard import best_of, open_database, seed_round, setup_django

SIZES = [int(n) for n in os.environ.get("EXPORT_SIZES", "1000,10000").split(",")]  # e.g. EXPORT_SIZES=100,1000
REPEAT = int(os.environ.get("EXPORT_REPEAT", "3"))


def peak_memory(function: Callable[[], object]) -> int:
    """The most Python memory (bytes) allocated at once while `function` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cpu_seconds(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def compare_engines(round_: object, raw_time: float) -> None:
    """The same answer rows written by each XLSX library, in this process: CPU seconds and ÷ the raw database."""
    import xlsxwriter  # type: ignore[import-untyped]
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from cjgscan.exports.tables import answer_table
    from cjgscan.lib.xlsx import Column, Sheet, write_workbook

    table = answer_table(round_)  # type: ignore[arg-type]
    rows = [list(row) for row in table.rows]

    def with_openpyxl() -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="Antwoorden")
        sheet.append(table.header)
        for row in rows:
            sheet.append(row)
        with tempfile.TemporaryFile() as file:
            workbook.save(file)

    def with_xlsxwriter() -> None:
        with tempfile.TemporaryFile() as file:
            workbook = xlsxwriter.Workbook(file, {"constant_memory": True})
            sheet = workbook.add_worksheet("Antwoorden")
            sheet.write_row(0, 0, table.header)
            for number, row in enumerate(rows, start=1):
                sheet.write_row(number, 0, row)
            workbook.close()

    def with_ours() -> None:
        with tempfile.TemporaryFile() as file:
            write_workbook([Sheet("Antwoorden", [Column(title) for title in table.header], rows)], file)

    print(f"\nwriting the same {len(rows):,} answer rows to XLSX, CPU seconds in this process (÷ raw database):")
    for name, version, function in (
        ("openpyxl write-only", importlib.metadata.version("openpyxl"), with_openpyxl),
        ("XlsxWriter constant_memory", importlib.metadata.version("xlsxwriter"), with_xlsxwriter),
        ("cjgscan.lib.xlsx", "", with_ours),
    ):
        seconds = cpu_seconds(function)
        print(f"  {name + ' ' + version:<36} {seconds:>7.2f} s  ÷ raw {seconds / raw_time:>5.1f}")
    print()


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cjgscan.organisations.models import Membership, Organisation, Role
    from cjgscan.rounds.models import Response, Round, ThemeAnswer
    from tests.factories import make_user

    close_database = open_database()

    def add_comments(round_: Round) -> None:
        themes = {t.code: t for t in round_.version.themes.all()}
        responses = Response.objects.filter(round=round_).order_by("pk").values_list("pk", flat=True)
        ThemeAnswer.objects.bulk_create(
            (
                ThemeAnswer(response_id=pk, theme=themes[code], comment=f"=Opmerking {n} over {code}; met komma, enz.")
                for n, pk in enumerate(responses)
                if n % 5 == 0
                for code in ("S1", "S5")
            ),
            batch_size=5000,
        )

    user = make_user("Bench")
    home = Organisation.objects.create(name="CJG Bench")
    Membership.objects.create(user=user, organisation=home, role=Role.BEHEERDER)
    client = Client()
    client.force_login(user)

    # The same rows as the exports: every sent answer (and comment) in export order; the figures' GROUP BY.
    answers_sql = (
        "SELECT a.response_id, r.group_id, i.code, a.value, o.code FROM rounds_answer a "
        "JOIN rounds_response r ON r.id = a.response_id JOIN instruments_item i ON i.id = a.item_id "
        "JOIN instruments_theme t ON t.id = i.theme_id JOIN instruments_scaleoption o ON o.id = a.option_id "
        "WHERE r.round_id = {round} AND r.status = 'submitted' ORDER BY a.response_id, t.number, i.position"
    )
    comments_sql = (
        "SELECT c.response_id, r.group_id, t.code, c.comment FROM rounds_themeanswer c "
        "JOIN rounds_response r ON r.id = c.response_id JOIN instruments_theme t ON t.id = c.theme_id "
        "WHERE r.round_id = {round} AND r.status = 'submitted' AND c.comment <> '' ORDER BY c.response_id, t.number"
    )
    figures_sql = (
        "SELECT r.group_id, a.item_id, a.option_id, COUNT(*) FROM rounds_answer a "
        "JOIN rounds_response r ON r.id = a.response_id WHERE r.round_id = {round} AND r.status = 'submitted' "
        "GROUP BY r.group_id, a.item_id, a.option_id"
    )
    raw_queries = {"antwoorden": [answers_sql, comments_sql], "cijfers": [figures_sql]}

    def raw(kind: str, round_id: int) -> int:
        """Bytes (PostgreSQL COPY) or rows (SQLite) of the export's rows, straight from the database."""
        size = 0
        with connection.cursor() as cursor:
            for sql in raw_queries[kind]:
                query = sql.format(round=int(round_id))
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY ({query}) TO STDOUT") as copy:
                        for block in copy:
                            size += len(block)
                else:
                    cursor.execute(query)
                    while rows := cursor.fetchmany(5000):
                        size += len(rows)
        return size

    def download(url: str) -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.streaming_content)  # type: ignore[attr-defined]
        response.close()
        return size

    baseline = "COPY … TO STDOUT" if connection.vendor == "postgresql" else "a raw cursor fetch (SQLite has no COPY)"
    print(f"cjgscan exports benchmark on {connection.vendor}, medians of {REPEAT}; baseline: {baseline}")
    header = (
        f"{'respondents':>11} {'export':<16} {'size':>9} {'time (s)':>9} {'raw (s)':>8} {'÷ raw':>6} "
        f"{'peak MiB':>9} {'raw MiB':>8} {'÷ raw':>6}"
    )
    print(header)
    print("-" * len(header))
    peaks: dict[tuple[str, str], list[float]] = {}
    for size in SIZES:
        round_ = seed_round(home, size)
        add_comments(round_)
        for kind in ("antwoorden", "cijfers"):
            raw_time = best_of(lambda kind=kind, pk=round_.pk: raw(kind, pk), REPEAT)
            raw_peak = peak_memory(lambda kind=kind, pk=round_.pk: raw(kind, pk))
            for file_format in ("csv", "xlsx"):
                url = reverse("round_export", args=[home.uuid, round_.uuid])
                url += f"?inhoud={kind}&formaat={file_format}&scheidingsteken=%3B"
                seconds = best_of(lambda url=url: download(url), REPEAT)
                sizes: list[int] = []
                peak = peak_memory(lambda url=url, sizes=sizes: sizes.append(download(url)))
                bytes_out = sizes[0]
                peaks.setdefault((kind, file_format), []).append(peak)
                print(
                    f"{size:>11,} {kind + ' ' + file_format:<16} {bytes_out / 2**20:>7.1f}MB {seconds:>9.2f} "
                    f"{raw_time:>8.3f} {seconds / raw_time:>6.1f} {peak / 2**20:>9.1f} {raw_peak / 2**20:>8.2f} "
                    f"{peak / max(raw_peak, 1):>6.1f}"
                )
        if size == SIZES[-1]:
            compare_engines(round_, best_of(lambda pk=round_.pk: raw("antwoorden", pk), REPEAT))
    print()
    growth = SIZES[-1] // SIZES[0]
    for (kind, file_format), (small, large) in peaks.items():
        print(
            f"peak memory of {kind} {file_format} from {SIZES[0]:,} to {SIZES[-1]:,} respondents "
            f"(×{growth} rows): ×{large / small:.2f}"
        )
    close_database()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
