"""Server-rendered SVG charts: the same markup in the page and in the PDF.

Every chart is an <svg role="img"> labelled by its <title> and <desc>; the caller shows the data table next to
it. Colours come from the Okabe–Ito palette and are never the only cue: series also differ by marker shape and
dash pattern, segments by hatching. No style attributes and no scripts (the Content-Security-Policy forbids
both), only presentation attributes. Every text is escaped: labels come from users.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TypeGuard

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cjgscan.lib.numbers import number as format_number

TEXT = "#1a1a1a"  # 17:1 on white
MUTED = "#595959"  # 7:1 on white: scale labels
GRID = "#b3b3b3"
LINK = "#00508a"  # 8:1 on white
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
SIZE = 13
LINE = 16
EMPTY = "Geen gegevens"

# Okabe–Ito, strongest contrast on white first; yellow last (it needs its marker outline).
COLOURS = ("#0072B2", "#D55E00", "#000000", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
DASHES = ("", "9 4", "2 3", "12 3 2 3", "5 5", "1 4", "6 2 2 2 2 2", "16 5")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus", "star")
# ColorBrewer "Blues": sequential, light to dark, readable by colour-blind people.
RAMP = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
# Answer options: the scale runs vermillion → blue; options off the scale ("don't know", "n/a") are grey.
SEGMENTS = ("#D55E00", "#E69F00", "#56B4E9", "#0072B2", "#009E73", "#CC79A7", "#F0E442", "#000000")
NEUTRAL = ("#d9d9d9", "#a6a6a6", "#efefef")
HATCHES = ("M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2", "M0,2 h8 M0,6 h8", "M2,0 v8 M6,0 v8", "M0,0 l8,8 M8,0 l-8,8")

Point = tuple[float, float]


def _num(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def _el(tag: str, content: str = "", /, **attrs: object) -> str:
    """An element; `content` is markup that is already safe, every attribute value is escaped."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        shown = _num(value) if isinstance(value, float) else str(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(shown)}"')
    joined = "".join(parts)
    return f"<{tag}{joined}>{content}</{tag}>" if content else f"<{tag}{joined}/>"


def _width(text: str, size: float = SIZE) -> float:
    """Estimated width of a text: no font metrics on the server, so err on the wide side."""
    return len(text) * size * 0.56


def _wrap(text: str, chars: int, max_lines: int) -> tuple[list[str], bool]:
    """Lines of at most about `chars` characters; True when something had to be cut (shown with "…")."""
    lines: list[str] = []
    cut = False
    for word in str(text).split():
        if len(word) > chars:
            word, cut = word[: chars - 1] + "…", True
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        lines, cut = [*lines[: max_lines - 1], last[: chars - 1].rstrip() + "…"], True
    return lines or [""], cut


def _text(lines: Sequence[str], x: float, y: float, *, full: str = "", **attrs: object) -> str:
    """A text of one or more lines; `y` is the first baseline. `full` adds a tooltip to a shortened label."""
    tooltip = _el("title", escape(full)) if full else ""
    spans = "".join(_el("tspan", escape(line), x=x, y=y + n * LINE) for n, line in enumerate(lines))
    return _el("text", tooltip + spans, **attrs)


def _centred(lines: Sequence[str], middle: float) -> float:
    """The first baseline of a block of lines centred on `middle`."""
    return middle + 4.5 - (len(lines) - 1) * LINE / 2


def _pattern(pattern_id: str, size: int, background: str, hatch: str, ink: str, line: float = 1) -> str:
    path = _el("path", d=hatch, stroke=ink, stroke_width=line)
    content = _el("rect", width=size, height=size, fill=background) + path
    return _el("pattern", content, id=pattern_id, width=size, height=size, patternUnits="userSpaceOnUse")


