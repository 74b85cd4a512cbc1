"""Werksessie benchmark: a room of participants posting notes and voting while the big screen and the phones poll.

    python -m bench.workshop                                  # SQLite, 60 participants, 20 s
    python -m bench.workshop --participants 60 --duration 20 --databases sqlite,postgresql

For each database it starts `cjgscan serve` as shipped on a fresh database with one open session, and runs:

1. **room**: N participants join with the code, then every 2.5 s (the poll script's interval) poll what is on the
   screen (`werksessie/<id>/nu/`, with the ETag they have) and now and then post a note or give or withdraw a
   vote; the big screen polls `scherm/live/` the same way. Printed: p50/p99 of notes, votes and polls, and the
   5xx replies (must be 0). Target: p99 of a note or a vote at most 300 ms.
2. **polling cost**: N phones poll as fast as they can while nothing changes (every answer a 304), and a
   second `cjgscan serve` (bench/settings.py) answers its minimal view (bench/minimal/, a GET through the whole
   middleware stack) the same way. The server CPU per poll is printed as a ratio to the minimal view's, and the
   CPU per phone per minute at the poll interval.
"""

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.load import cpu_phase, machine, percentile, postgres_database, shipped_env
from tests import served
from tests.served import CSRF_FIELD, ROOT, Server, app_env

P99_TARGET = 0.300  # seconds, a note or a vote in the room phase
POLL_SECONDS = 2.5  # as cjgscan/workshops/static/workshops/live.js
WISHES = 12


def seed() -> dict[str, Any]:
    """(Inside a configured Django.) A coordinator and an open session of three questions with some wishes."""
    from cjgscan.organisations.models import Role
    from cjgscan.workshops import actions
    from tests.factories import PASSWORD, make_membership, make_organisation, make_user
    from tests.test_workshops import make_workshop

    organisation = make_organisation("CJG Zaaldorp")
    user = make_user("Fenna")
    make_membership(user, organisation, Role.COORDINATOR)
    workshop = make_workshop(organisation, votes_per_participant=3)
    question = actions.ordered_questions(workshop)[0]
    host, _token = actions.do_join(workshop, "Gastvrouw")
    wishes = [actions.do_add_wish(host, question.theme, f"Wens {n}") for n in range(WISHES)]
    return {
        "org": str(organisation.uuid),
        "workshop": str(workshop.uuid),
        "code": workshop.code,
        "question": str(question.uuid),
        "wishes": [str(wish.uuid) for wish in wishes],
        "user": user.get_username(),
        "password": PASSWORD,
    }


