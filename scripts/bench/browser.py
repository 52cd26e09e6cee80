"""Driving Debian's Chromium: page-ready times measured inside the page, and filter changes."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

from tests.browser.conftest import CHROMIUM, SCRIPT_FINISHED
from tests.browser.conftest import CHROMIUM_ARGS as TEST_CHROMIUM_ARGS

# The same browser and flags as the browser tests, plus what twenty tabs at once need.
CHROMIUM_ARGS = [
    *TEST_CHROMIUM_ARGS,
    # Twenty tabs at once must not be slowed by background-tab throttling of their timers.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1400, "height": 1000}

# "Page ready", timed by the page itself from its navigation start (performance.now()):
# Streamlit's script run has gone running -> notRunning (or initial -> notRunning with content
# drawn, when both states fall into one render), no element is still waiting for its
# code (Streamlit loads each kind of element's JavaScript on first use and shows a skeleton
# until then: plotly's bundle alone takes most of a second to start), and every visible chart
# is drawn (plotly's SVG, deck.gl's canvas, vega's canvas). A MutationObserver sees each change
# as it happens, so the time does not depend on how often Python looks; a 50 ms check besides
# catches what it does not watch (an element shown or hidden by a style change alone).
PAGE_READY_SCRIPT = """
(() => {
  let sawRunning = false;
  const STATE = 'data-test-script-state';
  const visible = (el) => el.getClientRects().length > 0;
  const drawn = (selector, inner) => {
    for (const el of document.querySelectorAll(selector)) {
      if (visible(el) && !el.querySelector(inner)) return false;
    }
    return true;
  };
  const loading = () => {
    for (const el of document.querySelectorAll('[data-testid="stSkeleton"]')) {
      if (visible(el)) return true;
    }
    return false;
  };
  // Under load the "running" state can come and go within one React render, so that the
  // attribute never shows it: a finished run is then recognised by the content it drew (before
  // its first run a fresh page says "initial" and has no element in its main block).
  const drewContent = () => document.querySelector(
    '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]') !== null;
  const ready = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const state = app.getAttribute(STATE);
    if (state === 'running') sawRunning = true;
    return state === 'notRunning' && (sawRunning || drewContent()) && !loading()
      && drawn('[data-testid="stPlotlyChart"]', '.main-svg')
      && drawn('[data-testid="stDeckGlJsonChart"]', 'canvas')
      && drawn('[data-testid="stVegaLiteChart"]', 'canvas, svg');
  };
  // When each element was first complete (present, not a skeleton, its chart drawn), so the
  // report can say which elements of a page come later than the same elements of its floor.
  const elementDone = new WeakMap();
  const CONTAINER = '[data-testid="stElementContainer"]';
  // The element's own kind, not the frame Streamlit wraps charts and grids in (its full-screen
  // button), which would make a chart complete before it is drawn.
  const WRAPPERS = new Set(['stFullScreenFrame', 'stElementToolbar']);
  const kindOf = (el) => {
    for (const inner of el.querySelectorAll('[data-testid]')) {
      const kind = inner.getAttribute('data-testid');
      if (!WRAPPERS.has(kind)) return kind;
    }
    return 'empty';
  };
  const complete = (el) => {
    for (const skeleton of el.querySelectorAll('[data-testid="stSkeleton"]')) {
      if (visible(skeleton)) return false;
    }
    const kind = kindOf(el);
    if (kind === 'stPlotlyChart') return el.querySelector('.main-svg') !== null;
    if (kind === 'stDeckGlJsonChart') return el.querySelector('canvas') !== null;
    return kind !== 'empty';
  };
  const timeElements = () => {
    const now = performance.now();
    for (const el of document.querySelectorAll(CONTAINER)) {
      if (!elementDone.has(el) && complete(el)) elementDone.set(el, now);
    }
  };
  window.__elementTimes = () => [...document.querySelectorAll(CONTAINER)].map((el) => ({
    area: el.closest('[data-testid="stSidebar"]') ? 'sidebar' : 'main',
    kind: kindOf(el), ms: elementDone.has(el) ? elementDone.get(el) : null,
  }));
  const check = () => {
    if (window.__pageReadyMs !== undefined) return;
    timeElements();
    if (ready()) window.__pageReadyMs = performance.now();
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && record.attributeName === STATE
          && record.oldValue === 'running') sawRunning = true;
    }
    check();
  });
  observer.observe(document, {subtree: true, childList: true, attributes: true,
                              attributeOldValue: true, attributeFilter: [STATE]});
  const timer = setInterval(() => {
    check();
    if (window.__pageReadyMs !== undefined) clearInterval(timer);
  }, 50);
  // What still holds the page back, for the message when it never gets ready.
  window.__pageBlockers = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const count = (selector) => [...document.querySelectorAll(selector)].filter(visible).length;
    return {
      state: app ? app.getAttribute(STATE) : 'no app', sawRunning, drewContent: drewContent(),
      skeletons: count('[data-testid="stSkeleton"]'),
      plotlyUndrawn: !drawn('[data-testid="stPlotlyChart"]', '.main-svg'),
      deckUndrawn: !drawn('[data-testid="stDeckGlJsonChart"]', 'canvas'),
      exceptions: count('[data-testid="stException"]'),
    };
  };
})();
"""


# "Page changed", for a click on the sidebar's navigation, timed inside the page from the click:
# the new page's script has run (state seen `running`, or the main block emptied and drawn again,
# or a new non-empty title: the main block is cleared at the click, so an empty title is not
# a new one), nothing is left stale, no skeleton is showing and every visible chart is drawn.
NAVIGATION_SCRIPT = """
() => {
  window.__navStartMs = undefined;
  window.__navReadyMs = undefined;
  const STATE = 'data-test-script-state';
  const MAIN = '[data-testid="stMainBlockContainer"]';
  const visible = (el) => el.getClientRects().length > 0;
  const heading = () => {
    const h1 = document.querySelector(MAIN + ' h1');
    return h1 ? h1.textContent.trim() : '';
  };
  const headingBefore = heading();
  const hasContent = () => document.querySelector(MAIN + ' [data-testid="stElementContainer"]');
  let sawRunning = false, sawEmpty = false;
  const drawn = (selector, inner) => {
    for (const el of document.querySelectorAll(selector)) {
      if (visible(el) && !el.querySelector(inner)) return false;
    }
    return true;
  };
  const ready = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const state = app.getAttribute(STATE);
    if (state === 'running') sawRunning = true;
    if (!hasContent()) sawEmpty = true;
    const changed = sawRunning || (sawEmpty && hasContent())
      || (heading() !== '' && heading() !== headingBefore);
    const skeleton = [...document.querySelectorAll('[data-testid="stSkeleton"]')].some(visible);
    return changed && state === 'notRunning' && hasContent() && !skeleton
      && !document.querySelector('[data-stale="true"]')
      && drawn('[data-testid="stPlotlyChart"]', '.main-svg')
      && drawn('[data-testid="stDeckGlJsonChart"]', 'canvas');
  };
  const check = () => {
    if (window.__navStartMs === undefined || window.__navReadyMs !== undefined) return;
    if (ready()) {
      window.__navReadyMs = performance.now();
      observer.disconnect();
      clearInterval(timer);
    }
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && record.attributeName === STATE
          && record.oldValue === 'running') sawRunning = true;
    }
    check();
  });
  document.addEventListener('click', (event) => {
    if (event.target.closest('[data-testid="stSidebarNav"] a')) {
      window.__navStartMs = performance.now();
      observer.observe(document, {subtree: true, childList: true, attributes: true,
                                  attributeOldValue: true, attributeFilter: [STATE]});
    }
  }, {capture: true, once: true});
  const timer = setInterval(check, 50);
}
"""


class PageFailed(Exception):
    """The page showed an exception instead of its content."""


class Browser:
    """One Chromium for the whole run; each app gets its own context (its own cookies)."""

    def __init__(self) -> None:
        if not Path(CHROMIUM).exists():
            raise RuntimeError(f"{CHROMIUM} is missing: run `make system-deps`")
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def context(self):
        context = self.browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.add_init_script(PAGE_READY_SCRIPT)
        return context

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()


class ReceivedBytes:
    """What a tab's websocket has received from the server so far, in bytes: what the page's
    messages weigh (its elements and their data)."""

    def __init__(self, page) -> None:
        self.total = 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._add))

    def _add(self, payload) -> None:
        self.total += len(payload)


RECEIVED: dict[int, ReceivedBytes] = {}


def received_bytes(page) -> int:
    return RECEIVED[id(page)].total


def start_navigation(context, url: str, timeout_ms: float):
    """Open a new tab on `url` and return as soon as the navigation has been committed."""
    page = context.new_page()
    RECEIVED[id(page)] = ReceivedBytes(page)
    page.on("close", lambda closed: RECEIVED.pop(id(closed), None))
    # Clicks and look-ups fail fast; waits for page ready pass their own, longer timeout.
    page.set_default_timeout(10_000)
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    return page


def ready_ms(page, timeout_ms: float) -> float:
    """Milliseconds from the tab's navigation start to page ready (see PAGE_READY_SCRIPT)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("window.__pageReadyMs !== undefined", timeout=timeout_ms, polling=50)
    except PlaywrightTimeout:
        blockers = page.evaluate("window.__pageBlockers && window.__pageBlockers()")
        raise PageFailed(f"not ready after {timeout_ms / 1000:.0f} s: {blockers}") from None
    _raise_on_exception(page)
    return float(page.evaluate("window.__pageReadyMs"))


