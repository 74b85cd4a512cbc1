"""Reading a PDF back as a checker would: words outside the page (pdftotext -bbox) and the PDF/UA tagging
(pikepdf: MarkInfo, language, title, structure tree, alternative text of figures)."""

import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from io import BytesIO

import pikepdf
import pytest

A4_WIDTH, A4_HEIGHT = 595.28, 841.89
MM = 72 / 25.4


@dataclass
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(content: bytes) -> tuple[list[tuple[float, float]], list[Word]]:
    """Every page's size and every word with its box, in points from the top left."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    result = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    pages: list[tuple[float, float]] = []
    found: list[Word] = []
    for line in result.stdout.decode().splitlines():
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if page:
            pages.append((float(page[1]), float(page[2])))
            continue
        word = re.search(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*)</word>', line)
        if word:
            box = [float(word[n]) for n in range(1, 5)]
            found.append(Word(len(pages), html.unescape(word[5]), *box))
    return pages, found


def words_outside(content: bytes, margin_mm: float) -> list[Word]:
    """Words that reach past the page's printable area: the side margins, or off the page at all."""
    pages, found = words(content)
    side = margin_mm * MM - 0.5  # half a point of rounding
    outside = []
    for word in found:
        width, height = pages[word.page - 1]
        if word.x_min < side or word.x_max > width - side or word.y_min < 0 or word.y_max > height:
            outside.append(word)
    return outside


@dataclass
class Tagging:
    marked: bool
    language: str
    title: str
    display_title: bool
    ua_part: str
    tags: list[str] = field(default_factory=list)
    figures_without_alt: int = 0
    figure_alts: list[str] = field(default_factory=list)


def tagging(content: bytes) -> Tagging:
    """What a PDF/UA checker looks at first."""
    with pikepdf.open(BytesIO(content)) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        preferences = root.get("/ViewerPreferences")
        metadata = pdf.open_metadata()
        result = Tagging(
            marked=bool(mark_info is not None and mark_info.get("/Marked")),
            language=str(root.get("/Lang", "")),
            title=str(metadata.get("dc:title", "")),
            display_title=bool(preferences is not None and preferences.get("/DisplayDocTitle")),
            ua_part=str(metadata.get("pdfuaid:part", "")),
        )
        tree = root.get("/StructTreeRoot")
        if tree is None:
            return result
        stack = [tree.get("/K")]
        seen: set[tuple[int, int]] = set()
        while stack:
            node = stack.pop()
            if node is None:
                continue
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            kind = node.get("/S")
            if kind is not None:
                name = str(kind).lstrip("/")
                result.tags.append(name)
                if name == "Figure":
                    alt = str(node.get("/Alt", "")).strip()
                    if alt:
                        result.figure_alts.append(alt)
                    else:
                        result.figures_without_alt += 1
            stack.append(node.get("/K"))
        return result
