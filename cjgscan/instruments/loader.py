"""Load instrument files into the database: all-or-nothing, idempotent, versioned."""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from cjgscan.instruments.models import (
    Cluster,
    Instrument,
    InstrumentVersion,
    Item,
    Profession,
    Scale,
    ScaleOption,
    Theme,
    Tip,
)
from cjgscan.instruments.schema import InstrumentFileError, check_document

MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class LoadResult:
    version: InstrumentVersion
    created: bool


def default_files() -> list[Path]:
    return sorted(Path(settings.INSTRUMENT_CONTENT_DIR).glob("*.yaml"))


# An instrument is about 6 levels deep and has a few thousand values. PyYAML builds nodes recursively, so a
# 100,000-deep "[[[[..." ended in RecursionError (a 500); aliases (&a, *a) can make a small file expand
# exponentially once the document is stored as JSON. The loader below refuses both while it builds the nodes,
# before the recursion gets deep. (A pre-scan of the event stream is no cheaper: it is quadratic in the depth.)
MAX_DEPTH = 40
MAX_NODES = 200_000
# PyYAML's scanner looks up to 1,024 characters ahead for each "[" that might start a key, which makes a run of
# brackets slow (a second) before the loader sees the depth; such a run is refused before scanning.
BRACKET_RUN = re.compile(rf"(?:[\[{{]\s*){{{MAX_DEPTH + 1}}}")


class _ShapeError(Exception):
    pass


