from typing import Any

from django.http import HttpRequest

from cjgscan.demo import outbox


def demo(request: HttpRequest) -> dict[str, Any]:
    """Whether the demo's Post page is there (to link it from the header and the password-reset page)."""
    return {"demo_outbox": outbox.enabled()}
