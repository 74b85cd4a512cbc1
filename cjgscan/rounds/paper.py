"""Group links with their QR codes, and paper forms: printed questionnaires typed in or imported from CSV.

Paper answers go through the same checks as online ones (`answers.Questionnaire.parse`) and are stored with
`answers.save_answers`; a paper response has no token, so nothing ties it to the person who filled it in.
"""

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import Profession
from cjgscan.lib import codes
from cjgscan.lib.pdf import render_pdf
from cjgscan.lib.uploads import count_text_cells, too_many_cells
from cjgscan.rounds.answers import ParsedAnswers, Questionnaire, save_answers
from cjgscan.rounds.models import (
    IMPORTANCE_CHOICES,
    OTHER_PROFESSION,
    Answer,
    PaperEntryLog,
    RespondentGroup,
    Response,
    Round,
    ThemeAnswer,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
BULK_BATCH_SIZE = 1000
# Words a CSV cell may hold for the answers that are not a point on the scale (compared case-insensitively).
DONT_KNOW_WORDS = ("?", "weet niet", "weet ik niet", "dont_know")
NOT_APPLICABLE_WORDS = ("nvt", "n.v.t.", "niet van toepassing", "not_applicable")
OTHER_PROFESSION_WORDS = (OTHER_PROFESSION, "other")


# Group links and QR codes


def group_link_url(request: HttpRequest, group: RespondentGroup) -> str:
    """The address respondents of the group open; it changes when the link is renewed."""
    return f"{request.build_absolute_uri('/')}g/{group.link_token()}/"


def group_short_url(request: HttpRequest, group: RespondentGroup) -> str:
    """The same link to type, with the group's short code: https://cjg.example.nl/g/K7M4-Q2XP-ABCD."""
    return request.build_absolute_uri(f"/g/{codes.formatted(group.short_code())}")


def without_scheme(url: str) -> str:
    """What people type (browsers add https://): cjg.example.nl/g/K7M4-Q2XP-ABCD."""
    return url.split("://", 1)[-1]


def _qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg_inline(url: str, label: str, scale: int = 5) -> str:
    """The QR code as an <svg> element for a page (sized) or a PDF (scale 0: sized by the style sheet)."""
    options: dict[str, Any] = {"omitsize": True} if scale == 0 else {"scale": scale}
    svg = _qr(url).svg_inline(title=label, light="#fff", border=4, **options)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def qr_svg_file(url: str, label: str) -> bytes:
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=10, border=4, light="#fff", title=label, xmldecl=True)
    return out.getvalue()


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def do_renew_group_link(group: RespondentGroup) -> None:
    """A new link for the group; the old one and its short code stop working at once."""
    with transaction.atomic():
        # Locked, so that two renewals in parallel each raise the version and the code follows the last one.
        locked = RespondentGroup.objects.select_for_update().get(pk=group.pk)
        locked.link_version += 1
        locked.save(update_fields=["link_version"])
    group.link_version, group.code_hash = locked.link_version, locked.code_hash


# PDF


# Paper forms


def professions_of(round_: Round) -> list[Profession]:
    return list(round_.version.professions.all()) if round_.ask_profession else []


@dataclass
class PaperForm:
    """One paper form as checked: the group, the answers, and problems as (field name or "", message)."""

    group: RespondentGroup | None = None
    parsed: ParsedAnswers = field(default_factory=ParsedAnswers)
    errors: list[tuple[str, str]] = field(default_factory=list)


def answer_fields(data: Mapping[str, str]) -> dict[str, str]:
    """The fields `Questionnaire.parse` reads; empty comments and importances are left out."""
    return {
        name: value
        for name, value in data.items()
        if name.startswith("item-")
        or name == "profession"
        or (name.startswith(("comment-", "importance-")) and value.strip())
    }


