"""Charts for slides: every chart of the results pages, the key pages and the trend page as SVG, PNG and CSV.

The walker collects the download links from the pages themselves (both breakdowns, every key, the trend for all
respondents and for one group) and checks that every chart URL the app has is among them, so a new chart's
downloads are covered without touching this file. A download shows no more than its page: a group too small to
show on its own appears only in the label of the column it is shown together with, and answers sent after the
latest release are in no download.
"""

import csv
import datetime
import io
import re
import struct
import time
import xml.etree.ElementTree as ET

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse

from cjgscan.presentation.downloads import PAD, PNG_SCALE, render_png
from cjgscan.rounds.models import Round
from tests import test_isolation as isolation
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release

NS = "{http://www.w3.org/2000/svg}"
TINY = "Piepkleine <groep>"
TOGETHER = "JGZ-medewerkers + Piepkleine <groep> (samen)"
PROFESSIONS_TOGETHER = "Jeugdverpleegkundigen + Beroepsgroep niet opgegeven (samen)"
LINK = re.compile(r'href="([^"]*/grafiek[^"]*)"')
FORMATS = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png", "csv": "text/csv; charset=utf-8"}


def chart_url_names() -> set[str]:
    """Every chart download the app has: the routes with `grafiek` in them (Dutch, like every other route)."""
    return {str(name) for route, name, _args in isolation.walk(get_resolver().url_patterns) if "grafiek" in route}


def read_csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read the accents"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", content[16:24])
    return width, height


class ChartDownloadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        earlier = make_round(
            cls.org_a, title="Meting voorjaar", opens_on=datetime.date(2025, 3, 1), closes_on=datetime.date(2025, 3, 31)
        )
        for group in list(earlier.groups.all())[:2]:
            for n in range(5):
                make_response(earlier, group, {"S1.K1": f"v{n % 3 + 1}", "S2.K1": "v2"})
        release(earlier)
        Round.objects.filter(pk=earlier.pk).update(status=Round.Status.CLOSED)

        cls.round = make_round(cls.org_a, ask_profession=True)
        groups = list(cls.round.groups.all())
        cls.big, cls.medium, cls.tiny = groups[0], groups[1], groups[2]
        cls.tiny.name = TINY
        cls.tiny.save()
        for _n in range(6):
            make_response(cls.round, cls.big, {"S1.K1": "v4", "S1.K2": "v3", "S5.K1": "v1"}, profession="S4.B1")
        for _n in range(5):
            make_response(cls.round, cls.medium, {"S1.K1": "v1", "S1.K2": "v2", "S5.K1": "v1"}, profession="S4.B2")
        make_response(cls.round, cls.tiny, {"S1.K1": "v2", "S2.K1": "v4"}, comments={"S1": "Herkenbaar commentaar"})
        release(cls.round)
        # Sent after the release: waits for the next one, so no page and no download may count it.
        make_response(cls.round, cls.big, {"S6.K1": "v4", "S6.K2": "v4"})

    def setUp(self) -> None:
        self.client.force_login(self.bob)  # lezer: may look, and so may download

    def pages(self) -> list[str]:
        org, round_ = self.org_a.uuid, self.round.uuid
        overview = reverse("results_overview", args=[org, round_])
        keys = [reverse("results_key", args=[org, round_, t.code]) for t in self.round.version.themes.all()]
        trend = reverse("results_trend", args=[org, "zeven-sleutels"])
        return [overview, overview + "?per=beroep", *keys, trend, trend + f"?groep={self.big.name}"]

    def download_links(self) -> dict[str, str]:
        """Every download link on the pages, with the page it is on; each chart has its three."""
        links: dict[str, str] = {}
        for page in self.pages():
            reply = self.client.get(page)
            assert reply.status_code == 200, page
            content = reply.content.decode()
            found = [href.replace("&amp;", "&") for href in LINK.findall(content)]
            charts = len(re.findall(r'<svg [^>]*role="img"', content))
            assert charts and len(found) == 3 * charts, f"{page}: {charts} charts, {len(found)} download links"
            links.update(dict.fromkeys(found, page))
        return links

    def test_every_chart_on_the_pages_has_its_svg_png_and_csv(self) -> None:
        links = self.download_links()
        assert {resolve(url.split("?")[0]).url_name for url in links} == chart_url_names()
        assert {url.split("?")[0].rsplit(".", 1)[1] for url in links} == set(FORMATS)
        assert len(links) == 3 * (2 * 2 + 51 + 2)  # radar and heatmap ×2 breakdowns, a bar per characteristic, trend ×2

    def test_no_download_shows_what_its_page_hides(self) -> None:
        """The walker: every download as a reader, and in it nothing of the small group or of later answers."""
        problems = []
        for url, page in self.download_links().items():
            reply = self.client.get(url)
            fmt = url.split("?")[0].rsplit(".", 1)[1]
            if reply.status_code != 200 or reply["Content-Type"] != FORMATS[fmt]:
                problems.append(f"{url}: {reply.status_code} {reply['Content-Type']}")
                continue
            if fmt == "png":
                continue  # the same SVG, rasterised (test_the_png_is_the_svg_at_twice_its_size)
            text = reply.content.decode("utf-8")
            text = text.replace("&lt;", "<").replace("&gt;", ">")
            # Named only as a member of the column it is shown together with ("… + Piepkleine <groep> (samen)",
            # which a chart's legend may shorten with "…"), as on the page.
            if TINY in text.replace(f"+ {TINY}", ""):
                problems.append(f"{url} (from {page}): names the small group outside its shared column")
            if "Herkenbaar" in text:
                problems.append(f"{url}: shows a comment")
        assert problems == [], "\n".join(problems)

    def test_the_csv_holds_exactly_the_pages_columns(self) -> None:
        org, round_ = self.org_a.uuid, self.round.uuid
        rows = read_csv(self.client.get(reverse("results_chart", args=[org, round_, "radar", "csv"])).content)
        assert rows[0] == ["Sleutel", "Alle respondenten", self.big.name, TOGETHER]
        assert rows[1][0] == "1. Inspirerende missie en visie"
        # Key 1 = the mean of S1.K1 (31/12) and S1.K2 (28/11), of the 12 released respondents; Dutch decimal commas.
        assert rows[1][1:] == ["2,56", "3,5", "1,58"]
        by_profession = reverse("results_chart", args=[org, round_, "radar", "csv"]) + "?per=beroep"
        header = read_csv(self.client.get(by_profession).content)[0]
        assert PROFESSIONS_TOGETHER in header and "Jeugdverpleegkundigen" not in header
        heatmap = read_csv(self.client.get(reverse("results_chart", args=[org, round_, "heatmap", "csv"])).content)
        assert heatmap[0][:2] == ["Kenmerk", "Tekst"] and len(heatmap) == 1 + 51
        # The answer sent after the release is in no figure: S6.K1 has no answers in the download.
        bar = reverse("results_item_chart", args=[org, round_, "S6", "S6.K1", "csv"])
        answers = read_csv(self.client.get(bar).content)
        assert answers[0] == ["Antwoord", "Aantal antwoorden", "Aandeel (%)"]
        assert [row[1] for row in answers[1:]] == ["0"] * 6 and {row[2] for row in answers[1:]} == {""}
        bar = reverse("results_item_chart", args=[org, round_, "S1", "S1.K1", "csv"])
        assert read_csv(self.client.get(bar).content)[1:5] == [
            ["Niet aanwezig", "5", "41,7"],
            ["In ontwikkeling", "1", "8,3"],
            ["Grotendeels aanwezig", "0", "0,0"],
            ["Volledig aanwezig en geborgd", "6", "50,0"],
        ]
        trend = read_csv(self.client.get(reverse("results_trend_chart", args=[org, "zeven-sleutels", "csv"])).content)
        assert trend[0][0] == "Sleutel" and [cell.split(" (")[0] for cell in trend[0][1:]] == [
            "Meting voorjaar",
            "Meting najaar",
        ]

    def test_text_that_looks_like_a_formula_stays_text(self) -> None:
        self.big.name = '=HYPERLINK("http://x")'
        self.big.save()
        url = reverse("results_chart", args=[self.org_a.uuid, self.round.uuid, "heatmap", "csv"])
        header = read_csv(self.client.get(url).content)[0]
        assert '\'=HYPERLINK("http://x")' in header

    def test_the_svg_is_the_pages_chart_standing_alone(self) -> None:
        org, round_ = self.org_a.uuid, self.round.uuid
        page = self.client.get(reverse("results_overview", args=[org, round_])).content.decode()
        reply = self.client.get(reverse("results_chart", args=[org, round_, "radar", "svg"]))
        content = reply.content.decode()
        assert content.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        assert reply["Content-Disposition"] == 'attachment; filename="meting-najaar-scores-per-sleutel.svg"'
        root = ET.fromstring(content.split("\n", 1)[1])  # noqa: S314 (our own output)
        width, height = float(root.get("width", "")), float(root.get("height", ""))
        assert root.get("viewBox") == f"0 0 {width:g} {height:g}" and width == 720 + 2 * PAD
        assert "Liberation Sans" in root.get("font-family", "")
        assert root.find(f"{NS}title") is not None and root.find(f"{NS}title").text == "Scores per sleutel"  # type: ignore[union-attr]
        printed = [t.text for t in root.findall(f"{NS}text")]
        assert printed == ["Scores per sleutel"]  # the title, visible on the slide
        assert root.find(f"{NS}rect").get("fill") == "#ffffff"  # type: ignore[union-attr]
        inner = root.find(f"{NS}svg")
        assert inner is not None and inner.get("height") is not None
        # The very chart of the page inside: the same markup but for its size.
        page_svg = re.search(r'<svg [^>]*class="chart chart-radar".*?</svg>', page, re.S)
        assert page_svg is not None
        assert page_svg[0].split(">", 1)[1] in content
        assert "<script" not in content and "style=" not in content

    def test_the_png_is_the_svg_at_twice_its_size_and_cheap(self) -> None:
        org, round_ = self.org_a.uuid, self.round.uuid
        for name in ("radar", "heatmap"):
            svg = self.client.get(reverse("results_chart", args=[org, round_, name, "svg"])).content
            reply = self.client.get(reverse("results_chart", args=[org, round_, name, "png"]))
            root = ET.fromstring(svg.decode().split("\n", 1)[1])  # noqa: S314 (our own output)
            expected = (
                round(float(root.get("width", "")) * PNG_SCALE),
                round(float(root.get("height", "")) * PNG_SCALE),
            )
            assert png_size(reply.content) == expected
            started = time.process_time()
            render_png(svg.decode())
            # The largest chart (51 rows) in well under a second of CPU: made in the request, not by the worker.
            assert time.process_time() - started < 0.5

    def test_a_fixed_number_of_queries_whatever_the_number_of_respondents(self) -> None:
        org, round_ = self.org_a.uuid, self.round.uuid
        urls = {
            reverse("results_chart", args=[org, round_, "heatmap", "csv"]): 0,
            reverse("results_item_chart", args=[org, round_, "S1", "S1.K1", "svg"]): 0,
            reverse("results_trend_chart", args=[org, "zeven-sleutels", "png"]): 0,
        }
        for url in urls:
            self.client.get(url)
            with CaptureQueriesContext(connection) as captured:
                self.client.get(url)
            urls[url] = len(captured)
        assert list(urls.values()) == [16, 17, 13]  # the page's own; a bar also reads the answer scale's labels
        for _n in range(10):  # the new release keeps both groups on their own: 5 + 1 waiting, and 10
            make_response(self.round, self.medium, {"S2.K1": "v3", "S3.K1": "v2"})
        for _n in range(5):
            make_response(self.round, self.big, {"S2.K1": "v2"})
        assert release(self.round).accepted
        make_response(self.round, self.big, {"S6.K1": "v4"})  # again one waiting for the next release
        for url, count in urls.items():
            with self.assertNumQueries(count):
                self.client.get(url)


