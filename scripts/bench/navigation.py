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
    # What the tab's renderer did meanwhile (ms): JavaScript, and layout with style recalculation.
    ours_browser_script: list[float] = field(default_factory=list)
    floor_browser_script: list[float] = field(default_factory=list)
    ours_browser_layout: list[float] = field(default_factory=list)
    floor_browser_layout: list[float] = field(default_factory=list)
    # JavaScript self time per bundle in one profiled click on each side (ms), made after the
    # timed ones: which of Streamlit's element code the extra time runs in.
    ours_bundles: dict[str, float] = field(default_factory=dict)
    floor_bundles: dict[str, float] = field(default_factory=dict)

    def costliest_bundles(self, count: int = 3) -> list[tuple[str, float]]:
        """The bundles whose JavaScript ran longest more in ours than in the floor (ms)."""
        names = set(self.ours_bundles) | set(self.floor_bundles)
        extra = {n: self.ours_bundles.get(n, 0.0) - self.floor_bundles.get(n, 0.0) for n in names}
        ranked = sorted(extra.items(), key=lambda item: item[1], reverse=True)
        return [(name, ms) for name, ms in ranked[:count] if ms > 0]

    @property
    def image_median(self) -> float:
        return median(self.decks_as_image)

    @property
    def touches_map(self) -> bool:
        return MAP.url_path in (self.origin, self.target)


@dataclass(frozen=True)
class _Sample:
    ready_ms: float
    script_ms: float
    server_done_ms: float
    sent: int
    work: chromium.MainThreadWork
    bundles_ms: dict[str, float] | None


def _click(
    context, server: Server, origin: AppPage, target: AppPage, timeout_ms, profile: bool = False
) -> _Sample:
    """Open `origin` in a fresh tab, wait until it is ready, click `target` in the sidebar:
    the click's ms until ready, the script time (ms) the server logged for it, when (ms after
    the click) its last script run ended, the bytes the server sent the tab for it, and what
    the tab's renderer did meanwhile."""
    page = chromium.start_navigation(context, f"{server.url}/{origin.address}", timeout_ms)
    try:
        chromium.ready_ms(page, timeout_ms)
        before, bytes_before = len(server.runs()), chromium.received_bytes(page)
        timing = chromium.navigation_ms(page, APP_PAGES.index(target), timeout_ms, profile)
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


def clicks(
    browser: chromium.Browser,
    ours: Server,
    floor: Server,
    images: Server | None,
    repeats: int,
    timeout_ms: float,
    warm_up: bool = True,
) -> list[Click]:
    """Every page reached from each origin; the sides take turns going first."""
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
                samples = {"ours": click.ours, "floor": click.reference}
                if images is not None and click.touches_map:
                    samples["images"] = click.decks_as_image
                sides = list(samples)
                try:
                    for repeat in range(repeats):
                        shift = repeat % len(sides)
                        for side in sides[shift:] + sides[:shift]:
                            sample = _click(
                                contexts[side], servers[side], origin, target, timeout_ms
                            )
                            samples[side].append(sample.ready_ms)
                            if side == "ours":
                                click.ours_script_ms.append(sample.script_ms)
                                click.ours_bytes.append(sample.sent)
                                click.ours_server_done.append(sample.server_done_ms)
                                click.ours_browser_script.append(sample.work.script_ms)
                                click.ours_browser_layout.append(sample.work.layout_ms)
                            elif side == "floor":
                                click.floor_bytes.append(sample.sent)
                                click.floor_server_done.append(sample.server_done_ms)
                                click.floor_browser_script.append(sample.work.script_ms)
                                click.floor_browser_layout.append(sample.work.layout_ms)
                    profiled = {"ours": click.ours_bundles, "floor": click.floor_bundles}
                    for side, bundles in profiled.items():
                        sample = _click(
                            contexts[side], servers[side], origin, target, timeout_ms, profile=True
                        )
                        bundles.update(sample.bundles_ms or {})
                except (chromium.PageFailed, PlaywrightError) as error:
                    click.error = str(error).splitlines()[0]
        return results
    finally:
        for context in contexts.values():
            context.close()