def check_paper_form(
    questionnaire: Questionnaire, groups: Iterable[RespondentGroup], group_value: str, data: Mapping[str, str]
) -> PaperForm:
    """Check one form completely; each problem names the field it is about, so a page can link to it."""
    form = PaperForm()
    form.group = {str(group.uuid): group for group in groups}.get(group_value.strip())
    if form.group is None:
        form.errors.append(("group", _("Choose the group that is ticked on the form.")))
    fields = answer_fields(data)
    form.parsed = questionnaire.parse(fields)
    if form.parsed.errors:
        # Every check in parse() is about one field, so checking them one by one tells which field failed.
        for name, value in fields.items():
            form.errors.extend((name, message) for message in questionnaire.parse({name: value}).errors)
    elif not form.parsed.answers:
        form.errors.append(("", _("No characteristic has been answered; an empty form is not saved.")))
    return form


def _paper_response(round_: Round, group: RespondentGroup, parsed: ParsedAnswers) -> Response:
    today = timezone.localdate()
    return Response(
        round=round_,
        group=group,
        channel=Response.Channel.PAPER,
        status=Response.Status.SUBMITTED,
        started_on=today,
        submitted_on=today,
        token_hash=None,
        profession=parsed.profession or "",
    )


def log_paper_entry(
    round_: Round, group: RespondentGroup, user: AbstractBaseUser, source: str, form_count: int
) -> None:
    """Count forms on the day's log row of this person, group and way of entering (inside the caller's
    transaction, so a form and its count are stored together)."""
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    log, _created = PaperEntryLog.objects.get_or_create(
        round=round_,
        group=group,
        entered_by=user,
        entered_on=timezone.localdate(),
        source=source,
        defaults={"entered_by_name": name or user.get_username()},
    )
    PaperEntryLog.objects.filter(pk=log.pk).update(form_count=F("form_count") + form_count)


def do_save_paper_form(
    round_: Round, group: RespondentGroup, parsed: ParsedAnswers, user: AbstractBaseUser
) -> Response:
    """Store one checked paper form as a submitted response, and count it in the paper entry log."""
    with transaction.atomic():
        response = _paper_response(round_, group, parsed)
        response.save(force_insert=True)
        save_answers(response, parsed)
        log_paper_entry(round_, group, user, PaperEntryLog.Source.ENTRY, 1)
    return response


def do_import_paper_forms(
    round_: Round, forms: list[tuple[RespondentGroup, ParsedAnswers]], user: AbstractBaseUser
) -> int:
    """Store checked paper forms as submitted responses, all of them or none.

    The same rows as `save_answers` writes, inserted as plain rows: 5,000 forms hold a quarter of a million
    answers, too many to build as model instances within a request. The responses are new: nothing to update.
    """
    responses = [_paper_response(round_, group, parsed) for group, parsed in forms]
    db = transaction.get_connection()
    answers = []
    theme_answers = []
    for response, (_group, parsed) in zip(responses, forms, strict=True):
        response_id = Response._meta.pk.get_db_prep_value(response.pk, db)
        answers += [
            (new_id(db), response_id, item_id, option.pk, option.value) for item_id, option in parsed.answers.items()
        ]
        theme_answers += [
            (new_id(db), response_id, theme_id, parsed.comments.get(theme_id, ""), parsed.importance.get(theme_id))
            for theme_id in sorted(parsed.comments.keys() | parsed.importance.keys())
        ]
    per_group = Counter(group for group, _parsed in forms)
    with transaction.atomic():
        Response.objects.bulk_create(responses, batch_size=BULK_BATCH_SIZE)
        _insert_rows(Answer, ["id", "response", "item", "option", "value"], answers)
        _insert_rows(ThemeAnswer, ["id", "response", "theme", "comment", "importance"], theme_answers)
        for group, count in per_group.items():
            log_paper_entry(round_, group, user, PaperEntryLog.Source.IMPORT, count)
    return len(responses)


def new_id(db: Any) -> Any:
    """A random row id as the database takes it (Answer and ThemeAnswer ids are uuids, see models.py)."""
    return Answer._meta.pk.get_db_prep_value(uuid.uuid4(), db)