def _svg(kind: str, width: float, height: float, title: str, description: str, id_prefix: str, body: str) -> SafeString:
    markup = _el(
        "svg",
        _el("title", escape(title), id=f"{id_prefix}-title")
        + _el("desc", escape(description), id=f"{id_prefix}-desc")
        + body,
        xmlns="http://www.w3.org/2000/svg",
        role="img",
        aria_labelledby=f"{id_prefix}-title {id_prefix}-desc",
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        width="100%",
        class_=f"chart chart-{kind}",
        font_family=FONT,
        font_size=SIZE,
        fill=TEXT,
    )
    return mark_safe(markup)  # noqa: S308 (every text and attribute inside is escaped by _el)


def _empty(kind: str, title: str, description: str, id_prefix: str, empty_text: str) -> SafeString:
    body = _el("rect", x=1, y=1, width=718, height=58, fill="none", stroke=GRID, stroke_dasharray="4 4")
    body += _text([empty_text], 360, 35, text_anchor="middle")
    return _svg(kind, 720, 60, title, description, id_prefix, body)


def _points(points: Iterable[Point]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _known(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


def _ticks(low: float, high: float) -> list[float]:
    """Round values between the ends of the scale: every integer on a short scale, fewer on a long one."""
    span = high - low
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if span / s <= 10), span)
    first = math.ceil(low / step) * step
    return [first + n * step for n in range(int((high - first) / step + 1e-9) + 1)]


