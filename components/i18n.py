"""The one translation function, locale-aware dates, numbers, lists and plurals, and the
bilingual layout.

UI text lives in catalogues, one JSON file per language under `components/locales/`; code refers
to a text only by its key. Dates, numbers, lists and plurals are formatted by Babel, not by hand.

"English + 中文" is a layout of the two languages, not a third language: a text is composed
wholly in English and wholly in Chinese, each half with its own dates, numbers, words and
punctuation, and only then are the halves put side by side (`Bilingual`). Every function here
that takes a language gives a `Bilingual` for `BILINGUAL`, and takes one as a value: its English
half goes into the English text, its Chinese half into the Chinese one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
BILINGUAL = "both"
# Babel locale for each catalogue: British English for Oxford's councillors, Simplified Chinese.
BABEL_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}
CATALOGUE_LANGUAGES = tuple(BABEL_LOCALES)
LANGUAGES = (*CATALOGUE_LANGUAGES, BILINGUAL)
# The halves of a bilingual text on one line. Reserved for this: within one language, texts
# separate their parts with that language's own punctuation (from the catalogues).
INLINE = " · "

Translate = Callable[..., str]


class Bilingual(str):
    """A text composed in English and in Chinese.

    As a plain string it is the one-line layout, "English · 中文" (one of them alone when they
    are the same or one is missing), so it can go wherever a label goes. `en` and `zh` are the
    halves; `stacked()` puts them on two lines for places too narrow for one.
    """

    en: str
    zh: str

    def __new__(cls, en: object, zh: object) -> Bilingual:
        english, chinese = half(en, "en"), half(zh, "zh")
        english, chinese = str(english or chinese), str(chinese or english)
        text = english if english == chinese else f"{english}{INLINE}{chinese}"
        made = super().__new__(cls, text)
        made.en, made.zh = english, chinese
        return made

    def __reduce__(self):  # copies and pickles rebuild both halves, not the joined text
        return (Bilingual, (self.en, self.zh))

    @property
    def single(self) -> bool:
        """True when both halves are the same text (a number, a name with no translation)."""
        return self.en == self.zh

    def stacked(self, line_break: str = "\n") -> str:
        return self.en if self.single else f"{self.en}{line_break}{self.zh}"


def half(value: object, language: str) -> object:
    """The part of `value` a text in `language` uses: a Bilingual's half, anything else as is."""
    return getattr(value, language) if isinstance(value, Bilingual) else value


def each_half(function: Callable[[str], str], text: object) -> str:
    """`function` applied to each half of a bilingual text (to escape it, to shorten it), or to
    the text itself: a Bilingual stays one, with both halves changed."""
    if isinstance(text, Bilingual):
        return Bilingual(function(text.en), function(text.zh))
    return function(text)


def joined(separator: str, items: Iterable[object]) -> str:
    """The items one after another with `separator` between them (a line break, markup that is
    not a word of either language), each half with its own halves when any item is bilingual."""
    items = list(items)
    if not any(isinstance(item, Bilingual) for item in items):
        return separator.join(str(item) for item in items)
    return Bilingual(
        *(separator.join(str(half(item, side)) for item in items) for side in CATALOGUE_LANGUAGES)
    )


def stacked(text: object, line_break: str = "\n") -> str:
    """A bilingual text with its halves on two lines; any other text as it is."""
    return text.stacked(line_break) if isinstance(text, Bilingual) else str(text)


def composed(language: str, compose: Callable[[str], str]) -> str:
    """`compose(language)`, or for the bilingual layout each half composed on its own."""
    if language == BILINGUAL:
        return Bilingual(compose("en"), compose("zh"))
    return compose(language)


@cache
def catalogue(language: str) -> dict[str, str | dict[str, str]]:
    path = LOCALES_DIR / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[language])


def plural_form(count: object, language: str) -> str:
    """Babel's plural category of `count` in `language`: "one" or "other" in English, always
    "other" in Chinese."""
    try:
        return _locale(language).plural_form(abs(float(count)))
    except (TypeError, ValueError):
        return "other"


def translate(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The UI text for `key` in `language`, with `{placeholders}` filled from `values`.

    A text with plural forms ({"one": ..., "other": ...}) is chosen by the `count` value with
    Babel's rules. An unknown key raises KeyError: a missing text is a bug the tests must catch,
    never a raw key shown to a councillor.
    """
    if language == BILINGUAL:
        return Bilingual(
            *(
                translate(key, side, **{name: half(v, side) for name, v in values.items()})
                for side in CATALOGUE_LANGUAGES
            )
        )
    text = catalogue(language)[key]
    if isinstance(text, dict):
        text = text.get(plural_form(values.get("count"), language)) or text["other"]
    return text.format(**values) if values else text


def translator(language: str) -> Translate:
    """`translate` with the language filled in: what the builders of pages and figures take."""

    def t(key: str, **values: object) -> str:
        return translate(key, language, **values)

    return t


def format_date(
    value: date | datetime | pd.Timestamp | None,
    language: str = DEFAULT_LANGUAGE,
    precision: str | None = "day",
) -> str:
    """A date as a reader of `language` writes it: only month or year when that is all we know."""
    if language == BILINGUAL:
        return composed(language, lambda side: format_date(value, side, precision))
    if value is None or pd.isna(value):
        return translate("common.unknown_date", language)
    if isinstance(value, pd.Timestamp | datetime):
        value = value.date()
    locale = BABEL_LOCALES[language]
    # Skeletons let each locale order the parts itself: "August 2018", "2018年8月".
    if precision == "year":
        return format_skeleton("y", value, locale=locale)
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=locale)
    return babel_format_date(value, format="long", locale=locale)


def format_number(value: float | int | None, language: str = DEFAULT_LANGUAGE) -> str:
    if language == BILINGUAL:
        return composed(language, lambda side: format_number(value, side))
    if value is None or pd.isna(value):
        return translate("common.unknown_value", language)
    return format_decimal(value, locale=BABEL_LOCALES[language])


# How `join` separates items, by style: a catalogue key, or Babel's sentence-like list.
_SEPARATORS = {
    "list": "common.list_separator",
    "clauses": "common.clause_separator",
    "sentences": "common.sentence_separator",
}


def join(items: Iterable[object], language: str, style: str = "list") -> str:
    """Items in one text, with the language's own punctuation: "list" separates names
    ("A, B, C" and "A、B、C"); "clauses" separates longer parts ("A; B", "A；B"); "sentences"
    follows one sentence with the next ("A. B.", "甲。乙。"); "prose" reads as a sentence
    ("A, B and C", "A、B和C")."""
    items = list(items)
    if language == BILINGUAL:
        return composed(language, lambda side: join([half(i, side) for i in items], side, style))
    texts = [str(item) for item in items]
    if style == "prose":
        return format_list(texts, style="standard", locale=BABEL_LOCALES[language]) if texts else ""
    return translate(_SEPARATORS[style], language).join(texts)


def country_name(code: str, language: str) -> str:
    """A country's name from its ISO code in the language's own words: "United Kingdom", "英国"."""
    if language == BILINGUAL:
        return composed(language, lambda side: country_name(code, side))
    return _locale(language).territories.get(code, code)
