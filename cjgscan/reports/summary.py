"""The management summary of a report: plain sentences written from a round's results.

Pure functions over `RoundResults` (and those of the previous round): no queries. Only figures that the
suppression rules let through reach these functions, so no sentence can name or describe a small group.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cjgscan.analysis.results import ALL, Gap, RoundResults
from cjgscan.dashboard.templatetags.results import number, signed
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Item, Theme
from cjgscan.lib.words import join_words

TOP = 3  # how many gaps and changes the summary names
UNCHANGED = 0.05  # a change that rounds to 0.0 is no change


@dataclass(frozen=True)
class Change:
    """A key or characteristic in this round and in the previous one, matched by its stable code."""

    subject: Theme | Item
    previous: float
    current: float

    @property
    def difference(self) -> float:
        return self.current - self.previous


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
    opening = ngettext(
        "Groups see one key or characteristic differently by one scale point or more:",
        "Groups see %(count)s keys and characteristics differently by one scale point or more. "
        "The largest differences:",
        len(gaps),
    ) % {"count": len(gaps)}
    return opening, lines


def changes(current: RoundResults, previous: RoundResults) -> tuple[list[Change], list[Change]]:
    """Keys and characteristics in both rounds (matched by code), largest change first."""
    previous_keys = {t.code: previous.keys.get(t.pk, {}).get(ALL) for t in previous.themes}
    previous_items = {i.code: previous.items.get(i.pk, {}).get(ALL) for i in previous.all_items()}
    keys, items = [], []
    for theme in current.themes:
        now, before = current.keys.get(theme.pk, {}).get(ALL), previous_keys.get(theme.code)
        if now and before and now.mean is not None and before.mean is not None:
            keys.append(Change(theme, before.mean, now.mean))
    for item in current.all_items():
        summary, earlier = current.items.get(item.pk, {}).get(ALL), previous_items.get(item.code)
        if summary and earlier and summary.mean is not None and earlier.mean is not None:
            items.append(Change(item, earlier.mean, summary.mean))

    def order(change: Change) -> tuple[float, str]:
        return (-abs(change.difference), change.subject.code)

    return sorted(keys, key=order), sorted(items, key=order)


def change_line(change: Change) -> str:
    label = subject_label(change.subject)
    return _("%(subject)s: from %(previous)s to %(current)s (%(difference)s).") % {
        "subject": label[:1].upper() + label[1:],
        "previous": number(change.previous),
        "current": number(change.current),
        "difference": signed(change.difference),
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
    opening = _(
        "Compared with the previous round (%(title)s) the average score went from %(previous)s to %(current)s "
        "(%(difference)s)."
    ) % {
        "title": title,
        "previous": number(before.mean),
        "current": number(now.mean),
        "difference": signed(now.mean - before.mean),
    }
    keys, items = changes(current, previous)
    moved = [c for c in keys if abs(c.difference) >= UNCHANGED][:TOP]
    moved += [c for c in items if abs(c.difference) >= UNCHANGED][:TOP]
    if not moved:
        return opening + " " + _("No key or characteristic changed by 0.1 or more."), []
    return opening + " " + _("The largest changes:"), [change_line(c) for c in moved]
