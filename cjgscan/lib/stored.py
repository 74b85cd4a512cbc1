"""Files the worker makes once per version of what they show (reports, large exports): the asking part.

A model of such files has `status` (StoredStatus: queued, running, ready, failed) and a unique version key (e.g.
organisation + fingerprint); the request looks the version up and, when it is new or failed before, makes the row
and asks the worker after commit.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

Stored = TypeVar("Stored", bound=models.Model)
QUEUED, RUNNING, FAILED = "queued", "running", "failed"


class StoredStatus(models.TextChoices):
    """The state of a file the worker makes: the same words for a report and an export."""

    QUEUED = QUEUED, _("Waiting for the worker")
    RUNNING = RUNNING, _("Being made")
    READY = "ready", _("Ready")
    FAILED = FAILED, _("Failed")


def version_hash(parts: Any) -> str:
    """A fingerprint of what a file shows: equal parts, equal hash (dates and decimals as text)."""
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def do_request_stored(
    model: type[Stored],
    version: dict[str, Any],
    enqueue: Callable[[int], object],
    defer: tuple[str, ...] = (),
    **fields: Any,
) -> Stored:
    """The row of this version (looked up by `version`), asked of the worker (`enqueue(pk)`, after commit) if it
    is new or failed before; `fields` are the new row's other values, `defer` the large ones not to read."""
    manager = model._default_manager  # noqa: SLF001 - the model's own manager, whatever its name

    def current() -> Stored | None:
        return manager.filter(**version).defer(*defer).first()

    existing = current()
    if existing is not None and existing.status != FAILED:  # type: ignore[attr-defined]
        return existing
    try:
        with transaction.atomic():
            if existing is not None:  # failed: try again
                manager.filter(pk=existing.pk, status=FAILED).update(status=QUEUED)
                row = existing
            else:
                row = manager.create(**version, **fields)
            pk = row.pk
            transaction.on_commit(lambda: enqueue(pk))
    except IntegrityError:
        # Two clicks at the same moment: the other one made the row and asked the worker.
        found = current()
        assert found is not None
        return found
    row.status = QUEUED  # type: ignore[attr-defined]
    return row


def claim(model: type[models.Model], pk: int) -> bool:
    """The worker takes a queued row (queued → running); False when it is gone or another worker has it (a task
    queued twice): the row is locked while its state changes, so only one of two workers gets True."""
    with transaction.atomic():
        row = model._default_manager.select_for_update().filter(pk=pk, status=QUEUED).only("pk").first()  # noqa: SLF001
        if row is None:
            return False
        model._default_manager.filter(pk=pk).update(status=RUNNING)  # noqa: SLF001
    return True