def page_ready_ms(context, url: str, timeout_ms: float) -> float:
    return page_ready_sample(context, url, timeout_ms)[0]


def page_ready_sample(context, url: str, timeout_ms: float) -> tuple[float, list[dict], int]:
    """Page ready (ms), when each element was complete ([{area, kind, ms}] in page order) and
    the bytes the server sent until then."""
    page = start_navigation(context, url, timeout_ms)
    try:
        ms = ready_ms(page, timeout_ms)
        return ms, page.evaluate("window.__elementTimes()"), received_bytes(page)
    finally:
        page.close()


def _raise_on_exception(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise PageFailed(f"shows an exception: {exceptions.first.inner_text()[:200]!r}")


@dataclass(frozen=True)
class MainThreadWork:
    """What the tab's renderer did during a click (Chromium's Performance metrics, in ms):
    running JavaScript, and laying out the page with its styles recalculated. With software
    WebGL the script time also holds the GL work done for it on other threads, so for a page
    with decks it can exceed the click's own duration."""

    script_ms: float = float("nan")
    layout_ms: float = float("nan")


@dataclass(frozen=True)
class NavigationTime:
    """A sidebar click: ms from the click until the new page was ready, when the click was
    made (ms since the epoch, the clock the server's timing log keeps), what the renderer's
    main thread did meanwhile and its JavaScript time per bundle (for an inspected click)."""

    ready_ms: float
    clicked_at_ms: float
    work: MainThreadWork = MainThreadWork()
    bundles_ms: dict[str, float] | None = None


_RENDERER_METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def _renderer_metrics(cdp) -> dict[str, float]:
    reported = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: reported.get(name, float("nan")) for name in _RENDERER_METRICS}


