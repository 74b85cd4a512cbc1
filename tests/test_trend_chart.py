"""The trend line chart: labelled, escaped, CSP-safe, lines broken at gaps, names at the ends never overlapping."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from cjgscan.presentation.trend_chart import _spread, line_chart
from tests.test_charts import EVIL, NS, parse, texts

ROUNDS = ["Voorjaar 2025", "Najaar 2025", "Voorjaar 2026"]


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    with translation.override("nl"):
        yield


def chart(label: str = "Sleutel", series=None):  # type: ignore[no-untyped-def]
    return line_chart(
        [label, *ROUNDS[1:]],
        series
        or [
            (f"1. {label}", "1", [2.0, 2.5, 3.1]),
            ("2. Aanbod", "2", [3.0, None, 3.1]),
            ("3. Mensen", "3", [1.5, 1.6, None]),
        ],
        scale_min=1,
        scale_max=4,
        title=label,
        description=label,
        id_prefix="trend",
    )


def test_an_image_labelled_by_title_and_description() -> None:
    root = parse(chart("Score per sleutel"))
    assert root.get("role") == "img" and "chart-line" in (root.get("class") or "")
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.get("id") == title_id and title.text == "Score per sleutel"
    assert desc is not None and desc.get("id") == desc_id


def test_user_text_is_escaped_and_there_is_no_style_or_script() -> None:
    svg = chart(EVIL)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert any(EVIL in text for text in texts(root))
    for element in root.iter():
        assert element.tag not in (f"{NS}script", f"{NS}style") and "style" not in element.attrib


def test_every_series_has_its_own_marker_dash_and_name_not_only_colour() -> None:
    root = parse(chart())
    lines = root.findall(f"{NS}polyline")
    # Series 1: one line through three rounds; 2: a gap in the middle, so no line; 3: one line of two points.
    assert len(lines) == 2
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
    shown = texts(root)
    assert {"1", "2", "3"} <= set(shown)  # short names at the ends of the lines
    assert {"1. Sleutel", "2. Aanbod", "3. Mensen"} <= set(shown)  # the legend
    markers = [e for e in root.iter() if e.tag in (f"{NS}circle", f"{NS}polygon")]
    assert len(markers) >= 3 + 2 + 2


def test_the_axis_is_written_the_dutch_way_and_an_empty_chart_says_so() -> None:
    root = parse(chart())
    assert {"1", "2", "3", "4"} <= set(texts(root))
    empty = parse(line_chart([], [], scale_min=1, scale_max=4, title="t", description="d", id_prefix="e"))
    assert "Geen gegevens" in texts(empty)


def test_names_at_the_end_are_spread_apart() -> None:
    assert _spread([100.0, 101.0, 102.0], 15.0, 0.0, 300.0) == [100.0, 115.0, 130.0]
    assert _spread([300.0, 299.0], 15.0, 0.0, 300.0) == [300.0, 285.0]  # pushed back up from the bottom
    assert _spread([50.0, 10.0], 15.0, 0.0, 300.0) == [50.0, 10.0]  # far enough apart: untouched
