"""The round's report as data for Typst: the same context as the HTML (`report.report_context`), every text
already translated and every figure already formatted, laid out by `typst/document.typ`.

The data is a document of plain blocks (headings, paragraphs, lists, tables, charts); `document.typ` decides how
they look. Texts are strings, and a string is shown as text by Typst: nothing users typed is ever markup. A rich
text is a string or a list of [style, text] pairs (`code`, `small`, `strong`, `em`, or `""` for plain).
"""

import datetime
import html
import re
from pathlib import Path
from typing import Any

from django.template.defaultfilters import date as format_date
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cjgscan.instruments.i18n import tr
from cjgscan.lib.numbers import number, percent, percent_share
from cjgscan.lib.typeset import typeset
from cjgscan.presentation.templatetags.results import consensus_label

TEMPLATE = Path(__file__).with_name("typst") / "document.typ"
SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
SVG_FONT = re.compile(r'font-family="[^"]*"')
Block = dict[str, Any]


def heading(text: str, level: int = 1, *, page: bool = False, pre: str = "") -> Block:
    """`page`: the heading starts a new page (a chapter)."""
    return {"type": "heading", "level": level, "text": text, "page": page, "pre": pre}


def paragraph(text: Any, style: str = "") -> Block:
    return {"type": "par", "text": text, "style": style}


def bullets(items: list[Any], ordered: bool = False) -> Block:
    """Items are rich texts, or {"text": ..., "sub": [...]} for an item with a list under it."""
    return {"type": "list", "items": items, "ordered": ordered}


def table(caption: str, header: list[Any], rows: list[list[Any]], columns: list[float], ends: int = 0) -> Block:
    """`columns`: the share of the width of each column; `ends`: the number of last columns aligned to the end
    (figures)."""
    align = ["start"] * (len(columns) - ends) + ["end"] * ends
    return {"type": "table", "caption": caption, "header": header, "rows": rows, "columns": columns, "align": align}


def chart(svg: Any, width: int = 100) -> Block:
    """An SVG chart of `cjgscan.presentation.charts`, `width` in percent of the text; its title is its alternative
    text. The charts name web fonts; the PDF draws them in the report's font, which every machine has."""
    markup = str(svg)
    found = SVG_TITLE.search(markup)
    alt = found[1] if found else _("Chart")
    return {
        "type": "chart",
        "svg": SVG_FONT.sub('font-family="DejaVu Sans"', markup),
        "alt": html.unescape(strip_tags(alt)),
        "width": width,
    }


def together(*blocks: Block) -> Block:
    """Blocks kept on one page."""
    return {"type": "group", "blocks": list(blocks)}


def document(
    title: str,
    author: str,
    day: datetime.date,
    running_title: str,
    cover: dict[str, Any],
    blocks: list[Block],
    contents: bool = True,
) -> dict[str, Any]:
    return {
        "language": (get_language() or "nl").split("-")[0],
        "title": title,
        "author": author,
        "date": [day.year, day.month, day.day],
        "footer": {"title": running_title, "page": _("Page")},
        "cover": cover,
        "contents": _("Contents") if contents else None,
        "blocks": blocks,
    }


def pdf(data: dict[str, Any], day: datetime.date) -> bytes:
    return typeset(TEMPLATE, data, day)


def _score(summary: Any) -> list[list[str]]:
    return [["", number(summary.mean)], ["small", f"({percent(summary.percent)})"]]


def _summary(context: dict[str, Any]) -> list[Block]:
    results, round_ = context["results"], context["round"]
    blocks = [heading(_("Management summary"), page=True)]
    if not results.visible:
        blocks.append(
            paragraph(
                _(
                    "There are no results to show yet: results are released when the round closes, and only when "
                    "at least %(min)s respondents have sent their answers. While the round is open a coordinator "
                    "can ask for an interim release."
                )
                % {"min": round_.min_group_size}
            )
        )
    else:
        blocks += [heading(_("Response"), 2), paragraph(context["response_sentence"])]
        blocks += [paragraph(words) for words in results.release.explanations]
        blocks += [
            heading(_("Strongest and weakest"), 2),
            paragraph(context["scores_sentence"]),
            paragraph(context["items_sentence"]),
            heading(_("Where groups see it differently"), 2),
            paragraph(context["gaps_opening"]),
        ]
        if context["gap_lines"]:
            blocks.append(bullets(context["gap_lines"]))
    blocks += [heading(_("Changes since the previous round"), 2), paragraph(context["changes_opening"])]
    if context["changes"]:
        blocks.append(bullets(context["changes"]))
    return blocks


