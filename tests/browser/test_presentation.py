"""Presentation mode in a real browser: offline, both languages, keyboard moves between slides."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.i18n import translate
from components.presentation import FULL_SLIDES
from components.presentation import GUEST_SLIDES as SLIDES
from tests.browser.conftest import open_page, wait_until_settled

pytestmark = pytest.mark.browser

# The sizes a projector or a council laptop shows a slide at.
SCREENS = [(1280, 720), (1920, 1080)]
# Chart text on a slide, in CSS pixels at 1080p: the least a room can read from the back.
SLIDE_TEXT_PX = 18
FIT_SCRIPT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const root = document.documentElement;
  const controls = document.querySelector('.st-key-slide-controls');
  const body = [...document.querySelectorAll(
    '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]')]
    .filter(e => !controls.contains(e) && e.getBoundingClientRect().height > 0);
  const bottom = Math.max(...body.map(e => e.getBoundingClientRect().bottom));
  const right = Math.max(...[...document.querySelectorAll('.st-key-slide-controls *')]
    .map(e => e.getBoundingClientRect().right));
  return {
    mainScroll: main.scrollHeight - main.clientHeight,
    pageScroll: root.scrollHeight - root.clientHeight,
    contentBottom: bottom,
    controlsTop: controls.getBoundingClientRect().top,
    controlsRight: right,
    width: root.clientWidth,
  };
}"""


def counter(page, language: str, number: int, count: int = len(SLIDES)):
    text = translate("present.counter", language, number=number, count=count)
    return page.get_by_text(text, exact=True)


@pytest.mark.parametrize("language", ["zh", "both"])
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_every_slide_fits_the_screen(app_server, browser, language, width, height):
    """Each slide of the full set fits 1280x720 and 1920x1080 with nothing scrolling and nothing
    under the controls, carries no download, expander or notice, and its chart text is at least
    18 px at 1080p."""
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        for number, name in enumerate(FULL_SLIDES, start=1):
            address = f"{app_server.url}/present?assessments=1&slide={number}&lang={language}"
            open_page(page, address)
            counter(page, language, number, len(FULL_SLIDES)).wait_for(timeout=60_000)
            if name in ("timeline", "progress"):
                page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
            wait_until_settled(page, timeout_ms=60_000)
            # The projector's stylesheet is in place (Streamlit loads the element that holds it
            # on demand, so the counter can show before it applies).
            page.wait_for_function(
                "() => getComputedStyle(document.querySelector('.st-key-slide-controls'))"
                ".position === 'fixed'"
            )
            fit = page.evaluate(FIT_SCRIPT)
            where = f"slide {number} ({name}) at {width}x{height} in {language}: {fit}"
            page.screenshot(path=f"test-artifacts/slide-{language}-{width}-{number}.png")
            assert fit["mainScroll"] <= 1 and fit["pageScroll"] <= 1, where
            assert fit["contentBottom"] <= fit["controlsTop"], where
            assert fit["controlsRight"] <= fit["width"], where
            for kind in ("stDownloadButton", "stExpander", "stAlertContainer"):
                assert page.locator(f'[data-testid="{kind}"]').count() == 0, (kind, where)
            if height == 1080:
                sizes = page.eval_on_selector_all(
                    '[data-testid="stPlotlyChart"] text',
                    "nodes => nodes.filter(n => n.textContent.trim())"
                    ".map(n => parseFloat(getComputedStyle(n).fontSize))",
                )
                assert all(size >= SLIDE_TEXT_PX for size in sizes), (sizes, where)
    finally:
        page.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_slide_renders_offline(app_server, page, offline, language):
    """Each slide finishes with no exception, the sidebar hidden, nothing fetched outside."""
    for number in range(1, len(SLIDES) + 1):
        open_page(page, f"{app_server.url}/present?slide={number}&lang={language}")
        counter(page, language, number).wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        page.screenshot(path=f"test-artifacts/present-{language}-{number}.png")
    assert offline.blocked == []


def wait_for_slide_controls(page, language: str, number: int, count: int = len(SLIDES)) -> None:
    """Wait until a presenter could use the keys: counter, buttons and their shortcuts are live.

    Streamlit loads the button's code on demand, so on a fresh browser the counter can show
    before the buttons exist, and a key pressed then does nothing. Streamlit binds the shortcuts
    just after it draws the buttons, through the hotkeys library it exposes as window.hotkeys.
    """
    counter(page, language, number, count).wait_for(timeout=60_000)
    page.get_by_role("button", name=f"{translate('present.next', language)} →").wait_for()
    page.wait_for_function(
        "() => !window.hotkeys || ['left', 'right', 'space'].every("
        "k => window.hotkeys.getAllKeyCodes().some(c => c.shortcut === k))"
    )


def test_keyboard_moves_between_slides(app_server, page):
    """Right arrow and Space go forward, Left goes back; the slide number follows in the URL."""
    # Slides 4 to 6 of the full set are charts and lists: software WebGL drawing the map slide
    # would only slow the test down without testing the keys.
    open_page(page, f"{app_server.url}/present?assessments=1&slide=4")
    wait_for_slide_controls(page, "en", 4, len(FULL_SLIDES))
    for key, number in (("ArrowRight", 5), (" ", 6), ("ArrowLeft", 5)):
        page.keyboard.press(key)
        wait_until_settled(page, timeout_ms=60_000)
        wait_for_slide_controls(page, "en", number, len(FULL_SLIDES))
        assert f"slide={number}" in page.url


def test_present_parameter_opens_the_slides(app_server, page):
    """?present=1 on the dashboard's address starts the presentation."""
    open_page(page, f"{app_server.url}/?present=1&slide=5")
    counter(page, "en", 5).wait_for()
