"""Every page in 中文 in a real browser: no English UI text outside the data, no raw keys."""

from __future__ import annotations

import re

import pytest

from components.i18n import catalogue
from components.loader import load_dataset
from tests.browser.conftest import open_page
from tests.browser.test_pages import PAGES
from tests.conftest import SHIPPED_DATA

pytestmark = pytest.mark.browser

PLACEHOLDER = re.compile(r"\{[^}]*\}|\*\*|\*|`")
CJK = re.compile(r"[\u4e00-\u9fff]")


def data_text() -> str:
    """All text of the shipped data, which may rightly appear in English on a Chinese page."""
    dataset = load_dataset(SHIPPED_DATA).dataset
    cells = []
    for frame in dataset.tables.values():
        for name in frame.columns:
            if frame[name].dtype == "str":
                cells.extend(frame[name].tolist())
    return "\n".join(cells)


def english_fragments() -> set[str]:
    """Pieces of English UI text long enough to be recognised on a page.

    A piece that the same key's Chinese text quotes (a setting name, "CSV UTF-8") or that the
    data contains is left out: it may rightly appear on a Chinese page. A "Chinese" text with no
    Chinese characters in it is an untranslated copy, and its pieces count.
    """
    chinese = catalogue("zh")
    in_data = data_text()
    fragments = set()
    for key, entry in catalogue("en").items():
        # A text with plural forms counts with each of them.
        texts = entry.values() if isinstance(entry, dict) else [entry]
        translation = chinese[key] if isinstance(chinese[key], str) else chinese[key]["other"]
        for piece in (part for text in texts for part in PLACEHOLDER.split(text)):
            piece = piece.strip(" .,:;()·-–")
            quoted = piece in translation and CJK.search(translation)
            if len(piece) >= 12 and " " in piece and not quoted:
                if piece not in in_data:
                    fragments.add(piece)
    return fragments


@pytest.mark.parametrize("path", [path for path, _ in PAGES])
def test_chinese_page_has_no_english_ui_text_or_raw_keys(app_server, page, offline, path):
    """In ?lang=zh, the UI text on the page is Chinese; English appears only in data."""
    open_page(page, f"{app_server.url}/{path}?lang=zh")
    shown = page.locator('[data-testid="stApp"]').inner_text()
    english = sorted(f for f in english_fragments() if f in shown)
    assert english == [], f"English UI text on /{path}?lang=zh"
    raw_keys = sorted(key for key in catalogue("en") if key in shown)
    assert raw_keys == [], f"raw translation keys on /{path}"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []
