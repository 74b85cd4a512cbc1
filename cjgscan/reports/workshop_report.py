"""The report of a werksessie: every note per guiding question, the wishes with their votes, the agenda.

One context for the page, the PDF (made by the worker) and the CSV/XLSX table. Notes and wishes are printed
without the names participants chose: the report goes further than the room did.
"""

import datetime
import io
from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch
from django.template.defaultfilters import date as date_format
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cjgscan.exports.tables import Table
from cjgscan.exports.writers import CSV, XLSX, csv_chunks, write_xlsx
from cjgscan.instruments.i18n import tr
from cjgscan.reports import typeset
from cjgscan.workshops.models import Note, NoteTheme, Wish, Workshop, WorkshopQuestion

FORMATS = (CSV, XLSX)


def workshop_context(workshop: Workshop) -> dict[str, Any]:
    """Four queries, whatever the number of notes, themes and wishes."""
    notes = Note.objects.select_related("group").order_by("created", "pk")
    questions = list(
        WorkshopQuestion.objects.filter(workshop=workshop)
        .select_related("theme", "item")
        .prefetch_related(Prefetch("notes", queryset=notes))
        .order_by("theme__number", "position")
    )
    for question in questions:
        every = list(question.notes.all())
        merged: dict[int, list[Note]] = defaultdict(list)
        for note in every:
            if note.merged_into_id is not None:
                merged[note.merged_into_id].append(note)
        # A merged note is shown under the one it was merged into; every note appears once.
        question.report_notes = [(n, merged.get(n.pk, [])) for n in every if n.merged_into_id is None]  # type: ignore[attr-defined]
        # By theme (the themes in the order they were made), then the notes in none: (theme or None, notes).
        question.report_themes = by_theme(question.report_notes)  # type: ignore[attr-defined]
        question.note_count = len(every)  # type: ignore[attr-defined]
    wishes = list(
        Wish.objects.filter(workshop=workshop)
        .select_related("theme", "note_theme")
        .annotate(vote_count=Count("votes"))
        .order_by("theme__number", "-vote_count", "created", "pk")
    )
    pillars = list(workshop.pillars.order_by("number"))
    return {
        "organisation": workshop.organisation,
        "workshop": workshop,
        "pillars": [
            {
                "pillar": pillar,
                "questions": [q for q in questions if q.theme_id == pillar.pk],
                "wishes": [w for w in wishes if w.theme_id == pillar.pk],
            }
            for pillar in pillars
        ],
        "agenda": sorted(wishes, key=lambda w: (-w.vote_count, w.theme.number, w.created, w.pk)),
    }


def by_theme(notes: list[tuple[Note, list[Note]]]) -> list[tuple[NoteTheme | None, list[tuple[Note, list[Note]]]]]:
    """The question's notes (each with those merged into it) by theme, then those in no theme."""
    groups: dict[int, NoteTheme] = {}
    themed: dict[int, list[tuple[Note, list[Note]]]] = defaultdict(list)
    loose = []
    for note, merged in notes:
        if note.group is None:
            loose.append((note, merged))
        else:
            groups.setdefault(note.group.pk, note.group)
            themed[note.group.pk].append((note, merged))
    ordered = sorted(groups.values(), key=lambda group: (group.created, group.pk))
    parts: list[tuple[NoteTheme | None, list[tuple[Note, list[Note]]]]] = [(g, themed[g.pk]) for g in ordered]
    return parts + ([(None, loose)] if loose else [])


