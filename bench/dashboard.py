"""Benchmark: the results page of a round vs. the raw database doing the same aggregation, in one run.

    python -m bench.dashboard            # SQLite in a temporary folder
    DATABASE_URL=postgres://... python -m bench.dashboard

For 100, 1,000 and 10,000 respondents × 51 characteristics it prints the server time of the results page
(request → HTML, everything included) divided by the time of one hand-written GROUP BY over the same answers,
how both grow with size, and whether another organisation's data slows the first one's page.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjgscan.organisations.models import Organisation
    from cjgscan.rounds.models import Round

SIZES = [100, 1_000, 10_000]
REPEAT = 5


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cjgscan.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if not os.environ.get("DATABASE_URL"):
        os.environ["CJGSCAN_DATA_DIR"] = tempfile.mkdtemp(prefix="cjgscan-bench-")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STATIC_ROOT = None


def open_database() -> Callable[[], None]:
    """Migrate a database for the benchmark and load the instruments; returns what drops it again.

    On PostgreSQL the benchmark works in a database of its own (test_<name>); SQLite is a temporary folder."""
    from django.core.management import call_command
    from django.db import connection

    test_db = None
    if connection.vendor == "postgresql":
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)
    call_command("load_instruments", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    def close() -> None:
        if test_db:
            connection.creation.destroy_test_db(test_db, verbosity=0)

    return close


def best_of(function: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seed_round(organisation: "Organisation", respondents: int) -> "Round":
    """A round of the seven keys with `respondents` sent questionnaires spread over its groups, every item answered
    (bulk inserts; also used by bench/exports.py)."""
    from cjgscan.instruments.models import Item, ScaleOption
    from cjgscan.rounds.models import Answer, Response
    from tests.factories import make_round

    round_ = make_round(organisation, title=f"Bench {respondents}")
    groups = list(round_.groups.all())
    items = list(Item.objects.filter(theme__version=round_.version_id).values_list("pk", flat=True))
    options = list(ScaleOption.objects.filter(scale=round_.scale_id).order_by("position"))
    responses = [
        Response(id=uuid.uuid4(), round=round_, group=groups[n % len(groups)], status="submitted")
        for n in range(respondents)
    ]
    Response.objects.bulk_create(responses, batch_size=2000)
    batch: list[Answer] = []
    for n, response in enumerate(responses):
        for m, item in enumerate(items):
            option = options[(n * 7 + m * 3) % len(options)]
            batch.append(Answer(response_id=response.pk, item_id=item, option=option, value=option.value))
        if len(batch) >= 20_000:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)
    from cjgscan.analysis.released import do_release

    do_release(round_)  # results pages read a release, as after closing
    return round_


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cjgscan.organisations.models import Membership, Organisation, Role
    from tests.factories import make_user

    close_database = open_database()

    seed = seed_round

    user = make_user("Bench")
    home = Organisation.objects.create(name="CJG Bench")
    Membership.objects.create(user=user, organisation=home, role=Role.LEZER)
    client = Client()
    client.force_login(user)
    raw_sql = (
        "SELECT r.group_id, a.item_id, a.option_id, COUNT(*) FROM rounds_answer a "
        "JOIN rounds_response r ON r.id = a.response_id WHERE r.round_id = %s AND r.status = 'submitted' "
        "GROUP BY r.group_id, a.item_id, a.option_id"
    )

    def raw(round_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, [round_id])
            cursor.fetchall()

    print(f"cjgscan dashboard benchmark on {connection.vendor}, best-of-{REPEAT} medians")
    print(f"{'respondents':>12} {'answers':>9} {'page (ms)':>10} {'raw SQL (ms)':>13} {'page ÷ raw':>11}")
    measured = {}
    for size in SIZES:
        round_ = seed(home, size)
        url = reverse("results_overview", args=[home.uuid, round_.uuid])
        assert client.get(url).status_code == 200
        page = best_of(lambda url=url: client.get(url))
        sql = best_of(lambda round_=round_: raw(round_.pk))
        measured[size] = (page, sql, round_, url)
        print(f"{size:>12,} {size * 51:>9,} {page * 1000:>10.1f} {sql * 1000:>13.1f} {page / sql:>11.1f}")
    small, large = measured[SIZES[0]], measured[SIZES[-1]]
    print(
        f"growth from {SIZES[0]:,} to {SIZES[-1]:,} respondents (×{SIZES[-1] // SIZES[0]}): "
        f"page ×{large[0] / small[0]:.1f}, raw SQL ×{large[1] / small[1]:.1f}"
    )
    # Another organisation with as many answers must not slow the first one's page.
    other = Organisation.objects.create(name="CJG Elders")
    seed(other, SIZES[-1])
    page_after = best_of(lambda: client.get(large[3]))
    sql_after = best_of(lambda: raw(large[2].pk))
    print(
        f"with another organisation's {SIZES[-1]:,} respondents added: page ×{page_after / large[0]:.2f}, "
        f"raw SQL ×{sql_after / large[1]:.2f} (1.00 = not slowed)"
    )
    close_database()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
