"""Respondent links (r/<token>/, g/<token>/) refuse a client address after too many failed tokens.

Only failures are counted, so respondents who use a real link are never slowed down; someone guessing tokens gets
a 429 page after LINK_FAILURE_LIMIT tries in a ten-minute window. The address is stored only as a keyed hash.
"""

import datetime

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


def _window(now: datetime.datetime) -> datetime.datetime:
    return now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)


def is_blocked(request: HttpRequest) -> bool:
    now = timezone.now()
    failures = LinkAttempt.objects.filter(client_hash=_key(request), window__gt=now - WINDOW * 2).aggregate(
        n=Sum("failures")
    )["n"]
    return (failures or 0) >= settings.LINK_FAILURE_LIMIT


def record_failure(request: HttpRequest) -> None:
    now = timezone.now()
    key, window = _key(request), _window(now)
    if not LinkAttempt.objects.filter(client_hash=key, window=window).update(failures=F("failures") + 1):
        try:
            with transaction.atomic():
                LinkAttempt.objects.create(client_hash=key, window=window, failures=1)
        except IntegrityError:
            LinkAttempt.objects.filter(client_hash=key, window=window).update(failures=F("failures") + 1)
        LinkAttempt.objects.filter(window__lt=now - datetime.timedelta(days=1)).delete()
