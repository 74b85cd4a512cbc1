"""Faults against a real served app (gunicorn in a subprocess): a worker killed with SIGKILL in the middle of a
submit, and PostgreSQL restarted under load. Nothing half-saved, nothing acknowledged lost, nothing doubled."""

import contextlib
import os
import pwd
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.served import (
    Database,
    Respondent,
    Server,
    answers_hash,
    app_env,
    check_ledger,
    copy_static,
    fill_in,
    manage,
    prepare,
    response_hash,
)
from tests.tools import missing_tool


def postgres_admin_url() -> str | None:
    """The suite's PostgreSQL server (DATABASE_URL), if the suite runs on PostgreSQL."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected once for all servers of this module (collectstatic takes seconds)."""
    folder = tmp_path_factory.mktemp("static")
    manage(app_env(folder), "collectstatic", "--noinput", "-v0")
    return folder


@pytest.fixture
def served_database(tmp_path: Path, collected_static: Path) -> Iterator[tuple[Path, str]]:
    """(data folder, DATABASE_URL or "") for a served app: the suite's engine, a database of its own."""
    copy_static(collected_static, tmp_path)
    admin = postgres_admin_url()
    if admin is None:
        yield tmp_path, ""
        return
    import psycopg

    name = f"cjgscan_faults_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tmp_path, f"{admin}/{name}"
    finally:
        with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_kill_9_in_the_middle_of_a_submit(served_database: tuple[Path, str]) -> None:
    data_dir, url = served_database
    pause_file = data_dir / "paused"
    env = app_env(data_dir, url, CJGSCAN_FAULT_PAUSE_IN_SUBMIT=str(pause_file), CJGSCAN_FAULT_PAUSE_SECONDS="60")
    seeded = prepare(env, respondents=2)
    database = Database(data_dir, url)
    with Server(env, workers=2, collectstatic=False) as server:
        respondent = Respondent(server.port, seeded["round"])
        assert respondent.open_link(f"/r/{seeded['tokens'][0]}/") == 200
        status, answers, comments = fill_in(respondent, seeded, random.Random(7))
        assert status == 200
        token_hash = response_hash(seeded["tokens"][0])

        outcome: dict[str, Any] = {}

        def submit() -> None:
            try:
                outcome["reply"] = respondent.submit(timeout=60)
            except OSError as error:  # the connection dies with the worker
                outcome["error"] = error

        thread = threading.Thread(target=submit)
        thread.start()
        deadline = time.monotonic() + 30
        while not pause_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pause_file.exists(), server.log_text()
        worker = int(pause_file.read_text())
        assert worker in server.worker_pids()
        os.kill(worker, signal.SIGKILL)  # inside the submit's transaction
        thread.join(30)
        assert not thread.is_alive()
        # Not acknowledged: no redirect to the thank-you page.
        assert "reply" not in outcome or outcome["reply"][0] >= 500, outcome

        # All or nothing: the response is still in progress with every autosaved answer, the invitation unfinished.
        stored = database.stored(seeded["round_id"])
        assert list(stored) == [token_hash]
        assert stored[token_hash]["status"] == "in_progress"
        assert stored[token_hash]["answers"] == answers
        # The invitation is never written by a respondent (docs/privacy.md, T1): compare it after the retry.
        invitation = database.query("SELECT * FROM rounds_invitation WHERE email = 'r0@example.nl'")
        assert len(invitation) == 1

        # The retry (the master has replaced the killed worker) is acknowledged, and exactly one response exists.
        for _attempt in range(2):
            status, location = respondent.submit()
            assert status == 302 and location.endswith("/klaar/"), (status, location)
        ledger = {seeded["tokens"][0]: answers_hash(answers, comments)}
        assert check_ledger(database, seeded["round_id"], ledger) == []
        assert database.query("SELECT COUNT(*) FROM rounds_response") == [(1,)]
        assert database.query("SELECT * FROM rounds_invitation WHERE email = 'r0@example.nl'") == invitation


# --- PostgreSQL restarted under load, on a private cluster of our own ------------------------------------------


def postgres_binaries() -> Path | None:
    for candidate in [shutil.which("pg_ctl"), *sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)]:
        if candidate and Path(candidate).exists() and (Path(candidate).parent / "initdb").exists():
            return Path(candidate).resolve().parent
    return None


