"""The loader's problems ("entry: what is wrong", in English for the command line) in the user's language.

Each message the schema check and the loader can give has a pattern here; the entry (a path in the file such
as `themes[2] (S2).items[1] (S2.K1).text.nl`) stays as it is, because it names keys of the file itself.
"""

import re

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cjgscan.instruments.schema import InstrumentFileError

PATTERNS: list[tuple[re.Pattern[str], Promise]] = [
    (re.compile(r"must be a mapping, found (?P<found>\w+)"), _("must be a mapping (key: value), found %(found)s")),
    (re.compile(r"missing required field '(?P<field>[^']*)'"), _("the required field “%(field)s” is missing")),
    (
        re.compile(r"unknown field '(?P<field>[^']*)' \(allowed: (?P<allowed>.*)\)"),
        _("unknown field “%(field)s” (allowed: %(allowed)s)"),
    ),
    (re.compile(r"must be a list, found (?P<found>\w+)"), _("must be a list, found %(found)s")),
    (re.compile(r"must not be empty"), _("must not be empty")),
    (re.compile(r"must be a non-empty text"), _("must be a text that is not empty")),
    (re.compile(r"is longer than (?P<max>\d+) characters"), _("is longer than %(max)s characters")),
    (re.compile(r"contains a NUL character"), _("contains a NUL character")),
    (
        re.compile(r"'(?P<value>.*)' does not match (?P<pattern>\S+)"),
        _("“%(value)s” does not have the required form %(pattern)s"),
    ),
    (
        re.compile(r"must be a translated text \{nl: \.\.\., en: \.\.\.\}"),
        _("must be a text in both languages {nl: ..., en: ...}"),
    ),
    (re.compile(r"the '(?P<language>\w+)' text is missing"), _("the “%(language)s” text is missing")),
    (
        re.compile(r"unknown language '(?P<language>.*)' \(allowed: nl, en\)"),
        _("unknown language “%(language)s” (allowed: nl, en)"),
    ),
    (re.compile(r"id '(?P<id>.*)' must start with '(?P<prefix>.*)'"), _("id “%(id)s” must start with “%(prefix)s”")),
    (
        re.compile(r"id '(?P<id>.*)' is used twice \(also at (?P<other>.*)\)"),
        _("id “%(id)s” is used twice (also at %(other)s)"),
    ),
    (re.compile(r"a scan needs at least one answer scale"), _("a scan needs at least one answer scale")),
    (re.compile(r"scale code '(?P<code>.*)' is used twice"), _("scale code “%(code)s” is used twice")),
    (re.compile(r"must be true or false"), _("must be true or false")),
    (re.compile(r"a scale needs at least two points"), _("a scale needs at least two points")),
    (
        re.compile(r"must be (?P<number>\d+) \(points run 1, 2, 3, \.\.\. in order\)"),
        _("must be %(number)s (the points run 1, 2, 3, ... in order)"),
    ),
    (re.compile(r"code '(?P<code>.*)' is used twice"), _("code “%(code)s” is used twice")),
    (
        re.compile(r"exactly one scale must have 'default: true', found (?P<found>\d+)"),
        _("exactly one scale must have “default: true”, found %(found)s"),
    ),
    (
        re.compile(r"must be '(?P<expected>\w+)' in a (?P<kind>\w+), found (?P<found>.*)"),
        _("must be “%(expected)s” in a %(kind)s, found %(found)s"),
    ),
    (re.compile(r"must be a whole number from 1"), _("must be a whole number from 1 up")),
    (re.compile(r"number (?P<number>\d+) is used twice"), _("number %(number)s is used twice")),
    (re.compile(r"refers to unknown cluster (?P<cluster>.*)"), _("refers to the unknown cluster %(cluster)s")),
    (
        re.compile(r"must be one of (?P<allowed>.*), found (?P<found>.*)"),
        _("must be one of %(allowed)s, found %(found)s"),
    ),
    (re.compile(r"must be (?P<expected>\S+), found (?P<found>.*)"), _("must be %(expected)s, found %(found)s")),
    (re.compile(r"not valid YAML \((?P<error>.*)\)"), _("is not valid YAML (%(error)s)")),
    (re.compile(r"larger than (?P<size>\d+) KiB"), _("is larger than %(size)s KiB")),
    (re.compile(r"not UTF-8 text"), _("is not UTF-8 text")),
    (
        re.compile(r"uses anchors and aliases \(& and \*\), which instrument files do not allow"),
        _("uses anchors and aliases (& and *), which an instrument file may not contain"),
    ),
    (re.compile(r"has more than (?P<count>\d+) values"), _("has more than %(count)s values")),
    (re.compile(r"is nested more than (?P<depth>\d+) levels deep"), _("is nested more than %(depth)s levels deep")),
    (
        re.compile(r"'(?P<slug>.*)' is already loaded as a (?P<loaded>\w+), not a (?P<kind>\w+)"),
        _("“%(slug)s” is already loaded as a %(loaded)s, not as a %(kind)s"),
    ),
    (re.compile(r"slug given twice: (?P<slugs>.*)"), _("the same slug is given twice: %(slugs)s")),
]


def translate_message(message: str) -> str | None:
    """The message (without its entry) in the active language; None for a message without a pattern."""
    for pattern, text in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return str(text) % match.groupdict()
    return None


def translate_problem(problem: str) -> tuple[str, str]:
    """(entry, what is wrong) in the active language; an unknown message is shown as it is."""
    entry, _separator, message = problem.partition(": ")
    if not message:
        entry, message = "", problem
    if entry == "file":
        entry = gettext("file")
    return entry, translate_message(message) or message


def translated_problems(error: InstrumentFileError) -> list[tuple[str, str]]:
    return [translate_problem(problem) for problem in error.problems]
