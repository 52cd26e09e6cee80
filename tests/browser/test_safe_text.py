"""Data text is shown as text: HTML, Markdown images and links in a cell do nothing."""

from __future__ import annotations

import shutil

import pytest

from components.markdown_text import unlinked
from tests.browser.conftest import open_page, start_server, stop_server
from tests.conftest import SHIPPED_DATA, DataDir

pytestmark = pytest.mark.browser

HOSTILE_TITLE = '<img src="http://evil.example/a.png"> **bold** :red[red] $x^2$'
HOSTILE_SUMMARY = "![tracker](http://evil.example/b.png) [click](javascript:alert(1))"


@pytest.fixture
def hostile_server(tmp_path):
    data = DataDir(tmp_path / "data")
    shutil.copytree(SHIPPED_DATA, data.path)
    data.set_cell("agreements", 2, "title_en", HOSTILE_TITLE)
    data.set_cell("agreements", 2, "summary_en", HOSTILE_SUMMARY)
    server = start_server(data.path, tmp_path / "streamlit.log")
    yield server
    stop_server(server)


def test_hostile_text_is_literal_and_fetches_nothing(hostile_server, page, offline):
    """The title and summary appear character for character; no image or link is made."""
    open_page(page, f"{hostile_server.url}/")
    main = page.locator('[data-testid="stMain"]')
    # The shipped agreement's title is descriptive: a footnote says so, the title carries no tag.
    title = HOSTILE_TITLE
    # Both shown as typed, with only the invisible mark that keeps an address from being a link.
    main.get_by_text(unlinked(title), exact=True).wait_for()
    main.get_by_text(unlinked(HOSTILE_SUMMARY), exact=True).wait_for()
    assert main.locator('img[src*="evil.example"]').count() == 0
    assert main.locator('a[href^="javascript"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []
