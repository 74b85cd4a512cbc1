"""The report's context typeset by Typst (the `typst` package) instead of WeasyPrint, for bench/report.py.

The same data as the HTML report (cjgscan.reports.report.report_context) and the same SVG charts, passed to
Typst as files; tagged PDF/UA-1 with the document language, title, headings and alternative text for each chart.
Only for the side-by-side measurement: the application renders with WeasyPrint (docs/reports.md says why).
"""

import re
import tempfile
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from cjgscan.instruments.i18n import tr
from cjgscan.lib.numbers import number, percent

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)


def text(value: Any) -> str:
    """Any text as a Typst string literal in code mode: nothing in it is markup."""
    escaped = CONTROL.sub("", str(value)).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def cell(value: Any) -> str:
    return f"[#{text(value)}]"


class Charts:
    """Each SVG chart as a file under the compile root, referenced with its title as alternative text."""

    def __init__(self, root: Path):
        self.root = root
        self.count = 0

    def image(self, svg: Any, width: str = "100%") -> str:
        self.count += 1
        name = f"chart-{self.count}.svg"
        markup = str(svg)
        (self.root / name).write_text(markup, encoding="utf-8")
        found = SVG_TITLE.search(markup)
        alt = found[1] if found else _("Chart")
        return f'#figure(image("{name}", width: {width}, alt: {text(alt)}))\n'


def table(header: list[str], rows: list[list[str]], first: str = "2fr") -> str:
    columns = f"({first}, " + ", ".join(["1fr"] * (len(header) - 1)) + ")"
    head = f"table.header({', '.join(cell(h) for h in header)})"
    body = ",\n  ".join(", ".join(cell(value) for value in row) for row in rows)
    return f"#table(columns: {columns}, stroke: 0.3pt, inset: 3pt,\n  {head},\n  {body})\n"


def document(context: dict[str, Any], charts: Charts, language: str) -> str:
    results = context["results"]
    round_ = context["round"]
    title, author = text(_("Report") + ": " + round_.title), text(context["organisation"].name)
    parts = [
        f"#set document(title: {title}, author: {author})\n",
        f'#set text(lang: "{language}", font: ("DejaVu Sans", "Liberation Sans"), size: 9.5pt)\n',
        '#set page(paper: "a4", margin: (x: 16mm, top: 18mm, bottom: 20mm), '
        'footer: context [#h(1fr) #counter(page).display("1 / 1", both: true)])\n',
        "#set heading(numbering: none)\n",
        f"#title[#{text(round_.title)}]\n",
        f"#{text(context['organisation'].name)}\n\n#pagebreak()\n",
        "#outline()\n#pagebreak()\n",
        f"= #{text(_('Management summary'))}\n",
    ]
    for sentence in [context.get("response_sentence", ""), context.get("scores_sentence", ""),
                     context.get("items_sentence", ""), context.get("gaps_opening", "")]:  # fmt: skip
        parts.append(f"#{text(sentence)}\n\n")
    parts += [f"- #{text(line)}\n" for line in context.get("gap_lines", [])]
    parts.append(f"\n#{text(context['changes_opening'])}\n\n")
    parts += [f"- #{text(line)}\n" for line in context.get("changes", [])]
    if results.visible:
        parts.append(f"#pagebreak()\n= #{text(_('Scores per key'))}\n")
        parts.append(charts.image(context["radar"], "80%"))
        header = [_("Key")] + [f"{c.label} (n={c.respondents})" for c in results.columns]
        rows = [[f"{t.number}. {tr(t.title)}"] + [f"{number(s.mean)} ({percent(s.percent)})" for s in scores]
                for t, scores in context["key_rows"]]  # fmt: skip
        parts.append(table(header, rows))
        if context.get("comparison"):
            parts.append(charts.image(context["comparison"]))
    for page in context.get("keys", []):
        theme = page["theme"]
        parts.append(f"#pagebreak()\n= #{text(f'{theme.number}. {tr(theme.title)}')}\n")
        parts.append(f"#emph[#{text(tr(theme.description))}]\n\n")
        header = [_("Characteristic")] + [c.label for c in results.columns]
        rows = [[f"{row['item'].code} {tr(row['item'].text)}"] + [number(s.mean) for s in row["by_column"]]
                for row in page["items"]]  # fmt: skip
        parts.append(f"== #{text(_('Characteristics'))}\n")
        parts.append(table(header, rows, "3fr"))
        rows = [[row["item"].code] + [str(count) for _label, count in row["counts"]] for row in page["items"]]
        parts.append(table([_("Characteristic"), *page["options"]], rows, "1fr"))
        parts.append(charts.image(page["legend"]))
        for row in page["items"]:
            parts.append(f"#strong[#{text(row['item'].code + ' ' + tr(row['item'].text))}]\n\n")
            parts.append(charts.image(row["bar"]))
        parts.append(f"== #{text(_('Comments'))}\n")
        parts += [f"- #{text(comment)}\n" for comment in page["comments"]]
        parts.append(f"== #{text(_('Tips from the instrument'))}\n")
        parts += [f"- #{text(tr(tip.text))}\n" for tip in page["tips"]]
    parts.append(f"#pagebreak()\n= #{text(_('Agreed scores'))}\n")
    rows = [[row["agreed"].theme_code, number(row["measured"]), number(row["score"]), row["agreed"].reasoning]
            for row in context["agreed_scores"]]  # fmt: skip
    if rows:
        parts.append(table([_("Key"), _("Measured"), _("Agreed"), _("Reasoning")], rows, "1fr"))
    parts.append(f"= #{text(_('Action plan'))}\n")
    rows = [[row["action"].title, row["action"].theme_code, row["action"].owner_display,
             row["action"].get_phase_display()] for row in context["actions"]]  # fmt: skip
    if rows:
        parts.append(table([_("Action"), _("Key"), _("Owner"), _("Phase")], rows))
    parts.append(f"= #{text(_('Method'))}\n")
    return "".join(parts)


def render(context: dict[str, Any], language: str) -> bytes:
    import typst  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as folder, translation.override(language):
        root = Path(folder)
        source = document(context, Charts(root), language)
        (root / "report.typ").write_text(source, encoding="utf-8")
        pdf = typst.compile(str(root / "report.typ"), root=str(root), format="pdf", pdf_standards="ua-1")
    assert isinstance(pdf, bytes)
    return pdf
