"""Where an action came from, in words: "werksessie 12 mei 2026, vraag P3.V2", "verschil tussen groepen, S3.K2".

`Action.source` holds a short code ("wish", "gap S3.K2", "weak S3.K2", "tip S3.T1", "api", or a free text); an
action made from a work-session wish is linked by the wish's `action_uuid`, and its words (the session's date in the
reader's language, the question's code or else the pillar) are made here at display time, never a raw uuid.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cjgscan.development.models import Action
from cjgscan.workshops.models import Wish

WISH = "wish"


def _wish_words(wish: Wish) -> str:
    day = date_format(wish.workshop.held_on, "j F Y")
    question = wish.question
    if question is not None and question.code:
        return _("work session %(date)s, question %(code)s") % {"date": day, "code": question.code}
    return _("work session %(date)s, pillar %(number)s") % {"date": day, "number": wish.theme.number}


def source_words(source: str) -> str:
    """A source code in words (without the lookup a wish needs)."""
    kind, _space, code = source.partition(" ")
    if kind == "gap" and code:
        return _("gap between groups, %(code)s") % {"code": code}
    if kind == "weak" and code:
        return _("low score, %(code)s") % {"code": code}
    if kind == "tip" and code:
        return _("tip %(code)s") % {"code": code}
    if source == "api":
        return _("API")
    if kind == WISH:  # the wish (or its session) has gone
        return _("work session")
    return source


def origins(actions: Iterable[Action]) -> dict[int, str]:
    """The origin in words of each action (by pk); one query for all of those made from a work-session wish."""
    actions = list(actions)
    from_wishes = [a.uuid for a in actions if a.source.partition(" ")[0] == WISH]
    wishes: dict[Any, Wish] = {}
    if from_wishes:
        wishes = {
            w.action_uuid: w
            for w in Wish.objects.filter(action_uuid__in=from_wishes).select_related(
                "workshop", "theme", "question__item"
            )
        }
    return {
        a.pk: _wish_words(wishes[a.uuid]) if a.uuid in wishes else source_words(a.source) if a.source else ""
        for a in actions
    }


def origin(action: Action) -> str:
    return origins([action])[action.pk]