def _shape(kind: str, x: float, y: float, colour: str, size: float = 5.5) -> str:
    """A series marker, filled with the series colour and outlined so that light colours stay visible."""
    style = {"fill": colour, "stroke": TEXT if colour != "#000000" else "#ffffff", "stroke_width": 1}
    if kind == "circle":
        return _el("circle", cx=x, cy=y, r=size * 0.95, **style)
    unit = {
        "square": [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
        "triangle": [(0, -1.15), (1.05, 0.8), (-1.05, 0.8)],
        "triangle-down": [(0, 1.15), (1.05, -0.8), (-1.05, -0.8)],
        "diamond": [(0, -1.2), (1.05, 0), (0, 1.2), (-1.05, 0)],
        "plus": [(-0.35, -1.1), (0.35, -1.1), (0.35, -0.35), (1.1, -0.35), (1.1, 0.35), (0.35, 0.35),
                 (0.35, 1.1), (-0.35, 1.1), (-0.35, 0.35), (-1.1, 0.35), (-1.1, -0.35), (-0.35, -0.35)],
    }  # fmt: skip
    if kind == "cross":
        cos45 = math.sqrt(0.5)
        points = [((a - b) * cos45, (a + b) * cos45) for a, b in unit["plus"]]
    elif kind == "star":
        points = [
            (math.cos(a) * r, math.sin(a) * r)
            for n in range(10)
            for a, r in [(-math.pi / 2 + n * math.pi / 5, 1.25 if n % 2 == 0 else 0.55)]
        ]
    else:
        points = unit[kind]
    return _el("polygon", points=_points((x + a * size, y + b * size) for a, b in points), **style)


Symbol = Callable[[float, float], str]  # draws a legend symbol with its left middle at (x, y)


def _legend(entries: Sequence[tuple[Symbol, float, str]], top: float, width: float) -> tuple[str, float]:
    """Legend entries (symbol, its width, text) in centred rows; returns the markup and the bottom edge."""
    rows: list[list[tuple[Symbol, float, str, float]]] = [[]]
    used = 0.0
    for symbol, symbol_width, text in entries:
        shown = text if len(text) <= 40 else text[:39] + "…"
        needed = symbol_width + 6 + _width(shown) + 22
        if rows[-1] and used + needed > width - 20:
            rows.append([])
            used = 0.0
        rows[-1].append((symbol, symbol_width, shown, needed))
        used += needed
    parts = []
    for n, row in enumerate(rows):
        y = top + 10 + n * 24
        x = (width - sum(entry[3] for entry in row) + 22) / 2
        for symbol, symbol_width, shown, needed in row:
            parts.append(symbol(x, y) + _text([shown], x + symbol_width + 6, y + 4.5))
            x += needed
    return "".join(parts), top + len(rows) * 24 + 6


def _stroke(n: int) -> dict[str, object]:
    """How series `n` draws its line: colour, width and dash pattern."""
    return {"stroke": COLOURS[n % 8], "stroke_width": 2.5, "stroke_dasharray": DASHES[n % 8] or None}


def _series_symbol(n: int) -> Symbol:
    line, marker = _stroke(n), MARKERS[n % 8]
    return lambda x, y: _el("line", x1=x, y1=y, x2=x + 36, y2=y, **line) + _shape(marker, x + 18, y, COLOURS[n % 8])


def radar_chart(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    scale_min: float,
    scale_max: float,
    title: str,
    description: str,
    id_prefix: str,
    empty_text: str = EMPTY,
) -> SafeString:
    """A spider chart: one axis per key (at least 3), a closed line per series; unknown values leave a gap."""
    count = len(axes)
    if count < 3:
        return _empty("radar", title, description, id_prefix, empty_text)
    width, radius = 720.0, 165.0
    span = (scale_max - scale_min) or 1.0

    def direction(index: int) -> Point:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return math.cos(angle), math.sin(angle)

    # Axis labels first, relative to the centre, to know how much room they need above and below.
    reach = [direction(i)[1] * radius for i in range(count)]
    labels, top, bottom = [], min(reach) - 6, max(reach) + 6
    for index, label in enumerate(axes):
        dx, dy = direction(index)
        lines, cut = _wrap(label, 20, 3)
        block = len(lines) * LINE
        x, y = dx * (radius + 12), dy * (radius + 12)
        block_top = y - block * (1 - dy) / 2
        anchor = "middle" if abs(dx) < 0.3 else ("start" if dx > 0 else "end")
        labels.append((lines, cut, label, x, block_top, anchor))
        top, bottom = min(top, block_top), max(bottom, block_top + block)
    cx, cy = width / 2, 8 - top

    def at(index: int, value: float) -> Point:
        dx, dy = direction(index)
        r = radius * (min(max(value, scale_min), scale_max) - scale_min) / span
        return cx + r * dx, cy + r * dy

    rings = [tick for tick in _ticks(scale_min, scale_max) if tick > scale_min]
    body = [_el("polygon", points=_points(at(i, t) for i in range(count)), fill="none", stroke=GRID) for t in rings]
    body += [
        _el("line", x1=cx, y1=cy, x2=at(i, scale_max)[0], y2=at(i, scale_max)[1], stroke=GRID) for i in range(count)
    ]
    for tick in rings:
        shown = format_number(tick, 0 if tick == int(tick) else 1)
        body.append(_text([shown], cx + 4, at(0, tick)[1] + 12, font_size=11, fill=MUTED))
    for lines, cut, label, x, block_top, anchor in labels:
        body.append(_text(lines, cx + x, cy + block_top + 12, full=label if cut else "", text_anchor=anchor))

    for n, (_name, raw) in enumerate(series):
        line = {"fill": "none", "stroke_linejoin": "round", **_stroke(n)}
        known = {i: at(i, v) for i, v in enumerate(list(raw)[:count]) if _known(v)}
        if len(known) == count:
            body.append(_el("polygon", points=_points(known.values()), **line))
        elif known:
            # Runs of known values, starting just after a gap so that a run may wrap past the last axis.
            start = next(i for i in range(count) if i not in known) + 1
            run: list[Point] = []
            for step in range(count + 1):
                index = (start + step) % count
                if index in known and step < count:
                    run.append(known[index])
                    continue
                if len(run) > 1:
                    body.append(_el("polyline", points=_points(run), **line))
                run = []
        body += [_shape(MARKERS[n % 8], x, y, COLOURS[n % 8]) for x, y in known.values()]

    entries = [(_series_symbol(n), 36.0, name) for n, (name, _values) in enumerate(series)]
    legend, height = _legend(entries, cy + bottom + 10, width)
    if not series:
        legend, height = _text([empty_text], cx, cy + bottom + 24, text_anchor="middle"), cy + bottom + 36
    return _svg("radar", width, height, title, description, id_prefix, "".join(body) + legend)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def ramp_colour(fraction: float) -> str:
    """The colour of a score on the light-to-dark blue ramp; `fraction` 0 is the low end of the scale."""
    position = min(max(fraction, 0.0), 1.0) * (len(RAMP) - 1)
    low = min(int(position), len(RAMP) - 2)
    a, b, t = _hex(RAMP[low]), _hex(RAMP[low + 1]), position - low
    return "#{:02x}{:02x}{:02x}".format(*(round(p + (q - p) * t) for p, q in zip(a, b, strict=True)))


def _luminance(colour: str) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in _hex(colour))]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill: str) -> str:
    """Dark or white text, whichever reads better on the fill; black where neither reaches 4.5:1."""
    best = max((TEXT, "#ffffff"), key=lambda ink: _contrast(ink, fill))
    return best if _contrast(best, fill) >= 4.5 else "#000000"


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    scale_min: float,
    scale_max: float,
    title: str,
    description: str,
    id_prefix: str,
    row_links: Sequence[str] | None = None,
    empty_text: str = EMPTY,
) -> SafeString:
    """Rows (characteristics) × columns (groups): each cell coloured by its score, the score printed in it."""
    if not rows or not columns:
        return _empty("heatmap", title, description, id_prefix, empty_text)
    span = (scale_max - scale_min) or 1.0
    cell_w = 80.0
    wrapped = [_wrap(row, 44, 2) for row in rows]
    row_h = 36.0 if any(len(lines) > 1 for lines, _cut in wrapped) else 28.0
    label_w = min(max(_width(line) for lines, _cut in wrapped for line in lines) + 16, 320)
    headers = [_wrap(column, 12, 2) for column in columns]
    rotate = any(cut or max(map(_width, lines)) > cell_w - 8 for lines, cut in headers)
    if rotate:
        shown = [c if len(c) <= 28 else c[:27] + "…" for c in columns]
        reach = max(_width(c) for c in shown) * math.sqrt(0.5)
        header_h, right = reach + 18, max(reach - cell_w / 2, 0) + 10
    else:
        header_h, right = max(len(lines) for lines, _cut in headers) * LINE + 12, 10
    # At least as wide as the other charts, so that its text is as large when they share a column.
    width = max(label_w + cell_w * len(columns) + right, 720)
    missing = f"{id_prefix}-missing"
    body = [_el("defs", _pattern(missing, 6, "#f2f2f2", "M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2", "#bfbfbf"))]
    for c, column in enumerate(columns):
        x = label_w + c * cell_w + cell_w / 2
        if rotate:
            body.append(
                _text([shown[c]], x, header_h - 8, full=column if shown[c] != column else "",
                      transform=f"rotate(-45 {_num(x)} {_num(header_h - 8)})")
            )  # fmt: skip
        else:
            lines, _cut = headers[c]
            body.append(_text(lines, x, header_h - 8 - (len(lines) - 1) * LINE, text_anchor="middle"))
    for r, (lines, cut) in enumerate(wrapped):
        y = header_h + r * row_h
        first = _centred(lines, y + row_h / 2)
        link = row_links[r] if row_links and r < len(row_links) else ""
        label = _text(lines, label_w - 10, first, full=rows[r] if cut else "", text_anchor="end",
                      fill=LINK if link else None, text_decoration="underline" if link else None)  # fmt: skip
        body.append(_el("a", label, href=link) if link else label)
        cells = list(values[r]) if r < len(values) else []
        for c in range(len(columns)):
            value = cells[c] if c < len(cells) else None
            x = label_w + c * cell_w
            if _known(value):
                fill = ramp_colour((value - scale_min) / span)
                ink = text_colour_on(fill)
            else:
                value, fill, ink = None, f"url(#{missing})", TEXT
            body.append(_el("rect", x=x + 1, y=y + 1, width=cell_w - 2, height=row_h - 2, fill=fill))
            middle = (x + cell_w / 2, y + row_h / 2 + 4.5)
            body.append(_text([format_number(value)], *middle, text_anchor="middle", fill=ink))
    legend_y = header_h + len(rows) * row_h + 18
    low, high = format_number(scale_min, 0), format_number(scale_max, 0)
    ramp_x = label_w + 8
    body.append(_text([low], ramp_x - 6, legend_y + 11, text_anchor="end"))
    # The ramp in small steps rather than a gradient: WeasyPrint leaves a gradient fill blank.
    steps = "".join(
        _el("rect", x=ramp_x + n * 8, y=legend_y, width=8.5, height=14, fill=ramp_colour(n / 19)) for n in range(20)
    )
    body.append(_el("g", steps) + _el("rect", x=ramp_x, y=legend_y, width=160, height=14, fill="none", stroke=MUTED))
    body.append(_text([high], ramp_x + 166, legend_y + 11))
    return _svg("heatmap", width, legend_y + 26, title, description, id_prefix, "".join(body))