class ChartAccessTests(BaseTestCase):
    """Readers may download (GET only), outsiders get 404, and before a release there is no chart to download."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a)
        for group in list(cls.round.groups.all())[:2]:
            for _n in range(5):
                make_response(cls.round, group, {"S1.K1": "v3"})

    def urls(self) -> list[str]:
        org, round_ = self.org_a.uuid, self.round.uuid
        return [
            *(
                reverse("results_chart", args=[org, round_, name, fmt])
                for name in ("radar", "heatmap")
                for fmt in FORMATS
            ),
            *(reverse("results_item_chart", args=[org, round_, "S1", "S1.K1", fmt]) for fmt in FORMATS),
            *(reverse("results_trend_chart", args=[org, "zeven-sleutels", fmt]) for fmt in FORMATS),
        ]

    def test_nothing_to_download_before_the_first_release(self) -> None:
        self.client.force_login(self.alice)
        assert {url: self.client.get(url).status_code for url in self.urls()} == dict.fromkeys(self.urls(), 404)

    def test_reader_downloads_outsider_gets_404_nobody_posts(self) -> None:
        release(self.round)
        self.client.force_login(self.bob)
        assert {url: self.client.get(url).status_code for url in self.urls()} == dict.fromkeys(self.urls(), 200)
        assert {url: self.client.post(url).status_code for url in self.urls()} == dict.fromkeys(self.urls(), 405)
        self.client.force_login(self.dave)
        assert {url: self.client.get(url).status_code for url in self.urls()} == dict.fromkeys(self.urls(), 404)
        anonymous = Client()
        assert {anonymous.get(url).status_code for url in self.urls()} == {302}

    def test_unknown_charts_formats_and_characteristics_do_not_exist(self) -> None:
        release(self.round)
        self.client.force_login(self.bob)
        org, round_ = self.org_a.uuid, self.round.uuid
        for url in (
            reverse("results_chart", args=[org, round_, "taart", "svg"]),
            reverse("results_chart", args=[org, round_, "radar", "pdf"]),
            reverse("results_item_chart", args=[org, round_, "S1", "S2.K1", "svg"]),  # not a characteristic of S1
            reverse("results_item_chart", args=[org, round_, "S9", "S9.K1", "csv"]),
            reverse("results_trend_chart", args=[org, "zeven-sleutels", "gif"]),
            reverse("results_trend_chart", args=[org, "vijf-pijlers", "svg"]),  # not a scan: no trend
        ):
            assert self.client.get(url).status_code == 404, url
