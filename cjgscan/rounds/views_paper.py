"""Pages for group links and paper forms of a round: members look, coordinators and administrators write."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cjgscan.instruments.i18n import tr
from cjgscan.lib.pdf import render_pdf
from cjgscan.reports import stored
from cjgscan.reports.models import StoredReport
from cjgscan.rounds import paper
from cjgscan.rounds.access import get_group, get_round, get_round_rw
from cjgscan.rounds.answers import Questionnaire
from cjgscan.rounds.models import (
    COMMENT_MAX_LENGTH,
    IMPORTANCE_CHOICES,
    OTHER_PROFESSION,
    RespondentGroup,
    Round,
)

MAX_REPORTED_PROBLEMS = 500


def _file_response(content: bytes, content_type: str, filename: str, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename) or "attachment"
    return response


def _file_name(round_: Round, group: RespondentGroup | None, suffix: str) -> str:
    parts = [slugify(round_.title) or "meting"]
    if group is not None:
        parts.append(slugify(group.name) or "groep")
    return "-".join(parts) + suffix


def _round_context(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, rw: bool = False
) -> dict[str, Any]:
    membership, round_ = (get_round_rw if rw else get_round)(request, org_uuid, round_uuid)
    return {"membership": membership, "organisation": membership.organisation, "round": round_}


# Group links


def _group_context(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, group_uuid: uuid.UUID
) -> dict[str, Any]:
    context = _round_context(request, org_uuid, round_uuid)
    group = get_group(context["round"], group_uuid)
    url = paper.group_link_url(request, group)
    short_url = paper.group_short_url(request, group)
    label = _("QR code with the link for %(group)s") % {"group": group.name}
    return {
        **context,
        "group": group,
        "url": url,
        "short_url": short_url,
        "short_address": paper.without_scheme(short_url),
        "label": label,
    }


@login_required
@require_GET
@never_cache
def group_link(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, group_uuid: uuid.UUID) -> HttpResponse:
    context = _group_context(request, org_uuid, round_uuid, group_uuid)
    context["qr_svg"] = paper.qr_svg_inline(context["url"], context["label"])
    return render(request, "rounds/group_link.html", context)


@login_required
@require_GET
@never_cache
def group_qr_svg(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, group_uuid: uuid.UUID
) -> HttpResponse:
    context = _group_context(request, org_uuid, round_uuid, group_uuid)
    content = paper.qr_svg_file(context["url"], context["label"])
    return _file_response(content, "image/svg+xml", _file_name(context["round"], context["group"], "-qr.svg"))


@login_required
@require_GET
@never_cache
def group_qr_png(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, group_uuid: uuid.UUID
) -> HttpResponse:
    context = _group_context(request, org_uuid, round_uuid, group_uuid)
    content = paper.qr_png(context["url"])
    return _file_response(content, "image/png", _file_name(context["round"], context["group"], "-qr.png"))


@login_required
@require_GET
@never_cache
def group_sheet_pdf(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, group_uuid: uuid.UUID
) -> HttpResponse:
    context = _group_context(request, org_uuid, round_uuid, group_uuid)
    context["qr_svg"] = paper.qr_svg_inline(context["url"], context["label"], scale=0)
    content = render_pdf(request, "rounds/group_link_sheet.html", context)
    name = _file_name(context["round"], context["group"], ".pdf")
    return _file_response(content, "application/pdf", name, attachment=False)


@login_required
@require_POST
def group_link_renew(
    request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID, group_uuid: uuid.UUID
) -> HttpResponse:
    membership, round_ = get_round_rw(request, org_uuid, round_uuid)
    group = get_group(round_, group_uuid)
    paper.do_renew_group_link(group)
    messages.success(
        request,
        _("The link for %(group)s has been renewed. The old link no longer works; hand out the new one.")
        % {"group": group.name},
    )
    return redirect("group_link", membership.organisation.uuid, round_.uuid, group.uuid)


# The printable questionnaire


def _stored_questionnaire(round_: Round) -> tuple[str, str, Any]:
    language = get_language() or "nl"
    fingerprint = stored.paper_fingerprint(round_, language)
    found = stored.current_report(round_.organisation_id, StoredReport.Kind.PAPER, language, fingerprint)
    return language, fingerprint, found


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def paper_questionnaire(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    """GET: the questionnaire to print and its state; POST (any member: asking is reading): ask the worker for it.
    It is kept until what it shows changes (title, groups, closing date, ...), so usually it is there at once."""
    context = _round_context(request, org_uuid, round_uuid)
    round_ = context["round"]
    language, fingerprint, found = _stored_questionnaire(round_)
    if request.method == "POST":
        stored.do_request_report(round_.organisation_id, StoredReport.Kind.PAPER, language, fingerprint, round_=round_)
        return redirect("paper_questionnaire", org_uuid, round_uuid)
    context.update(report=found, label=StoredReport.Kind.PAPER.label)
    return render(request, "rounds/paper_questionnaire_page.html", context)


@login_required
@require_GET
@never_cache
def paper_questionnaire_pdf(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    """The stored file when it is ready (a read from the database, nothing rendered); otherwise its page."""
    context = _round_context(request, org_uuid, round_uuid)
    _language, _fingerprint, found = _stored_questionnaire(context["round"])
    if found is None or not found.ready:
        return redirect("paper_questionnaire", org_uuid, round_uuid)
    return redirect("report_download", org_uuid, found.uuid)


# Data entry


def _has_started(round_: Round) -> bool:
    return round_.opens_on <= timezone.localdate()


def _entry_sections(
    questionnaire: Questionnaire, values: dict[str, str], field_errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Per key: its characteristics with their radio buttons, its comment and importance, as typed so far."""
    options = [(option.code, tr(option.label)) for option in questionnaire.options]
    importance = [(str(value), label) for value, label in IMPORTANCE_CHOICES]

    def radios(name: str, legend: str, choices: list[tuple[str, Any]], code: str = "") -> dict[str, Any]:
        chosen = values.get(name, "")
        return {
            "name": name,
            "code": code,
            "legend": legend,
            "errors": field_errors.get(name, []),
            "choices": [
                {
                    "value": value,
                    "label": label,
                    "id": f"{name}-{value}" if value else name,
                    "checked": value == chosen,
                }
                for value, label in [("", _("not filled in")), *choices]
            ],
        }

    sections = []
    for theme in questionnaire.themes:
        comment_name = f"comment-{theme.code}"
        sections.append(
            {
                "theme": theme,
                "items": [
                    radios(f"item-{item.code}", tr(item.text), options, code=item.code) for item in theme.items.all()
                ],
                "comment": {
                    "name": comment_name,
                    "value": values.get(comment_name, "").replace("\x00", ""),
                    "errors": field_errors.get(comment_name, []),
                },
                "importance": radios(
                    f"importance-{theme.code}",
                    _("How important is “%(title)s” for your CJG?") % {"title": tr(theme.title)},
                    importance,
                )
                if questionnaire.round.ask_importance
                else None,
            }
        )
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    context = _round_context(request, org_uuid, round_uuid, rw=request.method == "POST")
    round_ = context["round"]
    questionnaire = Questionnaire(round_)
    groups = list(round_.groups.all())
    values: dict[str, str] = {}
    errors: list[tuple[str, str]] = []
    started = _has_started(round_)
    if request.method == "POST" and started:
        values = request.POST.dict()
        form = paper.check_paper_form(questionnaire, groups, values.get("group", ""), values)
        if not form.errors and form.group is not None:
            paper.do_save_paper_form(round_, form.group, form.parsed, context["membership"].user)
            messages.success(
                request,
                _("Paper form %(number)s has been saved (%(group)s). The form is empty for the next one.")
                % {"number": paper.paper_form_count(round_), "group": form.group.name},
            )
            return redirect("paper_entry", context["organisation"].uuid, round_.uuid)
        errors = form.errors
    field_errors: dict[str, list[str]] = {}
    for name, message in errors:
        field_errors.setdefault(name, []).append(message)
    on_page = {"group", *(f"item-{code}" for code in questionnaire.items)}
    on_page |= {f"comment-{code}" for code in questionnaire.themes_by_code}
    if round_.ask_importance:
        on_page |= {f"importance-{code}" for code in questionnaire.themes_by_code}
    if round_.ask_profession:
        on_page.add("profession")
    professions = [(p.code, tr(p.name)) for p in paper.professions_of(round_)]
    if professions:
        professions.append((OTHER_PROFESSION, _("Other")))
    context.update(
        {
            "started": started,
            "groups": groups,
            "values": values,
            "errors": [(name if name in on_page else "", message) for name, message in errors],
            "field_errors": field_errors,
            "professions": professions,
            "sections": _entry_sections(questionnaire, values, field_errors),
            "paper_count": paper.paper_form_count(round_),
            "comment_max_length": COMMENT_MAX_LENGTH,
        }
    )
    return render(request, "rounds/paper_entry.html", context)


