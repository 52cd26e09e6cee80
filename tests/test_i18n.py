"""Translation catalogues: complete in both languages, every key the code uses exists."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from components.contract import load_contract
from components.i18n import (
    BILINGUAL,
    CATALOGUE_LANGUAGES,
    Bilingual,
    catalogue,
    country_name,
    each_half,
    format_date,
    format_number,
    join,
    joined,
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


def forms(text: str | dict[str, str]) -> list[str]:
    """A catalogue entry's texts: one, or one per plural form."""
    return list(text.values()) if isinstance(text, dict) else [text]


def placeholders(text: str | dict[str, str]) -> set[str]:
    return {
        name for form in forms(text) for _, name, _, _ in string.Formatter().parse(form) if name
    }


def test_catalogues_have_the_same_keys():
    """A key in one catalogue and not the other fails here, naming the key."""
    english, chinese = catalogue("en"), catalogue("zh")
    assert sorted(set(english) - set(chinese)) == [], "missing in zh.json"
    assert sorted(set(chinese) - set(english)) == [], "missing in en.json"


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_no_empty_texts(language):
    """Every text says something; only a separator may be empty (Chinese runs one sentence on
    into the next without a space)."""
    texts = catalogue(language).items()
    empty = [key for key, text in texts if not all(form.strip() for form in forms(text))]
    assert [key for key in empty if not key.endswith("_separator")] == []


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_plural_forms_are_the_languages_own(language):
    """A text with plural forms has the language's forms ("one" and "other" in English, only
    "other" in Chinese) and counts with {count}; no text writes "(s)"."""
    allowed = {"en": {"one", "other"}, "zh": {"other"}}[language]
    for key, text in catalogue(language).items():
        if isinstance(text, dict):
            assert set(text) <= allowed and "other" in text, key
            assert "count" in placeholders(text), key
        assert not any("(s)" in form for form in forms(text)), key


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


def test_bilingual_text_is_composed_wholly_in_each_language():
    """Each half formats its own dates and words: no English inside the Chinese and no text
    doubled inside the other."""
    signed = format_date(date(2018, 7, 4), BILINGUAL)
    text = translate("figures.signed_on", BILINGUAL, date=signed)
    assert (text.en, text.zh) == ("Signed 4 July 2018", "签署于2018年7月4日")
    status = translate("status.planned", BILINGUAL)
    count = translate("figures.status_count", BILINGUAL, count=4, status=status)
    assert (count.en, count.zh) == ("planned: 4", "计划中：4 项")
    assert str(count) == "planned: 4 · 计划中：4 项"


def test_plurals_follow_babels_rules():
    assert translate("initiatives.count", "en", count=1) == "1 initiative shown."
    assert translate("initiatives.count", "en", count=3) == "3 initiatives shown."
    assert translate("initiatives.count", "zh", count=1) == "显示 1 项举措。"


def test_lists_use_each_languages_punctuation():
    names = [Bilingual("Oxford", "牛津"), Bilingual("Langfang", "廊坊")]
    listed = join(names, BILINGUAL)
    assert (listed.en, listed.zh) == ("Oxford, Langfang", "牛津、廊坊")
    prose = join(names, BILINGUAL, style="prose")
    assert (prose.en, prose.zh) == ("Oxford and Langfang", "牛津和廊坊")
    assert join(["a", "b"], "zh") == "a、b"


def test_bilingual_texts_keep_their_halves_through_joins_and_edits():
    lines = joined("<br>", [Bilingual("Dates", "日期"), "2018"])
    assert (lines.en, lines.zh) == ("Dates<br>2018", "日期<br>2018")
    bold = each_half("**{}**".format, Bilingual("Oxford", "牛津"))
    assert (bold.en, bold.zh) == ("**Oxford**", "**牛津**")
    assert (country_name("GB", BILINGUAL).en, country_name("GB", BILINGUAL).zh) == (
        "United Kingdom",
        "英国",
    )
    same = Bilingual("3,072", "3,072")
    assert same.single and str(same) == "3,072"


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
        for form in forms(text)
        if not cjk.search(form) and letters.search(re.sub(r"\{[^}]*\}", "", form))
    ]
    assert untranslated == []


def test_the_app_names_the_same_chinese_fonts_as_the_figures():
    """The theme's font list and the figures' both name the Simplified Chinese fonts, in order,
    so no surface leaves the choice of a Chinese font to the browser."""
    import tomllib

    from components.fonts import SIMPLIFIED_CHINESE, font_family

    theme = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["font"] == font_family("Source Sans")
    assert all(name in font_family("Noto Sans") for name in SIMPLIFIED_CHINESE)


def test_chinese_texts_use_chinese_punctuation_and_space_latin_words():
    """No half-width comma, colon, semicolon or bracket in a Chinese text, and a space between
    a Chinese character and a Latin word."""
    wrong = []
    for key, text in catalogue("zh").items():
        for form in forms(text):
            bare = re.sub(r"\{[^}]*\}", "", form)
            if re.search(r"[,:;()]|[\u4e00-\u9fff][A-Za-z`]|[A-Za-z`][\u4e00-\u9fff]", bare):
                wrong.append(key)
    assert sorted(set(wrong)) == []