class _InstrumentLoader(yaml.SafeLoader):
    depth = 0
    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _ShapeError("file: uses anchors and aliases (& and *), which instrument files do not allow")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _ShapeError(f"file: has more than {MAX_NODES} values")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _ShapeError(f"file: is nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def parse_text(text: str, filename: str) -> dict[str, Any]:
    """Parse and check the text of one instrument file."""
    if "\x00" in text:
        raise InstrumentFileError(filename, ["file: contains a NUL character"])
    if BRACKET_RUN.search(text):
        raise InstrumentFileError(filename, [f"file: is nested more than {MAX_DEPTH} levels deep"])
    try:
        document = yaml.load(text, Loader=_InstrumentLoader)  # noqa: S506 (a SafeLoader with more limits)
    except _ShapeError as error:
        raise InstrumentFileError(filename, [str(error)]) from None
    except yaml.YAMLError as error:
        raise InstrumentFileError(filename, [f"file: not valid YAML ({error})".replace("\n", " ")]) from None
    return check_document(document, filename)


def read_file(path: Path) -> dict[str, Any]:
    filename = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InstrumentFileError(filename, [f"file: larger than {MAX_FILE_BYTES // 1024} KiB"])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentFileError(filename, [f"file: not found at {path}"]) from None
    except UnicodeDecodeError:
        raise InstrumentFileError(filename, ["file: not UTF-8 text"]) from None
    return parse_text(text, filename)


def read_bytes(data: bytes, filename: str) -> dict[str, Any]:
    """Like read_file, for the content of an uploaded file."""
    if len(data) > MAX_FILE_BYTES:
        raise InstrumentFileError(filename, [f"file: larger than {MAX_FILE_BYTES // 1024} KiB"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InstrumentFileError(filename, ["file: not UTF-8 text"]) from None
    return parse_text(text, filename)


def content_hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def load_files(paths: list[Path]) -> list[LoadResult]:
    """Check every file first, then load them all in one transaction: nothing is half-loaded."""
    documents = [(read_file(path), path.name) for path in paths]
    slugs = [document["slug"] for document, _ in documents]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise InstrumentFileError(", ".join(name for _, name in documents), [f"slug given twice: {duplicates}"])
    with transaction.atomic():
        return [do_load_document(document, name) for document, name in documents]


def do_load_document(document: dict[str, Any], filename: str) -> LoadResult:
    """Store a checked document as a new version, unless a version with this exact content exists."""
    digest = content_hash(document)
    with transaction.atomic():
        instrument, _ = Instrument.objects.get_or_create(slug=document["slug"], defaults={"kind": document["kind"]})
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if instrument.kind != document["kind"]:
            slug, kind = document["slug"], document["kind"]
            problem = f"kind: '{slug}' is already loaded as a {instrument.kind}, not a {kind}"
            raise InstrumentFileError(filename, [problem])
        existing = instrument.versions.filter(content_hash=digest).first()
        if existing:
            return LoadResult(existing, created=False)
        latest = instrument.latest_version()
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            number=(latest.number + 1) if latest else 1,
            content_hash=digest,
            title=document["title"],
            short_title=document["short_title"],
            introduction=document["introduction"],
            source=document["source"],
            document=document,
            loaded_from=filename,
        )
        _create_parts(version, document)
        return LoadResult(version, created=True)


def terms_in(entry: dict[str, Any], glossary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The glossary entries whose term occurs, as a whole word, in the entry's text or explanation (either language).

    Stored with the item, so that the questionnaire can offer "what does this mean?" without an extra query."""
    found = []
    for term in glossary:
        for language in ("nl", "en"):
            texts = [entry["text"][language]] + [sub[language] for sub in entry.get("explanation", [])]
            pattern = re.compile(rf"(?<!\w){re.escape(term['term'][language])}(?!\w)", re.IGNORECASE)
            if any(pattern.search(text) for text in texts):
                found.append({"id": term["id"], "term": term["term"], "explanation": term["explanation"]})
                break
    return found


def _create_parts(version: InstrumentVersion, document: dict[str, Any]) -> None:
    clusters = {
        raw["id"]: Cluster.objects.create(
            version=version,
            code=raw["id"],
            position=position,
            title=raw["title"],
            description=raw["description"],
            source=raw["source"],
        )
        for position, raw in enumerate(document["clusters"], start=1)
    }
    for raw_scale in document["scales"]:
        scale = Scale.objects.create(
            version=version, code=raw_scale["code"], is_default=raw_scale["default"], title=raw_scale["title"]
        )
        options = [
            ScaleOption(
                scale=scale,
                position=raw["value"],
                value=raw["value"],
                code=f"v{raw['value']}",
                label=raw["label"],
            )
            for raw in raw_scale["options"]
        ]
        offset = len(options)
        options += [
            ScaleOption(scale=scale, position=offset + n, value=None, code=raw["code"], label=raw["label"])
            for n, raw in enumerate(raw_scale["missing"], start=1)
        ]
        ScaleOption.objects.bulk_create(options)
    items: list[Item] = []
    tips: list[Tip] = []
    glossary = document.get("glossary", [])
    for raw_theme in document["themes"]:
        theme = Theme.objects.create(
            version=version,
            code=raw_theme["id"],
            kind=raw_theme["kind"],
            number=raw_theme["number"],
            cluster=clusters.get(raw_theme["cluster"]) if raw_theme["cluster"] else None,
            title=raw_theme["title"],
            description=raw_theme["description"],
            note=raw_theme.get("note", {}),
            source=raw_theme["source"],
        )
        items += [
            Item(
                theme=theme,
                code=raw["id"],
                position=n,
                text=raw["text"],
                explanation=raw.get("explanation", []),
                note=raw.get("note", {}),
                terms=terms_in(raw, glossary),
                source=raw["source"],
            )
            for n, raw in enumerate(raw_theme["items"], start=1)
        ]
        tips += [
            Tip(
                theme=theme,
                code=raw["id"],
                position=n,
                text=raw["text"],
                explanation=raw.get("explanation", []),
                note=raw.get("note", {}),
                source=raw["source"],
            )
            for n, raw in enumerate(raw_theme["tips"], start=1)
        ]
    Item.objects.bulk_create(items)
    Tip.objects.bulk_create(tips)
    Profession.objects.bulk_create(
        Profession(version=version, code=raw["id"], position=n, name=raw["name"], source=raw["source"])
        for n, raw in enumerate(document["professions"], start=1)
    )
