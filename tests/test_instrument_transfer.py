"""Instruments in and out of the browser: download a version as YAML, load a file as an administrator."""

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cjgscan.instruments.loader import content_hash, parse_text
from cjgscan.instruments.models import Instrument, InstrumentVersion
from cjgscan.instruments.problems import translate_message, translate_problem
from cjgscan.instruments.schema import InstrumentFileError, check_document
from tests.base import BaseTestCase
from tests.factories import make_user
from tests.test_instrument_loading import BROKEN, mini

MINI = Path(__file__).parent / "data" / "mini-scan.yaml"


def as_upload(content: str | bytes, name: str = "mijn-scan.yaml") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/yaml")


class DownloadTests(BaseTestCase):
    def test_the_detail_page_links_to_the_yaml(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("instrument_detail", args=["zeven-sleutels"]))
        self.assertContains(response, reverse("instrument_yaml", args=["zeven-sleutels"]) + "?versie=1")

    def test_the_yaml_loads_back_as_the_same_content(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("instrument_yaml", args=["zeven-sleutels"]) + "?versie=1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/yaml; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="zeven-sleutels-v1.yaml"')
        document = parse_text(response.content.decode(), "zeven-sleutels-v1.yaml")
        self.assertEqual(content_hash(document), self.versions["zeven-sleutels"].content_hash)

    def test_login_needed_and_unknown_versions_404(self) -> None:
        url = reverse("instrument_yaml", args=["vijf-pijlers"])
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}", fetch_redirect_response=False)
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(url + "?versie=7").status_code, 404)
        self.assertEqual(self.client.get(reverse("instrument_yaml", args=["nope"])).status_code, 404)


class UploadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin = make_user("Beheer", is_staff=True, is_superuser=True)
        cls.staff = make_user("Staf", is_staff=True)

    def upload(self, content: str | bytes, name: str = "mijn-scan.yaml") -> Any:
        return self.client.post(reverse("instrument_upload"), {"file": as_upload(content, name)})

    def test_only_installation_administrators_may_load(self) -> None:
        url = reverse("instrument_upload")
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}", fetch_redirect_response=False)
        for user in (self.alice, self.staff):  # an organisation's beheerder; staff without the right
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.upload(MINI.read_text()).status_code, 403)
        self.assertFalse(Instrument.objects.filter(slug="mini-scan").exists())
        self.staff.user_permissions.add(Permission.objects.get(codename="add_instrumentversion"))
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_link_is_shown_to_administrators_only(self) -> None:
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(reverse("instrument_list")), reverse("instrument_upload"))
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(reverse("instrument_list")), reverse("instrument_upload"))

    def test_load_then_unchanged_then_a_new_version(self) -> None:
        self.client.force_login(self.admin)
        response = self.upload(MINI.read_text())
        version = InstrumentVersion.objects.get(instrument__slug="mini-scan")
        self.assertRedirects(
            response, reverse("instrument_detail", args=["mini-scan"]) + "?versie=1", fetch_redirect_response=False
        )
        self.assertEqual((version.number, version.loaded_from), (1, "mijn-scan.yaml"))

        response = self.upload(MINI.read_text(), "nog-eens.yaml")
        self.assertEqual(InstrumentVersion.objects.filter(instrument__slug="mini-scan").count(), 1)
        self.assertRedirects(
            response, reverse("instrument_detail", args=["mini-scan"]) + "?versie=1", fetch_redirect_response=False
        )

        changed = mini()
        changed["themes"][0]["items"][0]["text"]["nl"] = "Een nieuwe formulering"
        response = self.upload(yaml.safe_dump(changed, allow_unicode=True))
        self.assertRedirects(
            response, reverse("instrument_detail", args=["mini-scan"]) + "?versie=2", fetch_redirect_response=False
        )
        newest = InstrumentVersion.objects.get(instrument__slug="mini-scan", number=2)
        self.assertEqual(newest.themes.get(number=1).items.first().text["nl"], "Een nieuwe formulering")

    def test_a_downloaded_version_loads_back_unchanged(self) -> None:
        self.client.force_login(self.admin)
        content = self.client.get(reverse("instrument_yaml", args=["vijf-pijlers"])).content
        response = self.upload(content, "vijf-pijlers-v1.yaml")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(InstrumentVersion.objects.filter(instrument__slug="vijf-pijlers").count(), 1)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(len(messages), 1)
        self.assertIn("vijf-pijlers", messages[0])

    def test_a_broken_file_loads_nothing_and_names_file_entry_and_problem(self) -> None:
        self.client.force_login(self.admin)
        broken = mini()
        del broken["themes"][0]["items"][1]["text"]["en"]
        before = InstrumentVersion.objects.count()
        self.client.cookies["django_language"] = "en"
        response = self.upload(yaml.safe_dump(broken, allow_unicode=True), "kapot.yaml")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "kapot.yaml")
        self.assertContains(response, "themes[1] (M1).items[2] (M1.K2).text")
        self.assertContains(response, "the “en” text is missing")
        self.assertContains(response, "Nothing has been loaded")
        self.assertEqual(InstrumentVersion.objects.count(), before)
        self.assertFalse(Instrument.objects.filter(slug="mini-scan").exists())

    def test_not_yaml_not_utf8_or_too_large(self) -> None:
        self.client.force_login(self.admin)
        self.client.cookies["django_language"] = "en"
        for content, message in (
            ("themes: [unclosed", "is not valid YAML"),
            (b"\xff\xfe slug", "is not UTF-8 text"),
            ("x" * (2 * 1024 * 1024 + 1), "is larger than 2048 KiB"),
            ("- a\n- list\n", "must be a mapping (key: value), found list"),
        ):
            response = self.upload(content)
            self.assertContains(response, message)
        self.assertEqual(InstrumentVersion.objects.count(), 2)

    def test_a_slug_loaded_as_another_kind_is_refused(self) -> None:
        self.client.force_login(self.admin)
        document = mini()
        document["slug"] = "vijf-pijlers"
        self.client.cookies["django_language"] = "en"
        response = self.upload(yaml.safe_dump(document, allow_unicode=True))
        self.assertContains(response, "“vijf-pijlers” is already loaded as a dialogue")