def _insert_rows(model: type[models.Model], field_names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT rows of values that are ready for the database (ids, numbers, text), many rows per statement."""
    db = transaction.get_connection()
    quote = db.ops.quote_name
    columns = [model._meta.get_field(name).column for name in field_names]  # type: ignore[union-attr]
    placeholders = "({})".format(", ".join(["%s"] * len(columns)))
    per_statement = max(1, min(BULK_BATCH_SIZE, (db.features.max_query_params or 65535) // len(columns)))
    with db.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (names from the model, values as parameters)
                quote(model._meta.db_table), ", ".join(map(quote, columns)), ", ".join([placeholders] * len(batch))
            )
            cursor.execute(sql, [value for row in batch for value in row])


def paper_form_count(round_: Round) -> int:
    return round_.responses.filter(channel=Response.Channel.PAPER).count()


# CSV import


def csv_columns(questionnaire: Questionnaire) -> list[str]:
    """The columns of an import file, in the order of the template."""
    round_ = questionnaire.round
    columns = ["group"]
    if round_.ask_profession:
        columns.append("profession")
    columns += list(questionnaire.items)
    columns += [f"comment-{theme.code}" for theme in questionnaire.themes]
    if round_.ask_importance:
        columns += [f"importance-{theme.code}" for theme in questionnaire.themes]
    return columns


def csv_template(questionnaire: Questionnaire) -> bytes:
    """The header row of an import file: UTF-8 with a byte order mark and `;`, as Dutch Excel expects."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(csv_columns(questionnaire))
    return ("\ufeff" + out.getvalue()).encode()


@dataclass
class ImportResult:
    forms: list[tuple[RespondentGroup, ParsedAnswers]] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (row, message); None: whole file

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.forms)


class _CsvReader:
    """Turns the cells of one CSV row into the fields `Questionnaire.parse` reads."""

    def __init__(self, questionnaire: Questionnaire, groups: Iterable[RespondentGroup]):
        self.questionnaire = questionnaire
        self.groups = {group.name.strip().casefold(): group for group in groups}
        self.group_names = ", ".join(group.name for group in self.groups.values())
        options = questionnaire.options
        values = sorted(option.value for option in options if option.value is not None)
        self.scale_text = f"{values[0]}–{values[-1]}" if values else "–"
        self.value_codes = {str(option.value): option.code for option in options if option.value is not None}
        for code, words in (("dont_know", DONT_KNOW_WORDS), ("not_applicable", NOT_APPLICABLE_WORDS)):
            if code in questionnaire.options_by_code:
                self.value_codes.update(dict.fromkeys(words, code))
        self.professions: dict[str, str] = {}
        for profession in professions_of(questionnaire.round):
            names = [profession.code, *profession.name.values()]
            self.professions.update({str(name).strip().casefold(): profession.code for name in names})
        self.professions.update(dict.fromkeys(OTHER_PROFESSION_WORDS, OTHER_PROFESSION))

    def columns(self, header: list[str]) -> tuple[list[str], list[str]]:
        """Field names for the header's columns ("" for an unnamed one), and problems with the header."""
        known = {column.casefold(): column for column in csv_columns(self.questionnaire)}
        names: list[str] = []
        problems: list[str] = []
        for cell in header:
            label = cell.strip()
            column = known.get(label.casefold())
            if label and column is None:
                problems.append(_("Unknown column “%(column)s”.") % {"column": label[:40]})
            elif column and column in names:
                problems.append(_("The column “%(column)s” appears twice.") % {"column": column})
            names.append(column or "")
        if "group" not in names:
            problems.append(_("The column “group” is missing."))
        return names, problems

    def row(self, names: list[str], cells: list[str]) -> tuple[RespondentGroup | None, dict[str, str], list[str]]:
        group = None
        data: dict[str, str] = {}
        problems: list[str] = []
        if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
            problems.append(_("There are more cells than columns in the header."))
        for name, raw in zip(names, cells, strict=False):
            value = raw.strip()
            if not name:
                if value:
                    problems.append(_("There is a value in a column without a name."))
            elif name == "group":
                group = self.groups.get(value.casefold())
                if group is None:
                    problems.append(
                        _("group: “%(value)s” is not a group of this round; the groups are: %(groups)s.")
                        % {"value": value[:40], "groups": self.group_names}
                    )
            elif name == "profession":
                profession = self.professions.get(value.casefold(), "") if value else ""
                if value and not profession:
                    problems.append(
                        _("profession: “%(value)s” is not a profession of this questionnaire.") % {"value": value[:40]}
                    )
                data[name] = profession
            elif name.startswith("comment-") or name.startswith("importance-"):
                if value:
                    data[name] = raw
            elif value:
                code = self.value_codes.get(value.casefold())
                if code is None:
                    problems.append(
                        _("%(column)s: %(value)s is not on the scale %(scale)s.")
                        % {"column": name, "value": value[:20], "scale": self.scale_text}
                    )
                else:
                    data[f"item-{name}"] = code
        return group, data, problems