def prepare(env: dict[str, str]) -> dict[str, Any]:
    served.manage(env, "migrate", "--noinput", "-v0")
    served.manage(env, "load-instruments", "-v0")
    result = subprocess.run(
        [sys.executable, "-m", "bench.workshop", "seed"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


class Phone:
    """A participant: joined with the code, the cookie and a CSRF token kept, the ETag of the last poll."""

    def __init__(self, port: int, seeded: dict[str, Any], n: int):
        self.port, self.seeded, self.cookies, self.etag = port, seeded, {}, ""
        base = f"/werksessie/{seeded['workshop']}/"
        self.now_path, self.note_path = base + "nu/", f"{base}vraag/{seeded['question']}/"
        self.vote_paths = [f"{base}wensen/{wish}/" for wish in seeded["wishes"]]
        _status, _headers, body = served.request(port, "GET", "/werksessie/", cookies=self.cookies)
        self.csrf = self._token(body)
        form = {"csrfmiddlewaretoken": self.csrf, "code": seeded["code"], "name": f"Deelnemer {n}"}
        status, _headers, _body = served.request(port, "POST", "/werksessie/", form, cookies=self.cookies)
        assert status == 302, f"joining gave {status}"
        self.voted: set[str] = set()

    @staticmethod
    def _token(body: str) -> str:
        match = CSRF_FIELD.search(body)
        assert match, "no CSRF token"
        return match.group(1)

    def poll(self) -> int:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        status, received, _body = served.request(self.port, "GET", self.now_path, cookies=self.cookies, headers=headers)
        self.etag = received.get("etag", self.etag)
        return status

    def post_note(self, text: str) -> int:
        form = {"csrfmiddlewaretoken": self.csrf, "text": text}
        return served.request(self.port, "POST", self.note_path, form, cookies=self.cookies)[0]

    def vote(self, rng: random.Random) -> int:
        """Vote for a wish, or withdraw a vote when all three are given."""
        if len(self.voted) >= 3:
            path = rng.choice(sorted(self.voted))
            self.voted.discard(path)
            action = "intrekken/"
        else:
            path = rng.choice([p for p in self.vote_paths if p not in self.voted])
            self.voted.add(path)
            action = "stemmen/"
        return served.request(self.port, "POST", path + action, {"csrfmiddlewaretoken": self.csrf}, self.cookies)[0]


def log_in(port: int, seeded: dict[str, Any]) -> dict[str, str]:
    cookies: dict[str, str] = {}
    _status, _headers, body = served.request(port, "GET", "/inloggen/", cookies=cookies)
    form = {"csrfmiddlewaretoken": Phone._token(body), "username": seeded["user"], "password": seeded["password"]}
    status, _headers, _body = served.request(port, "POST", "/inloggen/", form, cookies=cookies)
    assert status == 302, f"login failed ({status})"
    return cookies


def room_phase(port: int, seeded: dict[str, Any], phones: list[Phone], duration: float) -> dict[str, Any]:
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def timed(kind: str, call: Any) -> None:
        started = time.perf_counter()
        try:
            status = call()
        except OSError as error:
            with lock:
                errors.append(repr(error))
            return
        with lock:
            latencies[kind].append(time.perf_counter() - started)
            statuses[status] += 1

    def participant(n: int, phone: Phone) -> None:
        rng = random.Random(n)
        time.sleep(rng.random() * POLL_SECONDS)  # phones do not poll in step
        while not stop.is_set():
            timed("poll (phone)", phone.poll)
            roll = rng.random()
            if roll < 0.25:
                timed("note", lambda: phone.post_note(f"Notitie {n}-{rng.randrange(10**6)}"))
            elif roll < 0.45:
                timed("vote", lambda: phone.vote(rng))
            stop.wait(POLL_SECONDS)

    def big_screen() -> None:
        cookies = log_in(port, seeded)
        path = f"/o/{seeded['org']}/werksessies/{seeded['workshop']}/scherm/live/"
        etag = ""

        def poll() -> int:
            nonlocal etag
            status, received, _body = served.request(
                port, "GET", path, cookies=cookies, headers={"If-None-Match": etag} if etag else {}
            )
            etag = received.get("etag", etag)
            return status

        while not stop.is_set():
            timed("poll (big screen)", poll)
            stop.wait(POLL_SECONDS)

    threads = [threading.Thread(target=participant, args=(n, phone)) for n, phone in enumerate(phones)]
    threads.append(threading.Thread(target=big_screen))
    for thread in threads:
        thread.start()
    time.sleep(duration)
    stop.set()
    for thread in threads:
        thread.join(60)
    return {"latencies": latencies, "statuses": dict(statuses), "errors": errors}


def minimal_get_steps(port: int, clients: int) -> list[Any]:
    steps = []
    for _n in range(clients):
        cookies: dict[str, str] = {}
        served.request(port, "GET", "/bench/minimal/", cookies=cookies)
        steps.append(lambda cookies=cookies: served.request(port, "GET", "/bench/minimal/", cookies=cookies)[0])
    return steps


def run(database: str, participants: int, duration: float, cpu_seconds: float, port: int) -> bool:
    data_dir = Path(tempfile.mkdtemp(prefix=f"cjgscan-workshop-{database}-"))
    url, drop = ("", None) if database == "sqlite" else postgres_database()
    env = shipped_env(app_env(data_dir, url))
    yardstick_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    try:
        seeded = prepare(env)
        served.manage(yardstick_env, "migrate", "--run-syncdb", "-v0")
        server = Server(env, workers=None, timeout=None, log=data_dir / "serve.log")
        yardstick = Server(yardstick_env, workers=None, timeout=None, log=data_dir / "serve-minimal.log")
        server.port, yardstick.port = port, port + 1
        with contextlib.ExitStack() as running:
            for started in (server, yardstick):
                started.start(wait=300)  # a shared machine may take minutes to boot the workers
                running.callback(started.stop)
            phones = [Phone(server.port, seeded, n) for n in range(participants)]
            room = room_phase(server.port, seeded, phones, duration)
            for phone in phones:
                phone.poll()  # every phone has the current version: from here on each poll is a 304
            cpu_phase(yardstick, minimal_get_steps(yardstick.port, participants), 2)  # warm up
            polls: dict[str, float] = defaultdict(float)
            counts: dict[str, int] = defaultdict(int)
            poll_statuses: dict[int, int] = defaultdict(int)
            for _turn in range(3):  # taking turns gives both the same share of the shared machine's other load
                for kind, target, steps in (
                    ("minimal", yardstick, minimal_get_steps(yardstick.port, participants)),
                    ("poll", server, [phone.poll for phone in phones]),
                ):
                    phase = cpu_phase(target, steps, cpu_seconds / 3)
                    polls[kind] += phase["cpu"]
                    counts[kind] += phase["requests"]
                    if kind == "poll":
                        for status, n in phase["statuses"].items():
                            poll_statuses[status] += n
    finally:
        if drop is not None:
            drop()
    return report(database, participants, duration, room, polls, counts, dict(poll_statuses))


def report(
    database: str,
    participants: int,
    duration: float,
    room: dict[str, Any],
    cpu: dict[str, float],
    counts: dict[str, int],
    poll_statuses: dict[int, int],
) -> bool:
    print(f"\n{database}: {participants} participants and a big screen for {duration:.0f} s")
    for kind, values in sorted(room["latencies"].items()):
        print(
            f"  {kind:18} {len(values):6} requests  p50 {percentile(values, 0.5) * 1000:6.1f} ms"
            f"  p99 {percentile(values, 0.99) * 1000:6.1f} ms"
        )
    five_xx = sum(n for status, n in room["statuses"].items() if status >= 500)
    statuses = dict(sorted(room["statuses"].items()))
    print(f"  statuses {statuses}; 5xx: {five_xx}; connection errors: {len(room['errors'])}")
    per_poll = cpu["poll"] / counts["poll"] if counts["poll"] else float("nan")
    per_minimal = cpu["minimal"] / counts["minimal"] if counts["minimal"] else float("nan")
    ratio = per_poll / per_minimal
    print(
        f"  polling cost: {per_poll * 1000:.2f} ms server CPU per unchanged poll ({counts['poll']} polls, statuses"
        f" {poll_statuses}) = {ratio:.2f}x the minimal view ({per_minimal * 1000:.2f} ms);"
        f" {per_poll * 60 / POLL_SECONDS * 1000:.0f} ms CPU per phone per minute"
    )
    worst = max(percentile(room["latencies"].get(kind, [0.0]), 0.99) for kind in ("note", "vote"))
    ok = five_xx == 0 and not room["errors"] and worst <= P99_TARGET and set(poll_statuses) == {304}
    print(f"  {'OK' if ok else 'FAILED'}: zero 5xx, p99 note/vote {worst * 1000:.0f} ms (target ≤ 300 ms)")
    return ok


def main() -> None:
    if sys.argv[1:] == ["seed"]:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cjgscan.settings")
        django.setup()
        print(json.dumps(seed()))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("WORKSHOP_DURATION", "20")))
    parser.add_argument("--port", type=int, default=8560, help="the app's port; the minimal view's is the next")
    parser.add_argument("--cpu-seconds", type=float, default=9, help="length of the polling-cost phases")
    default = "sqlite,postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    parser.add_argument("--databases", default=default, help=f"comma-separated (default: {default})")
    args = parser.parse_args()
    print(f"cjgscan werksessie benchmark on {machine()}")
    ok = True
    for database in args.databases.split(","):
        ok = run(database, args.participants, args.duration, args.cpu_seconds, args.port) and ok
    if not ok:
        sys.exit("werksessie benchmark FAILED: see above")


if __name__ == "__main__":
    main()
