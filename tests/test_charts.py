"""The SVG charts: well-formed, labelled for assistive technology, escaped, CSP-safe and readable."""

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from cjgscan.presentation.charts import distribution_bar, format_number, heatmap, radar_chart, score_bars

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert(1)</script> & "x"'
KEYS = ["Visie", "Aanbod", "Zichtbaarheid en bereikbaarheid voor ouders en jongeren", "Mensen", "Partners"]


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    with translation.override("nl"):
        yield


def parse(svg: SafeString) -> ET.Element:
    assert isinstance(svg, SafeString)
    return ET.fromstring(str(svg))  # noqa: S314 (our own output)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{NS}text")]


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def every_chart(label: str) -> dict[str, SafeString]:
    """Each chart with `label` in every place a user's text can go."""
    common = {"title": label, "description": label}
    scale = {"scale_min": 1, "scale_max": 4}
    return {
        "radar": radar_chart(
            [label, *KEYS],
            [(label, [3.4, 2.0, None, 3.0, 1.5, 2.5]), ("Gemeente", [2.1, 3.9, 2.2, None, 3.0, 1.0])],
            **scale,
            **common,
            id_prefix="radar",
        ),
        "heatmap": heatmap(
            [label, "1.2 Kort"],
            [label, "Bestuur"],
            [[3.4, None], [1.0, 4.0]],
            **scale,
            **common,
            id_prefix="heatmap",
            row_links=[f"/sleutel/1?x={label}", ""],
        ),
        "distribution": distribution_bar(
            label,
            [(label, 3), ("Volledig aanwezig", 5), ("Weet ik niet", 2)],
            **common,
            id_prefix="dist",
            neutral=1,
        ),
        "bars": score_bars(
            [(label, 3.4), ("Aanbod", None), ("Mensen", 2.0)],
            **scale,
            **common,
            id_prefix="bars",
            reference=[3.0, 2.5, None],
            reference_label=label,
        ),
    }


CHARTS = list(every_chart("x"))


@pytest.mark.parametrize("kind", CHARTS)
def test_is_an_image_labelled_by_its_title_and_description(kind: str) -> None:
    root = parse(every_chart("Scores per sleutel")[kind])
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert len(root.get("viewBox", "").split()) == 4
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.get("id") == title_id and title.text == "Scores per sleutel"
    assert desc is not None and desc.get("id") == desc_id and desc.text == "Scores per sleutel"
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i and i.startswith(f"{kind if kind != 'distribution' else 'dist'}-") for i in ids)


@pytest.mark.parametrize("kind", CHARTS)
def test_user_text_is_escaped(kind: str) -> None:
    svg = every_chart(EVIL)[kind]
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in svg
    root = parse(svg)
    assert not [element for element in root.iter() if element.tag.endswith("script")]
    assert any(EVIL in text for text in texts(root))


@pytest.mark.parametrize("kind", CHARTS)
def test_no_inline_style_or_scripts_for_the_content_security_policy(kind: str) -> None:
    root = parse(every_chart("Sleutel")[kind])
    for element in root.iter():
        assert element.tag not in (f"{NS}script", f"{NS}style")
        assert "style" not in element.attrib
        assert not [name for name in element.attrib if name.startswith("on")]


def test_format_number_is_dutch() -> None:
    assert format_number(3.4) == "3,4"
    assert format_number(3.449, 2) == "3,45"
    assert format_number(3.96) == "4,0"  # rounded, not cut off
    assert format_number(3, 0) == "3"
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"


@pytest.mark.parametrize("kind", ["radar", "heatmap", "bars"])
def test_scores_are_printed_with_a_decimal_comma(kind: str) -> None:
    root = parse(every_chart("Sleutel")[kind])
    shown = " ".join(texts(root))
    if kind == "radar":  # the radar prints only its scale; the scores are in the caller's table
        assert {"2", "3", "4"} <= set(shown.split())
    else:
        assert "3,4" in shown and "3.4" not in shown


def test_distribution_prints_rounded_percentages() -> None:
    root = parse(every_chart("1.1")["distribution"])
    assert {"30%", "50%", "20%"} <= set(texts(root))
    assert "Volledig aanwezig (5)" in texts(root)


def series_styles(root: ET.Element, colour: str) -> tuple[set[str], set[str]]:
    """The marker shapes and dash patterns drawn in one series colour."""
    shapes = {
        f"{e.tag}{len(e.get('points', '').split())}"
        for e in root.iter()
        if e.get("fill") == colour and e.tag in (f"{NS}circle", f"{NS}polygon")
    }
    dashes = {
        e.get("stroke-dasharray", "solid")
        for e in root.iter()
        if e.get("stroke") == colour and e.tag in (f"{NS}polyline", f"{NS}polygon", f"{NS}line")
    }
    return shapes, dashes


def test_radar_series_differ_by_marker_and_dash_as_well_as_colour() -> None:
    root = parse(every_chart("Sleutel")["radar"])
    first, second = series_styles(root, "#0072B2"), series_styles(root, "#D55E00")
    assert len(first[0]) == len(second[0]) == 1 and first[0] != second[0]
    assert len(first[1]) == len(second[1]) == 1 and first[1] != second[1]
    legend = texts(root)
    assert "Sleutel" in legend and "Gemeente" in legend


