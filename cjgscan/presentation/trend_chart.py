"""A line chart of scores over rounds, in the style of charts.py: SVG, labelled, colour never the only cue.

Each series (a key) has its own colour, marker and dash pattern, and its short name printed at its last point,
so that it can be followed in black and white too.
"""

from collections.abc import Sequence

from django.utils.safestring import SafeString

from cjgscan.presentation.charts import (
    COLOURS,
    EMPTY,
    GRID,
    MARKERS,
    MUTED,
    _el,
    _empty,
    _known,
    _legend,
    _points,
    _series_symbol,
    _shape,
    _stroke,
    _svg,
    _text,
    _ticks,
    _wrap,
    format_number,
)


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions as close to `wanted` as possible, at least `gap` apart, within [low, high]; order kept."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: dict[int, float] = {}
    previous = low - gap
    for i in order:
        placed[i] = max(wanted[i], previous + gap)
        previous = placed[i]
    overflow = previous - high
    if overflow > 0:  # pushed past the bottom: shift the whole stack up, no higher than the top
        for i in order:
            placed[i] = max(placed[i] - overflow, low)
    return [placed[i] for i in range(len(wanted))]


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    scale_min: float,
    scale_max: float,
    title: str,
    description: str,
    id_prefix: str,
    empty_text: str = EMPTY,
) -> SafeString:
    """One line per series (name, short name, a value per x label); an unknown value breaks the line."""
    if not x_labels or not series:
        return _empty("line", title, description, id_prefix, empty_text)
    width = 720.0
    span = (scale_max - scale_min) or 1.0
    top, plot_h = 12.0, 260.0
    wrapped = [_wrap(label, 18, 3) for label in x_labels]
    label_h = max(len(lines) for lines, _cut in wrapped) * 16 + 8
    x0, x1 = 84.0, width - 84.0  # room for half a wrapped round name at either end
    step = (x1 - x0) / max(len(x_labels) - 1, 1)

    def x_at(index: int) -> float:
        return x0 + step * index if len(x_labels) > 1 else (x0 + x1) / 2

    def y_at(value: float) -> float:
        return top + plot_h * (1 - (min(max(value, scale_min), scale_max) - scale_min) / span)

    bottom = top + plot_h
    body = []
    for tick in _ticks(scale_min, scale_max):
        y = y_at(tick)
        dash = "3 3" if tick > scale_min else None
        body.append(_el("line", x1=x0, y1=y, x2=x1, y2=y, stroke=GRID, stroke_dasharray=dash))
        shown = format_number(tick, 0 if tick == int(tick) else 1)
        body.append(_text([shown], x0 - 8, y + 4, text_anchor="end", fill=MUTED, font_size=11))
    for index, (lines, cut) in enumerate(wrapped):
        x = x_at(index)
        body.append(_el("line", x1=x, y1=top, x2=x, y2=bottom, stroke=GRID))
        body.append(_text(lines, x, bottom + 18, full=x_labels[index] if cut else "", text_anchor="middle"))

    ends: list[tuple[float, str, int]] = []
    for n, (_name, short, raw) in enumerate(series):
        values = list(raw)[: len(x_labels)]
        known = [(i, v) for i, v in enumerate(values) if _known(v)]
        line = {"fill": "none", "stroke_linejoin": "round", **_stroke(n)}
        run: list[tuple[float, float]] = []
        for i, value in enumerate([*values, None]):
            if _known(value):
                run.append((x_at(i), y_at(value)))
                continue
            if len(run) > 1:
                body.append(_el("polyline", points=_points(run), **line))
            run = []
        body += [_shape(MARKERS[n % 8], x_at(i), y_at(v), COLOURS[n % 8]) for i, v in known]
        if known:
            ends.append((y_at(known[-1][1]), short, known[-1][0]))
    # Short names right of the last column, spread so that they never overlap; a thin leader where moved.
    last = [end for end in ends if end[2] == len(x_labels) - 1]
    placed = _spread([y for y, _short, _i in last], 15.0, top, bottom)
    for (y, short, _i), label_y in zip(last, placed, strict=True):
        if abs(label_y - y) > 1:
            body.append(_el("line", x1=x1 + 8, y1=y, x2=x1 + 18, y2=label_y, stroke=MUTED))
        body.append(_text([short], x1 + 20, label_y + 4.5, font_size=12))
    for y, short, i in ends:
        if i != len(x_labels) - 1:  # a line that stops early: its name where it stops
            body.append(_text([short], x_at(i) + 9, y - 8, font_size=12))

    entries = [(_series_symbol(n), 36.0, name) for n, (name, _short, _values) in enumerate(series)]
    legend, height = _legend(entries, bottom + label_h + 4, width)
    return _svg("line", width, height, title, description, id_prefix, "".join(body) + legend)
