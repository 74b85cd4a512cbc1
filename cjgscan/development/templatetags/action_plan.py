"""Template helpers that let other pages offer "make an action" links and show agreed scores."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import HttpRequest
from django.urls import reverse

from cjgscan.development.models import AgreedScore
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Item, Theme, Tip
from cjgscan.organisations.access import SESSION_KEY

register = template.Library()

LOW_SCORE_PERCENT = 50  # as the dashboard's key pages: below the middle of the scale a key is "weak"

PREFILL = ("title", "description", "key", "item", "round", "source")


@register.simple_tag
def action_url(organisation: Any, **params: Any) -> str:
    """{% action_url organisation title=... key="S3" item="S3.K2" round=round.uuid source="gap S3.K2" %}"""
    query = {name: str(params[name]) for name in PREFILL if params.get(name) not in (None, "")}
    url = reverse("action_create", args=[organisation.uuid])
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag(takes_context=True)
def writable_organisation(context: Any) -> Any:
    """The organisation the user is working in (the last one visited) if they may add actions there.

    Uses the memberships the menu already fetched, so it costs no query."""
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    org_uuid = request.session.get(SESSION_KEY)
    if not org_uuid:
        return None
    for membership in context.get("my_memberships") or []:
        if str(membership.organisation.uuid) == org_uuid:
            return membership.organisation if membership.can_write else None
    return None


@register.inclusion_tag("development/_agreed_section.html", takes_context=True)
def agreed_scores_section(context: Any, round_: Any, results: Any) -> dict[str, Any]:
    """Agreed scores next to the measured mean (all respondents) per key: one query."""
    agreed = {a.theme_code: a for a in AgreedScore.objects.filter(round=round_)}
    all_column = results.columns[0].key if results.columns else None
    rows = []
    for theme in results.themes:
        measured = results.keys.get(theme.pk, {}).get(all_column) if all_column else None
        weak = measured is not None and measured.percent is not None and measured.percent < LOW_SCORE_PERCENT
        rows.append((theme, measured, agreed.get(theme.code), weak))
    return {
        "organisation": context.get("organisation"),
        "membership": context.get("membership"),
        "round": round_,
        "rows": rows,
        "any_agreed": bool(agreed),
        "any_weak": any(row[3] for row in rows),
    }


@register.simple_tag
def subject_action_url(organisation: Any, round_: Any, subject: Any, kind: str) -> str:
    """A "make an action" link for a key (Theme), a characteristic (Item) or a tip (Tip) of a round's results;
    kind ("weak", "gap", "tip") and the code become the action's source, e.g. "gap S3.K2"."""
    params: dict[str, Any] = {"round": getattr(round_, "uuid", None), "source": f"{kind} {subject.code}"}
    if isinstance(subject, Theme):
        params |= {"key": subject.code, "title": tr(subject.title)}
    elif isinstance(subject, Item):
        params |= {"key": subject.theme.code, "item": subject.code, "title": tr(subject.text)}
    elif isinstance(subject, Tip):
        params |= {"key": subject.theme.code, "title": tr(subject.text)}
    return action_url(organisation, **params)