def test_radar_leaves_a_gap_for_unknown_values_and_marks_the_known_points() -> None:
    root = parse(
        radar_chart(
            ["A", "B", "C", "D", "E"],
            [("Bestuur", [3.0, None, 3.0, 3.0, 3.0]), ("Gemeente", [2.0, 2.0, 2.0, 2.0, 2.0])],
            scale_min=1,
            scale_max=4,
            title="t",
            description="d",
            id_prefix="r",
        )
    )
    gap = [e for e in root.iter() if e.get("stroke") == "#0072B2" and e.tag != f"{NS}line"]
    assert [e.tag for e in gap] == [f"{NS}polyline"]  # C, D, E, A: one run round the gap at B
    assert len(gap[0].get("points", "").split()) == 4
    markers = [e for e in root.iter() if e.get("fill") == "#0072B2" and e.tag == f"{NS}circle"]
    assert len(markers) == 4 + 1  # the known points and the legend
    full = [e for e in root.iter() if e.get("stroke") == "#D55E00" and e.tag == f"{NS}polygon"]
    assert len(full) == 1


def test_radar_wraps_long_axis_labels() -> None:
    root = parse(every_chart("Sleutel")["radar"])
    label = next(t for t in root.iter(f"{NS}text") if "Zichtbaarheid" in "".join(t.itertext()))
    assert len(label.findall(f"{NS}tspan")) > 1


@pytest.mark.parametrize("count", [3, 7, 12])
def test_radar_takes_three_to_twelve_axes(count: int) -> None:
    axes = [f"Sleutel {n}" for n in range(1, count + 1)]
    svg = radar_chart(
        axes, [("Alle", [2.5] * count)], scale_min=1, scale_max=4, title="t", description="d", id_prefix="r"
    )
    assert set(axes) <= set(texts(parse(svg)))


def test_heatmap_text_contrasts_with_every_cell() -> None:
    values = [[1 + (row * 10 + column) * 3 / 99 for column in range(10)] for row in range(10)]
    root = parse(
        heatmap(
            [f"Rij {n}" for n in range(10)],
            [f"G{n}" for n in range(10)],
            values,
            scale_min=1,
            scale_max=4,
            title="t",
            description="d",
            id_prefix="h",
        )
    )
    children = list(root)
    cells = [
        (element.get("fill", ""), children[n + 1].get("fill", ""))
        for n, element in enumerate(children)
        if element.tag == f"{NS}rect" and element.get("fill", "").startswith("#")
    ]
    assert len(cells) == 100
    assert len({fill for fill, _ink in cells}) > 50  # a real ramp, not a few steps
    for fill, ink in cells:
        assert contrast(fill, ink) >= 4.5, (fill, ink)


def test_heatmap_marks_missing_cells_and_links_rows() -> None:
    root = parse(every_chart("Sleutel")["heatmap"])
    assert "–" in texts(root)
    assert any(e.get("fill", "").startswith("url(#heatmap-") for e in root.iter(f"{NS}rect"))
    links = list(root.iter(f"{NS}a"))
    assert [a.get("href") for a in links] == ["/sleutel/1?x=Sleutel"]


def test_heatmap_rotates_long_column_labels() -> None:
    svg = heatmap(
        ["1.1"],
        ["Medewerkers jeugdgezondheidszorg"],
        [[2.0]],
        scale_min=1,
        scale_max=4,
        title="t",
        description="d",
        id_prefix="h",
    )
    assert any("rotate(" in e.get("transform", "") for e in parse(svg).iter(f"{NS}text"))


def test_distribution_segments_differ_by_pattern_as_well_as_colour() -> None:
    root = parse(
        distribution_bar(
            "1.1",
            [("Niet", 1), ("Enigszins", 1), ("Grotendeels", 1), ("Volledig", 1)],
            title="t",
            description="d",
            id_prefix="d",
        )
    )
    patterns = root.findall(f".//{NS}pattern")
    assert len(patterns) == 2
    segments = [e.get("fill") for e in root.iter(f"{NS}rect") if e.get("height") == "30"]
    assert segments[:4] == ["#D55E00", "url(#d-fill1)", "#56B4E9", "url(#d-fill3)"]


def test_score_bars_show_values_and_the_reference_as_another_shape() -> None:
    root = parse(every_chart("Visie")["bars"])
    shown = texts(root)
    assert "3,4" in shown and "2,0" in shown and "–" in shown
    diamonds = [e for e in root.iter(f"{NS}polygon") if len(e.get("points", "").split()) == 4]
    assert len(diamonds) == 2 + 1  # two known references and the legend
    assert "Visie" in shown


def no_data(chart: Callable[..., SafeString], *args: object, **kwargs: object) -> ET.Element:
    root = parse(chart(*args, title="Leeg", description="Geen antwoorden", id_prefix="e", **kwargs))
    assert root.get("role") == "img"
    return root


def test_empty_input_says_there_is_no_data() -> None:
    scale = {"scale_min": 1, "scale_max": 4}
    roots = [
        no_data(radar_chart, [], [], **scale),
        no_data(radar_chart, ["A", "B"], [("x", [1.0, 2.0])], **scale),
        no_data(radar_chart, ["A", "B", "C"], [], **scale),
        no_data(heatmap, [], [], [], **scale),
        no_data(heatmap, ["1.1"], [], [], **scale),
        no_data(distribution_bar, "1.1", []),
        no_data(distribution_bar, "1.1", [("Niet", 0), ("Wel", 0)]),
        no_data(score_bars, [], **scale),
    ]
    for root in roots:
        assert "Geen gegevens" in texts(root)
    custom = no_data(score_bars, [], **scale, empty_text="No data")
    assert "No data" in texts(custom)


def test_unknown_values_everywhere_do_not_break_the_charts() -> None:
    scale = {"scale_min": 1, "scale_max": 4}
    no_data(radar_chart, ["A", "B", "C"], [("x", [None, None, None]), ("y", [None])], **scale)
    no_data(heatmap, ["1.1", "1.2"], ["A", "B"], [[None, None], [None]], **scale)
    no_data(score_bars, [("A", None)], **scale, reference=[None])
    no_data(score_bars, [("A", 9.0), ("B", -1.0)], scale_min=1, scale_max=1)
