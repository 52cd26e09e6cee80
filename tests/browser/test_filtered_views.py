"""The Timeline and Progress charts in a real browser, and filters that travel in the link."""

from __future__ import annotations

import re

import pytest

from components.i18n import translate
from tests.browser.conftest import SCRIPT_FINISHED, open_page

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"] .main-svg'


def multiselect(page, label_key: str):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=translate(label_key)
    )


def chosen(page, label_key: str) -> list[str]:
    tags = multiselect(page, label_key).locator("[data-tag]")
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def test_timeline_chart_is_drawn(app_server, page, offline):
    open_page(page, f"{app_server.url}/timeline")
    page.locator(CHART).first.wait_for(state="visible")
    # The signing line's label is drawn inside the chart.
    page.locator('[data-testid="stPlotlyChart"]').get_by_text(
        translate("timeline.signed_line")
    ).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []


def test_progress_charts_are_drawn_and_missing_indicators_explained(app_server, page, offline):
    open_page(page, f"{app_server.url}/progress")
    page.locator(CHART).first.wait_for(state="visible")
    # Status by focus area and the burn-up; no indicator chart on data without indicators.
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 2
    page.get_by_text(translate("progress.no_indicators")).wait_for()
    assert offline.blocked == []


def test_a_filter_change_goes_into_the_link_and_the_link_reopens_it(app_server, page, browser):
    open_page(page, f"{app_server.url}/timeline")
    box = multiselect(page, "filters.status")
    box.locator("input").click()
    page.get_by_role("option", name=translate("status.planned"), exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"[?&]status=planned"))
    page.wait_for_selector(SCRIPT_FINISHED)
    multiselect(page, "filters.focus").locator("input").click()
    page.get_by_role("option", name="Higher education").click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"[?&]focus=higher-education"))
    page.wait_for_selector(SCRIPT_FINISHED)
    link = page.url
    assert chosen(page, "filters.status") == [translate("status.planned")]

    # A new browser context is a new visitor: only the link carries the filters.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = context.new_page()
        open_page(other, link)
        multiselect(other, "filters.status").wait_for()
        assert chosen(other, "filters.status") == [translate("status.planned")]
        assert chosen(other, "filters.focus") == ["Higher education"]
        assert "/timeline" in other.url
        other.locator(CHART).first.wait_for(state="visible")
    finally:
        context.close()


def test_a_malformed_link_shows_a_notice_in_the_browser(app_server, page):
    open_page(page, f"{app_server.url}/progress?from=2018-02-30&status=finished")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("2018-02-30").first.wait_for()
    sidebar.get_by_text("finished").first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