def _scores(context: dict[str, Any]) -> list[Block]:
    results = context["results"]
    groups = len(results.columns)
    blocks = [
        heading(_("Scores per key"), page=True),
        paragraph(context["scores_sentence"]),
        chart(context["radar"], 84),
        table(
            _("Mean score per key (1–%(points)s) and as a percentage") % {"points": results.points},
            [_("Key"), *[f"{c.label} (n={c.respondents})" for c in results.columns], _("Consensus")],
            [
                [
                    f"{theme.number}. {tr(theme.title)}",
                    *[_score(s) for s in scores],
                    consensus_label(scores[0].consensus),
                ]
                for theme, scores in context["key_rows"]
            ],
            [0.28 * (groups + 1.4) / 0.72, *[1.0] * groups, 1.4],
            ends=0,
        ),
    ]
    blocks[-1]["align"] = ["start", *["end"] * groups, "start"]
    if context.get("comparison"):
        blocks += [heading(_("Compared with the previous round"), 2), chart(context["comparison"])]
    if context["discuss"]:
        blocks += [heading(_("Three things to discuss"), page=True), bullets(context["discuss"], ordered=True)]
    return blocks


def _agreed(context: dict[str, Any]) -> list[Block]:
    blocks = [heading(_("Agreed scores"), page=True)]
    if not context["agreed_scores"]:
        return [*blocks, paragraph(_("No agreed scores have been recorded for this round."))]
    rows = []
    for row in context["agreed_scores"]:
        theme = row["theme"]
        key = f"{theme.number}. {tr(theme.title)}" if theme else row["agreed"].theme_code
        rows.append([key, number(row["measured"]), number(row["score"]), [["small", row["agreed"].reasoning]]])
    found = table(
        _("Agreed score per key"),
        [_("Key"), _("Measured"), _("Agreed"), _("Reasoning")],
        rows,
        [3, 1.2, 1.2, 5],
    )
    found["align"] = ["start", "end", "end", "start"]
    return [
        *blocks,
        paragraph(_("The scores the team agreed on after discussing the results, beside the measured scores.")),
        found,
    ]


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    return f"{format_date(start, 'j F Y') or '…'} – {format_date(end, 'j F Y') or '…'}"


def _plan(context: dict[str, Any]) -> list[Block]:
    blocks = [heading(_("Action plan"), page=True)]
    if not context["actions"]:
        return [*blocks, paragraph(_("No actions have been linked to this round yet."))]
    rows = []
    for row in context["actions"]:
        action, theme = row["action"], row["theme"]
        title: list[list[str]] = [["", action.title]]
        if action.description:
            title.append(["small", action.description])
        key: list[list[str]] = [["", f"{theme.number}. {tr(theme.title)}" if theme else action.theme_code or "–"]]
        if action.item_code:
            key += [["", " · "], ["code", action.item_code]]
        period = _period(action.starts_on, action.due_on)
        rows.append([title, key, action.owner_display or "–", period, action.get_phase_display()])
    return [
        *blocks,
        paragraph(_("The actions linked to this round, by phase of the plan-do-check-act cycle.")),
        table(_("Actions"), [_("Action"), _("Key"), _("Owner"), _("Period"), _("Phase")], rows, [4, 2.5, 1.6, 2, 1.2]),
    ]


