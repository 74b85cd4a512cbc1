"""The management summary of a report: plain sentences written from a round's results.

Pure functions over `RoundResults` (and those of the previous round): no queries. Only figures that the
suppression rules let through reach these functions, so no sentence can name or describe a small group.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cjgscan.analysis import trend
from cjgscan.analysis.results import ALL, Gap, RoundResults
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Item, Theme
from cjgscan.lib.numbers import number, signed
from cjgscan.lib.words import join_words

TOP = 3  # how many gaps and changes the summary names


@dataclass(frozen=True)
class Change:
    """A key or characteristic in this round and in the previous one, matched by its stable code, with the trend
    page's judgement (analysis/trend.py): "up"/"down" only when the 95 % interval lies wholly on one side of 0."""

    subject: Theme | Item
    previous: float
    current: float
    verdict: str | None  # UP, SAME, DOWN; None: too few answers to tell

    @property
    def difference(self) -> float:
        return self.current - self.previous

    @property
    def clear(self) -> bool:
        return self.verdict in (trend.UP, trend.DOWN)


def key_change(current: RoundResults, theme: Theme, previous: RoundResults, before: Theme) -> Change | None:
    """A key's score in both rounds, each as that round measured it (the mean of its characteristics)."""
    after_estimate = _key_estimate(current, theme)
    before_estimate = _key_estimate(previous, before)
    return _change(theme, before_estimate, after_estimate)


def _key_estimate(results: RoundResults, theme: Theme) -> trend.Estimate:
    summaries = [results.items.get(i.pk, {}).get(ALL) for i in theme.items.all()]
    return trend.estimate([s for s in summaries if s is not None], results.points)


def _item_estimate(results: RoundResults, item: Item) -> trend.Estimate:
    found = results.items.get(item.pk, {}).get(ALL)
    return trend.estimate([found] if found is not None else [], results.points)


def _change(subject: Theme | Item, before: trend.Estimate, after: trend.Estimate) -> Change | None:
    if before.mean is None or after.mean is None:
        return None
    return Change(subject, before.mean, after.mean, trend.change(before, after).verdict)


def key_label(theme: Theme) -> str:
    return _("key %(number)s (%(title)s)") % {"number": theme.number, "title": tr(theme.title)}


def item_text(item: Item) -> str:
    """The characteristic's text without its closing full stop, to quote it inside a sentence."""
    return tr(item.text).strip().rstrip(".")


def item_label(item: Item) -> str:
    return _("characteristic %(code)s “%(text)s”") % {"code": item.code, "text": item_text(item)}


def subject_label(subject: Theme | Item) -> str:
    return key_label(subject) if isinstance(subject, Theme) else item_label(subject)


def response_sentence(results: RoundResults) -> str:
    parts = [f"{column.label} {column.respondents}" for column in results.group_columns]
    return _("%(total)s respondents sent their answers: %(groups)s.") % {
        "total": results.respondents,
        "groups": join_words(parts),
    }


def items_sentence(results: RoundResults) -> str:
    ranked = results.ranked_items()
    if not ranked:
        return ""
    (best, best_summary), (worst, worst_summary) = ranked[0], ranked[-1]
    return _(
        "The strongest characteristic is %(best_code)s “%(best)s” (%(best_mean)s); "
        "the weakest is %(worst_code)s “%(worst)s” (%(worst_mean)s)."
    ) % {
        "best_code": best.code,
        "best": item_text(best),
        "best_mean": number(best_summary.mean),
        "worst_code": worst.code,
        "worst": item_text(worst),
        "worst_mean": number(worst_summary.mean),
    }


