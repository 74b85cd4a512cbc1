"""Reading answers from submitted form data, and storing them: checked completely first, then saved at once.

The same field names serve the online questionnaire, the paper data-entry screen and the CSV import:
``item-<item id>`` = an option code of the round's scale (``v1`` … ``vN``, ``dont_know``, ``not_applicable``),
``comment-<key id>`` = text, ``importance-<key id>`` = 1…5, ``profession`` = a profession id or ``anders``.
"""

import functools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cjgscan.instruments.models import Item, Profession, ScaleOption, Theme
from cjgscan.lib.upsert import upsert
from cjgscan.rounds.models import (
    COMMENT_MAX_LENGTH,
    IMPORTANCE_CHOICES,
    OTHER_PROFESSION,
    Answer,
    Response,
    Round,
    ThemeAnswer,
)

IMPORTANCE_VALUES = {str(value) for value, _label in IMPORTANCE_CHOICES}


@dataclass
class ParsedAnswers:
    answers: dict[int, ScaleOption] = field(default_factory=dict)  # item id -> option
    comments: dict[int, str] = field(default_factory=dict)  # theme id -> comment
    importance: dict[int, int] = field(default_factory=dict)  # theme id -> 1..5
    profession: str | None = None
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InstrumentData:
    """The parts of an instrument version and scale a questionnaire asks, as loaded once per process."""

    themes: tuple[Theme, ...]  # in page order, each with its items prefetched
    items: dict[str, Item]
    options: tuple[ScaleOption, ...]
    professions: tuple[Profession, ...]


# What a round asks is kept per worker process instead of being read again (51 items, 7 keys and their translated
# texts decoded from JSON) on every autosave: an instrument version is never changed once loaded (new content makes a
# new version, see InstrumentVersion) and cannot be deleted while a round uses it (PROTECT). The key is the round's
# random uuid with its version and scale ids, so a round moved to another scale or version gets a new entry, and a
# test database that hands out the same integer ids again after a rollback is never served stale data.
@functools.lru_cache(maxsize=64)
def _instrument_data(round_uuid: uuid.UUID, version_id: int, scale_id: int) -> InstrumentData:
    themes = tuple(Theme.objects.filter(version_id=version_id).prefetch_related("items").order_by("number"))
    return InstrumentData(
        themes=themes,
        items={item.code: item for theme in themes for item in theme.items.all()},
        options=tuple(ScaleOption.objects.filter(scale_id=scale_id).order_by("position")),
        professions=tuple(Profession.objects.filter(version_id=version_id).order_by("position")),
    )


def instrument_data(round_: Round) -> InstrumentData:
    return _instrument_data(round_.uuid, round_.version_id, round_.scale_id)


