"""The schema of an instrument file, checked by hand so that every message names the entry and the problem.

A file is a YAML mapping; see docs/instruments.md for the full description and an example.
"""

import re
from typing import Any

SCHEMA_VERSION = 1
KINDS = {"scan": "key", "dialogue": "pillar"}
ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z][A-Z0-9]*)*$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_TEXT = 5000

TOP_KEYS = {
    "schema": True,
    "slug": True,
    "kind": True,
    "title": True,
    "short_title": True,
    "source": True,
    "introduction": True,
    "clusters": True,
    "scales": True,
    "themes": True,
    "professions": True,
    "glossary": False,
}


class InstrumentFileError(Exception):
    """A file that cannot be loaded; `problems` lists every "entry: what is wrong"."""

    def __init__(self, filename: str, problems: list[str]):
        self.filename = filename
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{filename} is not a valid instrument file ({len(problems)} problem(s)):\n{lines}")


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.ids: dict[str, str] = {}

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")

    def mapping(self, value: Any, where: str, keys: dict[str, bool]) -> dict[str, Any] | None:
        """`keys` maps each allowed key to whether it is required."""
        if not isinstance(value, dict):
            self.fail(where, f"must be a mapping, found {type(value).__name__}")
            return None
        for key, required in keys.items():
            if required and key not in value:
                self.fail(where, f"missing required field '{key}'")
        for key in value:
            if key not in keys:
                self.fail(where, f"unknown field '{key}' (allowed: {', '.join(keys)})")
        return value

    def sequence(self, value: Any, where: str, allow_empty: bool = True) -> list[Any]:
        if not isinstance(value, list):
            self.fail(where, f"must be a list, found {type(value).__name__}")
            return []
        if not value and not allow_empty:
            self.fail(where, "must not be empty")
        return value

    def string(self, value: Any, where: str, pattern: re.Pattern[str] | None = None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty text")
            return None
        if len(value) > MAX_TEXT:
            self.fail(where, f"is longer than {MAX_TEXT} characters")
        if "\x00" in value:
            self.fail(where, "contains a NUL character")
        if pattern and not pattern.match(value):
            self.fail(where, f"'{value}' does not match {pattern.pattern}")
            return None
        return value

    def text(self, value: Any, where: str) -> None:
        """A translated text: exactly {nl: ..., en: ...}."""
        if not isinstance(value, dict):
            self.fail(where, "must be a translated text {nl: ..., en: ...}")
            return
        for language in ("nl", "en"):
            if language not in value:
                self.fail(where, f"the '{language}' text is missing")
            else:
                self.string(value[language], f"{where}.{language}")
        for key in value:
            if key not in ("nl", "en"):
                self.fail(where, f"unknown language '{key}' (allowed: nl, en)")

    def texts(self, value: Any, where: str) -> None:
        for index, text in enumerate(self.sequence(value, where)):
            self.text(text, f"{where}[{index + 1}]")

    def entry_id(self, value: Any, where: str, prefix: str | None = None) -> str | None:
        entry_id = self.string(value, f"{where}.id", ID_PATTERN)
        if entry_id is None:
            return None
        if prefix and not entry_id.startswith(prefix + "."):
            self.fail(where, f"id '{entry_id}' must start with '{prefix}.'")
        if entry_id in self.ids:
            self.fail(where, f"id '{entry_id}' is used twice (also at {self.ids[entry_id]})")
        self.ids[entry_id] = where
        return entry_id

    def entries(self, value: Any, where: str, prefix: str | None, text_field: str = "text") -> None:
        """Items, tips, aims: id, text, explanation, source."""
        keys = {"id": True, text_field: True, "explanation": False, "note": False, "source": True}
        for index, raw in enumerate(self.sequence(value, where)):
            label = f"{where}[{index + 1}]"
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                label = f"{label} ({raw['id']})"
            entry = self.mapping(raw, label, keys)
            if entry is None:
                continue
            self.entry_id(entry.get("id"), label, prefix)
            self.text(entry.get(text_field), f"{label}.{text_field}")
            if "explanation" in entry:
                self.texts(entry["explanation"], f"{label}.explanation")
            if "note" in entry:
                self.text(entry["note"], f"{label}.note")
            self.string(entry.get("source"), f"{label}.source")


def check_document(document: Any, filename: str) -> dict[str, Any]:
    """Return the document if it is a complete, valid instrument; raise InstrumentFileError otherwise."""
    c = _Checker()
    top = c.mapping(document, "file", TOP_KEYS)
    if top is None:
        raise InstrumentFileError(filename, c.problems)
    if top.get("schema") != SCHEMA_VERSION:
        c.fail("schema", f"must be {SCHEMA_VERSION}, found {top.get('schema')!r}")
    c.string(top.get("slug"), "slug", SLUG_PATTERN)
    kind = top.get("kind")
    if kind not in KINDS:
        c.fail("kind", f"must be one of {', '.join(KINDS)}, found {kind!r}")
    c.text(top.get("title"), "title")
    c.text(top.get("short_title"), "short_title")
    source = c.mapping(top.get("source"), "source", {"file": True, "title": True, "publisher": False})
    if source:
        for key in source:
            c.string(source[key], f"source.{key}")

    intro_keys = {"text": True, "note": False, "source": True, "aims": True}
    intro = c.mapping(top.get("introduction"), "introduction", intro_keys)
    if intro:
        c.text(intro.get("text"), "introduction.text")
        if "note" in intro:
            c.text(intro["note"], "introduction.note")
        c.string(intro.get("source"), "introduction.source")
        c.entries(intro.get("aims"), "introduction.aims", None)

    cluster_ids: set[str] = set()
    for index, raw in enumerate(c.sequence(top.get("clusters"), "clusters")):
        where = f"clusters[{index + 1}]"
        cluster = c.mapping(raw, where, {"id": True, "title": True, "description": True, "source": True})
        if cluster:
            cluster_id = c.entry_id(cluster.get("id"), where)
            if cluster_id:
                cluster_ids.add(cluster_id)
            c.text(cluster.get("title"), f"{where}.title")
            c.text(cluster.get("description"), f"{where}.description")
            c.string(cluster.get("source"), f"{where}.source")

    _check_scales(c, top.get("scales"), kind)
    _check_themes(c, top.get("themes"), kind, cluster_ids)

    for index, raw in enumerate(c.sequence(top.get("professions"), "professions")):
        where = f"professions[{index + 1}]"
        profession = c.mapping(raw, where, {"id": True, "name": True, "source": True})
        if profession:
            c.entry_id(profession.get("id"), where)
            c.text(profession.get("name"), f"{where}.name")
            c.string(profession.get("source"), f"{where}.source")

    if "glossary" in top:
        _check_glossary(c, top["glossary"])

    if c.problems:
        raise InstrumentFileError(filename, c.problems)
    return top


def _check_scales(c: _Checker, value: Any, kind: Any) -> None:
    scales = c.sequence(value, "scales")
    if kind == "scan" and not scales:
        c.fail("scales", "a scan needs at least one answer scale")
    codes: set[str] = set()
    defaults = 0
    for index, raw in enumerate(scales):
        where = f"scales[{index + 1}]"
        keys = {"code": True, "default": True, "title": True, "options": True, "missing": True}
        scale = c.mapping(raw, where, keys)
        if scale is None:
            continue
        code = c.string(scale.get("code"), f"{where}.code", CODE_PATTERN)
        if code in codes:
            c.fail(where, f"scale code '{code}' is used twice")
        codes.add(code or "")
        if not isinstance(scale.get("default"), bool):
            c.fail(f"{where}.default", "must be true or false")
        defaults += scale.get("default") is True
        c.text(scale.get("title"), f"{where}.title")
        options = c.sequence(scale.get("options"), f"{where}.options", allow_empty=False)
        if options and len(options) < 2:
            c.fail(f"{where}.options", "a scale needs at least two points")
        for number, raw_option in enumerate(options, start=1):
            option_where = f"{where}.options[{number}]"
            option = c.mapping(raw_option, option_where, {"value": True, "label": True})
            if option is None:
                continue
            value_ = option.get("value")
            if not isinstance(value_, int) or isinstance(value_, bool) or value_ != number:
                c.fail(f"{option_where}.value", f"must be {number} (points run 1, 2, 3, ... in order)")
            c.text(option.get("label"), f"{option_where}.label")
        missing_codes: set[str] = set()
        for number, raw_missing in enumerate(c.sequence(scale.get("missing"), f"{where}.missing"), start=1):
            missing_where = f"{where}.missing[{number}]"
            missing = c.mapping(raw_missing, missing_where, {"code": True, "label": True})
            if missing is None:
                continue
            missing_code = c.string(missing.get("code"), f"{missing_where}.code", CODE_PATTERN)
            if missing_code in missing_codes:
                c.fail(missing_where, f"code '{missing_code}' is used twice")
            missing_codes.add(missing_code or "")
            c.text(missing.get("label"), f"{missing_where}.label")
    if scales and defaults != 1:
        c.fail("scales", f"exactly one scale must have 'default: true', found {defaults}")


def _check_themes(c: _Checker, value: Any, kind: Any, cluster_ids: set[str]) -> None:
    numbers: set[int] = set()
    for index, raw in enumerate(c.sequence(value, "themes", allow_empty=False)):
        where = f"themes[{index + 1}]"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            where = f"{where} ({raw['id']})"
        keys = {
            "id": True,
            "kind": True,
            "number": True,
            "cluster": True,
            "title": True,
            "description": True,
            "note": False,
            "source": True,
            "items": True,
            "tips": True,
        }
        theme = c.mapping(raw, where, keys)
        if theme is None:
            continue
        theme_id = c.entry_id(theme.get("id"), where)
        expected_kind = KINDS.get(kind) if isinstance(kind, str) else None
        if expected_kind and theme.get("kind") != expected_kind:
            c.fail(f"{where}.kind", f"must be '{expected_kind}' in a {kind}, found {theme.get('kind')!r}")
        number = theme.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            c.fail(f"{where}.number", "must be a whole number from 1")
        elif number in numbers:
            c.fail(f"{where}.number", f"number {number} is used twice")
        else:
            numbers.add(number)
        cluster = theme.get("cluster")
        if cluster is not None and cluster not in cluster_ids:
            c.fail(f"{where}.cluster", f"refers to unknown cluster {cluster!r}")
        c.text(theme.get("title"), f"{where}.title")
        c.text(theme.get("description"), f"{where}.description")
        if "note" in theme:
            c.text(theme["note"], f"{where}.note")
        c.string(theme.get("source"), f"{where}.source")
        items = c.sequence(theme.get("items"), f"{where}.items", allow_empty=False)
        c.entries(items, f"{where}.items", theme_id)
        c.entries(theme.get("tips"), f"{where}.tips", theme_id)


def _check_glossary(c: _Checker, value: Any) -> None:
    """Words a reader may not know: {id, term, explanation, source}; the term must be unique per language."""
    terms: dict[str, set[str]] = {"nl": set(), "en": set()}
    for index, raw in enumerate(c.sequence(value, "glossary")):
        where = f"glossary[{index + 1}]"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            where = f"{where} ({raw['id']})"
        entry = c.mapping(raw, where, {"id": True, "term": True, "explanation": True, "source": True})
        if entry is None:
            continue
        c.entry_id(entry.get("id"), where)
        c.text(entry.get("term"), f"{where}.term")
        c.text(entry.get("explanation"), f"{where}.explanation")
        c.string(entry.get("source"), f"{where}.source")
        term = entry.get("term")
        if isinstance(term, dict):
            for language, seen in terms.items():
                word = term.get(language)
                if isinstance(word, str):
                    if word.casefold() in seen:
                        c.fail(f"{where}.term.{language}", f"'{word}' is explained twice")
                    seen.add(word.casefold())
