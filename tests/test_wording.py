"""One wording online and on paper: the importance question and the closing date say the same in both, in Dutch
and in English. The round accepts answers on its closing date, so the deadline is "up to and including"."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from tests.base import BaseTestCase
from tests.factories import make_round
from tests.respondents import invite, page_url, start
from tests.test_paper import pdf_text

WORDING = {
    "nl": {
        "importance": "Hoe belangrijk is “Inspirerende missie en visie” voor jouw CJG?",
        "deadline": "tot en met {date}",
    },
    "en": {
        "importance": "How important is “Inspiring mission and vision” for your CJG?",
        "deadline": "up to and including {date}",
    },
}
# What the paper form said before: a different question, and a deadline a day early.
OLD_WORDING = ["voor jou?", "vóór", "to you?", "before"]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class OneWordingTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_importance=True)

    def texts(self, language: str) -> tuple[str, str]:
        """The paper questionnaire (PDF text) and the online intro and first key page (HTML), in `language`."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.client.force_login(self.alice)
        pdf = self.client.get(
            reverse("paper_questionnaire_pdf", args=[self.org_a.uuid, self.round.uuid]), HTTP_ACCEPT_LANGUAGE=language
        )
        self.assertEqual(pdf.status_code, 200)
        self.client.logout()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        _invitation, token = invite(self.round, self.round.groups.first(), email=f"{language}@example.nl")
        start(self.client, token)
        pages = [self.client.get(page_url(self.round, page), HTTP_ACCEPT_LANGUAGE=language) for page in (0, 1)]
        online = "".join(page.content.decode() for page in pages)
        return flat(pdf_text(pdf.content)), flat(online.replace("&ldquo;", "“").replace("&rdquo;", "”"))

    def test_the_same_words_online_and_on_paper(self) -> None:
        for language, wording in WORDING.items():
            with self.subTest(language=language), translation.override(language):
                paper, online = self.texts(language)
                deadline = wording["deadline"].format(date=formats.date_format(self.round.closes_on, "j F Y"))
                for text in (paper, online):
                    self.assertIn(wording["importance"], text)
                    self.assertIn(deadline, text)
                self.assertEqual([old for old in OLD_WORDING if old in paper], [])
