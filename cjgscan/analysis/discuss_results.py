"""A round's released results (cjgscan.analysis.results) as the plain figures that cjgscan.analysis.discuss reads.
Translates the instrument's texts; no queries beyond those RoundResults already made."""

from dataclasses import dataclass

from cjgscan.analysis.discuss import KeyFigure, Spread, Summary, Topic, spreads, summarise, things_to_discuss
from cjgscan.analysis.results import ALL, RoundResults
from cjgscan.instruments.i18n import tr


@dataclass(frozen=True)
class Discussion:
    summary: Summary
    topics: list[Topic]
    item_spreads: list[Spread]  # one line per characteristic, widest first
    key_spreads: list[Spread]


def key_figures(results: RoundResults) -> list[KeyFigure]:
    return [
        KeyFigure(t.code, f"{t.number}. {tr(t.title)}", results.keys[t.pk][ALL].mean, results.importance.get(t.pk))
        for t in results.themes
    ]


def discussion(results: RoundResults) -> Discussion:
    columns = results.group_columns
    by_key = [
        (t.code, t.code, f"{t.number}. {tr(t.title)}", [(c.label, results.keys[t.pk][c.key].mean) for c in columns])
        for t in results.themes
    ]
    by_item = [
        (i.code, t.code, tr(i.text).rstrip("."), [(c.label, results.items[i.pk][c.key].mean) for c in columns])
        for t in results.themes
        for i in t.items.all()
    ]
    item_spreads, key_spreads = spreads(by_item), spreads(by_key)
    keys = key_figures(results)
    overall = results.overall[ALL].mean if ALL in results.overall else None
    # Where groups disagree most, and the gap topics, are about characteristics; keys only when no characteristic
    # has two groups (a round with one shown group has no spread at all).
    found = item_spreads or key_spreads
    return Discussion(
        summarise(keys, overall, found), things_to_discuss(keys, found, results.points), item_spreads, key_spreads
    )
