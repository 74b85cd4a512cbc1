"""Respondent links (r/<token>/, g/<token>/, short codes, resume codes) refuse a client address after too many
failed tokens, and a group link refuses to start too many new responses for one address.

Only failures are counted, so respondents who use a real link are never slowed down; someone guessing tokens or
codes gets a 429 page after LINK_FAILURE_LIMIT tries in ten to twenty minutes. New responses are counted per group
link and address, so that one client cannot pad a group with a hundred made-up answer sheets in a second
(RESPONSE_START_LIMIT); each refused start is added to the group link's count of the day, which the coordinator
sees on the round page. The counters are shared by all app servers (cjgscan/limits/counters.py).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from cjgscan.lib.client import client_address
from cjgscan.limits import counters
from cjgscan.limits.models import RefusedStart
from cjgscan.rounds.models import RespondentGroup

WINDOW_SECONDS = 10 * 60


def is_blocked(request: HttpRequest) -> bool:
    return counters.recent("link-failures", client_address(request), WINDOW_SECONDS) >= settings.LINK_FAILURE_LIMIT


def record_failure(request: HttpRequest) -> None:
    counters.hit("link-failures", client_address(request), WINDOW_SECONDS)


def may_start_response(request: HttpRequest, group: RespondentGroup) -> bool:
    """Count one new response through this group link from this address; False past the limit.

    Counted first and checked after, so that parallel requests cannot all pass the check before any is counted;
    refused tries count too, so a client that keeps flooding stays refused."""
    started = counters.hit("response-starts", f"{group.uuid}:{client_address(request)}", WINDOW_SECONDS)
    if started <= settings.RESPONSE_START_LIMIT:
        return True
    record_refused_start(group)
    return False


def record_refused_start(group: RespondentGroup) -> None:
    today = timezone.localdate()
    if not RefusedStart.objects.filter(group=group, day=today).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RefusedStart.objects.create(group=group, day=today, count=1)
        except IntegrityError:  # a parallel refusal created the row first
            RefusedStart.objects.filter(group=group, day=today).update(count=F("count") + 1)
