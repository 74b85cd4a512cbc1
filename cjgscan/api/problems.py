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
    422: "Invalid input",
    500: "Server error",
}


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