def gap_sentences(results: RoundResults, gaps: Sequence[Gap]) -> tuple[str, list[str]]:
    """An opening sentence and one line per gap, largest first."""
    if len(results.group_columns) < 2:
        return _("Only one group can be shown on its own, so groups cannot be compared."), []
    if not gaps:
        return _("No two groups differ by one scale point or more on any key or characteristic."), []
    lines = [
        _("%(subject)s: %(first)s %(first_mean)s, %(second)s %(second_mean)s (a difference of %(difference)s).")
        % {
            "subject": subject_label(gap.subject)[:1].upper() + subject_label(gap.subject)[1:],
            "first": gap.first.label,
            "first_mean": number(gap.first_mean),
            "second": gap.second.label,
            "second_mean": number(gap.second_mean),
            "difference": number(gap.difference),
        }
        for gap in gaps[:TOP]
    ]
    subjects = len({(type(gap.subject), gap.subject.pk) for gap in gaps})  # a key counts once, however many pairs
    total = len(results.themes) + len(results.all_items())
    opening = ngettext(
        "Groups see %(count)s of the %(total)s keys and characteristics differently by one scale point or more:",
        "Groups see %(count)s of the %(total)s keys and characteristics differently by one scale point or more. "
        "The largest differences:",
        subjects,
    ) % {"count": subjects, "total": total}
    return opening, lines


def changes(current: RoundResults, previous: RoundResults) -> tuple[list[Change], list[Change]]:
    """Keys and characteristics in both rounds (matched by code), largest change first."""
    previous_keys = {t.code: t for t in previous.themes}
    previous_items = {i.code: i for i in previous.all_items()}
    keys, items = [], []
    for theme in current.themes:
        if theme.code in previous_keys:
            found = key_change(current, theme, previous, previous_keys[theme.code])
            keys += [found] if found else []
    for item in current.all_items():
        if item.code in previous_items:
            found = _change(item, _item_estimate(previous, previous_items[item.code]), _item_estimate(current, item))
            items += [found] if found else []

    def order(change: Change) -> tuple[float, str]:
        return (-abs(change.difference), change.subject.code)

    return sorted(keys, key=order), sorted(items, key=order)


def change_words(change: Change) -> str:
    """+0,6, clearly risen — the figure never without the judgement."""
    return _("%(difference)s, %(verdict)s") % {
        "difference": signed(change.difference),
        "verdict": trend.VERDICTS[change.verdict],
    }


def change_line(change: Change) -> str:
    label = subject_label(change.subject)
    return _("%(subject)s: from %(previous)s to %(current)s (%(change)s).") % {
        "subject": label[:1].upper() + label[1:],
        "previous": number(change.previous),
        "current": number(change.current),
        "change": change_words(change),
    }


def change_sentences(current: RoundResults, previous: RoundResults | None) -> tuple[str, list[str]]:
    """What changed since the previous round of the same organisation and instrument."""
    if previous is None:
        return _(
            "This is the first round of this instrument for the organisation: "
            "there is no earlier round to compare with."
        ), []
    title = previous.round.title
    if not previous.visible:
        return _("The previous round (%(title)s) had too few respondents to compare with.") % {"title": title}, []
    before, now = previous.overall.get(ALL), current.overall.get(ALL)
    if before is None or now is None or before.mean is None or now.mean is None:
        return _("The previous round (%(title)s) has no scores to compare with.") % {"title": title}, []
    overall = trend.change(
        trend.combine([_key_estimate(previous, t) for t in previous.themes], previous.points),
        trend.combine([_key_estimate(current, t) for t in current.themes], current.points),
    )
    opening = _(
        "Compared with the previous round (%(title)s) the average score went from %(previous)s to %(current)s "
        "(%(change)s)."
    ) % {
        "title": title,
        "previous": number(before.mean),
        "current": number(now.mean),
        "change": _("%(difference)s, %(verdict)s")
        % {"difference": signed(now.mean - before.mean), "verdict": trend.VERDICTS[overall.verdict]},
    }
    keys, items = changes(current, previous)
    # Only what the trend page would call clearly risen or fallen is a change worth naming; the rest is noise.
    moved = [c for c in keys if c.clear][:TOP] + [c for c in items if c.clear][:TOP]
    compared = len(keys) + len(items)
    if not moved:
        return opening + " " + ngettext(
            "The one key or characteristic compared stayed the same within the noise.",
            "None of the %(count)s keys and characteristics compared changed more than the noise of who "
            "happened to answer.",
            compared,
        ) % {"count": compared}, []
    return opening + " " + _("The largest clear changes:"), [change_line(c) for c in moved]
