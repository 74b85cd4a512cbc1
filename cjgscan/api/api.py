"""The cjgscan API, version 1: /api/v1/, spec at /api/v1/openapi.json. Every error is problem+json."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cjgscan.api import actions, endpoints
from cjgscan.api.auth import ApiKeyAuth
from cjgscan.api.problems import API_VERSION, problem, unavailable

logger = logging.getLogger(__name__)

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}
ERROR_STATUSES = {
    "400": "The request could not be read (a body that is not JSON, for instance).",
    "401": "No valid API key.",
    "403": "The key or your role does not allow this.",
    "404": "Not found, or not reachable with this key.",
    "413": "The body is larger than the limit (2.5 MB).",
    "422": "The input is not valid (a body that is not a JSON object, for instance).",
    "503": "The database is not available for a moment; retry after the seconds in Retry-After.",
}


class CjgscanApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The spec with the problem+json error responses every operation can give."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses[status] = {"description": description, "content": reference}
        return schema


api = CjgscanApi(
    title="cjgscan API",
    version=API_VERSION,
    description=(
        "Organisations, rounds (metingen), results, the action plan (acties) and the instruments of cjgscan. "
        "Authenticate with a personal API key: `Authorization: Bearer cjg_...`. Errors are "
        "application/problem+json. See docs/api.md."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api-v1",
    docs_url=None,  # the interactive page loads scripts from elsewhere, which the CSP forbids
)


def _validation_detail(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "The input is not valid."


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
        for e in exc.errors
    ]
    return problem(422, _validation_detail(exc), errors=errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(401, "A valid API key is required: Authorization: Bearer cjg_...")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc))


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, "Not found, or not yours to see.")


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(413, "The body is larger than 2.5 MB.")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("API: database unavailable on %s %s: %s", request.method, request.path, exc)
    return unavailable()


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(500, "Something went wrong on our side. It has been logged.")


api.add_router("/", endpoints.router)
api.add_router("/", actions.router)
