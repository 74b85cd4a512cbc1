"""The facilitator's theme controls on the regie: make a theme of the ticked notes (or add them to one), rename,
take a note out, dissolve, and "make it a wish". Coordinators and administrators only: readers get 403, other
organisations 404; every form is a POST with the CSRF token and goes back to the regie."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cjgscan.workshops import themes
from cjgscan.workshops.access import get_workshop
from cjgscan.workshops.actions import WorkshopError
from cjgscan.workshops.live import _back_to_regie
from cjgscan.workshops.models import Note, NoteTheme, Workshop
from cjgscan.workshops.views import ERRORS, _question_of

THEME_ERRORS = {
    **ERRORS,
    "theme needs a name": gettext_lazy("Give the theme a name."),
    "theme needs notes": gettext_lazy("Tick at least one note of the question for the theme."),
    "theme has no wish": gettext_lazy("This theme is not a wish yet."),
}
# What the buttons of one theme do (the URL's last part).
THEME_ACTIONS = ("hernoemen", "opheffen", "wens", "wens-wijzigen")
BACK = "#themes"


def _theme_of(workshop: Workshop, note_theme_uuid: uuid.UUID) -> NoteTheme:
    group = (
        NoteTheme.objects.select_related("question__theme").filter(uuid=note_theme_uuid, question__workshop=workshop)
    ).first()
    if group is None:
        raise Http404
    group.question.workshop = workshop
    return group


def _back(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """Back to the regie, or to the big screen with its theme controls when the form was sent from there."""
    if request.POST.get("next") == "screen":
        return redirect(reverse("workshop_screen", args=[org_uuid, workshop_uuid]) + "?themas=1" + BACK)
    return _back_to_regie(org_uuid, workshop_uuid, BACK)


def _refused(request: HttpRequest, error: WorkshopError) -> None:
    messages.error(request, str(THEME_ERRORS[error.reason]))


@login_required
@require_POST
def workshop_theme_make(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, question_uuid: uuid.UUID
) -> HttpResponse:
    """The ticked notes become a new theme (`do=new`, with a name) or join an existing one (`do=add`)."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    question = _question_of(workshop, question_uuid)
    question.workshop = workshop
    notes = request.POST.getlist("note")
    try:
        if request.POST.get("do") == "add":
            try:
                target = uuid.UUID(request.POST.get("theme", ""))
            except ValueError:
                raise Http404 from None
            group = _theme_of(workshop, target)
            if group.question_id != question.pk:
                raise Http404
            count = themes.do_add_to_theme(group, notes)
            messages.success(
                request,
                _("%(count)s note(s) added to the theme “%(name)s”.") % {"count": count, "name": group.name[:80]},
            )
        else:
            group = themes.do_make_theme(question, notes, request.POST.get("name", ""))
            messages.success(request, _("The theme “%(name)s” is on the big screen.") % {"name": group.name[:80]})
    except WorkshopError as error:
        _refused(request, error)
    return _back(request, org_uuid, workshop_uuid)


@login_required
@require_POST
def workshop_theme_change(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, note_theme_uuid: uuid.UUID, action: str
) -> HttpResponse:
    """Rename a theme, dissolve it, make it a wish, or change the text of its wish."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    group = _theme_of(workshop, note_theme_uuid)
    try:
        if action == "hernoemen":
            themes.do_rename_theme(group, request.POST.get("name", ""))
            messages.success(request, _("The theme has been renamed."))
        elif action == "opheffen":
            themes.do_dissolve_theme(group)
            messages.success(
                request, _("The theme “%(name)s” has been dissolved; its notes stay.") % {"name": group.name[:80]}
            )
        elif action == "wens":
            wish, created = themes.do_theme_to_wish(group, request.POST.get("text", ""))
            if created:
                messages.success(
                    request,
                    _("The theme is now the wish “%(text)s”; participants can vote for it.") % {"text": wish.text[:80]},
                )
            else:
                messages.info(request, _("This theme was already made a wish."))
        else:
            themes.do_edit_theme_wish(group, request.POST.get("text", ""))
            messages.success(request, _("The text of the wish has been changed."))
    except WorkshopError as error:
        _refused(request, error)
    return _back(request, org_uuid, workshop_uuid)


@login_required
@require_POST
def workshop_note_unthemed(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, note_uuid: uuid.UUID
) -> HttpResponse:
    """Take a note out of its theme."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid, rw=True)
    note = Note.objects.select_related("question").filter(uuid=note_uuid, question__workshop=workshop).first()
    if note is None:
        raise Http404
    note.question.workshop = workshop
    try:
        themes.do_remove_from_theme(note)
    except WorkshopError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The note has been taken out of its theme."))
    return _back_to_regie(org_uuid, workshop_uuid, BACK)