def _method(context: dict[str, Any]) -> list[Block]:
    results, round_ = context["results"], context["round"]
    scale = "; ".join(f"{o.value} = {tr(o.label)}" for o in context["scale_options"])
    words = f"{tr(round_.scale.title)}: {scale}."
    if context["missing_options"]:
        apart = ", ".join(f"“{tr(o.label)}”" for o in context["missing_options"])
        words += " " + _("Counted apart and never in scores:") + f" {apart}."
    blocks = [
        heading(_("Method"), page=True),
        heading(_("Answer scale"), 2),
        paragraph(words),
        paragraph(
            _(
                "A characteristic's score is the mean of its answers on the scale; a key's score is the mean of its "
                "characteristics' scores (each weighs the same); the overall score is the mean of the key scores. The "
                "percentage puts the lowest point of the scale at 0%% and the highest at 100%%."
            )
            % {}  # the template's message: its percent signs are doubled
        ),
        paragraph(
            _(
                "Consensus comes from the spread of the answers: “agree” when answers lie close together, “divided” "
                "when they are far apart, “mixed” in between. Groups “see it differently” where their scores differ by "
                "one scale point or more."
            )
        ),
        paragraph(
            _(
                "Changes are measured against the organisation's previous round of the same instrument; keys and "
                "characteristics are matched by their codes, so they can be compared across versions of the "
                "instrument."
            )
        ),
        heading(_("Groups"), 2),
    ]
    if results.visible:
        blocks.append(bullets([f"{c.label}: {c.respondents}" for c in results.group_columns]))
    blocks += [
        paragraph(
            _(
                "Minimum group size: %(min)s. A group with fewer respondents is never shown on its own, in no figure, "
                "chart, table or comment, and cannot be worked out by subtraction from other figures."
            )
            % {"min": round_.min_group_size}
        ),
        heading(_("What was left out, and why"), 2),
    ]
    if not results.visible:
        blocks.append(
            paragraph(
                _(
                    "No release yet (a release needs at least %(min)s respondents): no figures and no comments are "
                    "shown."
                )
                % {"min": round_.min_group_size}
            )
        )
    elif results.release.explanations:
        blocks += [paragraph(words) for words in results.release.explanations]
    else:
        blocks.append(paragraph(_("No group was too small: every group that responded is shown on its own.")))
    blocks.append(paragraph(_("Comments are shown without names, and only from groups shown on their own.")))
    return blocks


def _item_figures(summary: Any) -> str:
    words = _("Mean %(mean)s, median %(median)s, spread %(sd)s (%(consensus)s), %(n)s answers on the scale.") % {
        "mean": number(summary.mean),
        "median": number(summary.median),
        "sd": number(summary.sd, 2),
        "consensus": consensus_label(summary.consensus),
        "n": summary.n,
    }
    if summary.dont_know:
        words += " " + _("“Don't know”: %(share)s.") % {"share": percent_share(summary.dont_know_share)}
    return words


