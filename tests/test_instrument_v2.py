"""Version 2 of the instrument texts: the meaning of the source, today's context, words explained, stable ids."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from cjgscan.analysis.trend_results import ALL, organisation_trend
from cjgscan.instruments.loader import default_files, do_load_document, read_file, terms_in
from cjgscan.instruments.models import Instrument, Item
from cjgscan.rounds.models import default_groups
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release
from tests.respondents import invite, page_url, start

DATA = Path(__file__).parent / "data"
CONTENT = {path.stem: read_file(path) for path in default_files()}


def entry(slug: str, entry_id: str) -> dict[str, Any]:
    document = CONTENT[slug]
    candidates = [*document["introduction"]["aims"], *document["professions"], *document.get("glossary", [])]
    for theme in document["themes"]:
        candidates += [theme, *theme["items"], *theme["tips"]]
    return next(e for e in candidates if e["id"] == entry_id)


def text_of(raw: dict[str, Any], language: str) -> str:
    return (raw.get("text") or raw.get("name") or raw.get("title"))[language]


# (instrument, entry, language, words the text must have, words it must not have): each a finding read against the
# source lines the entry cites (see the issue "Instrument texts, version 2").
MEANING = [
    ("zeven-sleutels", "S2.T2", "nl", ["niet doeltreffend en doelmatig"], ["die dat niet zijn"]),
    ("zeven-sleutels", "S4.K7", "nl", ["leidend", "al beschikbaar"], ["doorslaggevend"]),
    ("zeven-sleutels", "S4.K7", "en", ["guide"], ["decisive"]),
    ("zeven-sleutels", "S3.K3", "nl", ["op hun gemak"], ["thuis"]),
    ("zeven-sleutels", "S1.K5", "nl", ["ruimtes zijn ingericht", "geven richting aan"], ["zich inricht", "bepalen"]),
    ("zeven-sleutels", "S1.K5", "en", ["premises are furnished", "guide"], ["determine"]),
    ("zeven-sleutels", "S4.B8", "en", ["network directors"], ["case directors"]),
    ("zeven-sleutels", "S5.K4", "nl", ["tijd en middelen"], ["geld"]),
    ("zeven-sleutels", "S5.K4", "en", ["resources"], ["money"]),
    ("zeven-sleutels", "S5.K8", "nl", ["gunnen"], ["aanvaarden"]),
    ("zeven-sleutels", "S4.K2", "nl", ["hebben zich verbonden"], ["voelen zich"]),
    ("zeven-sleutels", "S4.K5", "nl", ["het management", "afzonderlijk", "doel"], ["iedere medewerker"]),
    ("zeven-sleutels", "S1.K2", "nl", ["samengevat", "ontwikkeld"], ["vastgelegd"]),
    ("zeven-sleutels", "S5.K5", "nl", ["doorzettingsmacht"], ["afdwingmacht"]),
    ("zeven-sleutels", "S0.D1", "en", ["self-reliance"], ["own capacity"]),
    ("zeven-sleutels", "S6.K6", "en", ["strengths"], ["own strength"]),
    ("zeven-sleutels", "S6.K3", "en", ["systematic"], ["structural"]),
    ("zeven-sleutels", "S7", "en", ["Directed (network) organisation"], ["Well-managed"]),
    ("zeven-sleutels", "S5", "en", [], ["chain partners"]),
    ("vijf-pijlers", "P5.V2", "nl", ["kwaliteitscriteria hanteren we"], ["moeten", "halen"]),
    ("vijf-pijlers", "P4.V8", "en", ["changes"], ["transitions"]),
]


@pytest.mark.parametrize(("slug", "entry_id", "language", "present", "absent"), MEANING)
def test_texts_keep_the_meaning_of_the_source(
    slug: str, entry_id: str, language: str, present: list[str], absent: list[str]
) -> None:
    raw = entry(slug, entry_id)
    text = text_of(raw, language) + " " + raw.get("description", {}).get(language, "")
    for words in present:
        assert words.lower() in text.lower(), (entry_id, text)
    for words in absent:
        assert words.lower() not in text.lower(), (entry_id, text)


# Where a reader of today needs context: the entry carries a note in both languages that mentions it.
NOTES = [
    ("zeven-sleutels", None, "2015"),
    ("vijf-pijlers", None, "2015"),
    ("vijf-pijlers", "P4.V8", "2015"),
    ("zeven-sleutels", "S5.T1", "Every Child Matters"),
    ("zeven-sleutels", "S5.T4", "netwerk"),
    ("zeven-sleutels", "S6.K9", "accreditatie"),
    ("zeven-sleutels", "S5.K5", "afdwingmacht"),
    ("zeven-sleutels", "S5", "kernorganisaties"),
    ("zeven-sleutels", "S4.K7", "partnerorganisaties"),
]


@pytest.mark.parametrize(("slug", "entry_id", "mentions"), NOTES)
def test_a_note_gives_todays_context(slug: str, entry_id: str | None, mentions: str) -> None:
    raw = CONTENT[slug]["introduction"] if entry_id is None else entry(slug, entry_id)
    assert set(raw["note"]) == {"nl", "en"}
    assert mentions in raw["note"]["nl"]


def all_items(slug: str) -> list[dict[str, Any]]:
    return [item for theme in CONTENT[slug]["themes"] for item in theme["items"]]


def test_every_glossary_word_is_explained_where_respondents_meet_it() -> None:
    document = CONTENT["zeven-sleutels"]
    glossary = document["glossary"]
    expected = {"output", "outcome", "kernpartners", "bedrijfsvoering", "businesscase"}
    assert {g["term"]["nl"] for g in glossary} >= expected
    found = {term["id"] for item in all_items("zeven-sleutels") for term in terms_in(item, glossary)}
    assert found == {g["id"] for g in glossary}, "a glossary word that no characteristic uses"
    s2k2 = next(item for item in all_items("zeven-sleutels") if item["id"] == "S2.K2")
    assert [t["term"]["nl"] for t in terms_in(s2k2, glossary)] == ["output", "outcome"]
    for term in glossary:  # one plain line: short enough for B1 readers
        assert len(term["explanation"]["nl"].split()) <= 25, term


def test_a_word_inside_another_word_is_not_a_match() -> None:
    glossary = [{"id": "G1", "term": {"nl": "output", "en": "output"}, "explanation": {"nl": "x", "en": "x"}}]
    item = {"text": {"nl": "De outputmeting", "en": "The outputs"}, "explanation": []}
    assert terms_in(item, glossary) == []


def test_todays_respondent_groups_are_offered_unticked() -> None:
    with translation.override("en"):
        groups = dict(default_groups())
    for name in ["Neighbourhood or youth team", "Education", "Childcare", "GP or youth practice nurse (POH-jeugd)"]:
        assert groups[name] is False
    with translation.override("nl"):
        assert "Wijkteam of jeugdteam" in dict(default_groups())


class VersionTwoTests(BaseTestCase):
    def test_the_built_in_files_load_as_a_new_version_over_version_1(self) -> None:
        """A database that has version 1 gets version 2 from `load-instruments`; rounds keep their version."""
        for slug in ("zeven-sleutels", "vijf-pijlers"):
            instrument = Instrument.objects.get(slug=slug)
            old = do_load_document(read_file(DATA / f"{slug}-v1.yaml"), f"{slug}-v1.yaml")
            assert old.created, "version 1 differs from version 2"
            again = do_load_document(CONTENT[slug], f"{slug}.yaml")
            assert not again.created  # the current files are already loaded; nothing doubles
            assert instrument.versions.count() == 2

    def test_the_trend_compares_a_version_1_and_a_version_2_round_by_stable_id(self) -> None:
        v1 = do_load_document(read_file(DATA / "zeven-sleutels-v1.yaml"), "zeven-sleutels-v1.yaml").version
        v2 = self.versions["zeven-sleutels"]
        assert v1.pk != v2.pk
        march, september = datetime.date(2026, 3, 1), datetime.date(2026, 9, 1)
        old = make_round(self.org_a, v1, title="Oud", opens_on=march, closes_on=march)
        new = make_round(self.org_a, v2, title="Nieuw", opens_on=september, closes_on=september)
        every_item = {item.code: "v2" for item in Item.objects.filter(theme__version=v2)}
        assert len(every_item) == 51
        for round_, value in ((old, "v2"), (new, "v3")):
            for _n in range(5):
                make_response(round_, round_.groups.first(), dict.fromkeys(every_item, value))
            release(round_)
        trend = organisation_trend(self.org_a, Instrument.objects.get(slug="zeven-sleutels"))
        assert [t.round.title for t in trend.rounds] == ["Oud", "Nieuw"]
        assert trend.left_out_items == []  # the same 51 ids in both versions
        assert trend.rounds[0].key(ALL, "S5").mean == pytest.approx(2.0)
        assert trend.rounds[1].key(ALL, "S5").mean == pytest.approx(3.0)

    def test_the_questionnaire_shows_notes_and_explains_words_on_request(self) -> None:
        round_ = make_round(self.org_a)
        _invitation, token = invite(round_, round_.groups.first())
        start(self.client, token)
        content = self.client.get(page_url(round_, 2)).content.decode()
        assert '<details class="site-term"><summary>Wat betekent “outcome”?</summary>' in content
        assert "Wat het werk van het CJG oplevert" in content
        key5 = self.client.get(page_url(round_, 5)).content.decode()
        assert "<strong>Toelichting:</strong> Doorzettingsmacht (de bron zegt afdwingmacht)" in key5
        assert "<strong>Toelichting:</strong> Ketenpartners zijn alle organisaties" in key5

    def test_the_instrument_pages_show_notes_and_the_glossary(self) -> None:
        self.client.force_login(self.alice)
        detail = self.client.get(reverse("instrument_detail", args=["zeven-sleutels"])).content.decode()
        assert "Jeugdwet van 2015" in detail
        assert "<dt>businesscase</dt>" in detail
        key5 = self.client.get(reverse("theme_detail", args=["zeven-sleutels", "S5"])).content.decode()
        assert "Every Child Matters was een Engels overheidsprogramma" in key5