def bundle_of(url: str, function: str) -> str:
    """The Streamlit bundle a profiled function lives in, without its content hash
    ("StreamlitMarkdown.oOG-xoxw.js" → "StreamlitMarkdown"); the profiler's own entries
    ("(garbage collector)") by name; the browser's built-ins as "browser built-ins"."""
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    if name:
        return name.split(".", 1)[0]
    if function.startswith("("):
        return function
    return "browser built-ins"


def bundle_times(profile: dict) -> dict[str, float]:
    """A CPU profile's self time (ms) per bundle, without the profiler's idle and unattributed
    native time, which every tab has in like amounts."""
    frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    times: dict[str, float] = {}
    for sample, delta_us in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = frames[sample]
        bundle = bundle_of(frame["url"], frame["functionName"])
        if bundle not in ("(idle)", "(program)", "(root)"):
            times[bundle] = times.get(bundle, 0.0) + delta_us / 1000
    return times


def navigation_ms(page, link: int, timeout_ms: float, inspect: bool = False) -> NavigationTime:
    """Click the `link`-th entry of the sidebar's navigation (in the app's page order) and time
    it until the new page is ready (see NAVIGATION_SCRIPT). With `inspect`, a DevTools session
    reads the renderer's Performance metrics around the click and a sampling CPU profile runs
    through it; both slow the tab, so such clicks are for the split of the time, not the time."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    cdp = page.context.new_cdp_session(page) if inspect else None
    try:
        if cdp is not None:
            cdp.send("Performance.enable")
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 250})
            cdp.send("Profiler.start")
        page.evaluate(NAVIGATION_SCRIPT)
        before = _renderer_metrics(cdp) if cdp is not None else None
        page.locator('[data-testid="stSidebarNav"] a').nth(link).click()
        try:
            page.wait_for_function(
                "window.__navReadyMs !== undefined", timeout=timeout_ms, polling=50
            )
        except PlaywrightTimeout:
            raise PageFailed(
                f"the page reached by link {link} not ready after {timeout_ms / 1000:.0f} s"
            ) from None
        work, bundles = MainThreadWork(), None
        if cdp is not None:
            after = _renderer_metrics(cdp)
            bundles = bundle_times(cdp.send("Profiler.stop")["profile"])
            spent = {name: (after[name] - before[name]) * 1000 for name in _RENDERER_METRICS}
            work = MainThreadWork(
                spent["ScriptDuration"], spent["LayoutDuration"] + spent["RecalcStyleDuration"]
            )
    finally:
        if cdp is not None:
            # A tab that crashed has no session left to detach; its error is the one to report.
            with contextlib.suppress(PlaywrightError):
                cdp.detach()
    _raise_on_exception(page)
    ready, clicked_at = page.evaluate(
        "[window.__navReadyMs - window.__navStartMs, performance.timeOrigin + window.__navStartMs]"
    )
    return NavigationTime(float(ready), float(clicked_at), work, bundles)


def wait_script_finished(page, timeout_ms: float) -> None:
    page.wait_for_selector(SCRIPT_FINISHED, timeout=timeout_ms)


def _enabled(field) -> bool:
    """Visible (presentation mode hides the sidebar) and not disabled."""
    return (
        field.is_visible()
        and not field.is_disabled()
        and field.get_attribute("aria-disabled") != "true"
    )


def _open_options(page, field, timeout_ms: float):
    """Open a select's list; None when it shows fewer than two options."""
    field.click()
    options = page.locator('[role="option"]')
    try:
        options.first.wait_for(timeout=min(timeout_ms, 5_000))
    except Exception:  # noqa: BLE001 - a select that opens no list is not a filter we can use
        page.keyboard.press("Escape")
        return None
    if options.count() < 2:
        page.keyboard.press("Escape")
        return None
    return options


