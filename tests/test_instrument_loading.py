"""Loading instrument files: the schema check, all-or-nothing, idempotent, versioned."""

import copy
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from cjgscan.instruments.loader import load_files, parse_text
from cjgscan.instruments.models import Instrument, InstrumentVersion, Item, Theme
from cjgscan.instruments.schema import InstrumentFileError

MINI = Path(__file__).parent / "data" / "mini-scan.yaml"
pytestmark = pytest.mark.django_db


def mini() -> dict[str, Any]:
    return yaml.safe_load(MINI.read_text())


def write(tmp_path: Path, document: Any, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True))
    return path


def drop_theme_list(d: dict[str, Any]) -> None:
    del d["themes"]


def drop_english(d: dict[str, Any]) -> None:
    del d["themes"][0]["items"][1]["text"]["en"]


def duplicate_id(d: dict[str, Any]) -> None:
    d["themes"][0]["items"][1]["id"] = "M1.K1"


def skip_scale_point(d: dict[str, Any]) -> None:
    d["scales"][0]["options"][1]["value"] = 3


def unknown_cluster(d: dict[str, Any]) -> None:
    d["themes"][0]["cluster"] = "C9"


def pillar_in_a_scan(d: dict[str, Any]) -> None:
    d["themes"][0]["kind"] = "pillar"


def misspelt_field(d: dict[str, Any]) -> None:
    d["themes"][0]["items"][0]["txet"] = d["themes"][0]["items"][0].pop("text")


def two_default_scales(d: dict[str, Any]) -> None:
    d["scales"].append({**copy.deepcopy(d["scales"][0]), "code": "other"})


def item_of_another_theme(d: dict[str, Any]) -> None:
    d["themes"][0]["items"][0]["id"] = "M2.K1"


def no_items(d: dict[str, Any]) -> None:
    d["themes"][0]["items"] = []


def empty_dutch(d: dict[str, Any]) -> None:
    d["themes"][0]["tips"][0]["text"]["nl"] = "   "


def wrong_schema_version(d: dict[str, Any]) -> None:
    d["schema"] = 2


BROKEN: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (drop_theme_list, "file: missing required field 'themes'"),
    (drop_english, "themes[1] (M1).items[2] (M1.K2).text: the 'en' text is missing"),
    (duplicate_id, "id 'M1.K1' is used twice"),
    (skip_scale_point, "scales[1].options[2].value: must be 2"),
    (unknown_cluster, "themes[1] (M1).cluster: refers to unknown cluster 'C9'"),
    (pillar_in_a_scan, "themes[1] (M1).kind: must be 'key' in a scan"),
    (misspelt_field, "unknown field 'txet'"),
    (two_default_scales, "exactly one scale must have 'default: true', found 2"),
    (item_of_another_theme, "id 'M2.K1' must start with 'M1.'"),
    (no_items, "themes[1] (M1).items: must not be empty"),
    (empty_dutch, "themes[1] (M1).tips[1] (M1.T1).text.nl: must be a non-empty text"),
    (wrong_schema_version, "schema: must be 1"),
]


@pytest.mark.parametrize(("breaker", "message"), BROKEN, ids=[b.__name__ for b, _ in BROKEN])
def test_a_broken_file_is_refused_naming_file_entry_and_problem(
    tmp_path: Path, breaker: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = mini()
    breaker(document)
    with pytest.raises(InstrumentFileError) as raised:
        load_files([write(tmp_path, document)])
    assert "broken.yaml" in str(raised.value)
    assert any(message in problem for problem in raised.value.problems), raised.value.problems
    assert not Instrument.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("themes: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "file: must be a mapping"),
        ("slug: nul\x00byte\n", "NUL"),
        ("", "file: must be a mapping, found NoneType"),
    ],
)
def test_text_that_is_no_instrument_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InstrumentFileError) as raised:
        load_files([write(tmp_path, text)])
    assert message in str(raised.value)


def test_one_bad_file_loads_nothing_at_all(tmp_path: Path) -> None:
    broken = mini()
    drop_english(broken)
    broken["slug"] = "broken-scan"
    with pytest.raises(InstrumentFileError):
        load_files([MINI, write(tmp_path, broken)])
    assert Instrument.objects.count() == 0
    assert Item.objects.count() == 0


