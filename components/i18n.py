"""The one translation function and locale-aware dates and numbers.

UI text lives in catalogues, one JSON file per language under `components/locales/`; code refers
to a text only by its key. Dates and numbers are formatted by Babel, not by hand.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
# The bilingual view shows English with the Chinese under or beside it; it has no catalogue.
BILINGUAL = "both"
# Babel locale for each catalogue: British English for Oxford's councillors, Simplified Chinese.
BABEL_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}
CATALOGUE_LANGUAGES = tuple(BABEL_LOCALES)
LANGUAGES = (*CATALOGUE_LANGUAGES, BILINGUAL)
# Dates and numbers in the bilingual view follow the English conventions.
FORMAT_LANGUAGE = {"en": "en", "zh": "zh", BILINGUAL: "en"}


@cache
def catalogue(language: str) -> dict[str, str]:
    path = LOCALES_DIR / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def translate(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The UI text for `key` in `language`, with `{placeholders}` filled from `values`.

    An unknown key raises KeyError: a missing text is a bug the tests must catch, never a raw key
    shown to a councillor.
    """
    if language == BILINGUAL:
        english = translate(key, "en", **values)
        chinese = translate(key, "zh", **values)
        return english if english == chinese else f"{english} · {chinese}"
    text = catalogue(language)[key]
    return text.format(**values) if values else text


def format_date(
    value: date | datetime | pd.Timestamp | None,
    language: str = DEFAULT_LANGUAGE,
    precision: str | None = "day",
) -> str:
    """A date as a reader of `language` writes it: only month or year when that is all we know."""
    if value is None or pd.isna(value):
        return translate("common.unknown_date", language)
    if isinstance(value, pd.Timestamp | datetime):
        value = value.date()
    locale = BABEL_LOCALES[FORMAT_LANGUAGE[language]]
    # Skeletons let each locale order the parts itself: "August 2018", "2018年8月".
    if precision == "year":
        return format_skeleton("y", value, locale=locale)
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=locale)
    return babel_format_date(value, format="long", locale=locale)


def format_number(value: float | int | None, language: str = DEFAULT_LANGUAGE) -> str:
    if value is None or pd.isna(value):
        return translate("common.unknown_value", language)
    return format_decimal(value, locale=BABEL_LOCALES[FORMAT_LANGUAGE[language]])
