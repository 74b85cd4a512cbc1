"""HTML to PDF with WeasyPrint: the one place that does it (the paper questionnaire, made by the worker, and the
group link sheet). The reports are typeset by Typst (cjgscan/lib/typeset.py).

Nothing is fetched from elsewhere while rendering: only `data:` URLs are allowed, the style sheet is read from
the static files. WeasyPrint is imported on first use: it takes a second to import and most processes never
render a PDF.
"""

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

PRINT_CSS = "cjgscan/print.css"


def html_to_pdf(html: str, css: str = PRINT_CSS, *, tagged: bool = False) -> bytes:
    """`css` is a static file's name. `tagged`: PDF/UA-1 with the structure tree (headings, tables, figures with
    their alternative text), document language and title, for screen readers."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    fetcher = URLFetcher(allowed_protocols={"data"})
    css_path = finders.find(css)
    assert isinstance(css_path, str), css
    with open(css_path, encoding="utf-8") as css_file:
        stylesheet = CSS(string=css_file.read(), url_fetcher=fetcher)
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True} if tagged else {}
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet], **options)
    return pdf


def render_pdf(
    request: HttpRequest | None, template: str, context: dict[str, Any], css: str = PRINT_CSS, *, tagged: bool = False
) -> bytes:
    """A template rendered to PDF (with the request's context processors when there is a request)."""
    return html_to_pdf(render_to_string(template, context, request), css, tagged=tagged)
