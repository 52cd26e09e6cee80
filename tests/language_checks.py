"""What a bilingual council officer looks for in Chinese text: English words of the UI inside it,
English dates, missing values shown as None or nan, "(s)" plurals, a Chinese character glued to
a Latin word. Shared by the browser walk, the element-tree walk and the briefing pack's check.
"""

from __future__ import annotations

import re

from babel.dates import get_month_names

from components.contract import load_contract
from components.i18n import INLINE

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# The contract's statuses are English words a reader must never meet inside Chinese.
STATUS_WORDS = sorted(
    {
        value
        for table, column in (("initiatives", "status"), ("milestones", "status"))
        for value in load_contract().table(table).column(column).enum
    }
)
MONTHS = sorted(
    {
        name
        for width in ("wide", "abbreviated")
        for name in get_month_names(width, locale="en_GB").values()
    }
)
ENGLISH_IN_CHINESE = re.compile(r"\b(" + "|".join(STATUS_WORDS + MONTHS) + r")\b")
MISSING = re.compile(r"\b(None|nan|NaN|NaT)\b")
GLUED = re.compile(r"[\u3400-\u9fff][A-Za-z]|[A-Za-z][\u3400-\u9fff]")


def segments(text: str, language: str) -> list[str]:
    """The pieces of `text` that each belong to one language: its lines, and in the bilingual
    layout the two sides of each line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if language != "both":
        return lines
    return [part.strip() for line in lines for part in line.split(INLINE.strip()) if part.strip()]


def problems(text: str, language: str, where: str = "") -> list[str]:
    """Each way `text` (as shown in `language`: "zh" or "both") falls short, with the piece."""
    found = []
    for piece in segments(text, language):
        if MISSING.search(piece):
            found.append(f"{where}: a missing value shown as {MISSING.search(piece)[0]}: {piece!r}")
        if "(s)" in piece:
            found.append(f"{where}: '(s)': {piece!r}")
        if not CJK.search(piece):
            continue
        english = ENGLISH_IN_CHINESE.search(piece)
        if english:
            found.append(f"{where}: English {english[0]!r} in Chinese: {piece!r}")
        glued = GLUED.search(piece)
        if glued:
            found.append(f"{where}: Chinese glued to a Latin word ({glued[0]!r}): {piece!r}")
    return found
