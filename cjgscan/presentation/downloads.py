"""Every chart of the results pages as a file for slides: the page's SVG as a file of its own, a PNG of it, and the
data it draws as CSV.

A `Chart` is built once, by the same function, for the page and for its downloads, so a download shows exactly the
figures of the page: those of the round's latest release, with its groups shown together where the page does so.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.text import slugify

from cjgscan.exports.tables import Table
from cjgscan.exports.writers import CONTENT_TYPES, CSV, csv_chunks
from cjgscan.presentation.charts import FONT, SIZE, TEXT, _el, _wrap

SVG, PNG = "svg", "png"
FORMATS = {SVG: "image/svg+xml", PNG: "image/png", CSV: CONTENT_TYPES[CSV]}
PNG_SCALE = 2  # 720 px wide charts become 1440 px: sharp on a full-HD slide
TITLE_SIZE = 18
PAD = 12  # white margin around the chart, so that no label touches the slide's picture frame
VIEW_BOX = re.compile(r'^<svg [^>]*viewBox="0 0 ([\d.]+) ([\d.]+)"')
SIZE_ATTRIBUTES = re.compile(r'<svg [^>]*width="([\d.]+)" height="([\d.]+)"')


@dataclass(frozen=True)
class Chart:
    name: str  # its part of the download address: "radar", "heatmap", a characteristic's code, "trend"
    title: str
    svg: SafeString
    header: list[str]
    rows: list[list[Any]]  # exactly the values the chart draws, one row per label


def standalone_svg(chart: Chart) -> str:
    """The page's SVG with a size in pixels, a white background, fonts named and its title printed above it: a file
    that opens the same in a browser, an image viewer or a slide program."""
    found = VIEW_BOX.match(str(chart.svg))
    if found is None:
        raise ValueError("not a chart of cjgscan.presentation.charts")
    width, height = float(found[1]), float(found[2])
    lines, _cut = _wrap(chart.title, int(width / (TITLE_SIZE * 0.56)), 3)
    top = PAD + len(lines) * 24 + 10
    full_width, full_height = width + 2 * PAD, top + height + PAD
    # The chart itself, unchanged inside: an inner <svg> placed under the title, at its own size.
    inner = str(chart.svg).replace(' width="100%"', f' x="{PAD}" y="{top:g}" width="{width:g}" height="{height:g}"', 1)
    body = (
        _el("title", escape(chart.title), id="file-title")
        + _el("rect", width=f"{full_width:g}", height=f"{full_height:g}", fill="#ffffff")
        + "".join(
            _el("text", escape(line), x=PAD, y=PAD + 18 + n * 24, font_size=TITLE_SIZE, font_weight="bold")
            for n, line in enumerate(lines)
        )
        + inner
    )
    root = _el(
        "svg",
        body,
        xmlns="http://www.w3.org/2000/svg",
        width=f"{full_width:g}",
        height=f"{full_height:g}",
        viewBox=f"0 0 {full_width:g} {full_height:g}",
        role="img",
        aria_labelledby="file-title",
        font_family=FONT,
        font_size=SIZE,
        fill=TEXT,
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root + "\n"


def render_png(svg: str) -> bytes:
    """A PNG of a standalone SVG at twice its size, drawn by Typst (docs/results.md says why): a page exactly the
    SVG's size with the SVG as its only image; 72 points an inch at 144 pixels an inch doubles every pixel."""
    import typst

    found = SIZE_ATTRIBUTES.search(svg)
    if found is None:
        raise ValueError("not a standalone SVG: no width and height")
    source = (
        f"#set page(width: {found[1]}pt, height: {found[2]}pt, margin: 0pt)\n"
        '#image(bytes(sys.inputs.svg), format: "svg", width: 100%)\n'
    )
    return bytes(typst.compile(source.encode(), format="png", ppi=72 * PNG_SCALE, sys_inputs={"svg": svg}))


def csv_bytes(chart: Chart) -> bytes:
    """The chart's data as the CSV exports write it: ';' and decimal commas for Dutch Excel, formulas neutralised."""
    return b"".join(csv_chunks(Table(chart.title, chart.header, chart.rows), ";"))


def chart_response(chart: Chart, fmt: str, stem: str) -> HttpResponse:
    """The download of `chart` as SVG, PNG or CSV; another format is a page that does not exist."""
    if fmt not in FORMATS:
        raise Http404
    svg = standalone_svg(chart) if fmt in (SVG, PNG) else ""
    content = svg.encode() if fmt == SVG else render_png(svg) if fmt == PNG else csv_bytes(chart)
    response = HttpResponse(content, content_type=FORMATS[fmt] + ("; charset=utf-8" if fmt == SVG else ""))
    name = f"{slugify(stem) or 'meting'}-{slugify(chart.title) or chart.name}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
