"""Benchmark: a chart's standalone SVG to PNG, side by side in one run, by each library that can do it.

    python -m bench.charts            # writes the PNGs to test-artifacts/chart-png/ to look at

The charts are the results pages' own (cjgscan.presentation), at the largest size a round gives them: the heatmap
of 51 characteristics × 8 columns, the radar of 7 keys × 8 columns, a characteristic's answer bar and the trend
line chart of 5 rounds. Each is made a standalone SVG as the download is, then rasterised at twice its size by:

- resvg: `resvg-py` (a binding of resvg, the renderer Typst uses inside);
- typst: the `typst` package compiling a one-page document of the SVG to PNG, as the download does
  (cjgscan/presentation/downloads.py);
- cairosvg: CairoSVG on the system's cairo, when it is installed.

Printed: CPU time of this process (median of REPEAT, all threads) and the PNG's size. No database.
"""

import functools
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPEAT = int(os.environ.get("CHART_REPEAT", "7"))
OUT = Path(__file__).resolve().parents[1] / "test-artifacts" / "chart-png"


def charts() -> dict[str, str]:
    from cjgscan.presentation import charts
    from cjgscan.presentation.downloads import Chart, standalone_svg
    from cjgscan.presentation.trend_chart import line_chart

    columns = ["Alle respondenten", "CJG-management", "JGZ-medewerkers", "Overige CJG-medewerkers",
               "Partnerorganisaties", "Gemeente (beleid)", "Bestuur en politiek", "Ouders en jongeren"]  # fmt: skip
    keys = [f"{n}. Sleutel nummer {n} met een langere naam" for n in range(1, 8)]
    items = [f"S{n // 8 + 1}.K{n % 8 + 1} Een kenmerk zoals de scan het vraagt, met wat woorden" for n in range(51)]
    common = {"scale_min": 1, "scale_max": 4, "description": "Beschrijving", "empty_text": "Geen gegevens"}
    made = {
        "heatmap": charts.heatmap(
            items, columns, [[1 + (r * 7 + c * 3) % 30 / 10 for c in range(8)] for r in range(51)],
            title="Elk kenmerk per groep", id_prefix="heatmap", **common,
        ),
        "radar": charts.radar_chart(
            keys, [(c, [1 + (k * 5 + n) % 30 / 10 for k in range(7)]) for n, c in enumerate(columns)],
            title="Scores per sleutel", id_prefix="radar", **common,
        ),
        "bar": charts.distribution_bar(
            "S1.K1", [("Niet aanwezig", 5), ("In ontwikkeling", 9), ("Grotendeels aanwezig", 12),
                      ("Volledig aanwezig en geborgd", 7), ("Weet ik niet", 2), ("Niet van toepassing", 1)],
            title="Antwoorden op S1.K1", description="", id_prefix="dist", neutral=2, empty_text="",
        ),
        "trend": line_chart(
            [f"Meting {year}" for year in range(2022, 2027)],
            [(k, str(n + 1), [1 + (n + r) % 30 / 10 for r in range(5)]) for n, k in enumerate(keys)],
            title="Score per sleutel per meting", id_prefix="trend", **common,
        ),
    }  # fmt: skip
    return {name: standalone_svg(Chart(name, name, svg, [], [])) for name, svg in made.items()}


def resvg(svg: str) -> bytes:
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=2))


def typst_png(svg: str) -> bytes:
    from cjgscan.presentation.downloads import render_png

    return render_png(svg)  # what the download does


def cairosvg_png(svg: str) -> bytes:
    import cairosvg

    return bytes(cairosvg.svg2png(bytestring=svg.encode(), scale=2))


def cpu_time(function: Callable[[], bytes]) -> tuple[float, bytes]:
    times, result = [], b""
    for _ in range(REPEAT):
        start = time.process_time()
        result = function()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cjgscan.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789abcdefghijklmnop")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("nl")
    OUT.mkdir(parents=True, exist_ok=True)
    svgs = charts()
    engines = {"resvg": resvg, "typst": typst_png, "cairosvg": cairosvg_png}
    print(f"chart SVG → PNG at 2×, CPU seconds, median of {REPEAT}")
    print(f"{'chart':8} {'SVG kB':>7} " + " ".join(f"{name:>18}" for name in engines))
    for chart, svg in svgs.items():
        cells = []
        for name, engine in engines.items():
            try:
                seconds, png = cpu_time(functools.partial(engine, svg))
            except ImportError:
                cells.append(f"{'not installed':>18}")
                continue
            (OUT / f"{chart}-{name}.png").write_bytes(png)
            cells.append(f"{seconds * 1000:8.1f} ms {len(png) // 1024:4d} kB")
        print(f"{chart:8} {len(svg) // 1024:7d} " + " ".join(cells))


if __name__ == "__main__":
    main()
