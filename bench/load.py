"""Load benchmark: many respondents autosaving and submitting at once against a real served app, in one run.

    python -m bench.load                         # SQLite; with DATABASE_URL also PostgreSQL
    python -m bench.load --duration 20 --respondents 50 --databases sqlite,postgresql

For each database it starts `cjgscan serve` exactly as shipped (no options but the address: its own workers,
timeout and request limits) on a fresh database, and runs four phases:

1. **load**: N simulated respondents open the group link, autosave every key and submit, over and over, while a
   reader keeps the results dashboard open. Printed: p50/p99 latencies, 5xx replies and "database is locked"
   errors (both must be 0), the submit throughput as a ratio to the raw database doing the same inserts, and the
   ledger: every acknowledged submission (with a hash of its answers) is in the database exactly once, complete.
2. **autosave** and 3. **submit**: N clients do only that request, and the CPU time the server's worker processes
   spent (from /proc, dead workers included through the master's cutime) is divided by the number of requests.
4. **minimal**: the same, against a second `cjgscan serve` with the same command line whose settings
   (bench/settings.py, chosen by DJANGO_SETTINGS_MODULE, which only this benchmark sets) add one view: the whole
   middleware stack, session and CSRF check, one INSERT, a short reply (bench/minimal/).

Autosave and submit are then reported as multiples of the minimal view's CPU per request (target: at most 2×).
"""

import argparse
import contextlib
import html.parser
import itertools
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests import served
from tests.served import (
    CSRF_FIELD,
    Database,
    Respondent,
    Server,
    answers_hash,
    app_env,
    check_ledger,
    fill_in,
)

CPU_TARGET = 2.0  # autosave and submit at most this many times the minimal view's server CPU per request
P99_TARGET = 0.300  # seconds, autosave in the load phase with think time
# Seconds a respondent pauses, on average, before each autosave and submit in the paced load phase (see
# docs/benchmarks.md: a person reads and chooses before a change is saved; no pause at all is the saturation phase).
THINK_TIME = 2.0
START_WAIT = 300  # seconds for `cjgscan serve` to answer; collectstatic and five workers are slow on a busy machine
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Forms on every page that are not how a respondent starts: the language switch and the log-out button.
NOT_A_START_FORM = ("/taal/", "/uitloggen/")


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
            else "minimal"
            if path.startswith("/bench/")
            else "open link + page"
        )
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1

    def five_xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


class Forms(html.parser.HTMLParser):
    """The POST forms of a page: [(action, {field: value})], hidden inputs and the first submit button."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.open: tuple[str, dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form" and attr.get("method", "get").lower() == "post":
            self.open = (attr.get("action", ""), {})
            self.forms.append(self.open)
        elif self.open is not None and "name" in attr:
            fields = self.open[1]
            kind = attr.get("type", "submit" if tag == "button" else "text").lower()
            if tag == "input" and kind == "hidden":
                fields[attr["name"]] = attr.get("value", "")
            elif kind == "submit" and not any(key.startswith("\0button") for key in fields):
                fields[attr["name"]] = attr.get("value", "")
                fields["\0button"] = ""  # remember that a button was chosen; removed before sending

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None


def start_form(body: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The form a landing page asks the respondent to send to begin (a POST with a CSRF token), if any."""
    parser = Forms()
    parser.feed(body)
    for action, fields in parser.forms:
        target = urllib.parse.urlsplit(action).path or path
        if "csrfmiddlewaretoken" in fields and not target.startswith(NOT_A_START_FORM):
            return target, {k: v for k, v in fields.items() if k != "\0button"}
    return None


class BenchRespondent(Respondent):
    """A respondent that, with `think` seconds, pauses before each autosave and submit: a random time, on average
    `think` (exponentially distributed, so that clients do not fall into step)."""

    think: float = 0.0
    rng: random.Random | None = None

    def pause(self) -> None:
        if self.think and self.rng is not None:
            time.sleep(self.rng.expovariate(1 / self.think))

    def autosave(self, page: int, data: dict[str, str]) -> int:
        self.pause()
        return super().autosave(page, data)

    def submit(self, timeout: float = 30) -> tuple[int, str]:
        self.pause()
        return super().submit(timeout)

    def open_link(self, path: str) -> int:
        """Open a link as a browser does: follow redirects; a landing page with a start button (a POST form) is
        sent, as the respondent's click; then the questionnaire page's CSRF token is kept for the autosaves."""
        status, headers, body = served.request(self.port, "GET", path, cookies=self.cookies)
        if status == 200 and (form := start_form(body, path)) is not None:
            target, fields = form
            status, headers, body = served.request(self.port, "POST", target, fields, cookies=self.cookies)
        for _hop in range(5):
            if status not in (301, 302, 303):
                break
            status, headers, body = served.request(self.port, "GET", self.follow(headers), cookies=self.cookies)
        match = CSRF_FIELD.search(body)
        if match:
            self.csrf = match.group(1)
        return status


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


