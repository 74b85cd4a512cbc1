"""Respondent links (r/<token>/, g/<token>/, short codes, resume codes) refuse a client address after too many
failed tokens, and a group link refuses to start too many new responses for one address.

Only failures are counted, so respondents who use a real link are never slowed down; someone guessing tokens or
codes gets a 429 page after LINK_FAILURE_LIMIT tries in a ten-minute window. New responses through group links
are counted per round and address, so that one client cannot pad a group with a hundred made-up answer sheets in
a second (RESPONSE_START_LIMIT). Both counters share one table of ten-minute windows; the address is stored only as
a keyed hash, under a different key for each counter (and, for starts, with the round), so rows of one counter
cannot be matched with the other's.
"""

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from cjgscan.lib.tokens import keyed_hash
from cjgscan.rounds.models import LinkAttempt

WINDOW = datetime.timedelta(minutes=10)


def client_address(request: HttpRequest) -> str:
    """The client's address; behind a trusted proxy (TRUST_X_FORWARDED_FOR) the last X-Forwarded-For entry."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(request: HttpRequest) -> str:
    return keyed_hash("link-attempts", client_address(request))


def _start_key(request: HttpRequest, round_uuid: uuid.UUID) -> str:
    return keyed_hash("response-starts", f"{round_uuid}:{client_address(request)}")


def _window(now: datetime.datetime) -> datetime.datetime:
    return now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)


def _recent(key: str) -> int:
    """The count of this and the previous window: a limit holds over 10 to 20 minutes, never reset at once."""
    now = timezone.now()
    counted = LinkAttempt.objects.filter(client_hash=key, window__gt=now - WINDOW * 2).aggregate(n=Sum("failures"))
    return int(counted["n"] or 0)


def is_blocked(request: HttpRequest) -> bool:
    return _recent(_key(request)) >= settings.LINK_FAILURE_LIMIT


def record_failure(request: HttpRequest) -> None:
    _count(_key(request))


def may_start_response(request: HttpRequest, round_uuid: uuid.UUID) -> bool:
    """Count one new response through a group link of the round from this address; False past the limit.

    Counted first and checked after, so that parallel requests cannot all pass the check before any is counted;
    refused tries count too, so a client that keeps flooding stays refused."""
    key = _start_key(request, round_uuid)
    _count(key)
    return _recent(key) <= settings.RESPONSE_START_LIMIT


def _count(key: str) -> None:
    now = timezone.now()
    window = _window(now)
    if not LinkAttempt.objects.filter(client_hash=key, window=window).update(failures=F("failures") + 1):
        try:
            with transaction.atomic():
                LinkAttempt.objects.create(client_hash=key, window=window, failures=1)
        except IntegrityError:
            LinkAttempt.objects.filter(client_hash=key, window=window).update(failures=F("failures") + 1)
        LinkAttempt.objects.filter(window__lt=now - datetime.timedelta(days=1)).delete()
