"""3. Capacity: the server's processor time per page view, ours against the title-only app's in
the same run, and so the views per second one core can serve."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError

from components.app_pages import AppPage
from scripts.bench import browser as chromium
from scripts.bench.measurements import median
from scripts.bench.servers import Server

# After the last tab of a block closes, the server still ends its sessions: wait that out so
# each block is charged with all it caused.
SETTLE_S = 0.5


@dataclass
class ViewCost:
    """Server processor time per view (s), one sample per block of views."""

    page: str
    ours_s: list[float] = field(default_factory=list)
    reference_s: list[float] = field(default_factory=list)
    # The same page's floor (section 1): what Streamlit costs for its elements alone.
    floor_s: list[float] = field(default_factory=list)
    # Script run time per view (s), from the timing log: the part of the processor time that
    # is the page's own Python, the rest being Streamlit's sessions, messages and files.
    ours_script_s: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def ours_median(self) -> float:
        return median(self.ours_s)

    @property
    def reference_median(self) -> float:
        return median(self.reference_s)

    @property
    def floor_median(self) -> float:
        return median(self.floor_s)

    @property
    def ratio(self) -> float:
        return self.ours_median / self.reference_median


def _block_cpu_s(context, server: Server, url: str, views: int, timeout_ms: float):
    """Processor time (s) and script time (s) per view over `views` fresh tabs, one at a time."""
    time.sleep(SETTLE_S)
    runs_before, cpu_before = len(server.runs()), server.cpu_s()
    for _ in range(views):
        chromium.page_ready_ms(context, url, timeout_ms)
    time.sleep(SETTLE_S)
    cpu = server.cpu_s() - cpu_before
    script_ms = server.script_ms_since(runs_before)
    return cpu / views, script_ms / 1000 / views


def view_costs(
    browser: chromium.Browser,
    ours: Server,
    reference: Server,
    floor: Server,
    pages: list[AppPage],
    blocks: int,
    views: int,
    timeout_ms: float,
) -> list[ViewCost]:
    """Per page: `blocks` blocks of `views` views of ours, of the title-only reference's and of
    the page's floor, taking turns; each side in one browser context (its files cached, as for a
    returning viewer)."""
    reference_context, floor_context = browser.context(), browser.context()
    chromium.page_ready_ms(reference_context, f"{reference.url}/", timeout_ms)
    results = []
    try:
        for page in pages:
            cost = ViewCost(page.url_path)
            results.append(cost)
            context = browser.context()
            sides = {
                "ours": (context, ours, f"{ours.url}/{page.address}", cost.ours_s),
                "reference": (reference_context, reference, f"{reference.url}/", cost.reference_s),
                "floor": (floor_context, floor, f"{floor.url}/{page.address}", cost.floor_s),
            }
            order = list(sides)
            try:
                for side_context, _, url, _ in sides.values():
                    chromium.page_ready_ms(side_context, url, timeout_ms)  # caches filled
                for block in range(blocks):
                    shift = block % len(order)
                    for side in order[shift:] + order[:shift]:
                        side_context, server, url, samples = sides[side]
                        cpu, script = _block_cpu_s(side_context, server, url, views, timeout_ms)
                        samples.append(cpu)
                        if side == "ours":
                            cost.ours_script_s.append(script)
            except (chromium.PageFailed, PlaywrightError) as error:
                cost.error = str(error).splitlines()[0]
            finally:
                context.close()
    finally:
        reference_context.close()
        floor_context.close()
    return results
