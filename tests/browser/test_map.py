"""The Map page in a real browser with the internet blocked: both panels are drawn (not blank),
the link view draws its arcs, tooltips show data as text, nothing is fetched from outside, and
a click soon after the Map has drawn takes effect quickly (no frozen tab without a GPU)."""

from __future__ import annotations

import io
import shutil
import time
from collections import Counter

import pytest
from PIL import Image

from components import map_decks, map_model
from components.i18n import translate
from components.loader import load_dataset
from components.status_palette import initiative_style
from tests.browser.conftest import open_page, start_server, stop_server
from tests.conftest import SHIPPED_DATA, DataDir

pytestmark = pytest.mark.browser

CHART = '[data-testid="stDeckGlJsonChart"]'
PLANNED = initiative_style("planned").rgb
# Software WebGL needs a few seconds for the first frame; poll, never sleep a fixed time.
DRAW_TIMEOUT_S = 45
# Screenshots of a page drawn by software WebGL take seconds, and much longer on a busy machine.
SCREENSHOT_TIMEOUT_MS = 120_000


def near(pixel: tuple[int, ...], colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=False))


def panel_pixels(chart) -> list[tuple[int, ...]]:
    # A page screenshot clipped to the panel: an element screenshot waits for the element to be
    # still, and a live WebGL canvas never quite is.
    box = chart.bounding_box()
    shot = chart.page.screenshot(clip=box, timeout=SCREENSHOT_TIMEOUT_MS)
    raw = Image.open(io.BytesIO(shot)).convert("RGB").tobytes()
    return [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]