class Questionnaire:
    """What a round asks: its keys, items, answer options and professions.

    The instrument's rows are shared between requests of one process (see _instrument_data): read them, never
    change them; the lists and dicts here are this questionnaire's own."""

    def __init__(self, round_: Round):
        self.round = round_
        data = instrument_data(round_)
        self.themes: list[Theme] = list(data.themes)
        self.items: dict[str, Item] = dict(data.items)
        self.themes_by_code: dict[str, Theme] = {theme.code: theme for theme in self.themes}
        self.options: list[ScaleOption] = list(data.options)
        self.options_by_code: dict[str, ScaleOption] = {option.code: option for option in self.options}
        self.profession_list: list[Profession] = list(data.professions) if round_.ask_profession else []
        self.professions: dict[str, str] = {p.code: p.name.get("nl", p.code) for p in self.profession_list}

    @property
    def page_count(self) -> int:
        return len(self.themes)

    def parse(self, data: Mapping[str, str], themes: Iterable[Theme] | None = None) -> ParsedAnswers:
        """Check every answer field in `data`; with `themes`, fields of other keys are refused too."""
        allowed = {theme.code for theme in themes} if themes is not None else set(self.themes_by_code)
        parsed = ParsedAnswers()
        for name, raw in data.items():
            prefix, _sep, code = name.partition("-")
            value = raw.strip() if isinstance(raw, str) else raw
            if isinstance(value, str) and "\x00" in value:
                parsed.errors.append(
                    _("The answer to %(field)s contains a character that is not allowed.") % {"field": code or name}
                )
                continue
            if prefix == "item":
                self._parse_item(parsed, code, value, allowed)
            elif prefix in ("comment", "importance"):
                theme = self.themes_by_code.get(code)
                if theme is None or code not in allowed:
                    parsed.errors.append(_("%(code)s is not a key of this questionnaire.") % {"code": code})
                elif prefix == "comment":
                    self._parse_comment(parsed, theme, value)
                else:
                    self._parse_importance(parsed, theme, value)
            elif name == "profession" and self.round.ask_profession:
                if value and value != OTHER_PROFESSION and value not in self.professions:
                    parsed.errors.append(_("Choose one of the professions in the list."))
                else:
                    parsed.profession = value
        return parsed

    def _parse_item(self, parsed: ParsedAnswers, code: str, value: str, allowed: set[str]) -> None:
        item = self.items.get(code)
        if item is None or code.split(".")[0] not in allowed:
            parsed.errors.append(_("%(code)s is not a question of this questionnaire.") % {"code": code})
            return
        if value == "":
            return  # not answered (yet)
        option = self.options_by_code.get(value)
        if option is None:
            parsed.errors.append(_("The answer to %(code)s is not one of the options.") % {"code": code})
            return
        parsed.answers[item.pk] = option

    def _parse_comment(self, parsed: ParsedAnswers, theme: Theme, value: str) -> None:
        if len(value) > COMMENT_MAX_LENGTH:
            parsed.errors.append(
                _("The comment on %(key)s is longer than %(max)s characters.")
                % {"key": theme.code, "max": COMMENT_MAX_LENGTH}
            )
        else:
            parsed.comments[theme.pk] = value

    def _parse_importance(self, parsed: ParsedAnswers, theme: Theme, value: str) -> None:
        if not self.round.ask_importance:
            parsed.errors.append(_("This questionnaire does not ask how important the keys are."))
        elif value == "":
            return
        elif value not in IMPORTANCE_VALUES:
            parsed.errors.append(_("The importance of %(key)s is not one of the options.") % {"key": theme.code})
        else:
            parsed.importance[theme.pk] = int(value)


def save_answers(response: Response, parsed: ParsedAnswers, page: int | None = None) -> None:
    """Store parsed answers (and the page to come back to) on a response that the caller has locked in its
    transaction and found not submitted: respondent.respondent_for(lock=True), or a paper form just created."""
    store_answers(response.pk, parsed)
    changes: dict[str, Any] = {}
    if parsed.profession is not None and parsed.profession != response.profession:
        changes["profession"] = parsed.profession
    if page is not None and page != response.last_page:
        changes["last_page"] = page
    if changes:
        Response.objects.filter(pk=response.pk).update(**changes)
        for name, value in changes.items():
            setattr(response, name, value)


def store_answers(response_id: uuid.UUID, parsed: ParsedAnswers) -> None:
    """The answers, comments and importances of `parsed` (not the profession), each replacing an earlier one."""
    assert not parsed.errors
    upsert(
        Answer,
        [
            {"response_id": response_id, "item_id": item_id, "option_id": option.pk, "value": option.value}
            for item_id, option in parsed.answers.items()
        ],
        unique=["response", "item"],
        update=["option", "value"],
    )
    # A comment and an importance are saved separately (different controls), so each changes only its own column.
    for field_name, values in (("comment", parsed.comments), ("importance", parsed.importance)):
        upsert(
            ThemeAnswer,
            [{"response_id": response_id, "theme_id": theme_id, field_name: v} for theme_id, v in values.items()],
            unique=["response", "theme"],
            update=[field_name],
        )
