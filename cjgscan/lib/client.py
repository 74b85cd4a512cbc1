"""The client's address, by one rule for every limit (respondent links, group-link starts, werksessie joins, login
lock-out, password reset).

Behind the reverse proxy that docs/deploy.md requires, REMOTE_ADDR is the proxy. With TRUST_X_FORWARDED_FOR the
last X-Forwarded-For entry is taken: the one the proxy itself appended, which a client cannot forge (the entries
before it are whatever the client sent). Without it, X-Forwarded-For is ignored, so a client cannot pick the
address it is counted under.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))
