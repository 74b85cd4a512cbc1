"""Themes (thema's) of the work session: the facilitator groups notes of a question under a name, and a theme can
become a wish of the question's pillar with one click.

In code a theme is a `NoteTheme` (`Theme` is the instrument's pillar). Each write is one function inside a
transaction that raises the session's revision, so the big screen and the phones show the themes at their next
poll. What a screen may show is decided in `grouped`: the big screen and the phones get only notes they may see
(`Note.objects.shown()`, after reveal), so a theme never carries a hidden, waiting or unrevealed note to them.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count

from cjgscan.workshops.actions import WorkshopError, touch
from cjgscan.workshops.models import THEME_NAME_MAX_LENGTH, WISH_MAX_LENGTH, Note, NoteTheme, Wish, WorkshopQuestion


def _uuids(values: Iterable[Any]) -> list[uuid.UUID]:
    """The well-formed uuids among what the form sent; the rest is ignored (it matches no note anyway)."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _name(name: str) -> str:
    name = " ".join(name.replace("\x00", "").split())[:THEME_NAME_MAX_LENGTH]
    if not name:
        raise WorkshopError("theme needs a name")
    return name


def _check_open(question: WorkshopQuestion) -> None:
    if not question.workshop.is_open:
        raise WorkshopError("ended")


def _notes(question: WorkshopQuestion, note_uuids: Iterable[Any]) -> list[Note]:
    """The chosen notes of the question that are on the screen or could be (not merged away), locked."""
    notes = list(
        Note.objects.select_for_update()
        .filter(question=question, uuid__in=_uuids(note_uuids), merged_into__isnull=True)
        .order_by("created", "pk")
    )
    if not notes:
        raise WorkshopError("theme needs notes")
    return notes


def do_make_theme(question: WorkshopQuestion, note_uuids: Iterable[Any], name: str) -> NoteTheme:
    """A new theme of the chosen notes (they leave the theme they were in)."""
    _check_open(question)
    name = _name(name)
    with transaction.atomic():
        notes = _notes(question, note_uuids)
        group = NoteTheme.objects.create(question=question, name=name)
        Note.objects.filter(pk__in=[note.pk for note in notes]).update(group=group)
        touch(question.workshop_id)
    return group


def do_add_to_theme(group: NoteTheme, note_uuids: Iterable[Any]) -> int:
    """Put the chosen notes of the theme's question into it; how many were chosen."""
    _check_open(group.question)
    with transaction.atomic():
        notes = _notes(group.question, note_uuids)
        Note.objects.filter(pk__in=[note.pk for note in notes]).update(group=group)
        touch(group.question.workshop_id)
    return len(notes)


def do_rename_theme(group: NoteTheme, name: str) -> None:
    _check_open(group.question)
    name = _name(name)
    with transaction.atomic():
        NoteTheme.objects.filter(pk=group.pk).update(name=name)
        touch(group.question.workshop_id)


def do_remove_from_theme(note: Note) -> None:
    """The note leaves its theme (and stays a note of the question)."""
    _check_open(note.question)
    with transaction.atomic():
        Note.objects.filter(pk=note.pk).update(group=None)
        touch(note.question.workshop_id)


def do_dissolve_theme(group: NoteTheme) -> None:
    """The theme goes; its notes stay as notes of the question. A wish made from it stays a wish."""
    _check_open(group.question)
    with transaction.atomic():
        Note.objects.filter(group=group).update(group=None)
        NoteTheme.objects.filter(pk=group.pk).delete()
        touch(group.question.workshop_id)


def do_theme_to_wish(group: NoteTheme, text: str = "") -> tuple[Wish, bool]:
    """The theme becomes a wish of its question's pillar, once: (the wish, whether it is new).

    The text is the theme's name unless the facilitator typed another. The theme's row is locked, so that two
    clicks make one wish.
    """
    _check_open(group.question)
    with transaction.atomic():
        locked = NoteTheme.objects.select_for_update(of=("self",)).select_related("question").get(pk=group.pk)
        if locked.wish_id is not None:
            return Wish.objects.get(pk=locked.wish_id), False
        wish = Wish.objects.create(
            workshop_id=locked.question.workshop_id, theme_id=locked.question.theme_id, text=_wish_text(text, locked)
        )
        locked.wish = wish
        locked.save(update_fields=["wish"])
        touch(locked.question.workshop_id)
    return wish, True


def do_edit_theme_wish(group: NoteTheme, text: str) -> Wish:
    """Change the text of the wish made from the theme, as long as nobody voted for it (they voted for its text)."""
    _check_open(group.question)
    with transaction.atomic():
        locked = NoteTheme.objects.select_for_update().get(pk=group.pk)
        wish = Wish.objects.select_for_update().filter(note_theme=locked).first()
        if wish is None:
            raise WorkshopError("theme has no wish")
        if wish.votes.exists():
            raise WorkshopError("wish has votes")
        if wish.action_uuid is not None:
            raise WorkshopError("wish is an action")
        wish.text = _wish_text(text, locked)
        wish.save(update_fields=["text"])
        touch(locked.question.workshop_id)
    return wish


def _wish_text(text: str, group: NoteTheme) -> str:
    return (" ".join(text.replace("\x00", "").split()) or group.name)[:WISH_MAX_LENGTH]


# What the screens show


def question_themes(question: WorkshopQuestion) -> list[NoteTheme]:
    """Every theme of the question, with its wish and the wish's votes (one query): for the regie."""
    return list(
        NoteTheme.objects.filter(question=question)
        .select_related("wish")
        .annotate(wish_votes=Count("wish__votes"))
        .order_by("created", "pk")
    )


def grouped(
    notes: Sequence[Note], groups: Sequence[NoteTheme] | None = None
) -> tuple[list[tuple[NoteTheme, list[Note]]], list[Note]]:
    """(theme, its notes) in the order the themes were made, and the notes in no theme.

    `notes` are what the screen may show (fetched with select_related("group")). Without `groups` (the big screen,
    the phones) a theme appears only with at least one of those notes; with them (the regie) every theme does.
    """
    by_group: dict[int, list[Note]] = {}
    loose: list[Note] = []
    found: dict[int, NoteTheme] = {}
    for note in notes:
        if note.group_id is None:
            loose.append(note)
        else:
            by_group.setdefault(note.group_id, []).append(note)
            found.setdefault(note.group_id, note.group)  # type: ignore[arg-type]
    if groups is None:
        groups = sorted(found.values(), key=lambda group: (group.created, group.pk))
    return [(group, by_group.get(group.pk, [])) for group in groups], loose
