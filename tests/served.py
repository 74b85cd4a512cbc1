"""A real served cjgscan (`cjgscan serve`, gunicorn) in a subprocess, and respondents that talk to it over HTTP.

Used by the fault tests (tests/test_faults.py) and the load benchmark (bench/load.py). The served app gets a database
of its own: a SQLite file in a temporary data folder, or a PostgreSQL database named by a URL.
"""

import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET = "served-app-secret-key-for-tests-0123456789abcdefghij"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Called with (method, path, status, seconds) after every request; the load benchmark records latencies with it.
OBSERVER: Callable[[str, str, int, float], None] | None = None


def free_port() -> int:
    """A free port; within SERVED_PORTS (e.g. "8200-8249") when set, for machines where ports are shared out."""
    first, _sep, last = os.environ.get("SERVED_PORTS", "").partition("-")
    for port in range(int(first), int(last) + 1) if first and last else [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError(f"no free port in SERVED_PORTS={os.environ['SERVED_PORTS']}")


def app_env(data_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",  # plain HTTP on the loopback
        SECURE_HSTS_SECONDS="0",
        CJGSCAN_DATA_DIR=str(data_dir),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "cjgscan.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cjgscan {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str], respondents: int = 10) -> dict[str, Any]:
    """Migrate the app's database, load the instruments and seed an open round; returns what `seed` returns."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load-instruments", "-v0")
    result = subprocess.run(
        [sys.executable, "-m", "tests.served", "seed", str(respondents)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def seed(respondents: int) -> dict[str, Any]:
    """(Inside a configured Django.) An organisation with a reader, an open round, a group link and invitations."""
    from cjgscan.organisations.models import Role
    from cjgscan.rounds.models import Invitation
    from tests.factories import PASSWORD, make_membership, make_organisation, make_round, make_user

    organisation = make_organisation("CJG Belastingdorp")
    user = make_user(f"Lezer{organisation.pk}")
    make_membership(user, organisation, Role.LEZER)
    round_ = make_round(organisation, title="Meting onder belasting")
    group = round_.groups.first()
    assert group is not None
    invitations = [
        Invitation.objects.create(round=round_, group=group, email=f"r{n}@example.nl") for n in range(respondents)
    ]
    themes = [
        {"page": theme.number, "code": theme.code, "items": [item.code for item in theme.items.all()]}
        for theme in round_.version.themes.prefetch_related("items").order_by("number")
    ]
    return {
        "org": str(organisation.uuid),
        "round": str(round_.uuid),
        "round_id": round_.pk,
        "group_id": group.pk,
        "group_token": group.link_token(),
        "tokens": [invitation.token() for invitation in invitations],
        "user": user.get_username(),
        "password": PASSWORD,
        "themes": themes,
        "options": [o.code for o in round_.scale.options.order_by("position") if o.value is not None],
    }


class Server:
    """`cjgscan serve` on a free port; `stop()` (or leaving the with-block) ends it and its workers."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int | None = 2,
        log: Path | None = None,
        collectstatic: bool = True,
        timeout: int | None = 120,
    ):
        """workers=None and timeout=None leave them to `cjgscan serve`'s own defaults (the shipped settings)."""
        self.env = env
        self.port = free_port()
        self.workers = workers
        self.timeout = timeout
        self.log_path = log or Path(tempfile.mkstemp(prefix="cjgscan-serve-", suffix=".log")[1])
        self.collectstatic = collectstatic
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 90) -> "Server":
        args = [sys.executable, "-m", "cjgscan.cli", "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.workers is not None:
            args += ["--workers", str(self.workers)]
        if self.timeout is not None:
            args += ["--timeout", str(self.timeout)]
        if not self.collectstatic:
            args.append("--no-collectstatic")
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            args, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cjgscan serve exited:\n{self.log_text()}")
            try:
                status, _headers, _body = request(self.port, "GET", "/inloggen/", timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"cjgscan serve did not answer within {wait} s:\n{self.log_text()}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(
            ["/bin/ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def request(
    port: int,
    method: str,
    path: str,
    body: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    timeout: float = 30,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    """One HTTP request, no redirects followed; (status, lower-cased headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    try:
        connection.request(method, path, body=data, headers=sent)
        reply = connection.getresponse()
        text = reply.read().decode(errors="replace")
        if OBSERVER is not None:
            OBSERVER(method, path, reply.status, time.perf_counter() - started)
        received: dict[str, str] = {}
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _sep, val = cookie.partition("=")
                if cookies is not None:
                    cookies[key.strip()] = val.strip('"')
            received[name.lower()] = value
        return reply.status, received, text
    finally:
        connection.close()


def answers_hash(answers: dict[str, str], comments: dict[str, str]) -> str:
    """The ledger's fingerprint of a response: its item codes and option codes, its comments, sorted."""
    text = json.dumps({"answers": sorted(answers.items()), "comments": sorted(comments.items())})
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Respondent:
    """One person filling in the questionnaire over HTTP, like a browser without JavaScript plus htmx autosave."""

    port: int
    round_uuid: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def open_link(self, path: str) -> int:
        """Open the link and press its start button (the link's page changes nothing; the button starts)."""
        status, headers, body = request(self.port, "GET", path, cookies=self.cookies)
        landing = CSRF_FIELD.search(body) if status == 200 and f'<form method="post" action="{path}"' in body else None
        if landing:
            body_fields = {"csrfmiddlewaretoken": landing.group(1)}
            status, headers, body = request(self.port, "POST", path, body_fields, cookies=self.cookies)
        if status != 302:
            return status
        status, _headers, body = request(self.port, "GET", self.follow(headers), cookies=self.cookies)
        if status == 302:  # resume → the current page
            status, _headers, body = request(self.port, "GET", self.follow(_headers), cookies=self.cookies)
        match = CSRF_FIELD.search(body)
        if match:
            self.csrf = match.group(1)
        return status

    @staticmethod
    def follow(headers: dict[str, str]) -> str:
        return urllib.parse.urlsplit(headers["location"]).path

    def token(self) -> str:
        """The personal token from the signed cookie (value:timestamp:signature)."""
        value = next(v for k, v in self.cookies.items() if k.startswith("cjg_"))
        return value.rsplit(":", 2)[0]

    def autosave(self, page: int, data: dict[str, str]) -> int:
        body = {"csrfmiddlewaretoken": self.csrf, "page": str(page), **data}
        path = f"/vragenlijst/{self.round_uuid}/opslaan/"
        return request(self.port, "POST", path, body, cookies=self.cookies)[0]

    def submit(self, timeout: float = 30) -> tuple[int, str]:
        path = f"/vragenlijst/{self.round_uuid}/verzenden/"
        status, headers, _body = request(
            self.port, "POST", path, {"csrfmiddlewaretoken": self.csrf}, cookies=self.cookies, timeout=timeout
        )
        return status, headers.get("location", "")


def fill_in(respondent: Respondent, seeded: dict[str, Any], rng: Any, marker: str = "") -> tuple[int, dict, dict]:
    """Answer every key, one autosave per page (as htmx does); (worst status, answers, comments) as sent."""
    answers: dict[str, str] = {}
    comments: dict[str, str] = {}
    worst = 200
    for theme in seeded["themes"]:
        data = {f"item-{code}": rng.choice(seeded["options"]) for code in theme["items"]}
        comment = f"{marker} opmerking bij {theme['code']} {rng.randrange(10**6)}".strip()
        data[f"comment-{theme['code']}"] = comment
        status = respondent.autosave(theme["page"], data)
        worst = max(worst, status)
        if status == 200:
            answers.update({key[5:]: value for key, value in data.items() if key.startswith("item-")})
            comments[theme["code"]] = comment
    return worst, answers, comments


def response_hash(token: str) -> str:
    """Response.hash_token(token) under the served app's secret key."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("cjgscan.tokens.response", token, secret=SECRET, algorithm="sha256").hexdigest()


class Database:
    """Plain DB-API access to the served app's database, for checking what it stored."""

    def __init__(self, data_dir: Path, database_url: str = ""):
        self.url = database_url
        self.path = data_dir / "cjgscan.sqlite3"

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.url:
            import psycopg

            with psycopg.connect(self.url.replace("postgres://", "postgresql://"), connect_timeout=5) as conn:
                return list(conn.execute(sql.replace("?", "%s"), params).fetchall())  # type: ignore[arg-type]
        import sqlite3

        conn = sqlite3.connect(self.path, timeout=30)
        try:
            return list(conn.execute(sql, params).fetchall())
        finally:
            conn.close()

    def stored(self, round_id: int) -> dict[str, dict[str, Any]]:
        """{token hash: {"status", "answers": {item: option}, "comments": {key: text}}} of a round."""
        result: dict[str, dict[str, Any]] = {}
        for token_hash, status in self.query(
            "SELECT token_hash, status FROM rounds_response WHERE round_id = ?", (round_id,)
        ):
            result[token_hash] = {"status": status, "answers": {}, "comments": {}}
        for token_hash, item, option in self.query(
            "SELECT r.token_hash, i.code, o.code FROM rounds_answer a JOIN rounds_response r ON r.id = a.response_id "
            "JOIN instruments_item i ON i.id = a.item_id JOIN instruments_scaleoption o ON o.id = a.option_id "
            "WHERE r.round_id = ?",
            (round_id,),
        ):
            result[token_hash]["answers"][item] = option
        for token_hash, theme, comment in self.query(
            "SELECT r.token_hash, t.code, ta.comment FROM rounds_themeanswer ta "
            "JOIN rounds_response r ON r.id = ta.response_id JOIN instruments_theme t ON t.id = ta.theme_id "
            "WHERE r.round_id = ? AND ta.comment <> ''",
            (round_id,),
        ):
            result[token_hash]["comments"][theme] = comment
        return result


def check_ledger(database: Database, round_id: int, ledger: dict[str, str]) -> list[str]:
    """Every acknowledged submission ({token: answers hash}) is stored exactly once, submitted and complete."""
    stored = database.stored(round_id)
    problems = []
    for token, fingerprint in ledger.items():
        token_hash = response_hash(token)
        row = stored.get(token_hash)
        if row is None:
            problems.append(f"missing: {token_hash[:12]}")
        elif row["status"] != "submitted":
            problems.append(f"not submitted: {token_hash[:12]}")
        elif answers_hash(row["answers"], row["comments"]) != fingerprint:
            problems.append(f"answers differ: {token_hash[:12]}")
    # token_hash is unique in the table, so "exactly once" also means: no submitted response twice per token.
    duplicates = database.query(
        "SELECT token_hash, COUNT(*) FROM rounds_response WHERE round_id = ? GROUP BY token_hash HAVING COUNT(*) > 1",
        (round_id,),
    )
    problems += [f"stored twice: {row[0]}" for row in duplicates]
    return problems


def copy_static(source: Path, data_dir: Path) -> None:
    """Reuse collected static files (collectstatic takes seconds) in another data folder."""
    shutil.copytree(source / "static", data_dir / "static", dirs_exist_ok=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cjgscan.settings")
        import django

        django.setup()
        print(json.dumps(seed(int(sys.argv[2]))))
