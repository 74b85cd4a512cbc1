"""Data to PDF with Typst (the `typst` package): the one place that does it (the round's report, the werksessie
report).

A template (a `.typ` file shipped in the package) lays out the document; the data comes in as JSON through
`sys.inputs`, so every text users typed reaches Typst as a string and is shown as text, never read as markup.
The compile root is the template's own folder: a template reads nothing else from the disk, and nothing is
fetched from the network (charts come in as SVG strings in the data).

Fonts are chosen, not found: only DejaVu Sans (Debian's `fonts-dejavu-core`, in `scripts/system-packages`) and
Typst's embedded fonts, never the machine's other fonts, so every machine with DejaVu gives the same file. The
PDF is tagged PDF/UA-1 and carries the given day (no time) as its creation date: the same data on the same day
gives the same bytes.
"""

import datetime
import functools
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import typst

# Where Linux distributions put DejaVu Sans (Debian and Ubuntu, Fedora, Arch, Alpine).
FONT_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/ttf-dejavu",
)
FONT_FILE = "DejaVuSans.ttf"
logger = logging.getLogger(__name__)


def font_folder() -> Path:
    """The first of the distributions' folders that has DejaVu Sans."""
    for folder in FONT_FOLDERS:
        if (Path(folder) / FONT_FILE).is_file():
            return Path(folder)
    raise ImproperlyConfigured(
        f"The PDF reports need the font DejaVu Sans ({FONT_FILE}) in one of {', '.join(FONT_FOLDERS)}: install it "
        "(Debian: apt-get install fonts-dejavu-core)."
    )


@functools.cache
def _compiler(template: Path) -> "typst.Compiler":
    """One compiler per template and process: it keeps the parsed fonts between documents. Imported on first
    use, like WeasyPrint in lib/pdf.py: most processes never make a PDF."""
    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(font_folder())])
    return typst.Compiler(str(template), root=str(template.parent), font_paths=fonts, ignore_system_fonts=True)


def typeset(template: Path, data: dict[str, Any], day: datetime.date) -> bytes:
    """`template` typeset with `data` (reachable in it as `json(bytes(sys.inputs.data))`), as tagged PDF/UA-1
    dated `day`."""
    compiler = _compiler(template)
    timestamp = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    source = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    pdf, warnings = compiler.compile_with_warnings(
        format="pdf", sys_inputs={"data": source}, pdf_standards="ua-1", timestamp=timestamp
    )
    # A warning is a fault of the template (a font it does not have, say): the tests fail on it.
    for warning in warnings:
        logger.warning("Typst, %s: %s", template.name, warning.message)
    assert isinstance(pdf, bytes)
    return pdf