def test_loading_is_idempotent() -> None:
    first = load_files([MINI])[0]
    second = load_files([MINI])[0]
    assert first.created and not second.created
    assert first.version == second.version
    assert InstrumentVersion.objects.count() == 1
    assert Item.objects.count() == 2


def test_changed_content_makes_a_new_version_and_leaves_the_old_one(tmp_path: Path) -> None:
    old = load_files([MINI])[0].version
    old_item = Item.objects.get(theme__version=old, code="M1.K1")
    changed = mini()
    changed["themes"][0]["items"][0]["text"]["nl"] = "Het begin is voor iedereen helder."
    new = load_files([write(tmp_path, changed, "mini-scan.yaml")])[0]
    assert new.created and new.version.number == 2
    old_item.refresh_from_db()
    assert old_item.text["nl"] == "Het begin is helder."
    assert Item.objects.get(theme__version=new.version, code="M1.K1").text["nl"].endswith("helder.")
    assert Theme.objects.filter(version=old).count() == 1
    # Loading the new file again changes nothing.
    assert not load_files([tmp_path / "mini-scan.yaml"])[0].created


def test_a_slug_keeps_its_kind(tmp_path: Path) -> None:
    load_files([MINI])
    dialogue = mini()
    dialogue["kind"] = "dialogue"
    dialogue["scales"] = []
    dialogue["themes"][0]["kind"] = "pillar"
    with pytest.raises(InstrumentFileError, match="already loaded as a scan"):
        load_files([write(tmp_path, dialogue)])
    assert InstrumentVersion.objects.count() == 1


def test_parse_text_returns_the_checked_document() -> None:
    document = parse_text(MINI.read_text(), "mini-scan.yaml")
    assert document["slug"] == "mini-scan"


def test_command_loads_the_built_in_instruments_then_reports_them_unchanged() -> None:
    out = StringIO()
    call_command("load_instruments", stdout=out)
    assert "vijf-pijlers: loaded as new version 1" in out.getvalue()
    assert "zeven-sleutels: loaded as new version 1" in out.getvalue()
    out = StringIO()
    call_command("load_instruments", stdout=out)
    assert "zeven-sleutels: unchanged, already loaded as version 1" in out.getvalue()
    assert Item.objects.filter(theme__version__instrument__slug="zeven-sleutels").count() == 51
    assert Item.objects.filter(theme__version__instrument__slug="vijf-pijlers").count() == 30


def test_command_loads_a_users_own_file_and_refuses_a_broken_one(tmp_path: Path) -> None:
    out = StringIO()
    call_command("load_instruments", str(MINI), stdout=out)
    assert "mini-scan: loaded as new version 1" in out.getvalue()
    broken = mini()
    no_items(broken)
    with pytest.raises(CommandError, match=r"(?s)broken.yaml.*must not be empty.*Nothing was loaded"):
        call_command("load_instruments", str(write(tmp_path, broken)))


def test_show_as_json_has_every_theme_item_and_tip() -> None:
    call_command("load_instruments", stdout=StringIO())
    out = StringIO()
    call_command("instrument", "show", "zeven-sleutels", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["slug"] == "zeven-sleutels" and data["version"] == 1
    assert [len(t["items"]) for t in data["themes"]] == [9, 6, 3, 7, 9, 10, 7]
    assert [len(t["tips"]) for t in data["themes"]] == [1, 2, 3, 4, 4, 3, 5]
    assert data["themes"][0]["items"][2]["id"] == "S1.K3"
    assert len(data["professions"]) == 10
    assert [o["value"] for o in data["scales"][0]["options"]] == [1, 2, 3, 4, None, None]


def test_show_as_text_in_dutch_and_english() -> None:
    call_command("load_instruments", stdout=StringIO())
    out = StringIO()
    call_command("instrument", "show", "vijf-pijlers", "--format", "text", stdout=out)
    assert "P3.V7" in out.getvalue() and "Visie en strategie" in out.getvalue()
    out = StringIO()
    call_command("instrument", "show", "vijf-pijlers", "--format", "text", "--language", "en", stdout=out)
    assert "Vision and strategy" in out.getvalue()


def test_show_an_unknown_instrument_says_so() -> None:
    with pytest.raises(CommandError, match="No instrument 'nope'"):
        call_command("instrument", "show", "nope")