# CSV import


@login_required
@require_GET
def paper_import_template(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    round_ = _round_context(request, org_uuid, round_uuid)["round"]
    content = paper.csv_template(Questionnaire(round_))
    return _file_response(content, "text/csv; charset=utf-8", _file_name(round_, None, "-sjabloon.csv"))


@login_required
@require_http_methods(["GET", "POST"])
def paper_import(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    context = _round_context(request, org_uuid, round_uuid, rw=request.method == "POST")
    round_ = context["round"]
    questionnaire = Questionnaire(round_)
    started = _has_started(round_)
    problems: list[tuple[int | None, str]] = []
    if request.method == "POST" and started:
        upload = request.FILES.get("file")
        if upload is None:
            problems = [(None, _("Choose a CSV file to import."))]
        elif upload.size is not None and upload.size > paper.MAX_IMPORT_BYTES:
            problems = [(None, _("The file is larger than 2 MB; split it into smaller files."))]
        else:
            result = paper.read_answer_csv(questionnaire, round_.groups.all(), upload.read(paper.MAX_IMPORT_BYTES + 1))
            problems = result.problems
            if result.ok:
                count = paper.do_import_paper_forms(round_, result.forms, context["membership"].user)
                messages.success(request, _("%(count)s paper forms have been imported.") % {"count": count})
                return redirect("paper_import", context["organisation"].uuid, round_.uuid)
    context.update(
        {
            "started": started,
            "columns": paper.csv_columns(questionnaire),
            "groups": list(round_.groups.all()),
            "problems": problems[:MAX_REPORTED_PROBLEMS],
            "problem_count": len(problems),
            "more_problems": max(0, len(problems) - MAX_REPORTED_PROBLEMS),
            "max_rows": paper.MAX_IMPORT_ROWS,
            "scale_points": [option for option in questionnaire.options if option.value is not None],
            "missing_options": [option.code for option in questionnaire.options if option.value is None],
        }
    )
    return render(request, "rounds/paper_import.html", context)