def pdf_data(context: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    """The report as data for Typst (cjgscan/reports/typeset.py), in the active language: what the page shows."""
    workshop, organisation = context["workshop"], context["organisation"]
    blocks = [typeset.heading(_("Development agenda"))]
    if context["agenda"]:
        agenda = typeset.table(
            _("Every development wish, the most votes first"),
            [_("Votes"), _("Pillar"), _("Development wish")],
            [[str(w.vote_count), f"{w.theme.number}. {tr(w.theme.title)}", w.text] for w in context["agenda"]],
            [1, 3, 6],
        )
        agenda["align"] = ["end", "start", "start"]
        blocks.append(agenda)
    else:
        blocks.append(typeset.paragraph(_("No development wishes were written in this werksessie.")))
    for part in context["pillars"]:
        pillar = part["pillar"]
        blocks.append(typeset.heading(f"{_('Pillar')} {pillar.number}: {tr(pillar.title)}"))
        for question in part["questions"]:
            blocks.append(typeset.heading(f"{question.code} {question.text}" if question.code else question.text, 2))
            notes: list[Any] = []
            for group, themed in question.report_themes:
                items = [
                    {"text": note.text, "sub": [other.text for other in merged]} if merged else note.text
                    for note, merged in themed
                ]
                if group is None and len(question.report_themes) == 1:
                    notes += items  # no themes: the notes as they are
                    continue
                # A theme's name, or "not in a theme", with its notes (merged notes after the one they went into).
                texts = [i if isinstance(i, str) else " · ".join([i["text"], *i["sub"]]) for i in items]
                name = f"{_('Theme')}: {group.name}" if group is not None else _("Not in a theme")
                notes.append({"text": name, "sub": texts})
            blocks.append(typeset.bullets(notes) if notes else typeset.paragraph(_("No notes for this question.")))
        if not part["questions"]:
            blocks.append(typeset.paragraph(_("No questions of this pillar were discussed.")))
        blocks.append(typeset.heading(_("Development wishes"), 2))
        votes = [
            ngettext("%(votes)s vote", "%(votes)s votes", w.vote_count) % {"votes": w.vote_count}
            for w in part["wishes"]
        ]
        wishes = [f"{wish.text} ({count})" for wish, count in zip(part["wishes"], votes, strict=True)]
        blocks.append(typeset.bullets(wishes) if wishes else typeset.paragraph(_("No wishes for this pillar.")))
    held_on = date_format(workshop.held_on, "j F Y")
    return typeset.document(
        title=f"{_('Werksessie report')}: {workshop.title} · {organisation.name}",
        author=organisation.name,
        day=today,
        running_title=f"{organisation.name} · {workshop.title}",
        cover={
            "organisation": organisation.name,
            "title": workshop.title,
            "kind": " · ".join(part for part in [_("Werksessie report"), held_on, tr(workshop.version.title)] if part),
            "facts": [],
        },
        blocks=blocks,
        contents=False,
    )


def render_pdf(workshop: Workshop, language: str, today: datetime.date | None = None) -> bytes:
    """Typeset by Typst, tagged PDF/UA-1, dated `today` (the day it was asked for)."""
    day = today or timezone.localdate()
    with translation.override(language):
        return typeset.pdf(pdf_data(workshop_context(workshop), day), day)


def table(workshop: Workshop) -> Table:
    """One row per note and per wish: what a team types into its plan afterwards."""
    context = workshop_context(workshop)
    rows: list[list[Any]] = []
    for part in context["pillars"]:
        pillar = f"{part['pillar'].number}. {tr(part['pillar'].title)}"
        for question in part["questions"]:
            for group, notes in question.report_themes:
                theme = group.name if group is not None else ""
                for note, merged in notes:
                    rows.append([pillar, _("note"), question.text, note.text, None, "", theme])
                    rows += [[pillar, _("note"), question.text, m.text, None, note.text, theme] for m in merged]
        for wish in part["wishes"]:
            group = getattr(wish, "note_theme", None)
            rows.append([pillar, _("wish"), "", wish.text, wish.vote_count, "", group.name if group else ""])
    header = [_("Pillar"), _("Kind"), _("Guiding question"), _("Text"), _("Votes"), _("Merged into"), _("Theme")]
    return Table(title=_("Werksessie"), header=header, rows=rows)


def table_bytes(workshop: Workshop, file_format: str) -> bytes:
    if file_format == XLSX:
        buffer = io.BytesIO()
        write_xlsx(table(workshop), buffer)
        return buffer.getvalue()
    return b"".join(csv_chunks(table(workshop)))


def file_name(workshop: Workshop, extension: str, language: str) -> str:
    with translation.override(language):
        word = _("werksessie report")
    return f"{slugify(workshop.title) or 'werksessie'}-{slugify(word)}.{extension}"
