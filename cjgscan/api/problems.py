"""Errors as problem details (RFC 9457): application/problem+json with type, title, status and detail."""

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse

API_VERSION = "1.0"
PROBLEM_CONTENT_TYPE = "application/problem+json"

# What the status means in the context of this API, for clients that only show `title`.
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Body too large",
    422: "Invalid input",
    500: "Server error",
    503: "Temporarily unavailable",
}
RETRY_AFTER_SECONDS = 30  # as the 503 page (cjgscan.web.views.server_error)


def problem_type(status: int) -> str:
    return f"https://cjgscan.nl/api/problemen/{status}"


def problem(status: int, detail: str, **extra: Any) -> HttpResponse:
    body = {
        "type": problem_type(status),
        "title": TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cjgscan"'
    return response


def unavailable() -> HttpResponse:
    """503 while the database is down or restarting, with the seconds after which to retry."""
    response = problem(503, "The database is not available at the moment; try again in half a minute.")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
