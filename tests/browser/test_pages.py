"""Every page in a real browser: it loads, finishes its run, shows its headings, no exception,
and asks nothing of the internet."""

from __future__ import annotations

import pytest

from components import app_pages
from components.i18n import translate
from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser

# The headings each page must show, by its url path. The slides have their own tests.
HEADINGS = {
    app_pages.OVERVIEW.url_path: [
        "overview.title",
        "overview.figures_heading",
        "overview.focus_areas_heading",
        "overview.sources_heading",
    ],
    app_pages.MAP.url_path: ["map.title"],
    app_pages.DATA.url_path: ["data.title", "data.downloads_heading", "data.editors_heading"],
    app_pages.TIMELINE.url_path: [
        "timeline.title",
        "timeline.chart_heading",
        "timeline.milestones_heading",
    ],
    app_pages.PROGRESS.url_path: [
        "progress.title",
        "progress.indicators_heading",
        "progress.status_heading",
        "progress.burnup_heading",
        "progress.quiet_heading",
    ],
    app_pages.INITIATIVES.url_path: ["initiatives.title"],
}
# (address, headings) of every page but the slides; the Overview's address is the root.
PAGES = [
    (page.address, HEADINGS[page.url_path])
    for page in app_pages.APP_PAGES
    if page is not app_pages.PRESENT
]


@pytest.mark.parametrize(("path", "headings"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_page_loads_offline_with_its_headings(app_server, page, offline, path, headings):
    """The page finishes its run with its headings, no exception and no outside request."""
    open_page(page, f"{app_server.url}/{path}")
    for key in headings:
        heading = page.get_by_role("heading", name=translate(key))
        heading.first.wait_for(state="visible")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("dialog").count() == 0  # e.g. Streamlit's "Page not found"
    assert offline.blocked == []


def test_root_opens_the_overview(app_server, page):
    """The bare address opens the Overview with the agreement card."""
    open_page(page, app_server.url)
    page.get_by_role("heading", name=translate("overview.title")).wait_for()
    page.get_by_text("Oxford Town Hall").first.wait_for()


def test_first_visit_straight_to_a_page_gets_the_shared_frame(tmp_path, browser):
    """On a fresh server, a shared link to /timeline still runs app.py (sidebar, language)."""
    import shutil

    from tests.browser.conftest import start_server, stop_server
    from tests.conftest import SHIPPED_DATA

    shutil.copytree(SHIPPED_DATA, tmp_path / "data")
    server = start_server(tmp_path / "data", tmp_path / "streamlit.log")
    try:
        page = browser.new_page()
        open_page(page, f"{server.url}/timeline?lang=zh")
        page.get_by_role("heading", name=translate("timeline.title", "zh")).wait_for()
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Language · 语言").wait_for()
        page.close()
    finally:
        stop_server(server)
