from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache

from bench.minimal.models import Row


@never_cache
def minimal(request: HttpRequest) -> HttpResponse:
    """GET: a form with a CSRF token (sets the CSRF cookie, like a questionnaire page). POST: through the whole
    middleware stack (sessions, CSRF check, authentication, axes, CSP) and one INSERT, answered with a short text
    like the autosave's "Opgeslagen"."""
    if request.method == "POST":
        Row.objects.create(value=request.POST.get("value", "")[:100])
        return HttpResponse("Opgeslagen")
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}"></form>'
    )