class PrivateCluster:
    """initdb + pg_ctl in a temporary folder on a free port (as the postgres user when we are root)."""

    def __init__(self, bin_dir: Path):
        from tests.served import free_port

        self.bin = bin_dir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cjgscan-pg-"))
        self.data = self.dir / "data"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                runuser = None
            if runuser is None:
                missing_tool("running as root without runuser or a postgres user: initdb refuses to run as root")
            self.prefix = [runuser, "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off -c max_connections=50"
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/cjgscan"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    bin_dir = postgres_binaries()
    if bin_dir is None:
        missing_tool("PostgreSQL's initdb/pg_ctl are not installed: the restart test needs a private cluster")
    cluster = PrivateCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE cjgscan")
        yield cluster
    finally:
        cluster.remove()


def test_postgresql_restarted_under_load(
    private_cluster: PrivateCluster, tmp_path: Path, collected_static: Path
) -> None:
    copy_static(collected_static, tmp_path)
    env = app_env(tmp_path, private_cluster.url, DB_CONNECT_TIMEOUT="3")
    people = 16
    seeded = prepare(env, respondents=people)
    database = Database(tmp_path, private_cluster.url)
    ledger: dict[str, str] = {}
    failures: list[tuple[int | str, float, bool]] = []  # (status or error, seconds, Dutch 503 page)
    lock = threading.Lock()
    restarted = threading.Event()
    # Every respondent is half-way through when the database goes down, so the restart hits work in flight.
    halfway = threading.Barrier(people + 1, timeout=120)
    stopped = threading.Event()

    def call(action: Any) -> Any:
        """Run one request until it works; record every failure and how long it took to fail."""
        for _attempt in range(200):
            started = time.monotonic()
            try:
                result = action()
            except OSError as error:
                with lock:
                    failures.append((type(error).__name__, time.monotonic() - started, False))
            else:
                status = result[0] if isinstance(result, tuple) else result
                if status in (200, 302):
                    return result
                with lock:
                    failures.append((status, time.monotonic() - started, status == 503))
            time.sleep(0.2)
        raise AssertionError("never succeeded")

    def person(n: int, server: Server) -> None:
        rng = random.Random(n)
        token = seeded["tokens"][n]
        respondent = Respondent(server.port, seeded["round"])
        call(lambda: respondent.open_link(f"/r/{token}/"))
        answers: dict[str, str] = {}
        comments: dict[str, str] = {}
        for number, theme in enumerate(seeded["themes"]):
            if number == 3:
                halfway.wait()
                stopped.wait(60)
            data = {f"item-{code}": rng.choice(seeded["options"]) for code in theme["items"]}
            data[f"comment-{theme['code']}"] = f"bij {theme['code']} van {n}"
            call(lambda theme=theme, data=data: respondent.autosave(theme["page"], data))
            answers.update({k[5:]: v for k, v in data.items() if k.startswith("item-")})
            comments[theme["code"]] = data[f"comment-{theme['code']}"]
            time.sleep(0.05)
        status, location = call(respondent.submit)
        if location.endswith("/klaar/"):
            with lock:
                ledger[token] = answers_hash(answers, comments)

    with Server(env, workers=2, collectstatic=False) as server:
        threads = [threading.Thread(target=person, args=(n, server)) for n in range(people)]
        for thread in threads:
            thread.start()
        halfway.wait()
        private_cluster.stop()
        stopped.set()
        # While the database is down, a request fails fast with the Dutch 503 page.
        down: list[tuple[int, float, str]] = []
        for _ in range(3):
            started = time.monotonic()
            respondent = Respondent(server.port, seeded["round"])
            status = respondent.open_link(f"/r/{seeded['tokens'][0]}/")
            down.append((status, time.monotonic() - started, ""))
        from tests.served import request

        status, headers, body = request(server.port, "GET", f"/r/{seeded['tokens'][1]}/")
        # The API too: 503 problem+json with Retry-After (it was a 500), from looking up the key.
        api = request(server.port, "GET", "/api/v1/organisaties", headers={"Authorization": "Bearer cjg_x"})
        time.sleep(2)
        private_cluster.start()
        restarted.set()
        for thread in threads:
            thread.join(90)
        assert not any(thread.is_alive() for thread in threads)

    assert status == 503 and "Tijdelijk niet beschikbaar" in body and headers.get("retry-after") == "30"
    assert all(code == 503 and seconds < 5 for code, seconds, _ in down), down
    api_status, api_headers, api_body = api
    assert api_status == 503 and api_headers.get("retry-after") == "30", api
    assert api_headers["content-type"] == "application/problem+json" and '"status": 503' in api_body, api
    assert "no-store" in api_headers["cache-control"], api
    # Failures were fast and clear: a 503 page or a dropped connection, never a 500 and never a hang.
    assert failures, "the restart caused no failed request at all"
    assert all(code in (503, "RemoteDisconnected", "ConnectionResetError") for code, _, _ in failures), failures
    assert max(seconds for _, seconds, _ in failures) < 10, failures
    # Everyone got through after the restart, and every acknowledged submission is stored once, complete.
    assert len(ledger) == people
    assert check_ledger(database, seeded["round_id"], ledger) == []