def proc_times(pid: int) -> tuple[int, int, int, int]:
    """(utime, stime, cutime, cstime) in clock ticks, from /proc/<pid>/stat (fields 14-17)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the command name in parentheses may contain spaces
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return utime, stime, cutime, cstime


def worker_cpu(server: Server) -> float:
    """CPU seconds the server's worker processes have used so far: the living workers' own time plus, through the
    gunicorn master's cutime/cstime, that of the workers it has reaped (restarted after --max-requests). The
    master's own time (it only supervises) is left out."""
    assert server.process is not None
    _utime, _stime, cutime, cstime = proc_times(server.process.pid)
    ticks = cutime + cstime
    for pid in server.worker_pids():
        try:
            utime, stime, _cutime, _cstime = proc_times(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited between the listing and the read; the master's cutime gets it once reaped
        ticks += utime + stime
    return ticks / CLOCK_TICKS


def cpu_phase(server: Server, steps: list[Callable[[], int | None]], seconds: float | None) -> dict[str, Any]:
    """Run each step (one request; returns its status, or None when it has nothing left to do) in its own thread
    for `seconds` (or until all are done) and measure the workers' CPU over exactly that window."""
    statuses: dict[int, int] = defaultdict(int)
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    barrier = threading.Barrier(len(steps) + 1)

    def loop(step: Callable[[], int | None]) -> None:
        barrier.wait()
        while not stop.is_set():
            try:
                status = step()
            except OSError as error:
                with lock:
                    errors.append(repr(error))
                continue
            if status is None:
                return
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=loop, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    cpu_before = worker_cpu(server)
    started = time.monotonic()
    barrier.wait()
    if seconds is None:
        for thread in threads:
            thread.join()
    else:
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(120)
    elapsed = time.monotonic() - started
    cpu = worker_cpu(server) - cpu_before
    requests = sum(statuses.values())
    return {
        "requests": requests,
        "statuses": dict(statuses),
        "errors": errors,
        "cpu": cpu,
        "per_request": cpu / requests if requests else float("nan"),
        "elapsed": elapsed,
    }


def log_in(port: int, seeded: dict[str, Any]) -> dict[str, str]:
    cookies: dict[str, str] = {}
    _status, _headers, body = served.request(port, "GET", "/inloggen/", cookies=cookies)
    match = CSRF_FIELD.search(body)
    assert match, "no login form"
    form = {"csrfmiddlewaretoken": match.group(1), "username": seeded["user"], "password": seeded["password"]}
    status, _headers, _body = served.request(port, "POST", "/inloggen/", form, cookies=cookies)
    assert status == 302, f"login failed ({status})"
    return cookies


def opened(port: int, seeded: dict[str, Any]) -> BenchRespondent:
    person = BenchRespondent(port, seeded["round"])
    status = person.open_link(f"/g/{seeded['group_token']}/")
    assert status == 200 and person.csrf, f"opening the group link gave {status}"
    return person


def load_phase(
    port: int, seeded: dict[str, Any], respondents: int, duration: float, think: float = 0.0
) -> dict[str, Any]:
    """Respondents open the link, answer every key and submit, again and again; a reader watches the dashboard.
    With `think`, each respondent pauses that long on average before every autosave and submit."""
    recorder = Recorder()
    served.OBSERVER = recorder.observe
    ledger: dict[str, str] = {}
    ledger_lock = threading.Lock()
    stop = threading.Event()
    start_barrier = threading.Barrier(respondents + 1)

    def respondent_loop(n: int) -> None:
        rng = random.Random(n)
        start_barrier.wait()
        while not stop.is_set():
            try:
                person = BenchRespondent(port, seeded["round"])
                person.think, person.rng = think, rng
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

    def dashboard_loop() -> None:
        cookies = log_in(port, seeded)
        path = f"/o/{seeded['org']}/metingen/{seeded['round']}/resultaten/"
        start_barrier.wait()
        while not stop.is_set():
            status, _headers, _body = served.request(port, "GET", path, cookies=cookies)
            assert status == 200, status
            time.sleep(0.5)

    threads = [threading.Thread(target=respondent_loop, args=(n,)) for n in range(respondents)]
    threads.append(threading.Thread(target=dashboard_loop))
    try:
        for thread in threads:
            thread.start()
        started = time.monotonic()
        time.sleep(duration)
        stop.set()
        for thread in threads:
            thread.join(120)
        elapsed = time.monotonic() - started
    finally:
        served.OBSERVER = None
    return {"recorder": recorder, "ledger": ledger, "elapsed": elapsed, "think": think}


class Autosaver:
    """One opened questionnaire, autosaving its keys in turn (one POST per key, as htmx does)."""

    def __init__(self, port: int, seeded: dict[str, Any], n: int):
        self.person = opened(port, seeded)
        self.rng = random.Random(1000 + n)
        self.options = seeded["options"]
        self.pages = itertools.cycle(seeded["themes"])

    def __call__(self) -> int:
        theme = next(self.pages)
        data = {f"item-{code}": self.rng.choice(self.options) for code in theme["items"]}
        data[f"comment-{theme['code']}"] = f"cpu {self.rng.randrange(10**6)}"
        return self.person.autosave(theme["page"], data)


def submit_steps(port: int, seeded: dict[str, Any], clients: int, each: int) -> list[Callable[[], int | None]]:
    """`each` opened questionnaires per client, sent one after the other; None when a client has sent them all."""
    steps = []
    for _n in range(clients):
        queue = [opened(port, seeded) for _ in range(each)]

        def step(queue: list[BenchRespondent] = queue) -> int | None:
            return queue.pop().submit()[0] if queue else None

        steps.append(step)
    return steps


def minimal_steps(port: int, clients: int) -> list[Callable[[], int | None]]:
    steps = []
    for n in range(clients):
        cookies: dict[str, str] = {}
        _status, _headers, body = served.request(port, "GET", "/bench/minimal/", cookies=cookies)
        match = CSRF_FIELD.search(body)
        assert match, "no CSRF token from the minimal view"
        form = {"csrfmiddlewaretoken": match.group(1), "value": f"client {n}"}

        def step(cookies: dict[str, str] = cookies, form: dict[str, str] = form) -> int:
            return served.request(port, "POST", "/bench/minimal/", form, cookies=cookies)[0]

        steps.append(step)
    return steps


def cpu_phases(
    server: Server, yardstick: Server, seeded: dict[str, Any], clients: int, seconds: float, submits: int
) -> dict[str, dict[str, Any]]:
    """Minimal view, autosave and submit in turn, three times over, added up per kind: on a shared machine the
    others' load changes by the minute, and taking turns gives each kind the same share of it."""
    rounds = 3
    totals: dict[str, dict[str, Any]] = {}
    for _round in range(rounds):
        phases = {
            "minimal": lambda: cpu_phase(yardstick, minimal_steps(yardstick.port, clients), seconds / rounds),
            "autosave": lambda: cpu_phase(
                server, [Autosaver(server.port, seeded, n) for n in range(clients)], seconds / rounds
            ),
            "submit": lambda: cpu_phase(
                server, submit_steps(server.port, seeded, clients, max(1, submits // rounds // clients)), None
            ),
        }
        for kind, run in phases.items():
            phase = run()
            total = totals.setdefault(kind, {"requests": 0, "cpu": 0.0, "statuses": defaultdict(int), "errors": []})
            total["requests"] += phase["requests"]
            total["cpu"] += phase["cpu"]
            total["errors"] += phase["errors"]
            for status, count in phase["statuses"].items():
                total["statuses"][status] += count
    for total in totals.values():
        total["per_request"] = total["cpu"] / total["requests"] if total["requests"] else float("nan")
    return totals


def shipped_env(env: dict[str, str]) -> dict[str, str]:
    """The product's own settings module, as `cjgscan serve` chooses it when nothing is set."""
    return {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}


def run_load(
    database: str, duration: float, respondents: int, cpu_seconds: float, submits: int, think: float
) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"cjgscan-load-{database}-"))
    url, drop = "", None
    if database == "postgresql":
        url, drop = postgres_database()
    # All simulated respondents come from 127.0.0.1; real ones come from many addresses, so the flooding limit of
    # group links (RESPONSE_START_LIMIT, docs/rounds.md) is lifted here.
    env = shipped_env(app_env(data_dir, url, RESPONSE_START_LIMIT="1000000"))
    yardstick_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    try:
        seeded = served.prepare(env, respondents=1)
        served.manage(yardstick_env, "migrate", "--run-syncdb", "-v0")  # the minimal view's table
        log, yardstick_log = data_dir / "serve.log", data_dir / "serve-minimal.log"
        # `cjgscan serve` with nothing but the address: the shipped workers, timeout and request limits. The
        # yardstick runs beside it, idle while the product is measured and the other way round.
        with contextlib.ExitStack() as stack:
            server = Server(env, workers=None, timeout=None, log=log)
            stack.callback(server.stop)
            server.start(wait=START_WAIT)
            yardstick = Server(yardstick_env, workers=None, timeout=None, log=yardstick_log)
            stack.callback(yardstick.stop)
            yardstick.start(wait=START_WAIT)
            workers = len(server.worker_pids())
            # Saturation first (no pauses: as many requests as two CPUs serve), then respondents who pause.
            load = load_phase(server.port, seeded, respondents, duration)
            paced = load_phase(server.port, seeded, respondents, duration, think) if think else None
            # Warm up the yardstick's workers (imports, URL resolver, database connection), as the product's are
            # warm after the load phase.
            cpu_phase(yardstick, minimal_steps(yardstick.port, respondents), 3)
            cpu = cpu_phases(server, yardstick, seeded, respondents, cpu_seconds, submits)
        server_log = log.read_text(errors="replace") + yardstick_log.read_text(errors="replace")
        db = Database(data_dir, url)
        ledger = {**load["ledger"], **(paced["ledger"] if paced else {})}
        problems = check_ledger(db, seeded["round_id"], ledger)
        raw_rate = raw_inserts(db, seeded, count=max(50, min(len(load["ledger"]), 2000)))
        return {
            "database": database,
            "recorder": load["recorder"],
            "paced": paced,
            "ledger": len(load["ledger"]),
            "ledger_total": len(ledger),
            "problems": problems,
            "elapsed": load["elapsed"],
            "locked": server_log.count("database is locked"),
            "server_errors": server_log.count("Internal Server Error"),
            "raw_rate": raw_rate,
            "workers": workers,
            "version": db_version(db, database),
            "cpu": cpu,
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


def latency_table(recorder: Recorder) -> None:
    print(f"  {'request':<18} {'count':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("open link + page", "autosave", "submit", "dashboard"):
        values = recorder.latencies.get(kind, [])
        if values:
            print(
                f"  {kind:<18} {len(values):>7,} {statistics.median(values) * 1000:>8.0f} "
                f"{percentile(values, 0.99) * 1000:>8.0f}"
            )


def autosave_p99(recorder: Recorder) -> float:
    autosaves = recorder.latencies.get("autosave", [])
    return percentile(autosaves, 0.99) if autosaves else float("inf")


def report(result: dict[str, Any], respondents: int, duration: float) -> bool:
    """Print the run's figures and, at the end, every target with PASS or FAIL; False when something broke (a 5xx,
    a lock error, a lost or changed submission), whatever the targets that depend on the machine say."""
    recorder: Recorder = result["recorder"]
    paced: dict[str, Any] | None = result["paced"]
    recorders = [recorder, *([paced["recorder"]] if paced else [])]
    five_xx = sum(r.five_xx() for r in recorders)
    connection_errors = sum(len(r.errors) for r in recorders)
    served_rate = result["ledger"] / result["elapsed"]
    print(
        f"\n{result['database']} {result['version']}: {respondents} respondents + 1 dashboard reader for "
        f"{duration:g} s against cjgscan serve as shipped ({result['workers']} workers)"
    )
    print(f"  saturation: no pause between a respondent's requests ({len(recorder.latencies['autosave']):,} autosaves)")
    print(f"  requests: {sum(recorder.statuses.values()):,}  by status: {dict(sorted(recorder.statuses.items()))}")
    latency_table(recorder)
    if paced:
        paced_recorder: Recorder = paced["recorder"]
        print(
            f"  paced: each respondent pauses {paced['think']:g} s on average before every autosave and submit "
            f"({len(paced_recorder.latencies['autosave']) / paced['elapsed']:.1f} autosaves/s)"
        )
        print(
            f"  requests: {sum(paced_recorder.statuses.values()):,}  "
            f"by status: {dict(sorted(paced_recorder.statuses.items()))}"
        )
        latency_table(paced_recorder)
    print(
        f"  5xx replies: {five_xx}   'database is locked': {result['locked']}   connection errors: {connection_errors}"
    )
    print(
        f"  submit throughput at saturation: {served_rate:.1f} questionnaires/s served (7 autosaves + submit each); "
        f"raw database doing the same inserts: {result['raw_rate']:.0f}/s; "
        f"served ÷ raw = {served_rate / result['raw_rate']:.3f}"
    )
    if result["problems"]:
        print(f"  LEDGER: {len(result['problems'])} problems: {result['problems'][:5]}")
    else:
        print(f"  ledger: {result['ledger_total']:,} acknowledged submissions, each stored exactly once and complete")
    cpu = result["cpu"]
    minimal = cpu["minimal"]["per_request"]
    print(f"  server CPU per request ({respondents} clients at once, worker processes' CPU time ÷ requests):")
    print(f"  {'request':<10} {'requests':>9} {'CPU s':>7} {'ms/request':>11} {'÷ minimal':>10}")
    ok = True
    ratios = {}
    for kind in ("minimal", "autosave", "submit"):
        phase = cpu[kind]
        ratios[kind] = phase["per_request"] / minimal
        print(
            f"  {kind:<10} {phase['requests']:>9,} {phase['cpu']:>7.1f} {phase['per_request'] * 1000:>11.2f} "
            f"{ratios[kind]:>10.2f}   by status: {dict(sorted(phase['statuses'].items()))}"
        )
        expected = {"minimal": 200, "autosave": 200, "submit": 302}[kind]
        ok = ok and set(phase["statuses"]) == {expected} and not phase["errors"]
    broken = bool(five_xx or result["locked"] or result["problems"] or connection_errors)
    p99 = autosave_p99(paced["recorder"] if paced else recorder)
    targets = [
        ("zero 5xx replies, lock and connection errors", not broken and ok, ""),
        ("ledger complete", not result["problems"], f"{result['ledger_total']:,} submissions"),
        ("autosave CPU ≤ 2× the minimal view", ratios["autosave"] <= CPU_TARGET, f"{ratios['autosave']:.2f}×"),
        ("submit CPU ≤ 2× the minimal view", ratios["submit"] <= CPU_TARGET, f"{ratios['submit']:.2f}×"),
        (
            f"autosave p99 ≤ {P99_TARGET * 1000:.0f} ms"
            + (f" (paced, {paced['think']:g} s pauses)" if paced else " (saturation)"),
            p99 <= P99_TARGET,
            f"{p99 * 1000:.0f} ms",
        ),
    ]
    print(f"  targets ({result['database']}):")
    for name, met, value in targets:
        print(f"    {'PASS' if met else 'FAIL'}  {name}{': ' + value if value else ''}")
    print(f"    (saturation autosave p99, no target: {autosave_p99(recorder) * 1000:.0f} ms)")
    return ok and not broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("LOAD_DURATION", "60")))
    parser.add_argument("--respondents", type=int, default=int(os.environ.get("LOAD_RESPONDENTS", "50")))
    parser.add_argument("--cpu-seconds", type=float, default=20, help="length of the autosave and minimal phases")
    parser.add_argument("--submits", type=int, default=500, help="questionnaires sent in the submit phase")
    parser.add_argument(
        "--think",
        type=float,
        default=float(os.environ.get("LOAD_THINK", THINK_TIME)),
        help=f"average pause before each autosave and submit in the paced phase (default {THINK_TIME:g} s; 0: none)",
    )
    default = "sqlite,postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    parser.add_argument("--databases", default=default, help=f"comma-separated (default: {default})")
    args = parser.parse_args()
    print(f"cjgscan load benchmark on {machine()}")
    ok = True
    for database in args.databases.split(","):
        if database == "postgresql" and not os.environ.get("DATABASE_URL"):
            sys.exit("PostgreSQL needs DATABASE_URL (a server where a database may be created)")
        result = run_load(database, args.duration, args.respondents, args.cpu_seconds, args.submits, args.think)
        ok = report(result, args.respondents, args.duration) and ok
    if not ok:
        sys.exit("load benchmark FAILED: see above")


if __name__ == "__main__":
    main()
