"""The "check" of plan-do-check-act: an action's linked key and characteristic, before and after.

"Before" is the round the action came from, "after" the latest later round of the same instrument. Items and
keys are matched by their stable codes, so a newer instrument version still compares. Figures come from
cjgscan.analysis (a fixed number of grouped queries per round, over each round's latest release) and so obey
the release rule of each round: a group appears only where that round's release shows it on its own, and groups
shown together are never compared, because their make-up differs from round to round.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from cjgscan.analysis.results import ALL, RoundResults, round_results
from cjgscan.development.models import Action
from cjgscan.instruments.i18n import tr
from cjgscan.rounds.models import Round


@dataclass(frozen=True)
class Comparison:
    label: str  # "all respondents" or a group's name
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Subject:
    code: str
    title: str
    rows: list[Comparison] = field(default_factory=list)


@dataclass
class Check:
    before: Round
    after: Round | None
    subjects: list[Subject] = field(default_factory=list)
    before_visible: bool = False
    after_visible: bool = False


def later_round(round_: Round) -> Round | None:
    """The latest round of the same organisation and instrument that opened after this one and has results
    (a release); else the latest that opened after it. A newly opened round must not hide the comparison with
    the round before it until its own results are released."""
    later = Round.objects.filter(
        Q(opens_on__gt=round_.opens_on) | Q(opens_on=round_.opens_on, created__gt=round_.created),
        organisation_id=round_.organisation_id,
        version__instrument_id=round_.version.instrument_id,
    ).exclude(status=Round.Status.DRAFT)
    later = later.select_related("version__instrument", "scale").order_by("-opens_on", "-created")
    return later.filter(releases__isnull=False).distinct().first() or later.first()


def _by_code(results: RoundResults, kind: str, code: str) -> tuple[str, dict[str, float | None]] | None:
    """The title and the mean per column label of the key or item with this code, or None."""
    labels = {c.key: c.label for c in results.columns if not c.together}
    if kind == "key":
        theme = next((t for t in results.themes if t.code == code), None)
        if theme is None:
            return None
        scores = results.keys.get(theme.pk, {})
        return tr(theme.title), {labels[k]: s.mean for k, s in scores.items() if k in labels}
    item = next((i for i in results.all_items() if i.code == code), None)
    if item is None:
        return None
    summaries = results.items.get(item.pk, {})
    return tr(item.text), {labels[k]: s.mean for k, s in summaries.items() if k in labels}


def check_action(action: Action) -> Check | None:
    """Before and after of the action's key and characteristic; None when there is nothing to compare."""
    if action.round_id is None or not (action.theme_code or action.item_code):
        return None
    before_round = Round.objects.select_related("version__instrument", "scale").get(pk=action.round_id)
    after_round = later_round(before_round)
    check = Check(before_round, after_round)
    if after_round is None:
        return check
    before, after = round_results(before_round), round_results(after_round)
    check.before_visible, check.after_visible = before.visible, after.visible
    all_label = _("All respondents")
    subjects = [("item", action.item_code), ("key", action.theme_code)]
    for kind, code in subjects:
        if not code:
            continue
        found_before, found_after = _by_code(before, kind, code), _by_code(after, kind, code)
        if found_before is None and found_after is None:
            continue
        title = (found_after or found_before or ("", {}))[0]
        means_before = found_before[1] if found_before else {}
        means_after = found_after[1] if found_after else {}
        subject = Subject(code, title)
        # "All respondents" first, then the groups in the later round's order, then those only shown before.
        labels = [all_label] if (means_before or means_after) else []
        labels += [c.label for c in after.columns if c.key != ALL and not c.together]
        labels += [c.label for c in before.columns if c.key != ALL and not c.together and c.label not in labels]
        for label in labels:
            subject.rows.append(Comparison(label, means_before.get(label), means_after.get(label)))
        check.subjects.append(subject)
    return check
