"""Load benchmark: many respondents autosaving and submitting at once against a real served app, in one run.

    python -m bench.load                         # SQLite; with DATABASE_URL also PostgreSQL
    python -m bench.load --duration 20 --respondents 50 --databases sqlite,postgresql

For each database it starts `cjgscan serve` (gunicorn) in a subprocess on a fresh database, lets N simulated
respondents open the group link, autosave every key and submit, over and over, while a reader keeps the results
dashboard open. It prints p50/p99 latencies, the number of 5xx replies and "database is locked" errors (both must be
0), the submit throughput as a ratio to the raw database doing the same inserts in the same run, and checks the
ledger: every acknowledged submission (with a hash of its answers) is in the database exactly once, complete.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests import served
from tests.served import CSRF_FIELD, Database, Respondent, Server, answers_hash, app_env, check_ledger, fill_in


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[int, int] = defaultdict(int)
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def observe(self, method: str, path: str, status: int, seconds: float) -> None:
        kind = (
            "dashboard"
            if "/resultaten/" in path
            else "autosave"
            if path.endswith("/opslaan/")
            else "submit"
            if path.endswith("/verzenden/")
            else "open link + page"
        )
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"
    )


def log_in(port: int, seeded: dict[str, Any]) -> dict[str, str]:
    cookies: dict[str, str] = {}
    _status, _headers, body = served.request(port, "GET", "/inloggen/", cookies=cookies)
    match = CSRF_FIELD.search(body)
    assert match, "no login form"
    form = {"csrfmiddlewaretoken": match.group(1), "username": seeded["user"], "password": seeded["password"]}
    status, _headers, _body = served.request(port, "POST", "/inloggen/", form, cookies=cookies)
    assert status == 302, f"login failed ({status})"
    return cookies


def run_load(database: str, duration: float, respondents: int, workers: int) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"cjgscan-load-{database}-"))
    url, drop = "", None
    if database == "postgresql":
        url, drop = postgres_database()
    # All simulated respondents come from 127.0.0.1; real ones come from many addresses, so the flooding limit of
    # group links (RESPONSE_START_LIMIT, docs/rounds.md) is lifted here.
    env = app_env(data_dir, url, RESPONSE_START_LIMIT="1000000")
    try:
        seeded = served.prepare(env, respondents=1)
        recorder = Recorder()
        served.OBSERVER = recorder.observe
        ledger: dict[str, str] = {}
        ledger_lock = threading.Lock()
        stop = threading.Event()
        start_barrier = threading.Barrier(respondents + 1)

        def respondent_loop(n: int, port: int) -> None:
            rng = random.Random(n)
            start_barrier.wait()
            while not stop.is_set():
                try:
                    person = Respondent(port, seeded["round"])
                    if person.open_link(f"/g/{seeded['group_token']}/") != 200:
                        continue
                    worst, answers, comments = fill_in(person, seeded, rng, marker=f"r{n}")
                    if worst != 200:
                        continue
                    status, location = person.submit()
                    if status == 302 and location.endswith("/klaar/"):
                        with ledger_lock:
                            ledger[person.token()] = answers_hash(answers, comments)
                except OSError as error:
                    with recorder.lock:
                        recorder.errors.append(repr(error))

        def dashboard_loop(port: int) -> None:
            cookies = log_in(port, seeded)
            path = f"/o/{seeded['org']}/metingen/{seeded['round']}/resultaten/"
            start_barrier.wait()
            while not stop.is_set():
                status, _headers, _body = served.request(port, "GET", path, cookies=cookies)
                assert status == 200, status
                time.sleep(0.5)

        log = data_dir / "serve.log"
        with Server(env, workers=workers, log=log) as server:
            threads = [threading.Thread(target=respondent_loop, args=(n, server.port)) for n in range(respondents)]
            threads.append(threading.Thread(target=dashboard_loop, args=(server.port,)))
            for thread in threads:
                thread.start()
            started = time.monotonic()
            time.sleep(duration)
            stop.set()
            for thread in threads:
                thread.join(120)
            elapsed = time.monotonic() - started
        served.OBSERVER = None
        server_log = log.read_text(errors="replace")
        db = Database(data_dir, url)
        problems = check_ledger(db, seeded["round_id"], ledger)
        raw_rate = raw_inserts(db, seeded, count=max(50, min(len(ledger), 2000)))
        return {
            "database": database,
            "recorder": recorder,
            "ledger": len(ledger),
            "problems": problems,
            "elapsed": elapsed,
            "locked": server_log.count("database is locked"),
            "server_errors": server_log.count("Internal Server Error"),
            "raw_rate": raw_rate,
            "workers": workers,
            "version": db_version(db, database),
        }
    finally:
        served.OBSERVER = None
        if drop:
            drop()


def postgres_database() -> tuple[str, Any]:
    """A fresh database next to DATABASE_URL's, dropped afterwards."""
    import psycopg

    base = urllib.parse.urlsplit(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1))
    name = f"cjgscan_load_{uuid.uuid4().hex[:8]}"
    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base._replace(path=f"/{name}").geturl(), drop


def db_version(db: Database, database: str) -> str:
    if database == "postgresql":
        return str(db.query("SHOW server_version")[0][0]).split()[0]
    return str(db.query("SELECT sqlite_version()")[0][0])


