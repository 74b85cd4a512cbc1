"""Benchmark: the anonymised answers as XLSX (and CSV), asked for through `cjgscan serve` and made by `cjgscan
worker`, against the database alone reading the same rows, in one run.

    python -m bench.exports                                  # SQLite; with DATABASE_URL also PostgreSQL
    python -m bench.exports --sizes 1000,10000 --databases postgresql

For each database it starts `cjgscan serve` exactly as shipped (no options but the address: its own workers,
timeout and request limits) on a fresh database, seeds rounds of 1,000 and 10,000 respondents × 51 characteristics
(bench/dashboard.py's seed_round, plus a comment on two keys from every fifth respondent), and for each size and
format logs in as a beheerder over HTTP, presses the export form's button (a POST), lets a fresh `cjgscan worker`
make the file, waits on the status page and downloads the file to the last byte. Printed per export:

- **task**: the seconds the worker's task took (django-tasks' own start and finish times), and the whole wait from
  the POST to the last byte (the worker's 0.2 s polling included);
- **÷ raw**: the task ÷ the same rows read from the database alone: PostgreSQL's `COPY (SELECT …) TO STDOUT`, or
  on SQLite (no COPY) a raw sqlite3 cursor fetching them in batches;
- **web ms**: the slowest of the web requests (POST, status, download) — what a web worker spent;
- **RSS MiB**: the worker process's peak resident memory (getrusage of the child), at each size.

Targets (issue 14): the XLSX task ≤ 5× the raw read at the largest size, the worker's peak RSS flat at 10× the
rows (≤ 1.25×), and no web request longer than a fraction of a second (≤ 0.5 s). PASS/FAIL is printed for each.
Then the XLSX engines (openpyxl write-only, XlsxWriter constant-memory, ours) write the same rows in this process.
"""

import argparse
import contextlib
import importlib.metadata
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load import log_in, postgres_database, shipped_env
from tests import served
from tests.served import ROOT, Server, app_env

XLSX_TARGET = 5.0  # task ÷ raw read of the same rows, at the largest size
MEMORY_TARGET = 1.25  # the worker's peak RSS at the largest size ÷ at the smallest
WEB_TARGET = 0.5  # seconds: the slowest web request of an export
START_WAIT = 300
EXPORT_PATH = re.compile(r"/o/[0-9a-f-]+/exporten/([0-9a-f-]+)/")

# The rows of the answers export, straight from the database: every released answer and comment in export order.
ANSWERS_SQL = (
    "SELECT a.response_id, r.release_id, r.group_id, i.code, a.value, o.code FROM rounds_answer a "
    "JOIN rounds_response r ON r.id = a.response_id JOIN instruments_item i ON i.id = a.item_id "
    "JOIN instruments_theme t ON t.id = i.theme_id JOIN instruments_scaleoption o ON o.id = a.option_id "
    "WHERE r.round_id = {round} AND r.status = 'submitted' AND r.release_id IS NOT NULL "
    "ORDER BY a.response_id, t.number, i.position"
)
COMMENTS_SQL = (
    "SELECT c.response_id, r.release_id, r.group_id, t.code, c.comment FROM rounds_themeanswer c "
    "JOIN rounds_response r ON r.id = c.response_id JOIN instruments_theme t ON t.id = c.theme_id "
    "WHERE r.round_id = {round} AND r.status = 'submitted' AND r.release_id IS NOT NULL AND c.comment <> '' "
    "ORDER BY c.response_id, t.number"
)


