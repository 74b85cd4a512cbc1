"""Small helpers that read settings from the environment and fail loudly on bad values."""

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(TRUE | FALSE)}, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "outbox": "cjgscan.demo.outbox.EmailBackend",  # the demo's Post page; refused when DEBUG is off
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, Any]:
    """Turn EMAIL_URL (e.g. ``smtp+tls://user:pass@mail.example.nl:587``) into Django settings."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in EMAIL_BACKENDS:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(EMAIL_BACKENDS)}, not {parts.scheme!r}")
    config: dict[str, Any] = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    if scheme.startswith("smtp"):
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL has an invalid port: {url!r}") from None
        config.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[scheme],
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=scheme == "smtp+tls",
            EMAIL_USE_SSL=scheme == "smtps",
        )
        query = parse_qs(parts.query)
        if "timeout" in query:
            config["EMAIL_TIMEOUT"] = int(query["timeout"][0])
    return config
