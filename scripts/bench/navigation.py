"""2. Moving through the app: sidebar clicks from the Overview and from the Map, in fresh tabs,
ours against the same clicks in the floor app; and, for the clicks that touch the Map, ours with
the decks drawn as still images, to tell the maps' WebGL from the rest of the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError

from components.app_pages import APP_PAGES, MAP, OVERVIEW, AppPage
from scripts.bench import browser as chromium
from scripts.bench.measurements import Comparison, median
from scripts.bench.servers import Server

ORIGINS = (OVERVIEW, MAP)


@dataclass
class Click(Comparison):
    """One sidebar click (origin → target): ours against the floor's, in ms; for clicks that
    touch the Map also ours with still images in place of the decks."""

    origin: str = ""
    target: str = ""
    decks_as_image: list[float] = field(default_factory=list)
    # Our server's script time for each click (ms), from its timing log.
    ours_script_ms: list[float] = field(default_factory=list)
    # What the server sent the tab for the click, ours and the floor's (bytes).
    ours_bytes: list[float] = field(default_factory=list)
    floor_bytes: list[float] = field(default_factory=list)
    # When the server's script run for the click had ended (ms after the click): the rest of
    # the click is the browser decoding and drawing what it was sent.
    ours_server_done: list[float] = field(default_factory=list)
    floor_server_done: list[float] = field(default_factory=list)
    # What the tab's renderer did in each inspected click (ms): JavaScript, and layout with
    # style recalculation. Inspected clicks are made after the timed ones, under a DevTools
    # session and a sampling CPU profile that slow the tab: they split the time, they do not
    # time the click.
    ours_browser_script: list[float] = field(default_factory=list)
    floor_browser_script: list[float] = field(default_factory=list)
    ours_browser_layout: list[float] = field(default_factory=list)
    floor_browser_layout: list[float] = field(default_factory=list)
    # JavaScript self time per bundle of Streamlit's front end in each inspected click (ms):
    # which elements' code the extra time runs in.
    ours_bundles: list[dict[str, float]] = field(default_factory=list)
    floor_bundles: list[dict[str, float]] = field(default_factory=list)

    def costliest_bundles(self, count: int = 3) -> list[tuple[str, float]]:
        """The bundles whose JavaScript ran longest more in ours than in the floor (ms; each
        side's median over its inspected clicks, a bundle absent from a click counting 0)."""
        ours, floor = _bundle_medians(self.ours_bundles), _bundle_medians(self.floor_bundles)
        extra = {n: ours.get(n, 0.0) - floor.get(n, 0.0) for n in set(ours) | set(floor)}
        ranked = sorted(extra.items(), key=lambda item: item[1], reverse=True)
        return [(name, ms) for name, ms in ranked[:count] if ms > 0]

    @property
    def image_median(self) -> float:
        return median(self.decks_as_image)

    @property
    def touches_map(self) -> bool:
        return MAP.url_path in (self.origin, self.target)


def _bundle_medians(profiles: list[dict[str, float]]) -> dict[str, float]:
    names = {name for profile in profiles for name in profile}
    return {name: median([profile.get(name, 0.0) for profile in profiles]) for name in names}


@dataclass(frozen=True)
class _Sample:
    ready_ms: float
    script_ms: float
    server_done_ms: float
    sent: int
    work: chromium.MainThreadWork
    bundles_ms: dict[str, float] | None


def _click(
    context, server: Server, origin: AppPage, target: AppPage, timeout_ms, inspect: bool = False
) -> _Sample:
    """Open `origin` in a fresh tab, wait until it is ready, click `target` in the sidebar:
    the click's ms until ready, the script time (ms) the server logged for it, when (ms after
    the click) its last script run ended, the bytes the server sent the tab for it, and, when
    inspected, what the tab's renderer did meanwhile."""
    page = chromium.start_navigation(context, f"{server.url}/{origin.address}", timeout_ms)
    try:
        chromium.ready_ms(page, timeout_ms)
        before, bytes_before = len(server.runs()), chromium.received_bytes(page)
        timing = chromium.navigation_ms(page, APP_PAGES.index(target), timeout_ms, inspect)
        done_at = server.script_done_since(before)
        return _Sample(
            timing.ready_ms,
            server.script_ms_since(before),
            done_at - timing.clicked_at_ms if done_at is not None else float("nan"),
            chromium.received_bytes(page) - bytes_before,
            timing.work,
            timing.bundles_ms,
        )
    finally:
        page.close()


def _taking_turns(sides: list[str], repeat: int) -> list[str]:
    shift = repeat % len(sides)
    return sides[shift:] + sides[:shift]


def _time(click: Click, contexts, servers, origin, target, repeats: int, timeout_ms) -> None:
    """The timed clicks: bare tabs, no DevTools session."""
    samples = {"ours": click.ours, "floor": click.reference}
    if "images" in servers and click.touches_map:
        samples["images"] = click.decks_as_image
    for repeat in range(repeats):
        for side in _taking_turns(list(samples), repeat):
            sample = _click(contexts[side], servers[side], origin, target, timeout_ms)
            samples[side].append(sample.ready_ms)
            if side == "ours":
                click.ours_script_ms.append(sample.script_ms)
                click.ours_bytes.append(sample.sent)
                click.ours_server_done.append(sample.server_done_ms)
            elif side == "floor":
                click.floor_bytes.append(sample.sent)
                click.floor_server_done.append(sample.server_done_ms)


def _inspect(click: Click, contexts, servers, origin, target, repeats: int, timeout_ms) -> None:
    """The inspected clicks, ours and the floor's: where the renderer's time went."""
    split = {
        "ours": (click.ours_browser_script, click.ours_browser_layout, click.ours_bundles),
        "floor": (click.floor_browser_script, click.floor_browser_layout, click.floor_bundles),
    }
    for repeat in range(repeats):
        for side in _taking_turns(list(split), repeat):
            sample = _click(contexts[side], servers[side], origin, target, timeout_ms, inspect=True)
            script, layout, bundles = split[side]
            script.append(sample.work.script_ms)
            layout.append(sample.work.layout_ms)
            bundles.append(sample.bundles_ms or {})


def clicks(
    browser: chromium.Browser,
    ours: Server,
    floor: Server,
    images: Server | None,
    repeats: int,
    inspected: int,
    timeout_ms: float,
    warm_up: bool = True,
) -> list[Click]:
    """Every page reached from each origin: `repeats` timed clicks on each side, then
    `inspected` clicks on ours and the floor's; the sides take turns going first."""
    contexts = {"ours": browser.context(), "floor": browser.context()}
    servers = {"ours": ours, "floor": floor}
    if images is not None:
        contexts["images"], servers["images"] = browser.context(), images
    try:
        if warm_up:
            # Each page once in each browser: caches filled on both sides of the wire, as for a
            # councillor who has opened the dashboard before.
            for side, context in contexts.items():
                for page in APP_PAGES:
                    chromium.page_ready_ms(
                        context, f"{servers[side].url}/{page.address}", timeout_ms
                    )
        results = []
        for origin in ORIGINS:
            for target in APP_PAGES:
                if target is origin:
                    continue
                click = Click(f"{origin.url_path} → {target.url_path}")
                click.origin, click.target = origin.url_path, target.url_path
                results.append(click)
                try:
                    _time(click, contexts, servers, origin, target, repeats, timeout_ms)
                    _inspect(click, contexts, servers, origin, target, inspected, timeout_ms)
                except (chromium.PageFailed, PlaywrightError) as error:
                    click.error = str(error).splitlines()[0]
        return results
    finally:
        for context in contexts.values():
            context.close()
