"""API-wide response rules that must hold also outside django-ninja's own handlers."""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from cjgscan.api.problems import API_VERSION, PROBLEM_CONTENT_TYPE, TITLES, problem

API_PREFIX = "/api/"


class ApiMiddleware:
    """Under /api/: an API-Version header and Cache-Control: no-store on every response, and problem+json for
    every error, also those made outside the API's own handlers (unknown URL, wrong method, CSRF, a database
    that is down)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            status = response.status_code
            detail = {405: "This method is not allowed here.", 404: "There is nothing at this address."}.get(
                status, TITLES.get(status) or HTTPStatus(status).phrase
            )
            replacement = problem(status, detail)
            for header in ("Allow", "Retry-After"):  # e.g. the 503 of handler500 while the database is down
                if header in response:
                    replacement.headers[header] = response[header]
            response = replacement
        response.headers["API-Version"] = API_VERSION
        # Answers hold an organisation's data: no browser or proxy cache keeps them.
        add_never_cache_headers(response)
        return response
