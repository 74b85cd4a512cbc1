"""Texts of the instruments are stored as {"nl": ..., "en": ...}; pick the one for the active language."""

from typing import Any

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("nl", "en")


def content_language() -> str:
    language = (get_language() or "nl").split("-")[0]
    return language if language in CONTENT_LANGUAGES else "nl"


def tr(text: Any) -> str:
    """The text in the active language, falling back to Dutch."""
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    return str(text.get(content_language()) or text.get("nl") or "")
