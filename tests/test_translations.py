"""Dutch is complete: every text in the code has a Dutch translation; the compiled catalogue is current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

from tests.tools import require_tool

PACKAGE = Path(__file__).resolve().parents[1] / "cjgscan"
NL_PO = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_dutch_entry_is_translated() -> None:
    catalogue = polib.pofile(str(NL_PO))
    assert len(catalogue) > 50
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    def texts(entries) -> dict:  # type: ignore[no-untyped-def, type-arg]
        return {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in entries if e.msgid}

    source = polib.pofile(str(NL_PO))
    assert texts(polib.mofile(str(NL_PO.with_suffix(".mo")))) == texts(source.translated_entries())


def test_no_text_in_the_code_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    require_tool("xgettext", "gettext")
    require_tool("msgfmt", "gettext")
    copy = tmp_path / "cjgscan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "content"))
    cjgscan = Path(sys.executable).with_name("cjgscan")
    subprocess.run(
        [str(cjgscan), "makemessages", "-l", "nl", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 40, "CJGSCAN_DATA_DIR": str(tmp_path / "data")},
    )
    fresh = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh.fuzzy_entries()] == []
