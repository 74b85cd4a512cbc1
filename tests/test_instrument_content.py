"""The built-in instrument files are complete, traceable to the source and written in our own words."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cjgscan.instruments.loader import default_files, read_file

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CONTENT = {path.stem: read_file(path) for path in default_files()}
SEVEN_KEYS = CONTENT["zeven-sleutels"]
FIVE_PILLARS = CONTENT["vijf-pijlers"]


def seed_file(name: str) -> Path:
    seed = SEEDS / name
    if not seed.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the source documents must be beside the checkout in CI ({seed})")
        pytest.skip(f"source documents not beside the checkout ({seed})")
    return seed


def all_entries(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from document["introduction"]["aims"]
    yield from document["clusters"]
    for theme in document["themes"]:
        yield theme
        yield from theme["items"]
        yield from theme["tips"]
    yield from document["professions"]
    yield from document.get("glossary", [])


def all_texts(node: Any) -> Iterator[dict[str, str]]:
    """Every translated text {nl, en} anywhere in the document."""
    if isinstance(node, dict):
        if set(node) == {"nl", "en"}:
            yield node
        else:
            for value in node.values():
                yield from all_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_texts(value)


def test_the_built_in_files_are_both_instruments() -> None:
    assert set(CONTENT) == {"zeven-sleutels", "vijf-pijlers"}
    assert SEVEN_KEYS["kind"] == "scan"
    assert FIVE_PILLARS["kind"] == "dialogue"


def test_seven_keys_counts_match_the_source() -> None:
    themes = SEVEN_KEYS["themes"]
    assert [t["id"] for t in themes] == [f"S{n}" for n in range(1, 8)]
    assert [len(t["items"]) for t in themes] == [9, 6, 3, 7, 9, 10, 7]
    assert [len(t["tips"]) for t in themes] == [1, 2, 3, 4, 4, 3, 5]
    assert len(SEVEN_KEYS["professions"]) == 10
    assert len(SEVEN_KEYS["introduction"]["aims"]) == 3


def test_seven_keys_clusters_follow_the_introduction() -> None:
    clusters = {t["id"]: t["cluster"] for t in SEVEN_KEYS["themes"]}
    assert clusters == {"S1": "C1", "S2": "C2", "S3": "C2", "S4": "C3", "S5": "C3", "S6": "C4", "S7": "C4"}


def test_seven_keys_scales() -> None:
    presence, agreement = SEVEN_KEYS["scales"]
    assert presence["default"] and not agreement["default"]
    assert [o["label"]["nl"] for o in presence["options"]] == [
        "Niet aanwezig",
        "In ontwikkeling",
        "Grotendeels aanwezig",
        "Volledig aanwezig en geborgd",
    ]
    assert [m["label"]["nl"] for m in presence["missing"]] == ["Weet ik niet", "Niet van toepassing"]
    assert len(agreement["options"]) == 5


def test_five_pillars_counts_match_the_source() -> None:
    themes = FIVE_PILLARS["themes"]
    assert [t["id"] for t in themes] == [f"P{n}" for n in range(1, 6)]
    assert [len(t["items"]) for t in themes] == [4, 4, 9, 8, 5]
    assert all(item["text"]["nl"].endswith("?") for t in themes for item in t["items"])


@pytest.mark.parametrize("slug", sorted(CONTENT))
def test_ids_are_unique_and_follow_the_scheme(slug: str) -> None:
    document = CONTENT[slug]
    ids = [entry["id"] for entry in all_entries(document)]
    assert len(ids) == len(set(ids))
    prefix = "S" if slug == "zeven-sleutels" else "P"
    for theme in document["themes"]:
        assert [i["id"] for i in theme["items"]] == [
            f"{theme['id']}.{'K' if prefix == 'S' else 'V'}{n}" for n in range(1, len(theme["items"]) + 1)
        ]
        assert [t["id"] for t in theme["tips"]] == [f"{theme['id']}.T{n}" for n in range(1, len(theme["tips"]) + 1)]


@pytest.mark.parametrize("slug", sorted(CONTENT))
def test_every_text_is_there_in_dutch_and_english(slug: str) -> None:
    texts = list(all_texts(CONTENT[slug]))
    assert len(texts) > 30
    for text in texts:
        assert text["nl"].strip() and text["en"].strip()
        assert text["nl"] != text["en"] or len(text["nl"].split()) <= 2, text


@pytest.mark.parametrize("slug", sorted(CONTENT))
def test_every_entry_points_at_existing_lines_of_its_source(slug: str) -> None:
    document = CONTENT[slug]
    seed = seed_file(document["source"]["file"])
    lines = seed.read_text().splitlines()
    for entry in [document["introduction"], *all_entries(document)]:
        match = re.fullmatch(rf"{re.escape(seed.name)}#L(\d+)(?:-L(\d+))?", entry["source"])
        assert match, entry["source"]
        first, last = int(match[1]), int(match[2] or match[1])
        assert 1 <= first <= last <= len(lines), entry["source"]
        assert "".join(lines[first - 1 : last]).strip(), f"{entry['source']} points at blank lines"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.parametrize("slug", sorted(CONTENT))
def test_texts_are_in_our_own_words(slug: str) -> None:
    """No Dutch text repeats eight or more consecutive words of the source document."""
    seed = seed_file(CONTENT[slug]["source"]["file"])
    source_words = words(seed.read_text())
    source_runs = {tuple(source_words[i : i + 8]) for i in range(len(source_words) - 7)}
    for text in all_texts(CONTENT[slug]):
        text_words = words(text["nl"])
        runs = {tuple(text_words[i : i + 8]) for i in range(len(text_words) - 7)}
        assert not runs & source_runs, text["nl"]


def test_the_files_are_plain_yaml_that_round_trips() -> None:
    for path in default_files():
        assert yaml.safe_load(path.read_text(encoding="utf-8")) == CONTENT[path.stem]
