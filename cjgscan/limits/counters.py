"""Counting for rate limits in shared storage: the database by default, Redis with CACHE_URL=redis://…

Every app server and every gunicorn worker counts in the same place, so a limit holds for the installation as a
whole, and recycling a worker resets nothing. A count is kept per fixed window of `seconds`; `hit` and `recent`
add this window and the one before, so a limit holds over one to two windows and is never reset all at once.

What is counted (an address, a user name) is stored only as a keyed hash, under the limit's name, so rows of one
limit cannot be matched with another's and a copy of the database shows no address.
"""

import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from cjgscan.lib.tokens import keyed_hash
from cjgscan.limits.models import Counter, Total

KEEP = datetime.timedelta(days=1)


def _key(name: str, subject: str) -> str:
    return keyed_hash("limits:" + name, subject)


def _windows(seconds: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of the current window and of the one before, on a grid of `seconds` from the epoch."""
    now = int(timezone.now().timestamp())
    start = now - now % seconds
    as_time = datetime.datetime.fromtimestamp
    return as_time(start, datetime.UTC), as_time(start - seconds, datetime.UTC)


def _use_cache() -> bool:
    return bool(getattr(settings, "LIMITS_IN_CACHE", False))


def _cache_key(key: str, window: datetime.datetime) -> str:
    return f"limits:{key}:{int(window.timestamp())}"


def hit(name: str, subject: str, seconds: int) -> int:
    """Count one more for `subject` under the limit `name`; the count of this window and the last, this one included.

    Counted first and read after, in one atomic step each, so that parallel requests cannot all pass a check
    before any of them is counted."""
    key = _key(name, subject)
    current, previous = _windows(seconds)
    if _use_cache():
        cache = caches["default"]
        # Redis INCR is atomic; add() creates the key with its expiry only if it is not there yet.
        cache.add(_cache_key(key, current), 0, timeout=seconds * 2 + 60)
        count = int(cache.incr(_cache_key(key, current)))
        return count + int(cache.get(_cache_key(key, previous), 0))
    with transaction.atomic():
        if not Counter.objects.filter(key=key, window=current).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, window=current, count=1)
            except IntegrityError:  # a parallel request created the row first: count on it
                Counter.objects.filter(key=key, window=current).update(count=F("count") + 1)
            # Once per new window, not per hit: the old rows go.
            Counter.objects.filter(window__lt=timezone.now() - KEEP).delete()
        return _sum(key, previous)


def recent(name: str, subject: str, seconds: int) -> int:
    """The count of this window and the last, without counting."""
    key = _key(name, subject)
    current, previous = _windows(seconds)
    if _use_cache():
        cache = caches["default"]
        return sum(int(cache.get(_cache_key(key, window), 0)) for window in (current, previous))
    return _sum(key, previous)


def _sum(key: str, since: datetime.datetime) -> int:
    counted = Counter.objects.filter(key=key, window__gte=since).aggregate(n=Sum("count"))
    return int(counted["n"] or 0)


def add_to_total(name: str) -> int:
    """Add one to a count that never expires; its new value. Kept in the database whatever the store of the limits:
    it is written only on failures."""
    with transaction.atomic():
        if not Total.objects.filter(name=name).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    Total.objects.create(name=name, count=1)
            except IntegrityError:
                Total.objects.filter(name=name).update(count=F("count") + 1)
        return total(name)


def total(name: str) -> int:
    return int(Total.objects.filter(name=name).values_list("count", flat=True).first() or 0)
