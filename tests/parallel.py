"""Run callables at the same moment in threads, each with its own database connection (concurrency tests)."""

import threading
from collections.abc import Callable

from django.db import connection


def in_parallel(tasks: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = tasks[n]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
