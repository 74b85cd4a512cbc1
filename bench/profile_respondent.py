"""Profile one respondent's autosave and submit in-process, through Django's WSGI handler (the whole middleware
stack, signals and connection handling as under gunicorn), next to the load benchmark's minimal view.

    python -m bench.profile_respondent                   # SQLite in a temporary folder
    DATABASE_URL=postgres://… python -m bench.profile_respondent
    python -m bench.profile_respondent --profile autosave   # and print the cProfile of that kind

Prints the queries of one autosave and one submit, and the process CPU per request of each kind with its ratio to
the minimal view; the served figures (bench/load.py) are the ones that count, this is for finding where time goes.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Cookies and one WSGI call per request, no redirects followed."""

    def __init__(self, handler: Callable[..., Any]):
        self.handler = handler
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data or {}).encode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8200",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        status_line: list[str] = []
        headers: dict[str, str] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status_line.append(status)
            for name, value in response_headers:
                if name.lower() == "set-cookie":
                    cookie: SimpleCookie = SimpleCookie()
                    cookie.load(value)
                    for key, morsel in cookie.items():
                        self.cookies[key] = morsel.coded_value
                headers[name.lower()] = value

        result = self.handler(environ, start_response)
        try:
            text = b"".join(result).decode()
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        return int(status_line[0].split()[0]), headers, text

    def csrf(self, body: str) -> str:
        match = CSRF_FIELD.search(body)
        assert match, body[:500]
        return match.group(1)


def setup() -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="cjgscan-profile-"))
    os.environ.update(
        SECRET_KEY="profile-secret-key-0123456789abcdefghijklmnop",  # noqa: S106 -- a throw-away database
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        CJGSCAN_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="bench.settings",
        RESPONSE_START_LIMIT="1000000",
    )
    os.environ.pop("DEBUG", None)
    url = os.environ.get("DATABASE_URL", "")
    drop = None
    if url:
        from bench.load import postgres_database

        url, drop = postgres_database()
        os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_instruments", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from tests.served import seed

    seeded = seed(1)
    seeded["drop"] = drop
    return seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    parser.add_argument("--profile", choices=["autosave", "submit", "minimal"], action="append", default=[])
    args = parser.parse_args()
    seeded = setup()
    try:
        run(seeded, args.requests, args.profile)
    finally:
        from django.db import connections

        connections.close_all()
        if seeded["drop"]:
            seeded["drop"]()


def run(seeded: dict[str, Any], count: int, profile: list[str]) -> None:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    handler = WSGIHandler()
    # Under gunicorn other workers keep the SQLite file open; alone here, every request's close would be the last
    # one and checkpoint the write-ahead log.
    keep_open = None
    if connection.vendor == "sqlite":
        import sqlite3

        keep_open = sqlite3.connect(connection.settings_dict["NAME"])
        keep_open.execute("SELECT 1 FROM rounds_round").fetchall()
    rng = random.Random(1)
    round_uuid = seeded["round"]

    def opened() -> tuple[Browser, str]:
        browser = Browser(handler)
        link = f"/g/{seeded['group_token']}/"
        _status, _headers, body = browser.request("GET", link)
        status, headers, _body = browser.request("POST", link, {"csrfmiddlewaretoken": browser.csrf(body)})
        assert status == 302, status
        status, headers, body = browser.request("GET", urllib.parse.urlsplit(headers["location"]).path)
        while status == 302:
            status, headers, body = browser.request("GET", urllib.parse.urlsplit(headers["location"]).path)
        assert status == 200, status
        return browser, browser.csrf(body)

    def autosave_step() -> Callable[[], int]:
        browser, csrf = opened()
        themes = seeded["themes"]
        turn = [0]

        def step() -> int:
            theme = themes[turn[0] % len(themes)]
            turn[0] += 1
            data = {f"item-{code}": rng.choice(seeded["options"]) for code in theme["items"]}
            data[f"comment-{theme['code']}"] = f"profile {rng.randrange(10**6)}"
            body = {"csrfmiddlewaretoken": csrf, "page": str(theme["page"]), **data}
            status, _h, _b = browser.request("POST", f"/vragenlijst/{round_uuid}/opslaan/", body)
            return status

        return step

    def submit_steps(n: int) -> list[Callable[[], int]]:
        steps = []
        for _ in range(n):
            browser, csrf = opened()
            steps.append(
                lambda b=browser, c=csrf: b.request(
                    "POST", f"/vragenlijst/{round_uuid}/verzenden/", {"csrfmiddlewaretoken": c}
                )[0]
            )
        return steps

    def minimal_step() -> Callable[[], int]:
        browser = Browser(handler)
        _status, _headers, body = browser.request("GET", "/bench/minimal/")
        csrf = browser.csrf(body)
        return lambda: browser.request("POST", "/bench/minimal/", {"csrfmiddlewaretoken": csrf, "value": "x"})[0]

    # The queries of one of each.
    for kind, step, expected in (
        ("autosave", autosave_step(), 200),
        ("submit", submit_steps(1)[0], 302),
        ("minimal", minimal_step(), 200),
    ):
        with CaptureQueriesContext(connection) as queries:
            status = step()
        assert status == expected, (kind, status)
        print(f"{kind}: {len(queries)} queries")
        for query in queries.captured_queries:
            print(f"    {query['sql'][:160]}")

    # Several questionnaires autosaving in turn, like the load benchmark's clients.
    autosavers = [autosave_step() for _ in range(10)]
    submits = submit_steps(count)
    minimal = minimal_step()
    steps: dict[str, Callable[[], int]] = {
        "minimal": minimal,
        "autosave": lambda: autosavers[rng.randrange(len(autosavers))](),
        "submit": lambda: submits.pop()(),
    }
    cpu: dict[str, float] = {kind: 0.0 for kind in steps}
    done: dict[str, int] = {kind: 0 for kind in steps}
    profiles = {kind: cProfile.Profile(time.process_time) for kind in profile}
    # Interleaved in small batches, so that the machine's other load falls on each kind alike.
    for _turn in range(count // 10):
        for kind, step in steps.items():
            for _ in range(10):
                profiler = profiles.get(kind)
                started = time.process_time()
                if profiler:
                    profiler.enable()
                step()
                if profiler:
                    profiler.disable()
                cpu[kind] += time.process_time() - started
                done[kind] += 1
    print(f"\n{connection.vendor}: process CPU per request, {count} of each, interleaved")
    base = cpu["minimal"] / done["minimal"]
    for kind in steps:
        per = cpu[kind] / done[kind]
        print(f"  {kind:<9} {per * 1000:7.2f} ms   ÷ minimal {per / base:5.2f}")
    for kind, profiler in profiles.items():
        print(f"\ncProfile of {kind} (cumulative):")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    if keep_open is not None:
        keep_open.close()


if __name__ == "__main__":
    main()
