"""A work session started from a closed round: opening slides with the round's released results, and questions on
its weakest keys and largest gaps that the facilitator can add to the session.

Everything shown comes from `round_results` (the round's latest release), exactly as on the results page: a group
too small to be shown on its own is never a column here either, and the slides show nothing before a release.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cjgscan.analysis.discuss import GAP, GAP_THRESHOLD, Spread
from cjgscan.analysis.discuss_results import discussion, key_figures
from cjgscan.analysis.results import ALL, RoundResults, round_results
from cjgscan.instruments.i18n import CONTENT_LANGUAGES, tr
from cjgscan.instruments.models import Instrument, Theme
from cjgscan.lib.numbers import number
from cjgscan.organisations.models import Organisation
from cjgscan.presentation import charts
from cjgscan.rounds.models import Round
from cjgscan.workshops.actions import touch
from cjgscan.workshops.models import QUESTION_MAX_LENGTH, Workshop, WorkshopQuestion

# The opening slides, in order; Workshop.slide is 1-based (0: the questions).
SLIDES = ("keys", "topics", "gaps")
SLIDE_TITLES = {
    "keys": gettext_lazy("Scores per key"),
    "topics": gettext_lazy("Three things to discuss"),
    "gaps": gettext_lazy("Where groups differ most"),
}
WEAKEST_KEYS = 3
LARGEST_GAPS = 3
GAPS_ON_SLIDE = 5


def rounds_to_start_from(organisation: Organisation) -> "QuerySet[Round]":
    """The organisation's closed rounds of a scan, newest first: the ones a session can start from."""
    return (
        Round.objects.filter(
            organisation=organisation, status=Round.Status.CLOSED, version__instrument__kind=Instrument.Kind.SCAN
        )
        .select_related("version")
        .order_by("-closes_on", "-pk")
    )


def _gaps(results: RoundResults) -> list[Spread]:
    """Characteristics (and keys) where the highest and the lowest shown group differ by the threshold or more,
    widest first: the same list as the results page's."""
    discussed = discussion(results)
    found = [s for s in discussed.item_spreads + discussed.key_spreads if s.difference >= GAP_THRESHOLD - 1e-9]
    return sorted(found, key=lambda s: -s.difference)


# The opening slides


def slide_count(workshop: Workshop) -> int:
    return len(SLIDES) if workshop.round_id is not None else 0


def slide_context(workshop: Workshop, number_: int | None = None) -> dict[str, Any] | None:
    """The opening slide the big screen shows now (or slide `number_`), None when it shows a question."""
    number_ = workshop.slide if number_ is None else number_
    if workshop.round_id is None or workshop.round is None or not 1 <= number_ <= len(SLIDES):
        return None
    kind = SLIDES[number_ - 1]
    slide: dict[str, Any] = {
        "number": number_,
        "total": len(SLIDES),
        "kind": kind,
        "title": SLIDE_TITLES[kind],
        "round": workshop.round,
    }
    results = round_results(workshop.round)
    slide["visible"] = results.visible
    if not results.visible:
        return slide
    slide["points"] = results.points
    slide["respondents"] = results.respondents
    if kind == "keys":
        slide.update(_keys_slide(results))
    elif kind == "topics":
        slide["topics"] = _topics(results)
    else:
        slide["gaps"] = [_gap_row(s) for s in _gaps(results)[:GAPS_ON_SLIDE]]
    return slide


def _keys_slide(results: RoundResults) -> dict[str, Any]:
    keys = [(t, results.keys[t.pk][ALL]) for t in results.themes]
    description = "; ".join(f"{t.number}. {tr(t.title)}: {number(score.mean)}" for t, score in keys)
    radar: SafeString = charts.radar_chart(
        [f"{t.number}. {tr(t.title)}" for t in results.themes],
        [(c.label, [results.keys[t.pk][c.key].mean for t in results.themes]) for c in results.columns],
        scale_min=1,
        scale_max=results.points,
        title=_("Scores per key"),
        description=description,
        id_prefix="slide-radar",
        empty_text=_("No data"),
    )
    return {"radar": radar, "keys": [(t, number(score.mean)) for t, score in keys]}


def _gap_row(spread: Spread) -> dict[str, str]:
    return {
        "code": spread.code,
        "text": spread.text,
        "high": spread.high_label,
        "high_mean": number(spread.high_mean),
        "low": spread.low_label,
        "low_mean": number(spread.low_mean),
        "difference": number(spread.difference),
    }


def _topics(results: RoundResults) -> list[dict[str, Any]]:
    rows = []
    for topic in discussion(results).topics:
        if topic.kind == GAP and topic.spread is not None:
            rows.append({"kind": "gap", **_gap_row(topic.spread)})
        elif topic.key is not None:
            rows.append(
                {"kind": "low", "code": topic.key.code, "text": topic.key.title, "mean": number(topic.key.mean)}
            )
    return rows


