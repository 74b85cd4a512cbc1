"""Limits that hold behind a proxy and across servers (issue 13, items 1 and 2): the lock-out per e-mail address,
the client address by one rule, and every counter in storage that all app servers share."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cjgscan.lib.client import client_address
from cjgscan.limits import counters
from cjgscan.limits.models import Counter
from tests.factories import PASSWORD, make_user
from tests.served import CSRF_FIELD, Respondent, Server, app_env, free_port, manage, prepare, request
from tests.test_faults import collected_static, served_database  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": email, "password": password})


def nl(msgid: str) -> str:
    with translation.override("nl"):
        return gettext(msgid)


# The lock-out (item 1)


def test_failures_for_made_up_addresses_do_not_lock_out_another_user() -> None:
    """From one client (one office, or everyone behind the proxy): five wrong logins for e-mail addresses that do
    not exist left the real user with the right password locked out for 15 minutes."""
    user = make_user("Alice")
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(5):
        assert login(attacker, f"verzonnen{n}@example.nl", "fout").status_code == 200
    colleague = Client(REMOTE_ADDR="203.0.113.66")
    assert login(colleague, user.email, PASSWORD).status_code == 302


def test_one_address_is_locked_wherever_the_failures_come_from_and_the_message_says_so() -> None:
    user = make_user("Alice")
    for n in range(5):
        login(Client(REMOTE_ADDR=f"198.51.100.{n}"), user.email, "fout")
    response = login(Client(REMOTE_ADDR="192.0.2.1"), user.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert nl("Logging in with this e-mail address is paused") in page
    assert "op dit account" not in page
    assert "e-mailadres" in page
    # Another user, from the same client, is not affected.
    other = make_user("Bob")
    assert login(Client(REMOTE_ADDR="192.0.2.1"), other.email, PASSWORD).status_code == 302


@override_settings(TRUST_X_FORWARDED_FOR=True)
def test_behind_a_trusted_proxy_the_lock_out_records_the_client_not_the_proxy() -> None:
    user = make_user("Alice")
    proxy = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    login(proxy, user.email, "fout")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_the_client_address_rule_has_one_home(settings) -> None:  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    forwarded = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_address(forwarded) == "10.0.0.1"  # a client cannot choose what it is counted as
    settings.TRUST_X_FORWARDED_FOR = True
    assert client_address(forwarded) == "203.0.113.9"  # the entry the proxy appended
    assert settings.AXES_CLIENT_IP_CALLABLE == "cjgscan.lib.client.client_address"


# The shared counters (item 2)


def test_counters_count_in_the_database_under_a_keyed_hash() -> None:
    assert [counters.hit("probe", "203.0.113.5", 600) for _ in range(3)] == [1, 2, 3]
    assert counters.recent("probe", "203.0.113.5", 600) == 3
    assert counters.recent("probe", "203.0.113.6", 600) == 0
    assert counters.recent("other", "203.0.113.5", 600) == 0
    rows = list(Counter.objects.values())
    assert len(rows) == 1 and "203.0.113.5" not in repr(rows)
    assert [counters.add_to_total("all") for _ in range(2)] == [1, 2]


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis server of our own on loopback (port range of this suite's helpers), without persistence."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def test_with_cache_url_the_counters_live_in_redis(redis_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """One setting moves every counter to Redis (atomic INCR), for installations with many app servers."""
    env = {**os.environ, "CACHE_URL": redis_url, "SECRET_KEY": "x" * 40}
    configured = subprocess.run(
        [sys.executable, "-c", "from cjgscan import settings as s; print(s.CACHES['default'], s.LIMITS_IN_CACHE)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "django.core.cache.backends.redis.RedisCache" in configured and redis_url in configured
    assert configured.strip().endswith("True")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.LIMITS_IN_CACHE = True
    assert [counters.hit("probe", "203.0.113.5", 600) for _ in range(3)] == [1, 2, 3]
    assert counters.recent("probe", "203.0.113.5", 600) == 3
    assert counters.recent("probe", "203.0.113.6", 600) == 0
    assert not Counter.objects.exists()
    import redis

    stored = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*")]
    assert len(stored) == 1 and "203.0.113.5" not in stored[0]
    # The werksessie join limit counts there too.
    for _ in range(20):
        Client(REMOTE_ADDR="192.0.2.70").post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "X"})
    assert (
        Client(REMOTE_ADDR="192.0.2.70").post(reverse("workshop_join"), {"code": "QQQQQQ", "name": "X"}).status_code
        == 429
    )
    assert not Counter.objects.exists()


def test_a_cache_url_that_is_not_redis_is_refused() -> None:
    env = {**os.environ, "CACHE_URL": "memcached://127.0.0.1:11211", "SECRET_KEY": "x" * 40}
    result = subprocess.run([sys.executable, "-c", "import cjgscan.settings"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "CACHE_URL must be a redis://" in result.stderr


def join(server: Server, code: str, client: str) -> int:
    cookies: dict[str, str] = {}
    headers = {"X-Forwarded-For": client}
    _status, _headers, page = request(server.port, "GET", "/werksessie/", cookies=cookies, headers=headers)
    token = CSRF_FIELD.search(page)
    assert token, page
    body = {"csrfmiddlewaretoken": token.group(1), "code": code, "name": "Deelnemer"}
    return request(server.port, "POST", "/werksessie/", body, cookies=cookies, headers=headers)[0]


def server_login(server: Server, email: str, password: str) -> int:
    cookies: dict[str, str] = {}
    _status, _headers, page = request(server.port, "GET", "/inloggen/", cookies=cookies)
    token = CSRF_FIELD.search(page)
    assert token, page
    body = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
    return request(server.port, "POST", "/inloggen/", body, cookies=cookies)[0]


WORKSHOP = """
from cjgscan.instruments.models import InstrumentVersion
from cjgscan.organisations.models import Organisation
from cjgscan.workshops.actions import do_create_workshop
version = InstrumentVersion.objects.filter(instrument__slug="vijf-pijlers").latest("pk")
workshop = do_create_workshop(Organisation.objects.get(), version, list(version.themes.all()[:1]), [], title="Sessie")
print(workshop.code)
"""


@pytest.mark.django_db(transaction=True)
def test_two_servers_on_one_database_count_as_one(served_database: tuple[Path, str]) -> None:  # noqa: F811
    """Two `cjgscan serve` processes (as two app servers behind one proxy) on one database: the werksessie join
    limit, the session's code limit, failed respondent links, group-link starts and the login lock-out all add up
    over both, instead of each server (or gunicorn worker) counting for itself."""
    data_dir, url = served_database
    env = app_env(
        data_dir,
        url,
        TRUST_X_FORWARDED_FOR="1",
        WORKSHOP_CODE_FAILURE_LIMIT="30",
        LINK_FAILURE_LIMIT="6",
        RESPONSE_START_LIMIT="2",
    )
    seeded = prepare(env, respondents=1)
    code = manage(env, "shell", "-c", WORKSHOP).strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    with Server(env, workers=1, collectstatic=False) as one, Server(env, workers=1, collectstatic=False) as two:
        servers = [one, two]
        # 20 wrong codes per client address, ten through each server: then that client is refused on both.
        assert [join(servers[n % 2], "QQQQQQ", "203.0.113.1") for n in range(20)] == [400] * 20
        assert [join(server, code, "203.0.113.1") for server in servers] == [429, 429]
        assert join(two, code, "203.0.113.2") == 302  # another client, the right code
        # Ten more wrong codes from ten other clients: 30 for the installation, so the code stops working.
        assert [join(servers[n % 2], "QQQQQQ", f"198.51.100.{n}") for n in range(10)] == [400] * 10
        assert join(one, code, "203.0.113.3") == 410

        # Failed respondent links: three through each server, then refused on both.
        bad, guesser = "/r/" + "x" * 43 + "/", {"X-Forwarded-For": "192.0.2.99"}
        assert [request(servers[n % 2].port, "GET", bad, headers=guesser)[0] for n in range(6)] == [404] * 6
        assert [request(server.port, "GET", bad, headers=guesser)[0] for server in servers] == [429, 429]

        # New responses through one group link from one client: one through each server, the third refused.
        link = f"/g/{seeded['group_token']}/"
        started = [Respondent(server.port, seeded["round"]).open_link(link) for server in (one, two, one)]
        assert started == [200, 200, 429]

        # The lock-out: wrong passwords alternately on each server; the fifth locks, on both.
        assert [server_login(servers[n % 2], seeded["user"], "fout") for n in range(5)] == [200] * 4 + [429]
        assert server_login(two, seeded["user"], seeded["password"]) == 429