def raw_inserts(db: Database, seeded: dict[str, Any], count: int) -> float:
    """Submissions per second when the raw database does the same writes: a response, its answers and comments,
    then the submitted status, one transaction per respondent (one connection, like one worker)."""
    items = db.query(
        "SELECT i.id FROM instruments_item i JOIN instruments_theme t ON t.id = i.theme_id "
        "JOIN rounds_round r ON r.version_id = t.version_id WHERE r.id = ?",
        (seeded["round_id"],),
    )
    themes = db.query(
        "SELECT t.id FROM instruments_theme t JOIN rounds_round r ON r.version_id = t.version_id WHERE r.id = ?",
        (seeded["round_id"],),
    )
    options = db.query(
        "SELECT o.id, o.value FROM instruments_scaleoption o JOIN rounds_round r ON r.scale_id = o.scale_id "
        "WHERE r.id = ? AND o.value IS NOT NULL",
        (seeded["round_id"],),
    )
    if db.url:
        import psycopg

        conn: Any = psycopg.connect(db.url)
        mark = "%s"
    else:
        import sqlite3

        conn = sqlite3.connect(db.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        mark = "?"

    def sql(text: str) -> str:
        return text.replace("?", mark)

    rng = random.Random(1)
    started = time.perf_counter()
    for n in range(count):
        response_id = str(uuid.uuid4()) if db.url else uuid.uuid4().hex
        cursor = conn.cursor()
        if not db.url:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(
            sql(
                "INSERT INTO rounds_response (id, round_id, group_id, token_hash, profession, channel, status, "
                "started_on, last_page) VALUES (?, ?, ?, ?, '', 'online', 'in_progress', CURRENT_DATE, 0)"
            ),
            (response_id, seeded["round_id"], seeded["group_id"], f"raw-{uuid.uuid4().hex}"),
        )

        def row_id() -> str:  # answer and comment rows have random uuid ids, like the app's
            return str(uuid.uuid4()) if db.url else uuid.uuid4().hex

        rows = [(row_id(), response_id, item, *rng.choice(options)) for (item,) in items]
        cursor.executemany(
            sql("INSERT INTO rounds_answer (id, response_id, item_id, option_id, value) VALUES (?, ?, ?, ?, ?)"),
            rows,
        )
        cursor.executemany(
            sql("INSERT INTO rounds_themeanswer (id, response_id, theme_id, comment) VALUES (?, ?, ?, ?)"),
            [(row_id(), response_id, theme, f"raw {n}") for (theme,) in themes],
        )
        cursor.execute(
            sql("UPDATE rounds_response SET status = 'submitted', submitted_on = CURRENT_DATE WHERE id = ?"),
            (response_id,),
        )
        conn.commit() if db.url else cursor.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return count / seconds


def report(result: dict[str, Any], respondents: int, duration: float) -> bool:
    recorder: Recorder = result["recorder"]
    five_xx = sum(n for status, n in recorder.statuses.items() if status >= 500)
    served_rate = result["ledger"] / result["elapsed"]
    print(
        f"\n{result['database']} {result['version']}: {respondents} respondents + 1 dashboard reader for "
        f"{duration:g} s against cjgscan serve (gunicorn, {result['workers']} workers)"
    )
    print(f"  requests: {sum(recorder.statuses.values()):,}  by status: {dict(sorted(recorder.statuses.items()))}")
    print(
        f"  5xx replies: {five_xx}   'database is locked': {result['locked']}   "
        f"connection errors: {len(recorder.errors)}"
    )
    print(f"  {'request':<18} {'count':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("open link + page", "autosave", "submit", "dashboard"):
        values = recorder.latencies.get(kind, [])
        if values:
            print(
                f"  {kind:<18} {len(values):>7,} {statistics.median(values) * 1000:>8.0f} "
                f"{percentile(values, 0.99) * 1000:>8.0f}"
            )
    print(
        f"  submit throughput: {served_rate:.1f} questionnaires/s served (7 autosaves + submit each); raw database "
        f"doing the same inserts: {result['raw_rate']:.0f}/s; served ÷ raw = {served_rate / result['raw_rate']:.3f}"
    )
    if result["problems"]:
        print(f"  LEDGER: {len(result['problems'])} problems: {result['problems'][:5]}")
    else:
        print(f"  ledger: {result['ledger']:,} acknowledged submissions, each stored exactly once and complete")
    return not (five_xx or result["locked"] or result["problems"] or recorder.errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("LOAD_DURATION", "60")))
    parser.add_argument("--respondents", type=int, default=int(os.environ.get("LOAD_RESPONDENTS", "50")))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    default = "sqlite,postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    parser.add_argument("--databases", default=default, help=f"comma-separated (default: {default})")
    args = parser.parse_args()
    print(f"cjgscan load benchmark on {machine()}")
    ok = True
    for database in args.databases.split(","):
        if database == "postgresql" and not os.environ.get("DATABASE_URL"):
            sys.exit("PostgreSQL needs DATABASE_URL (a server where a database may be created)")
        result = run_load(database, args.duration, args.respondents, args.workers)
        ok = report(result, args.respondents, args.duration) and ok
    if not ok:
        sys.exit("load benchmark FAILED: see above")


if __name__ == "__main__":
    main()
