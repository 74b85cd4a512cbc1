"""Fault injection for tests/test_faults.py, off unless an environment variable names a file.

With CJGSCAN_FAULT_PAUSE_IN_SUBMIT=/path, the first submit (of all processes) creates that file with its process id
and sleeps inside its transaction, so that a test can kill the process mid-transaction; later submits run normally.
"""

import os
import time


def pause_in_submit() -> None:
    path = os.environ.get("CJGSCAN_FAULT_PAUSE_IN_SUBMIT")
    if not path:
        return
    try:
        os.close(os.open(path + ".once", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return
    with open(path + ".tmp", "w") as file:
        file.write(str(os.getpid()))
    os.rename(path + ".tmp", path)
    time.sleep(float(os.environ.get("CJGSCAN_FAULT_PAUSE_SECONDS", "30")))