def read_answer_csv(questionnaire: Questionnaire, groups: Iterable[RespondentGroup], raw: bytes) -> ImportResult:
    """Check every row of an import file; the result holds either forms to save or the problems, per row.

    Rows are numbered as in a spreadsheet: the header is row 1. Rows without any value are skipped.
    """
    result = ImportResult()
    if len(raw) > MAX_IMPORT_BYTES:
        result.problems.append((None, _("The file is larger than 2 MB; split it into smaller files.")))
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append((None, _("The file is not in UTF-8; save it as “CSV UTF-8” and try again.")))
        return result
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # The rows the import takes, each as wide as the template (and a little), bound the cells before parsing.
    max_cells = (MAX_IMPORT_ROWS + 1) * (len(csv_columns(questionnaire)) + 5)
    if count_text_cells(text, delimiter) > max_cells:
        result.problems.append((None, str(too_many_cells(max_cells))))
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row_reader = _CsvReader(questionnaire, groups)
    try:
        header = next(reader, None)
        if header is None:
            result.problems.append((None, _("The file is empty.")))
            return result
        names, header_problems = row_reader.columns(header)
        if header_problems:
            result.problems += [(1, problem) for problem in header_problems]
            return result
        rows = 0
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if rows > MAX_IMPORT_ROWS:
                result.problems.append(
                    (None, _("The file has more than %(max)s rows; split it.") % {"max": MAX_IMPORT_ROWS})
                )
                break
            group, data, problems = row_reader.row(names, cells)
            parsed = questionnaire.parse(data)
            problems += parsed.errors
            if not problems and not parsed.answers:
                problems.append(_("No characteristic has been answered."))
            result.problems += [(number, problem) for problem in problems]
            if group is not None and not problems:
                result.forms.append((group, parsed))
    except csv.Error as error:
        result.problems.append(
            (None, _("Line %(line)s cannot be read: %(error)s") % {"line": reader.line_num, "error": error})
        )
    if not result.problems and not result.forms:
        result.problems.append((None, _("The file holds no filled-in forms.")))
    return result


def questionnaire_version(round_: Round) -> list[Any]:
    """What the printed questionnaire shows that can change (for its stored file's fingerprint); one query."""
    groups = list(round_.groups.order_by("pk").values_list("pk", "name"))
    return [round_.organisation.name, round_.pk, round_.title, round_.version_id, round_.scale_id,
            round_.closes_on, round_.ask_profession, round_.ask_importance, groups]  # fmt: skip


def questionnaire_pdf(round_: Round) -> bytes:
    """The questionnaire to print, in the active language: made by the worker (reports/tasks.py), never in a
    request (about 1.4 s of CPU for the 51 characteristics)."""
    questionnaire = Questionnaire(round_)
    context = {
        "organisation": round_.organisation,
        "round": round_,
        "themes": questionnaire.themes,
        "options": [tr(option.label) for option in questionnaire.options],
        "groups": list(round_.groups.all()),
        "professions": [tr(profession.name) for profession in professions_of(round_)],
        "importance_choices": IMPORTANCE_CHOICES,
    }
    return render_pdf(None, "rounds/paper_questionnaire.html", context)


def questionnaire_file_name(round_: Round) -> str:
    return f"{slugify(round_.title) or 'meting'}-vragenlijst.pdf"
