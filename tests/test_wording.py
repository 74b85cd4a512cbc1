"""One wording online and on paper: the importance question and the closing date say the same in both, in Dutch
and in English. The round accepts answers on its closing date, so the deadline is "up to and including"."""

import re

import polib
from django.conf import settings
from django.utils import formats, translation

from tests.base import BaseTestCase
from tests.factories import make_round
from tests.respondents import invite, page_url, start
from tests.stored_reports import paper_questionnaire
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
        pdf = paper_questionnaire(self, self.round, HTTP_ACCEPT_LANGUAGE=language)
        self.client.logout()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        _invitation, token = invite(self.round, self.round.groups.first(), email=f"{language}@example.nl")
        start(self.client, token)
        pages = [self.client.get(page_url(self.round, page), HTTP_ACCEPT_LANGUAGE=language) for page in (0, 1)]
        online = "".join(page.content.decode() for page in pages)
        return flat(pdf_text(pdf)), flat(online.replace("&ldquo;", "“").replace("&rdquo;", "”"))

    def test_the_same_words_online_and_on_paper(self) -> None:
        for language, wording in WORDING.items():
            with self.subTest(language=language), translation.override(language):
                paper, online = self.texts(language)
                deadline = wording["deadline"].format(date=formats.date_format(self.round.closes_on, "j F Y"))
                for text in (paper, online):
                    self.assertIn(wording["importance"], text)
                    self.assertIn(deadline, text)
                self.assertEqual([old for old in OLD_WORDING if old in paper], [])


# One voice (instrument texts v2): the product says "je/jij/jouw", never "u/uw", and uses one word per thing.
FORMAL_ADDRESS = re.compile(r"\b(u|uw|U|Uw|UW)\b")
# Words that named two things, or one thing twice: API keys are tokens (the keys are the seven keys), the plan is
# the "actieplan", the PDCA phase is "controleren", the consensus word is "eensgezind" (not the scale's "eens").
CLASHING_WORDS = re.compile(
    r"API-sleutel|sleutel het|verbeterplan|\bChecken\b|\bchecken\b|“eens”|\bMaak actie\b|Klaar op"
)
CATALOGUE = settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def dutch_texts() -> list[tuple[str, str]]:
    """(where, text) for every Dutch text: the catalogue's translations and the few templates written in Dutch."""
    texts = [
        (entry.msgid, text)
        for entry in polib.pofile(str(CATALOGUE))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if text
    ]
    for template in settings.BASE_DIR.glob("**/templates/**/*.html"):
        source = template.read_text(encoding="utf-8")
        if "{% load i18n" not in source:  # written in one language, e.g. the 503 page served without Django
            texts.append((str(template), re.sub(r"<[^>]+>", " ", source)))
    return texts


def test_dutch_texts_say_je_never_u() -> None:
    formal = [(where, text) for where, text in dutch_texts() if FORMAL_ADDRESS.search(text)]
    assert formal == []


def test_dutch_texts_use_one_word_per_thing() -> None:
    clashing = [(where, text) for where, text in dutch_texts() if CLASHING_WORDS.search(text)]
    assert clashing == []


def test_django_texts_our_users_read_say_je(db: None) -> None:
    """The password rules and errors come from Django, whose Dutch says *u*; our catalogue replaces them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.forms import PasswordChangeForm
    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError

    users = get_user_model().objects
    user = users.create_user("anna.jansen", email="anna.jansen@example.nl", password="een-goed-wachtwoord")
    with translation.override("nl"):
        texts = list(password_validators_help_texts())
        for password in ("12345", "anna.jansen", "password123"):
            try:
                validate_password(password, user)
            except ValidationError as error:
                texts += error.messages
        form = PasswordChangeForm(user, {"old_password": "fout", "new_password1": "x", "new_password2": "x"})
        form.is_valid()
        texts += form.errors["old_password"]
    assert len(texts) >= 8
    assert [text for text in texts if FORMAL_ADDRESS.search(text)] == []
    assert "Je wachtwoord moet minstens 10 tekens lang zijn." in texts
