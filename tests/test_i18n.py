"""Translation catalogues: complete in both languages, every key the code uses exists."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from components.contract import load_contract
from components.i18n import (
    CATALOGUE_LANGUAGES,
    catalogue,
    format_date,
    format_number,
    translate,
)
from tests.conftest import REPO

KEY_IN_CODE = re.compile(r"""\b(?:t|translate)\(\s*["']([a-z0-9_]+\.[a-z0-9_.\-]+)["']""")
# Keys built from a data value: prefix -> the contract enums whose values complete it.
ENUM_PREFIXES = {
    "status.": [("initiatives", "status"), ("milestones", "status")],
    "party_role.": [("parties", "role")],
    "agreement_kind.": [("agreements", "kind")],
    "source_kind.": [("sources", "kind")],
}


def code_files():
    yield REPO / "app.py"
    yield from (REPO / "pages").glob("*.py")
    yield from (REPO / "components").rglob("*.py")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys():
    """A key in one catalogue and not the other fails here, naming the key."""
    english, chinese = catalogue("en"), catalogue("zh")
    assert sorted(set(english) - set(chinese)) == [], "missing in zh.json"
    assert sorted(set(chinese) - set(english)) == [], "missing in en.json"


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_no_empty_texts(language):
    assert [key for key, text in catalogue(language).items() if not text.strip()] == []


def test_placeholders_agree_between_languages():
    """{count} in English is {count} in Chinese: no text loses or invents a value."""
    english, chinese = catalogue("en"), catalogue("zh")
    wrong = [k for k in english if placeholders(english[k]) != placeholders(chinese.get(k, ""))]
    assert wrong == []


def test_every_key_used_in_the_code_exists():
    """Each literal t("...") key in app.py, pages/ and components/ is in the catalogue."""
    known = set(catalogue("en"))
    used = {
        (path.relative_to(REPO).as_posix(), key)
        for path in code_files()
        for key in KEY_IN_CODE.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the scan found no keys: the pattern is broken"
    # A key ending in "." is a prefix completed at run time (checked by the enum test below).
    assert sorted((path, key) for path, key in used if key not in known and key[-1] != ".") == []


def test_every_enum_value_has_a_label():
    """Statuses, roles and kinds from the contract all have a translated label."""
    contract = load_contract()
    missing = [
        prefix + value
        for prefix, columns in ENUM_PREFIXES.items()
        for table, column in columns
        for value in contract.table(table).column(column).enum
        if prefix + value not in catalogue("en")
    ]
    assert missing == []


def test_bilingual_text_shows_english_then_chinese():
    assert translate("overview.title", "both") == "Partnership overview · 合作概览"


def test_unknown_key_raises():
    """A missing text is a bug to catch in tests, never a raw key on screen."""
    with pytest.raises(KeyError):
        translate("no.such.key")


def test_dates_and_numbers_follow_the_language():
    assert format_date(date(2018, 7, 4), "en") == "4 July 2018"
    assert format_date(date(2018, 7, 4), "zh") == "2018年7月4日"
    assert format_date(date(2018, 8, 1), "en", precision="month") == "August 2018"
    assert format_date(date(2018, 8, 1), "zh", precision="month") == "2018年8月"
    assert format_number(3069, "en") == "3,069"
    assert format_date(None, "zh") == translate("common.unknown_date", "zh")


def test_chinese_texts_are_translated():
    """A Chinese text with no Chinese character is an untranslated copy (unless it is only
    placeholders and punctuation)."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    letters = re.compile(r"[A-Za-z]")
    untranslated = [
        key
        for key, text in catalogue("zh").items()
        if not cjk.search(text) and letters.search(re.sub(r"\{[^}]*\}", "", text))
    ]
    assert untranslated == []