def distribution_bar(
    label: str,
    counts: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str,
    id_prefix: str,
    neutral: int = 0,
    empty_text: str = EMPTY,
    legend: bool = True,
) -> SafeString:
    """One 100 % stacked bar of the answer options, each segment its own colour and fill pattern.

    The last `neutral` options (e.g. "don't know", "n/a") are off the scale and drawn in greys. Without `legend`
    (several bars under one `distribution_legend`, as in the PDF report) the counts belong in a table beside it.
    """
    total = sum(max(n, 0) for _name, n in counts)
    if total == 0:
        return _empty("distribution", title, description, id_prefix, empty_text)
    width, bar_y, bar_h = 720.0, 6.0, 30.0
    lines, cut = _wrap(label, 18, 2) if label.strip() else ([], False)
    x0 = min(max((_width(line) for line in lines), default=0) + 12, 150) if lines else 0.0
    defs, fills = _segment_fills(len(counts), neutral, id_prefix)
    body: list[str] = []
    if lines:
        body.append(_text(lines, 0, _centred(lines, bar_y + bar_h / 2), full=label if cut else ""))
    x, bar_w = x0, width - x0 - 2
    for n, (_name, count) in enumerate(counts):
        w = bar_w * max(count, 0) / total
        if w <= 0:
            continue
        body.append(_el("rect", x=x, y=bar_y, width=w, height=bar_h, fill=fills[n], stroke="#ffffff", stroke_width=1))
        share = f"{format_number(100 * count / total, 0)}%"
        chip = _width(share, 12) + 8
        if w >= chip + 6:
            mid = x + w / 2
            body.append(_el("rect", x=mid - chip / 2, y=bar_y + 7, width=chip, height=16, rx=3, fill="#fff"))
            body.append(_text([share], mid, bar_y + 19.5, text_anchor="middle", font_size=12, font_weight="bold"))
        x += w
    body.append(_el("rect", x=x0, y=bar_y, width=bar_w, height=bar_h, fill="none", stroke=MUTED))
    key, height = "", bar_y + bar_h + 6
    if legend:
        entries = [(_swatch(fills[n]), 16.0, f"{name} ({count})") for n, (name, count) in enumerate(counts)]
        key, height = _legend(entries, bar_y + bar_h + 8, width)
    body.insert(0, _el("defs", "".join(defs)))
    return _svg("distribution", width, height, title, description, id_prefix, "".join(body) + key)