def seed(respondents: int) -> dict[str, Any]:
    """(Inside a configured Django.) A round of `respondents` sent questionnaires with comments, released, and a
    beheerder of its organisation (made once)."""
    from bench.dashboard import seed_round
    from cjgscan.organisations.models import Membership, Organisation, Role
    from cjgscan.rounds.models import Response, ThemeAnswer
    from tests.factories import PASSWORD, make_user

    home = Organisation.objects.filter(name="CJG Exportbank").first()
    if home is None:
        home = Organisation.objects.create(name="CJG Exportbank")
        user = make_user("Exporteur")
        Membership.objects.create(user=user, organisation=home, role=Role.BEHEERDER)
    user = Membership.objects.get(organisation=home).user
    round_ = seed_round(home, respondents)  # released, as after closing
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
    return {
        "org": str(home.uuid),
        "round": str(round_.uuid),
        "round_id": round_.pk,
        "user": user.get_username(),
        "password": PASSWORD,
    }


def manage_seed(env: dict[str, str], respondents: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.exports", "--seed", str(respondents)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def raw_read(database: served.Database, round_id: int) -> float:
    """Seconds for the database alone to hand over the export's rows (best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        if database.url:
            import psycopg

            with psycopg.connect(database.url.replace("postgres://", "postgresql://")) as conn, conn.cursor() as cur:
                for sql in (ANSWERS_SQL, COMMENTS_SQL):
                    with cur.copy(f"COPY ({sql.format(round=int(round_id))}) TO STDOUT") as copy:  # type: ignore[arg-type]
                        for _block in copy:
                            pass
        else:
            import sqlite3

            conn = sqlite3.connect(database.path)
            try:
                for sql in (ANSWERS_SQL, COMMENTS_SQL):
                    cursor = conn.execute(sql.format(round=int(round_id)))
                    while cursor.fetchmany(5000):
                        pass
            finally:
                conn.close()
        best = min(best, time.perf_counter() - started)
    return best


class Worker:
    """`cjgscan worker` in a child process; its peak RSS and CPU from getrusage when it has ended."""

    def __init__(self, env: dict[str, str], log: Path):
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "cjgscan.cli", "worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> tuple[float, float]:
        """(peak RSS in MiB, CPU seconds) of the ended worker."""
        self.process.send_signal(signal.SIGTERM)
        _pid, _status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = 0
        self.log.close()
        return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def timed(port: int, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, str], str, float]:
    started = time.perf_counter()
    status, headers, body = served.request(port, method, path, **kwargs)
    return status, headers, body, time.perf_counter() - started


def download(port: int, path: str, cookies: dict[str, str]) -> tuple[int, float]:
    """Bytes and seconds of a download read to the last byte (http.client, 1 MiB at a time)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": f"127.0.0.1:{port}", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        reply = connection.getresponse()
        assert reply.status == 200, reply.status
        size = 0
        while block := reply.read(1 << 20):
            size += len(block)
        return size, time.perf_counter() - started
    finally:
        connection.close()


def task_seconds(database: served.Database) -> float:
    """The last finished task's own duration, as django-tasks recorded it."""
    (started, finished), *_ = database.query(
        "SELECT started_at, finished_at FROM django_tasks_database_dbtaskresult WHERE task_path = ? "
        "ORDER BY finished_at DESC LIMIT 1",
        ("cjgscan.exports.tasks.make_export",),
    )
    if isinstance(started, str):  # SQLite hands back text
        from datetime import datetime

        started, finished = datetime.fromisoformat(started), datetime.fromisoformat(finished)
    return float((finished - started).total_seconds())


def export_once(
    server: Server,
    env: dict[str, str],
    seeded: dict[str, Any],
    file_format: str,
    log: Path,
    database: served.Database,
    delimiter: str = ";",
) -> dict[str, Any]:
    """Log in, ask for the answers file, let a fresh worker make it, wait on the status page, download it."""
    cookies = log_in(server.port, seeded)
    export_page = f"/o/{seeded['org']}/metingen/{seeded['round']}/exporteren/"
    _status, _headers, body, _seconds = timed(server.port, "GET", export_page, cookies=cookies)
    csrf = served.CSRF_FIELD.search(body)
    assert csrf, "no CSRF token on the export page"
    worker = Worker(env, log)
    try:
        time.sleep(3)  # the worker's start (imports, database), not part of making the file
        started = time.perf_counter()
        form = {"csrfmiddlewaretoken": csrf.group(1), "inhoud": "antwoorden", "formaat": file_format}
        form["scheidingsteken"] = delimiter
        status, headers, _body, post_seconds = timed(server.port, "POST", export_page, body=form, cookies=cookies)
        assert status == 302, status
        match = EXPORT_PATH.search(headers["location"])
        assert match, headers["location"]
        status_path = f"/o/{seeded['org']}/exporten/{match.group(1)}/"
        web = [post_seconds]
        while True:
            _status, _headers, fragment, seconds = timed(
                server.port, "GET", status_path, cookies=cookies, headers={"HX-Request": "true"}
            )
            web.append(seconds)
            if "/download/" in fragment:
                break
            assert "hx-trigger" in fragment, fragment[:500]
            time.sleep(0.2)
        size, download_seconds = download(server.port, status_path + "download/", cookies)
        web.append(download_seconds)
        wait = time.perf_counter() - started
    finally:
        rss, cpu = worker.stop()
    return {
        "size": size,
        "wait": wait,
        "task": task_seconds(database),
        "web": max(web),
        "download": download_seconds,
        "rss": rss,
        "cpu": cpu,
    }


def compare_engines(env: dict[str, str], round_id: int, raw: float) -> None:
    """The same answer rows written by each XLSX library in one process: CPU seconds and ÷ the raw read."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.exports", "--engines", str(round_id), str(raw)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    print(result.stdout.rstrip())
    if result.returncode != 0:
        print(result.stderr)


def engines(round_id: int, raw: float) -> None:
    """(Inside a configured Django.)"""
    import xlsxwriter  # type: ignore[import-untyped]
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from cjgscan.exports.tables import answer_table
    from cjgscan.lib.xlsx import Column, Sheet, write_workbook
    from cjgscan.rounds.models import Round

    round_ = Round.objects.select_related("organisation", "scale", "version").get(pk=round_id)
    table = answer_table(round_)
    started = time.process_time()
    rows = [list(row) for row in table.rows]
    reading = time.process_time() - started

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

    print(f"\nthe same {len(rows):,} answer rows, CPU seconds in one process (÷ raw read {raw:.2f} s):")
    print(f"  {'reading and building the rows (ORM)':<40} {reading:>7.2f} s  ÷ raw {reading / raw:>5.1f}")
    for name, version, function in (
        ("openpyxl write-only", importlib.metadata.version("openpyxl"), with_openpyxl),
        ("XlsxWriter constant_memory", importlib.metadata.version("xlsxwriter"), with_xlsxwriter),
        ("cjgscan.lib.xlsx", "", with_ours),
    ):
        started = time.process_time()
        function()
        seconds = time.process_time() - started
        print(f"  {'writing: ' + name + ' ' + version:<40} {seconds:>7.2f} s  ÷ raw {seconds / raw:>5.1f}")


def run(database_kind: str, sizes: list[int], formats: list[str], with_engines: bool) -> bool:
    data_dir = Path(tempfile.mkdtemp(prefix=f"cjgscan-exports-{database_kind}-"))
    url, drop = ("", None) if database_kind == "sqlite" else postgres_database()
    env = shipped_env(app_env(data_dir, url))
    database = served.Database(data_dir, url)
    passed = True
    try:
        served.manage(env, "migrate", "--noinput", "-v0")
        served.manage(env, "load-instruments", "-v0")
        seeded = {size: manage_seed(env, size) for size in sizes}
        version = database.query("SHOW server_version" if url else "SELECT sqlite_version()")[0][0]
        with contextlib.ExitStack() as stack:
            server = Server(env, workers=None, timeout=None, log=data_dir / "serve.log")
            stack.callback(server.stop)
            server.start(wait=START_WAIT)
            workers = len(server.worker_pids())
            baseline = "COPY … TO STDOUT" if url else "a raw sqlite3 cursor (SQLite has no COPY)"
            print(f"\ncjgscan exports through `cjgscan serve` ({workers} web workers) and `cjgscan worker`, on "
                  f"{database_kind} {str(version).split()[0]}; raw read: {baseline}")  # fmt: skip
            header = (
                f"{'respondents':>11} {'format':<6} {'size':>8} {'task (s)':>9} {'wait (s)':>9} {'raw (s)':>8} "
                f"{'÷ raw':>6} {'web ms':>7} {'RSS MiB':>8} {'CPU (s)':>8}"
            )
            print(header)
            print("-" * len(header))
            # Warm up the web workers (imports, templates, database connections) with a file not measured below.
            for _n in range(2):
                export_once(server, env, seeded[sizes[0]], "csv", data_dir / "worker.log", database, delimiter=",")
            results: dict[tuple[int, str], dict[str, Any]] = {}
            raws: dict[int, float] = {}
            for size in sizes:
                raws[size] = raw_read(database, seeded[size]["round_id"])
                for file_format in formats:
                    result = export_once(server, env, seeded[size], file_format, data_dir / "worker.log", database)
                    results[(size, file_format)] = result
                    print(
                        f"{size:>11,} {file_format:<6} {result['size'] / 2**20:>6.1f}MB {result['task']:>9.2f} "
                        f"{result['wait']:>9.2f} {raws[size]:>8.3f} {result['task'] / raws[size]:>6.1f} "
                        f"{result['web'] * 1000:>7.0f} {result['rss']:>8.1f} {result['cpu']:>8.2f}"
                    )
        largest, smallest = sizes[-1], sizes[0]
        print()
        for file_format in formats:
            ratio = results[(largest, file_format)]["task"] / raws[largest]
            memory = results[(largest, file_format)]["rss"] / results[(smallest, file_format)]["rss"]
            web = max(results[(size, file_format)]["web"] for size in sizes)
            checks = [("time", ratio, f"{ratio:.1f}× raw", file_format != "xlsx" or ratio <= XLSX_TARGET,
                       f"≤ {XLSX_TARGET:g}× (XLSX)"),
                      ("memory", memory, f"RSS ×{memory:.2f} for ×{largest // smallest} rows", memory <= MEMORY_TARGET,
                       f"≤ ×{MEMORY_TARGET:g}"),
                      ("web", web, f"slowest request {web * 1000:.0f} ms", web <= WEB_TARGET,
                       f"≤ {WEB_TARGET * 1000:.0f} ms")]  # fmt: skip
            for name, _value, text, ok, target in checks:
                passed &= ok
                print(f"{'PASS' if ok else 'FAIL'}  {file_format} {name} at {largest:,} respondents: {text} "
                      f"(target {target})")  # fmt: skip
        if with_engines:
            compare_engines(env, seeded[largest]["round_id"], raws[largest])
    finally:
        if drop:
            drop()
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = "sqlite,postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    parser.add_argument("--databases", default=default, help=f"comma-separated (default: {default})")
    parser.add_argument("--sizes", default=os.environ.get("EXPORT_SIZES", "1000,10000"), help="respondents per round")
    parser.add_argument("--formats", default="xlsx,csv", help="comma-separated: xlsx, csv")
    parser.add_argument("--no-engines", action="store_true", help="skip the comparison of XLSX libraries")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # inside the served app's settings
    parser.add_argument("--engines", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None or args.engines:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cjgscan.settings")
        django.setup()
        if args.seed is not None:
            print(json.dumps(seed(args.seed)))
        else:
            engines(int(args.engines[0]), float(args.engines[1]))
        return
    sizes = [int(n) for n in args.sizes.split(",")]
    formats = args.formats.split(",")
    passed = True
    for database_kind in args.databases.split(","):
        passed &= run(database_kind, sizes, formats, not args.no_engines)
    print("\nPASS" if passed else "\nFAIL")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
