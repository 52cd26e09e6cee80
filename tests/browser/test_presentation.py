"""Presentation mode in a real browser: offline, both languages, keyboard moves between slides."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.i18n import translate
from components.presentation import SLIDES
from tests.browser.conftest import open_page, wait_until_settled

pytestmark = pytest.mark.browser


def counter(page, language: str, number: int):
    text = translate("present.counter", language, number=number, count=len(SLIDES))
    return page.get_by_text(text, exact=True)


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


def wait_for_slide_controls(page, language: str, number: int) -> None:
    """Wait until a presenter could use the keys: counter, buttons and their shortcuts are live.

    Streamlit loads the button's code on demand, so on a fresh browser the counter can show
    before the buttons exist, and a key pressed then does nothing. Streamlit binds the shortcuts
    just after it draws the buttons, through the hotkeys library it exposes as window.hotkeys.
    """
    counter(page, language, number).wait_for(timeout=60_000)
    page.get_by_role("button", name=translate("present.next", language)).wait_for()
    page.wait_for_function(
        "() => !window.hotkeys || ['left', 'right', 'space'].every("
        "k => window.hotkeys.getAllKeyCodes().some(c => c.shortcut === k))"
    )


def test_keyboard_moves_between_slides(app_server, page):
    """Right arrow and Space go forward, Left goes back; the slide number follows in the URL."""
    # Slides 3 to 5 are charts and lists: software WebGL drawing the map slide would only slow
    # the test down without testing the keys.
    open_page(page, f"{app_server.url}/present?slide=3")
    wait_for_slide_controls(page, "en", 3)
    for key, number in (("ArrowRight", 4), (" ", 5), ("ArrowLeft", 4)):
        page.keyboard.press(key)
        wait_until_settled(page, timeout_ms=60_000)
        wait_for_slide_controls(page, "en", number)
        assert f"slide={number}" in page.url


def test_present_parameter_opens_the_slides(app_server, page):
    """?present=1 on the dashboard's address starts the presentation."""
    open_page(page, f"{app_server.url}/?present=1&slide=5")
    counter(page, "en", 5).wait_for()