def _segment_fills(count: int, neutral: int, id_prefix: str) -> tuple[list[str], list[str]]:
    """The pattern definitions and the fill of each answer option's segment (every other one hatched)."""
    first_scale = count - neutral
    defs, fills = [], []
    for n in range(count):
        colour = SEGMENTS[n % 8] if n < first_scale else NEUTRAL[(n - first_scale) % 3]
        fill = colour
        if n % 2:
            pattern_id = f"{id_prefix}-fill{n}"
            hatch = HATCHES[(n // 2) % len(HATCHES)]
            defs.append(_pattern(pattern_id, 8, colour, hatch, text_colour_on(colour), 1.5))
            fill = f"url(#{pattern_id})"
        fills.append(fill)
    return defs, fills


def _swatch(fill: str) -> Symbol:
    return lambda x, y: _el("rect", x=x, y=y - 8, width=16, height=16, fill=fill, stroke=TEXT)


def distribution_legend(
    names: Sequence[str], *, title: str, description: str, id_prefix: str, neutral: int = 0
) -> SafeString:
    """The key to several distribution bars drawn without their own legend: each option's colour and pattern."""
    defs, fills = _segment_fills(len(names), neutral, id_prefix)
    entries = [(_swatch(fills[n]), 16.0, name) for n, name in enumerate(names)]
    key, height = _legend(entries, 0, 720.0)
    return _svg("legend", 720.0, height, title, description, id_prefix, _el("defs", "".join(defs)) + key)


def score_bars(
    rows: Sequence[tuple[str, float | None]],
    *,
    scale_min: float,
    scale_max: float,
    title: str,
    description: str,
    id_prefix: str,
    reference: Sequence[float | None] | None = None,
    reference_label: str = "Vorige meting",
    empty_text: str = EMPTY,
) -> SafeString:
    """Horizontal bars of scores, the value at the end; `reference` (e.g. the previous round) as diamonds."""
    if not rows:
        return _empty("bars", title, description, id_prefix, empty_text)
    width, bar_h = 720.0, 18.0
    span = (scale_max - scale_min) or 1.0
    wrapped = [_wrap(label, 34, 2) for label, _value in rows]
    row_h = 40.0 if any(len(lines) > 1 for lines, _cut in wrapped) else 30.0
    label_w = min(max(_width(line) for lines, _cut in wrapped for line in lines) + 14, 250)
    x0, x1 = label_w, width - 56

    def at(value: float) -> float:
        return x0 + (x1 - x0) * (min(max(value, scale_min), scale_max) - scale_min) / span

    bottom = len(rows) * row_h + 6
    body = []
    for tick in _ticks(scale_min, scale_max):
        x = at(tick)
        dash = "3 3" if tick > scale_min else None
        body.append(_el("line", x1=x, y1=4, x2=x, y2=bottom, stroke=GRID, stroke_dasharray=dash))
        shown = format_number(tick, 0 if tick == int(tick) else 1)
        body.append(_text([shown], x, bottom + 15, text_anchor="middle", fill=MUTED, font_size=11))
    references = list(reference or [])
    for r, ((label, value), (lines, cut)) in enumerate(zip(rows, wrapped, strict=True)):
        y = 6 + r * row_h
        middle = y + row_h / 2
        full = label if cut else ""
        body.append(_text(lines, label_w - 10, _centred(lines, middle), full=full, text_anchor="end"))
        end = x0
        if _known(value):
            end = at(value)
            bar = {"width": max(end - x0, 1), "height": bar_h, "fill": COLOURS[0]}
            body.append(_el("rect", x=x0, y=middle - bar_h / 2, **bar))
        previous = references[r] if r < len(references) else None
        text_x = end + 6
        if _known(previous):
            px = at(previous)
            body.append(_shape("diamond", px, middle, "#000000", 6.5))
            text_x = max(text_x, px + 11)
        shown = format_number(value if _known(value) else None)
        body.append(_text([shown], text_x, middle + 4.5, font_weight="bold"))
    height = bottom + 24
    legend = ""
    if any(_known(v) for v in references):
        entries = [(lambda x, y: _shape("diamond", x + 7, y, "#000000", 6.5), 14.0, reference_label)]
        legend, height = _legend(entries, height, width)
    return _svg("bars", width, height, title, description, id_prefix, "".join(body) + legend)
