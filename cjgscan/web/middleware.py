from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# No inline script or style anywhere; data: images only for the icons inside the vendored CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


# Files made for download (exports, reports, paper forms, QR codes, instruments).
DOWNLOAD_TYPES = (
    "text/csv",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument",
    "application/yaml",
    "image/png",
    "image/svg+xml",
)


class DownloadsNotStoredMiddleware:
    """Cache-Control: no-store on every download: they hold an organisation's data, and a shared computer's
    browser cache or a proxy must not keep them. (Static files never get here: WhiteNoise answers first.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Disposition" in response or response.get("Content-Type", "").startswith(DOWNLOAD_TYPES):
            add_never_cache_headers(response)
        return response