def _key_page(context: dict[str, Any], page: dict[str, Any], first: bool) -> list[Block]:
    results = context["results"]
    theme = page["theme"]
    pre = _("Key %(n)s") % {"n": theme.number}
    if theme.cluster:
        pre += f" · {tr(theme.cluster.title)}"
    score = page["key_score"]
    blocks = [
        heading(f"{theme.number}. {tr(theme.title)}", page=not first, pre=pre),
        paragraph(tr(theme.description), "description"),
        paragraph(
            _(
                "This key scores %(mean)s on a scale of 1 to %(points)s (%(percent)s). Consensus among respondents: "
                "%(consensus)s."
            )
            % {
                "mean": number(score.mean),
                "percent": percent(score.percent),
                "points": results.points,
                "consensus": consensus_label(score.consensus),
            }
        ),
    ]
    if page["change"]:
        blocks.append(
            paragraph(
                _("In the previous round this key scored %(previous)s (change: %(change)s).")
                % {"previous": number(page["change"].previous), "change": page["change_words"]}
            )
        )
    by_group = table(
        _("Score of this key per group"),
        [_("Group"), _("Respondents"), _("Score"), _("Consensus")],
        [
            [
                column.label,
                str(column.respondents),
                f"{number(s.mean)} ({percent(s.percent)})",
                consensus_label(s.consensus),
            ]
            for column, s in page["key_scores"]
        ],
        [4, 1.5, 1.5, 1.5],
    )
    by_group["align"] = ["start", "end", "end", "start"]
    groups = len(results.columns)
    blocks += [
        by_group,
        heading(_("Characteristics"), 2),
        table(
            _("Mean score per characteristic and group"),
            [_("Characteristic"), *[c.label for c in results.columns]],
            [
                [
                    [["code", row["item"].code], ["", " " + tr(row["item"].text)]],
                    *[number(s.mean) for s in row["by_column"]],
                ]
                for row in page["items"]
            ],
            [0.28 * groups / 0.72, *[1.0] * groups],
            ends=groups,
        ),
        heading(_("Answers per characteristic"), 2),
        table(
            _("Number of answers per option"),
            [_("Characteristic"), *page["options"]],
            [[[["code", row["item"].code]], *[str(count) for _label, count in row["counts"]]] for row in page["items"]],
            [1.4 * len(page["options"]) / 8.6, *[1.0] * len(page["options"])],
            ends=len(page["options"]),
        ),
        chart(page["legend"]),
    ]
    for row in page["items"]:
        blocks.append(
            together(
                paragraph([["code", row["item"].code], ["strong", " " + tr(row["item"].text)]]),
                paragraph(_item_figures(row["summary"]), "small"),
                chart(row["bar"]),
            )
        )
    blocks.append(heading(_("Where groups see it differently"), 2))
    if page["gaps"]:
        blocks.append(
            bullets(
                [
                    [
                        ["code", gap.subject.code],
                        [
                            "",
                            f": {gap.first.label} {number(gap.first_mean)}, "
                            f"{gap.second.label} {number(gap.second_mean)} "
                            f"({_('difference')} {number(gap.difference)})",
                        ],
                    ]
                    for gap in page["gaps"]
                ]
            )
        )
    else:
        blocks.append(paragraph(_("No group differs from another by one scale point or more.")))
    blocks.append(heading(_("Comments"), 2))
    if page["comments"]:
        blocks.append(bullets([str(comment) for comment in page["comments"]]))
    else:
        blocks.append(paragraph(_("No comments, or only from groups too small to show.")))
    blocks.append(heading(_("Tips from the instrument"), 2))
    if page["tips"]:
        blocks.append(
            paragraph(
                _("This key scores below the middle of the scale. The instrument suggests:")
                if page["low"]
                else _("What the instrument suggests for this key:")
            )
        )
        blocks.append(
            bullets(
                [
                    {"text": tr(tip.text), "sub": [tr(sub) for sub in tip.explanation]}
                    if tip.explanation
                    else tr(tip.text)
                    for tip in page["tips"]
                ]
            )
        )
    else:
        blocks.append(paragraph(_("The instrument has no tips for this key.")))
    return blocks


def report_data(context: dict[str, Any]) -> dict[str, Any]:
    """The document of `report.report_context(...)`, in the active language."""
    round_, organisation, results = context["round"], context["organisation"], context["results"]
    today = context["today"]
    cover = {
        "organisation": organisation.name,
        "title": round_.title,
        "kind": _("Report of the results, with an appendix per key")
        if context["appendix"]
        else _("Report of the results for the board"),
        "facts": [
            [_("Instrument"), f"{tr(round_.version.title)} ({_('version')} {round_.version.number})"],
            [_("Period"), _period(round_.opens_on, round_.closes_on)],
            [_("Respondents"), str(results.respondents)],
            [_("Report made on"), format_date(today, "j F Y")],
        ],
    }
    blocks = _summary(context)
    if results.visible:
        blocks += _scores(context)
    blocks += _agreed(context) + _plan(context) + _method(context)
    if context.get("keys"):
        blocks += [
            heading(_("Appendix: the keys one by one"), page=True),
            paragraph(
                _(
                    "Per key: its description, score and consensus per group, every characteristic per group, the "
                    "answers to each characteristic, where groups differ, the comments and the instrument's tips."
                )
            ),
        ]
        for n, page in enumerate(context["keys"]):
            blocks += _key_page(context, page, first=n == 0)
    return document(
        title=f"{_('Report')}: {round_.title} · {organisation.name}",
        author=organisation.name,
        day=today,
        running_title=f"{organisation.name} · {round_.title}",
        cover=cover,
        blocks=blocks,
    )


def report_pdf(context: dict[str, Any]) -> bytes:
    return pdf(report_data(context), context["today"])
