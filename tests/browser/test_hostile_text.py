"""Hostile text in every text field, in a real browser: no link is made from it on the Overview,
the Map, an initiative's details or the slides (only the sources' own https addresses may be
links), and a data grid's own "Download as CSV" writes no live formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from components.exports import FORMULA_STARTS
from components.markdown_text import WORD_JOINER
from tests.browser.conftest import open_page, start_server, stop_server, wait_until_drawn
from tests.test_hostile_text import ADDRESSES, write_hostile_data

pytestmark = pytest.mark.browser

PAGES = ["/", "/map", "/initiatives?initiative=student-project-2018", "/present"]
# Every link on the page, where it goes, and its text.
LINKS = "() => Array.from(document.querySelectorAll('a[href]')).map(a => [a.href, a.innerText])"
# Chromium offers the File System Access picker, which a headless test cannot answer; without
# it the grid falls back to an ordinary download of the same CSV.
NO_SAVE_PICKER = "window.showSaveFilePicker = () => { throw new Error('no picker here'); };"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_browser")
    write_hostile_data(folder / "data")
    server = start_server(folder / "data", folder / "streamlit.log")
    yield server
    stop_server(server)


def test_no_link_is_made_from_data_text(hostile_server, page, offline):
    """On each page the hostile text is shown, reads as written (also when copied), and every
    link is the app's own or a source's own https address."""
    for address in PAGES:
        open_page(page, hostile_server.url + address)
        wait_until_drawn(page)
        assert page.locator('[data-testid="stException"]').count() == 0, address
        main = page.locator('[data-testid="stMain"]')
        shown = main.inner_text()
        assert ADDRESSES in shown.replace(WORD_JOINER, ""), address
        for href, text in page.evaluate(LINKS):
            # Links of the app's own (its pages, the map's attribution) are http(s); none goes
            # to an address of the data's text, nor is a mailto: or a script.
            assert href.startswith(("http://", "https://")), (address, href, text)
            # A heading's own anchor (`#its-words`) stays on the page: only where it goes counts.
            assert "evil" not in href.split("#")[0], (address, href, text)
    # Copied, the text is the data's own (with invisible word joiners only).
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="evil").first
    caption.select_text()
    copied = page.evaluate("() => window.getSelection().toString()")
    assert ADDRESSES in copied.replace(WORD_JOINER, "")
    assert offline.blocked == []


def test_an_open_list_of_choices_makes_no_link(hostile_server, page):
    """A filter's choices (focus areas named with addresses) are drawn as plain text."""
    open_page(page, hostile_server.url + "/")
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    options = page.locator('[role="option"]')
    options.first.wait_for()
    assert "evil" in " ".join(options.all_inner_texts())
    assert page.locator('[role="listbox"] a, [data-baseweb="popover"] a').count() == 0


def test_the_grids_own_download_writes_no_formula(hostile_server, page):
    """The sources grid's toolbar "Download as CSV" gives the hostile cells as text: each
    formula-like cell starts with an apostrophe, and the rest of it is as the data says."""
    page.add_init_script(NO_SAVE_PICKER)
    open_page(page, hostile_server.url + "/")
    wait_until_drawn(page)
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    grid.hover()
    button = page.get_by_role("button", name="Download as CSV").last
    with page.expect_download(timeout=30_000) as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any("evil.example" in cell for cell in cells), text[:500]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], text[:500]
    assert any(cell.startswith("'=cmd|' /C calc'!A0") for cell in cells) or any(
        cell.startswith(("'=HYPERLINK(", "'@SUM(", "'+1 ")) for cell in cells
    ), text[:500]