def wait_until_drawn(chart, colours: list, timeout_s: float = DRAW_TIMEOUT_S) -> list:
    """Screenshots of the panel until it shows every colour in `colours` (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        pixels = panel_pixels(chart)
        if all(any(near(p, c) for p in pixels) for c in colours):
            return pixels
        if time.monotonic() > deadline:
            return pixels
        time.sleep(0.5)


def assert_not_blank(pixels: list, colours: list) -> None:
    background, count = Counter(pixels).most_common(1)[0]
    # Something other than the background covers a real share of the panel...
    assert count / len(pixels) < 0.9, f"panel is mostly {background}"
    # ...and it is the map's own drawing: land, outlines and the status-coloured markers.
    for colour in colours:
        assert any(near(p, colour) for p in pixels), f"no pixel near {colour}"


def test_both_ends_draws_two_panels_offline(app_server, page, offline):
    """Two canvases; each panel shows outlines and markers; no outside request, no exception."""
    open_page(page, f"{app_server.url}/map")
    charts = page.locator(CHART)
    charts.nth(1).locator("canvas").first.wait_for(state="visible", timeout=DRAW_TIMEOUT_S * 1000)
    assert charts.count() == 2
    expected = [PLANNED, tuple(map_decks.REGION_LINE), tuple(map_decks.LAND)]
    for index in range(2):
        pixels = wait_until_drawn(charts.nth(index), expected)
        assert_not_blank(pixels, expected)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []


def test_link_view_draws_the_arcs_offline(app_server, page, offline):
    open_page(page, f"{app_server.url}/map?map_view=link&map_place=oxford")
    chart = page.locator(CHART)
    chart.locator("canvas").first.wait_for(state="visible", timeout=DRAW_TIMEOUT_S * 1000)
    assert chart.count() == 1
    expected = [PLANNED, tuple(map_decks.LINK_COLOUR[:3]), tuple(map_decks.LAND)]
    assert_not_blank(wait_until_drawn(chart, expected), expected)
    title = "Information and support for enterprises"
    page.get_by_role("link", name=title).wait_for()
    href = page.get_by_role("link", name=title).get_attribute("href")
    assert href.endswith("initiatives?initiative=enterprise-support")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []


HOSTILE = '<img src="http://evil.example/x.png"> Langfang'


@pytest.fixture
def hostile_server(tmp_path):
    data = DataDir(tmp_path / "data")
    shutil.copytree(SHIPPED_DATA, data.path)
    data.set_cell("places", data.line_of("places", "place_id", "langfang"), "name_en", HOSTILE)
    server = start_server(data.path, tmp_path / "streamlit.log")
    yield server
    stop_server(server)


def test_marker_tooltip_shows_data_as_text(hostile_server, page, offline):
    """Hovering Langfang's marker shows its names, kind and initiatives; markup in a name is
    shown literally and fetches nothing."""
    model = map_model.build_model(
        load_dataset(hostile_server.data_dir).dataset, "oxford-hebei-mou-2018"
    )
    view = model.ends[1].view
    open_page(page, f"{hostile_server.url}/map")
    chart = page.locator(CHART).nth(1)
    chart.locator("canvas").first.wait_for(state="visible", timeout=DRAW_TIMEOUT_S * 1000)
    box = chart.bounding_box()
    centre_x, centre_y = view.pixels(view.longitude, view.latitude)
    langfang = model.place("langfang")
    x, y = view.pixels(langfang["lon"], langfang["lat"])
    tooltip = chart.locator(".deck-tooltip")
    deadline = time.monotonic() + DRAW_TIMEOUT_S
    while not tooltip.first.is_visible() and time.monotonic() < deadline:
        # Move off and back on: deck.gl picks on pointer movement.
        page.mouse.move(box["x"] + 5, box["y"] + 5)
        page.mouse.move(
            box["x"] + box["width"] / 2 + x - centre_x, box["y"] + box["height"] / 2 + y - centre_y
        )
        time.sleep(0.5)
    text = tooltip.first.inner_text() if tooltip.first.is_visible() else ""
    assert text.splitlines()[:3] == [f"{HOSTILE} · 廊坊市", "City", "Initiatives here: 1"]
    assert page.locator('img[src*="evil.example"]').count() == 0
    assert offline.blocked == []


# --- The Map does not freeze the tab ---------------------------------------------------------
# In Chromium without a GPU (software WebGL, as on many council virtual desktops), a sidebar click
# made 400 ms after the Map has drawn must take effect within 2 s.

# Soon after the Map is ready: when a councillor clicks on, and when the renderer was busiest.
CLICK_AFTER_MS = 400
CLICK_LIMIT_S = 2.0
# Each view is measured this many times. Five, not one: one timing on a shared two-core machine
# tells little, and a freeze (seconds) is far from the noise (tenths).
TRIES = 5
# The click has taken effect when the Timeline stands in the Map's place: its script has run and
# its title is shown, nothing of the Map left. (Its chart then takes its own time to draw, as it
# does when reached from any page; that is the Timeline's cost, not the Map's.)
TIMELINE_SHOWN = """(title) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const h1 = document.querySelector('[data-testid="stMainBlockContainer"] h1');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid="stDeckGlJsonChart"]')
        && !!h1 && h1.textContent.trim() === title;
}"""


def map_to_timeline_s(page, url: str, decks: int) -> float:
    """Open the Map at `url`, wait until its decks have drawn, wait 400 ms, click Timeline in
    the sidebar: seconds from the click until the Timeline stands in the Map's place."""
    open_page(page, url)
    charts = page.locator(CHART)
    charts.nth(decks - 1).locator("canvas").first.wait_for(
        state="visible", timeout=DRAW_TIMEOUT_S * 1000
    )
    # Drawn means on screen: a screenshot of each panel shows its outlines. (A canvas exists
    # before its first frame; software WebGL then takes seconds to draw it.)
    for index in range(decks):
        pixels = wait_until_drawn(charts.nth(index), [tuple(map_decks.REGION_LINE)])
        assert any(near(p, map_decks.REGION_LINE) for p in pixels), f"deck {index} not drawn"
    page.wait_for_timeout(CLICK_AFTER_MS)
    link = page.locator('[data-testid="stSidebarNav"] a[href$="/timeline"]')
    started = time.monotonic()
    link.click()
    page.wait_for_function(
        TIMELINE_SHOWN, arg=translate("timeline.title"), timeout=60_000, polling=20
    )
    return time.monotonic() - started


@pytest.mark.parametrize(("view", "decks"), [("ends", 2), ("link", 1)])
def test_a_click_soon_after_the_map_has_drawn_takes_effect_within_2_s(
    app_server, browser, view, decks
):
    """Both views, each in a fresh tab per try: the click takes effect within 2 s."""
    times = []
    for _ in range(TRIES):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        try:
            page = context.new_page()
            times.append(map_to_timeline_s(page, f"{app_server.url}/map?map_view={view}", decks))
        finally:
            context.close()
    print(f"map ({view}) -> timeline: " + ", ".join(f"{t:.2f} s" for t in times))
    # The median, not the slowest: on a shared two-core machine a try can be slowed
    # by other work; a frozen tab (the Map's old 11-14 s) fails every try.
    assert sorted(times)[len(times) // 2] < CLICK_LIMIT_S, times