def _label(box) -> str:
    return box.locator('[data-testid="stWidgetLabel"]').inner_text().strip()


def change_filter(page, agreement_label: str, step: int, timeout_ms: float) -> str:
    """Change one sidebar filter, or rerun when none can be operated; say which, for the report."""
    from playwright.sync_api import Error

    for attempt in range(2):
        try:
            return _change_filter(page, agreement_label, step, timeout_ms)
        except Error as error:
            page.keyboard.press("Escape")
            reason = str(error).splitlines()[0]
            print(f"[bench] attempt {attempt + 1}: filter not operable on {page.url}: {reason}")
            wait_script_finished(page, timeout_ms)
            time.sleep(1)
    return rerun_key(page) + ": the filter could not be operated"


def rerun_key(page) -> str:
    # Streamlit's own rerun key, pressed with no input focused.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("r")
    return "rerun key"


def _change_filter(page, agreement_label: str, step: int, timeout_ms: float) -> str:
    """Tries the shared agreement selector, then the first multiselect filter (adding and removing
    its last value in turn), then any other selectbox, so every page is measured the same way.
    Returns what it did, for the report.
    """
    sidebar = page.locator('[data-testid="stSidebar"]')
    selectboxes = sidebar.locator('[data-testid="stSelectbox"]')
    agreement = selectboxes.filter(has_text=agreement_label)
    if agreement.count() == 1 and _enabled(agreement.locator('[role="combobox"]').first):
        options = _open_options(page, agreement.locator('[role="combobox"]').first, timeout_ms)
        if options is not None:
            options.nth(step % 2).click()
            return f"selectbox '{agreement_label}'"
    multiselects = sidebar.locator('[data-testid="stMultiSelect"]')
    for i in range(multiselects.count()):
        box = multiselects.nth(i)
        field = box.locator('[role="combobox"]').first
        if not _enabled(field):
            continue
        remove = box.locator('button[aria-label^="Remove"]')
        if remove.count():
            remove.first.click()
            return f"multiselect '{_label(box)}'"
        options = _open_options(page, field, timeout_ms)
        if options is None:
            continue
        # The last option is one value (the first may be a "select all").
        options.last.click()
        page.keyboard.press("Escape")
        return f"multiselect '{_label(box)}'"
    for i in range(selectboxes.count()):
        box = selectboxes.nth(i)
        field = box.locator('[role="combobox"]').first
        if not _enabled(field):
            continue
        options = _open_options(page, field, timeout_ms)
        if options is not None:
            options.nth(step % 2).click()
            return f"selectbox '{_label(box)}'"
    return rerun_key(page) + ": no enabled sidebar filter"
