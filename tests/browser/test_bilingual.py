"""Every page and slide in 中文 and in English + 中文, as a bilingual council officer reads them in
a real browser, with every expander open: no English UI word, English date, None, "(s)" or
glued Latin word inside Chinese text, no headline label cut short, and Chinese text marked as
Chinese for screen readers and fonts."""

from __future__ import annotations

import html
import re

import pytest

from components.presentation import GUEST_SLIDES as SLIDES
from components.ui.lazy_expander import KEY_PREFIX
from tests.browser.conftest import (
    open_page,
    rerun_expected,
    start_server,
    stop_server,
    wait_until_drawn,
    wait_until_settled,
)
from tests.browser.test_pages import PAGES
from tests.language_checks import problems
from tests.rich_data import rich_copy

pytestmark = pytest.mark.browser

VIEWS = [
    *(path for path, _ in PAGES),
    "initiatives?initiative=student-project-2018",
    "map?map_view=link",
    *(f"present?slide={number}" for number in range(1, len(SLIDES) + 1)),
]
# The shipped data has no indicator: the pages that draw indicators are also read with the
# richer test data (indicators on track, behind, the wrong way; milestones of every status).
RICH_VIEWS = [
    "",
    "progress",
    "timeline",
    "initiatives?initiative=air-quality-sensors",
    "initiatives?initiative=trade-desk",
]
CLOSED_EXPANDER = '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary'
# An expander that builds its content only when open reruns the page when it opens.
LAZY_EXPANDER = f'[class*="st-key-{KEY_PREFIX}"]'

# The page's text, piece by piece as a reader meets it: HTML blocks, each line of text drawn in
# the charts' SVG, the data grids' cells, and the words inside each chart's figure (legend,
# axes, labels and the hover texts a pointer would show).
COLLECT_TEXT = """
() => {
  const texts = [];
  const blocks = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], '
    + '[data-testid="stMetric"], [data-testid="stAlert"], summary, label, button, h1, h2, h3';
  for (const element of document.querySelectorAll(blocks)) {
    if (!element.closest('svg')) texts.push(element.innerText || '');
  }
  const cells = '[data-testid="stDataFrame"] th, [data-testid="stDataFrame"] td';
  for (const cell of document.querySelectorAll(cells)) texts.push(cell.textContent);
  for (const text of document.querySelectorAll('svg text')) {
    const lines = text.querySelectorAll('tspan.line');
    if (lines.length) lines.forEach(line => texts.push(line.textContent));
    else texts.push(text.textContent);
  }
  const strings = value => Array.isArray(value) ? value.flatMap(strings)
    : (typeof value === 'string' ? [value] : []);
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    for (const trace of plot.data || []) {
      for (const key of ['name', 'hovertext', 'text', 'hovertemplate', 'x', 'y']) {
        texts.push(...strings(trace[key]));
      }
    }
    const layout = plot.layout || {};
    for (const annotation of layout.annotations || []) texts.push(annotation.text || '');
    for (const [key, axis] of Object.entries(layout)) {
      if (key.match(/^[xy]axis/) && axis && axis.title) texts.push(axis.title.text || '');
    }
  }
  return texts;
}
"""
# Labels and values of headline figures that the browser had to cut to fit.
CUT_SHORT = """
() => Array.from(document.querySelectorAll(
    '[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, '
    + '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *'))
  .filter(element => element.scrollWidth > element.clientWidth + 1)
  .map(element => element.textContent)
"""
# Blocks of text that start with a Chinese character but are not marked as Chinese.
UNMARKED_CHINESE = """
() => Array.from(document.querySelectorAll('[data-testid="stMain"] p, [data-testid="stMain"] li'))
  .filter(element => {
    const letter = (element.textContent || '').match(/[A-Za-z\\u3400-\\u9fff]/);
    return letter && /[\\u3400-\\u9fff]/.test(letter[0]);
  })
  .filter(element => !(element.closest('[lang]')?.lang || '').startsWith('zh'))
  .map(element => element.textContent.slice(0, 60))
"""


def _plain(text: str) -> str:
    """Text a figure holds as plotly markup, as the reader sees it."""
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(re.sub(r"%\{[^}]*\}", "", text))


def _open_every_expander(page) -> None:
    for _ in range(30):
        closed = [
            summary for summary in page.locator(CLOSED_EXPANDER).all() if summary.is_visible()
        ]
        if not closed:
            return
        summary = closed[0]
        if summary.evaluate(f"e => !!e.closest({LAZY_EXPANDER!r})"):
            with rerun_expected(page):
                summary.click()
        else:
            summary.click()
            wait_until_settled(page)
    raise AssertionError("expanders kept closing")


@pytest.fixture(scope="module")
def rich_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rich-served")
    data = rich_copy(folder)
    server = start_server(data.path, folder / "streamlit.log", {"PARTNERSHIP_TODAY": "2026-12-01"})
    yield server
    stop_server(server)


def _read_like_a_bilingual_officer(page, offline, url: str, view: str, language: str) -> None:
    joiner = "&" if "?" in view else "?"
    open_page(page, f"{url}/{view}{joiner}lang={language}", timeout_ms=60_000)
    _open_every_expander(page)
    wait_until_drawn(page)  # charts draw their SVG just after the script run ends
    found = []
    for text in page.evaluate(COLLECT_TEXT):
        found += problems(_plain(text), language, view)
    assert sorted(set(found)) == []
    assert page.evaluate(CUT_SHORT) == [], "headline figures cut short"
    if language == "zh":
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    else:
        assert page.evaluate("document.documentElement.lang") == "en-GB"
        assert page.evaluate(UNMARKED_CHINESE) == []
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []


@pytest.mark.parametrize("language", ["zh", "both"])
@pytest.mark.parametrize("view", VIEWS)
def test_chinese_reads_as_chinese_on_every_page_and_slide(
    app_server, page, offline, view, language
):
    """Every text on the page, opened up fully, passes the checks of a bilingual reader."""
    _read_like_a_bilingual_officer(page, offline, app_server.url, view, language)


@pytest.mark.parametrize("language", ["zh", "both"])
@pytest.mark.parametrize("view", RICH_VIEWS)
def test_chinese_reads_as_chinese_with_indicators_drawn(rich_server, page, offline, view, language):
    """The same checks on the pages that draw indicators, milestones of every status and a
    details view with its charts."""
    _read_like_a_bilingual_officer(page, offline, rich_server.url, view, language)
