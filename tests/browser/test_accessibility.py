"""An automated accessibility audit (axe-core, bundled by axe-playwright-python and injected by
Playwright) of every page in English and 中文: no serious or critical violation of WCAG 2.2 A/AA,
except the findings Streamlit itself causes, each listed with its reason in docs/accessibility.md.
Also the page language, the heading outline and keyboard use."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from components.i18n import translate
from tests.browser.conftest import open_page, wait_until_drawn, wait_until_settled
from tests.browser.test_pages import PAGES

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
# Findings caused by Streamlit's own markup, which an app cannot change; the reasons are in
# docs/accessibility.md ("Known issues caused by Streamlit"). Rule id -> the CSS selector that the
# flagged element itself must sit inside for the finding to be accepted (anything else it reports
# still fails). The element is looked up in the page by its full path from the root: axe's short
# selector for it is only the shortest one unique at that moment and may name no ancestor at all.
STREAMLIT_FINDINGS: dict[str, str] = {
    # The visible label of a disabled widget, which Streamlit hides from assistive technology
    # (the control carries the same text as its aria-label) and fades, as it does the agreement
    # choice when the data holds one agreement. WCAG 1.4.3 exempts inactive controls.
    "color-contrast": 'label[data-testid="stWidgetLabel"][disabled] span[aria-hidden="true"]',
}
AUDITED = [*(path for path, _ in PAGES), "present"]


def _details(node: dict) -> str:
    """What axe measured on the node (colours and ratio for contrast) and its markup, so that a
    failure seen once in CI can be understood from the log alone."""
    measured = [check.get("data") for check in node.get("any", []) if check.get("data")]
    return f" {measured} {node.get('html', '')[:300]}"


def blocking_violations(page) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "ancestry": True}
    results = Axe().run(page, options=options)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        accepted_inside = STREAMLIT_FINDINGS.get(violation["id"])
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if accepted_inside and _sits_inside(page, node["ancestry"], accepted_inside):
                continue
            found.append(f"{violation['id']} ({violation['impact']}): {target}{_details(node)}")
    return found


def _sits_inside(page, ancestry: list, ancestor: str) -> bool:
    """Whether the one element at `ancestry` (axe's path from the root; one step, as the app
    draws no frames) lies inside `ancestor`."""
    if len(ancestry) != 1:
        return False
    return page.evaluate(
        "([path, ancestor]) => document.querySelector(path)?.closest(ancestor) != null",
        [ancestry[0], ancestor],
    )


@pytest.mark.parametrize("language", ["en", "zh", "both"])
@pytest.mark.parametrize("path", AUDITED)
def test_page_has_no_serious_or_critical_violation(app_server, page, offline, path, language):
    """axe-core finds no serious or critical WCAG A/AA violation on the page."""
    open_page(page, f"{app_server.url}/{path}?lang={language}")
    assert blocking_violations(page) == []
    assert offline.blocked == []


OUTLINE_SCRIPT = """() => Array.from(
    document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] h2,'
        + '[data-testid="stMain"] h3, [data-testid="stMain"] h4')
).filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))"""


@pytest.mark.parametrize("language", ["en", "both"])
@pytest.mark.parametrize("path", AUDITED)
def test_headings_form_an_outline(app_server, page, path, language):
    """One h1 opens the page and no heading level is skipped on the way down (also in the
    bilingual layout, where a slide's Chinese title stands under its English one)."""
    joiner = "&" if "?" in path else "?"
    open_page(page, f"{app_server.url}/{path}{joiner}lang={language}")
    # Streamlit draws the elements whose code it loads on demand after the run ends.
    wait_until_drawn(page)
    levels = page.evaluate(OUTLINE_SCRIPT)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skipped == [], levels


def test_page_declares_its_language(app_server, page):
    """The document declares a language (Streamlit sets it for the whole page; see
    docs/accessibility.md on Chinese content)."""
    open_page(page, f"{app_server.url}/?lang=zh")
    assert page.evaluate("() => document.documentElement.lang")


def _tab_to(page, matches: str, limit: int = 200) -> bool:
    """Press Tab until the focused element satisfies the JS predicate `matches`."""
    # Streamlit draws the elements whose code it loads on demand after the run ends, and
    # drawing one can take the focus: wait for them all, then start from the top.
    wait_until_drawn(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"() => {{ const e = document.activeElement; return !!e && ({matches}); }}"
        ):
            return True
    return False


def test_text_alternative_opens_with_the_keyboard(app_server, page):
    """Tab reaches a chart's text alternative; Enter opens it and shows its summary and table."""
    open_page(page, f"{app_server.url}/timeline")
    heading = translate("alt.heading")
    page.locator("summary", has_text=heading).first.wait_for()
    assert _tab_to(page, f"e.tagName === 'SUMMARY' && e.innerText.includes({heading!r})")
    page.keyboard.press("Enter")
    details = page.locator("details[open]", has_text=heading).first
    details.locator('[data-testid="stDataFrame"]').wait_for(state="visible", timeout=10_000)
    assert translate("alt.summary", summary="")[:7] in details.inner_text()


def test_briefing_pack_downloads_with_the_keyboard(app_server, page):
    """The briefing button takes keyboard focus and Enter downloads the PDF."""
    # The Overview is the app's default page: its own address may first show Streamlit's
    # "Page not found" dialog, which would hold the focus.
    open_page(page, f"{app_server.url}/")
    label = translate("briefing.download")
    page.locator("button", has_text=label).first.wait_for()
    button = page.locator("button", has_text=label).first
    focused = "e => e === document.activeElement && e.tabIndex >= 0"
    # A rerun that redraws the button, or a chart drawn after the run, moves focus away: focus
    # it once everything is drawn, and again after any run that still took it.
    wait_until_drawn(page)
    for _ in range(5):
        button.focus()
        if button.evaluate(focused):
            break
        wait_until_settled(page)
    assert button.evaluate(focused), page.evaluate(
        "() => document.activeElement.innerText.slice(0, 400)"
    )
    with page.expect_download(timeout=120_000) as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    assert path is not None
    assert Path(path).read_bytes()[:5] == b"%PDF-"


def test_png_download_is_reachable_by_keyboard(app_server, page):
    """A chart's PNG download takes keyboard focus."""
    open_page(page, f"{app_server.url}/progress")
    label = translate("charts.png")
    page.locator("button", has_text=label).first.wait_for()
    assert _tab_to(page, f"e.tagName === 'BUTTON' && e.innerText.includes({label!r})")