@pytest.mark.parametrize(("breaker", "message"), BROKEN, ids=[b.__name__ for b, _ in BROKEN])
def test_every_problem_of_the_schema_check_has_a_translation(
    breaker: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = mini()
    breaker(document)
    with pytest.raises(InstrumentFileError) as raised:
        check_document(document, "broken.yaml")
    for problem in raised.value.problems:
        _entry, _separator, text = problem.partition(": ")
        assert translate_message(text) is not None, problem


@pytest.mark.parametrize(
    "breaker",
    [
        lambda d: d.update(kind="survey"),
        lambda d: d.update(slug="Met Spaties"),
        lambda d: d["scales"][0].update(default="ja"),
        lambda d: d["scales"][0].update(options=[d["scales"][0]["options"][0]]),
        lambda d: d["scales"].append(copy.deepcopy(d["scales"][0])),
        lambda d: d["themes"].append({**copy.deepcopy(d["themes"][0]), "id": "M9", "items": [], "tips": []}),
        lambda d: d["themes"][0].update(number=0),
        lambda d: d["themes"][0]["title"].update(fr="Bonjour"),
        lambda d: d.update(themes="geen lijst"),
        lambda d: d["themes"][0].update(title="geen vertaling"),
        lambda d: d["themes"][0]["title"].update(nl="x" * 5001),
        lambda d: d["scales"][0]["missing"].append(copy.deepcopy(d["scales"][0]["missing"][0])),
    ],
)
def test_more_problems_have_a_translation(breaker: Callable[[dict[str, Any]], None]) -> None:
    document = mini()
    breaker(document)
    with pytest.raises(InstrumentFileError) as raised:
        check_document(document, "broken.yaml")
    for problem in raised.value.problems:
        _entry, _separator, text = problem.partition(": ")
        assert translate_message(text) is not None, problem


def test_the_entry_stays_and_the_file_is_named_in_the_language() -> None:
    with translation.override("en"):
        assert translate_problem("file: not UTF-8 text") == ("file", "is not UTF-8 text")
        assert translate_problem("themes[1] (M1).number: number 2 is used twice") == (
            "themes[1] (M1).number",
            "number 2 is used twice",
        )
        assert translate_problem("something: entirely new") == ("something", "entirely new")