def regie_slides(workshop: Workshop) -> dict[str, Any] | None:
    """For the regie: the slides to step through and the one on the big screen now; None without a round."""
    if workshop.round_id is None:
        return None
    return {
        "choices": [(n, SLIDE_TITLES[kind]) for n, kind in enumerate(SLIDES, start=1)],
        "current": slide_context(workshop),
    }


def do_show_slide(workshop: Workshop, number_: int) -> None:
    """Put an opening slide (1, 2, …) on the big screen, or the current question again (0)."""
    Workshop.objects.filter(pk=workshop.pk).update(slide=number_)
    touch(workshop.pk)


# Questions on the round's results


@dataclass(frozen=True)
class Suggestion:
    """A question the round's results suggest: on a weak key, or on a characteristic (or key) groups see differently."""

    ident: str  # "low-S3", "gap-S3.K2": the value of its checkbox
    key_code: str
    characteristic_code: str
    texts: dict[str, str]  # the question in every language
    reason: str  # why it is suggested, in the active language

    @property
    def text(self) -> str:
        return tr(self.texts)


def _in_every_language(make: Callable[[], str]) -> dict[str, str]:
    texts = {}
    for language in CONTENT_LANGUAGES:
        with translation.override(language):
            texts[language] = make()[:QUESTION_MAX_LENGTH]
    return texts


def suggestions(results: RoundResults) -> list[Suggestion]:
    """Questions on the weakest keys (lowest mean first) and on the largest gaps (widest first)."""
    if not results.visible:
        return []
    themes = {t.code: t for t in results.themes}
    items = {i.code: i for i in results.all_items()}
    found: list[Suggestion] = []
    weakest = sorted((k for k in key_figures(results) if k.mean is not None), key=lambda k: k.mean or 0.0)
    for key in weakest[:WEAKEST_KEYS]:
        theme = themes[key.code]
        found.append(
            Suggestion(
                f"low-{key.code}",
                key.code,
                "",
                _in_every_language(partial(_weak_question, theme)),
                _("weak key: %(mean)s on a scale of 1 to %(points)s")
                % {"mean": number(key.mean), "points": results.points},
            )
        )
    for spread in _gaps(results)[:LARGEST_GAPS]:
        subject = themes[spread.code] if spread.is_key else items[spread.code]
        found.append(
            Suggestion(
                f"gap-{spread.code}",
                spread.key_code,
                "" if spread.is_key else spread.code,
                _in_every_language(partial(_gap_question, spread, subject)),
                _("gap: %(high)s %(high_mean)s, %(low)s %(low_mean)s")
                % {
                    "high": spread.high_label,
                    "high_mean": number(spread.high_mean),
                    "low": spread.low_label,
                    "low_mean": number(spread.low_mean),
                },
            )
        )
    return found


def _weak_question(theme: Theme) -> str:
    return _("What is needed to strengthen key %(number)s “%(title)s”?") % {
        "number": theme.number,
        "title": tr(theme.title),
    }


def _gap_question(spread: Spread, subject: Any) -> str:
    text = tr(subject.title) if isinstance(subject, Theme) else tr(subject.text).rstrip(".")
    return _(
        "%(high)s and %(low)s see “%(text)s” (%(code)s) differently. Where does the difference come from, and what "
        "do we do with it?"
    ) % {"high": spread.high_label, "low": spread.low_label, "text": text, "code": spread.code}


def added_suggestions(workshop: Workshop) -> set[str]:
    """The Dutch texts of the questions on the round's results that the session already has."""
    return set(
        workshop.questions.exclude(key_code="").values_list("own_text", flat=True)  # own_text holds the Dutch
    )


def do_add_suggestions(workshop: Workshop, pillar: Theme, chosen: Iterable[Suggestion]) -> list[WorkshopQuestion]:
    """Add the chosen questions under a pillar (wishes made under them belong to it on the agenda), after the
    session's other questions; a question the session already has is not added twice."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        have = added_suggestions(locked)
        last = locked.questions.aggregate(last=Max("position"))["last"] or 0
        made = []
        for suggestion in chosen:
            if suggestion.texts["nl"] in have:
                continue
            last += 1
            made.append(
                WorkshopQuestion.objects.create(
                    workshop=locked,
                    theme=pillar,
                    own_text=suggestion.texts["nl"],
                    suggested_text=suggestion.texts,
                    key_code=suggestion.key_code,
                    characteristic_code=suggestion.characteristic_code,
                    position=last,
                )
            )
            have.add(suggestion.texts["nl"])
        if made:
            locked.pillars.add(pillar)
            if locked.current_question_id is None:
                Workshop.objects.filter(pk=locked.pk).update(current_question=made[0])
            touch(locked.pk)
    return made
