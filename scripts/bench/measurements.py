"""The six measurements. Each runs ours and its reference in the same run, alternating."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from components.app_pages import APP_PAGES, AppPage
from scripts.bench import browser as chromium
from scripts.bench.servers import (
    FLOOR_APP,
    OUR_APP,
    REFERENCE_APP,
    REPO,
    Server,
    launch,
    machine_busy_s,
    start,
    wait_healthy,
)


def routed_pages() -> list[AppPage]:
    """Every page the app routes (components/app_pages.py), so a new page is measured too."""
    return list(APP_PAGES)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Nearest-rank percentile: with 20 tabs this is the 19th slowest of 20.
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


@dataclass
class Comparison:
    """Our samples and the reference's, in ms (or s), with medians and their ratio."""

    label: str
    ours: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    # Set when our page failed (e.g. showed an exception): it has no figures then.
    error: str | None = None

    @property
    def ours_median(self) -> float:
        return median(self.ours)

    @property
    def reference_median(self) -> float:
        return median(self.reference)

    @property
    def ratio(self) -> float:
        return self.ours_median / self.reference_median


def _alternate(repeats: int, measure_ours, measure_reference, comparison: Comparison) -> None:
    """ours, reference, reference, ours, ...: neither side always goes first."""
    for i in range(repeats):
        order = [(measure_ours, comparison.ours), (measure_reference, comparison.reference)]
        if i % 2:
            order.reverse()
        for measure, samples in order:
            samples.append(measure())


def page_ready(
    browser: chromium.Browser,
    targets: list[tuple[str, str]],
    reference: Server,
    repeats: int,
    timeout_ms: float,
    warm_up: bool = True,
) -> list[Comparison]:
    """1. Page ready in the browser for each (label, address), against the title-only app."""
    results = []
    # The reference keeps one context (and so a warm browser cache) for the whole measurement.
    reference_context = browser.context()
    if warm_up:
        chromium.page_ready_ms(reference_context, f"{reference.url}/", timeout_ms)
    for label, url in targets:
        # A fresh context per page of ours, so no page inherits another's browser-side state
        # (presentation mode remembers a hidden sidebar); its first visit warms its cache.
        ours_context = browser.context()
        comparison = Comparison(label)
        results.append(comparison)
        try:
            # One unmeasured visit: the first run of a page fills its caches.
            if warm_up:
                chromium.page_ready_ms(ours_context, url, timeout_ms)
            _alternate(
                repeats,
                partial(chromium.page_ready_ms, ours_context, url, timeout_ms),
                partial(chromium.page_ready_ms, reference_context, f"{reference.url}/", timeout_ms),
                comparison,
            )
        except (chromium.PageFailed, PlaywrightError) as error:
            comparison.error = str(error).splitlines()[0]
            comparison.ours.clear()
            comparison.reference.clear()
        finally:
            ours_context.close()
    reference_context.close()
    return results


def page_targets(server: Server, pages: list[AppPage]) -> list[tuple[str, str]]:
    return [(route.url_path, f"{server.url}/{route.address}") for route in pages]


# Streamlit's own floor for pages like ours (scripts/bench/floor_app.py), by BENCH_FLOOR.
FLOORS = {
    "sidebar": "title and a sidebar of our widget kinds",
    "plotly": "title, that sidebar and one small plotly chart",
}


def floors(
    browser: chromium.Browser,
    reference: Server,
    work_dir: Path,
    repeats: int,
    timeout_ms: float,
    warm_up: bool = True,
) -> list[Comparison]:
    """Section 1's floors: the floor pages against the title-only app, measured the same way."""
    targets, servers = [], []
    try:
        for name, label in FLOORS.items():
            server = start(f"floor-{name}", FLOOR_APP, None, work_dir, {"BENCH_FLOOR": name})
            servers.append(server)
            targets.append((label, f"{server.url}/"))
        return page_ready(browser, targets, reference, repeats, timeout_ms, warm_up)
    finally:
        for server in servers:
            server.stop()


def _wait_quiet(page, server: Server, timeout_ms: float, quiet_s: float = 0.6) -> None:
    """Until the script has finished and no new run has started for `quiet_s`."""
    deadline = time.monotonic() + timeout_ms / 1000
    count, since = len(server.runs()), time.monotonic()
    while time.monotonic() < deadline:
        chromium.wait_script_finished(page, timeout_ms)
        now = len(server.runs())
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.05)
    raise TimeoutError("the page kept rerunning")


@dataclass
class RerunCost:
    page: str
    trigger: str
    samples_ms: list[float]
    error: str | None = None

    @property
    def median_ms(self) -> float:
        return median(self.samples_ms)


def _wait_for_run(server: Server, before: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while len(server.runs()) == before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _rerun_samples(
    page, server: Server, agreement_label: str, count: int, timeout_ms: float, first_step: int = 1
) -> tuple[str, list[float]]:
    samples, trigger = [], ""
    for step in range(first_step, first_step + count):
        before = len(server.runs())
        trigger = chromium.change_filter(page, agreement_label, step, timeout_ms)
        if not _wait_for_run(server, before, 5):
            # The click changed nothing (e.g. it chose the value already selected).
            trigger = chromium.rerun_key(page) + ": the filter change started no run"
            _wait_for_run(server, before, timeout_ms / 1000)
        _wait_quiet(page, server, timeout_ms)
        # Every run the change caused, including one cut short by a rerun the app asked for.
        samples.append(sum(run["ms"] for run in server.runs()[before:]))
    return trigger, samples


def rerun_cost(
    browser: chromium.Browser,
    server: Server,
    pages: list[AppPage],
    agreement_label: str,
    repeats: int,
    timeout_ms: float,
) -> list[RerunCost]:
    """2. Server-side script time of each page after a filter change (from the timing log)."""
    results = []
    for route in pages:
        # A fresh context per page: presentation mode, for one, remembers a hidden sidebar.
        context = browser.context()
        try:
            page = chromium.start_navigation(context, f"{server.url}/{route.address}", timeout_ms)
            chromium.ready_ms(page, timeout_ms)
            _wait_quiet(page, server, timeout_ms)
            # The first change warms the caches of the other filter value; not counted.
            _rerun_samples(page, server, agreement_label, 1, timeout_ms)
            trigger, samples = _rerun_samples(
                page, server, agreement_label, repeats, timeout_ms, first_step=2
            )
            results.append(RerunCost(route.url_path, trigger, samples))
        except (chromium.PageFailed, PlaywrightError) as error:
            results.append(RerunCost(route.url_path, "", [], str(error).splitlines()[0]))
        finally:
            context.close()
    return results


def _cold_start_s(
    browser: chromium.Browser, app: Path, data_dir: Path | None, work_dir: Path, timeout_ms: float
) -> float:
    server = launch("cold", app, data_dir, work_dir)
    try:
        wait_healthy(server)
        context = browser.context()
        try:
            page = chromium.start_navigation(context, f"{server.url}/", timeout_ms)
            chromium.ready_ms(page, timeout_ms)
            return time.perf_counter() - server.started_at
        finally:
            context.close()
    finally:
        server.stop()


def cold_start(
    browser: chromium.Browser, data_dir: Path, label: str, work_dir: Path, repeats: int, timeout_ms
) -> Comparison:
    """3. From starting the server until the first page is ready, against the minimal app."""
    comparison = Comparison(label)
    _alternate(
        repeats,
        lambda: _cold_start_s(browser, OUR_APP, data_dir, work_dir, timeout_ms),
        lambda: _cold_start_s(browser, REFERENCE_APP, None, work_dir, timeout_ms),
        comparison,
    )
    return comparison


def _timed_command(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}")
    return elapsed


def validation_throughput(data_dir: Path, repeats: int) -> Comparison:
    """4. `partnership validate` against `frictionless validate` on the same datapackage.json."""
    bin_dir = Path(sys.executable).parent
    comparison = Comparison(str(data_dir.name))
    _alternate(
        repeats,
        lambda: _timed_command([str(bin_dir / "partnership"), "validate", str(data_dir)]),
        lambda: _timed_command(
            [str(bin_dir / "frictionless"), "validate", str(data_dir / "datapackage.json")]
        ),
        comparison,
    )
    return comparison


def store_load(data_dir: Path, repeats: int) -> Comparison:
    """8. The same data read and checked from PostgreSQL (a version's files in one query, then
    the loader) against from its folder, alternating, in this process. `ours` is PostgreSQL's,
    `reference` the folder's."""
    from components.loader import load_dataset
    from components.postgres_store import PostgresStore
    from scripts.local_postgres import LocalPostgres

    comparison = Comparison(str(data_dir.name))
    with LocalPostgres() as server:
        store = PostgresStore(server.url)
        store.import_folder(data_dir)
        number = store.current_number()

        def timed(load) -> float:
            started = time.perf_counter()
            result = load()
            elapsed = time.perf_counter() - started
            if not result.ok:
                raise RuntimeError(f"the data did not load: {result.problems[:3]}")
            return elapsed

        timed(lambda: store.load(number))  # the database's first read fills its own caches
        _alternate(
            repeats,
            lambda: timed(lambda: store.load(number)),
            lambda: timed(lambda: load_dataset(data_dir)),
            comparison,
        )
    return comparison


@dataclass
class ViewersResult:
    single_ms: list[float]
    concurrent_ms: list[float]
    rss_idle_mb: float
    rss_with_viewers_mb: float
    peak_rss_mb: float
    leak_rss_mb: list[float]
    leak_reruns: int
    # The same tabs opening the title-only reference app: Streamlit's and Chromium's own floor.
    reference_single_ms: list[float] = field(default_factory=list)
    reference_concurrent_ms: list[float] = field(default_factory=list)
    # While the tabs of ours opened: wall-clock time, and the processor time the server and the
    # whole machine (server, browser and all) used in it.
    concurrent_wall_s: float = 0.0
    concurrent_server_cpu_s: float = 0.0
    concurrent_machine_cpu_s: float = 0.0

    @property
    def ratio(self) -> float:
        return p95(self.concurrent_ms) / median(self.single_ms)

    @property
    def reference_ratio(self) -> float:
        return p95(self.reference_concurrent_ms) / median(self.reference_single_ms)

    @property
    def leak_growth_mb(self) -> float:
        """Growth after the first block of reruns (which fills the caches) to the last block."""
        baseline = self.leak_rss_mb[1] if len(self.leak_rss_mb) > 2 else self.leak_rss_mb[0]
        return self.leak_rss_mb[-1] - baseline


def viewers_and_memory(
    browser: chromium.Browser,
    data_dir: Path,
    work_dir: Path,
    agreement_label: str,
    viewers: int,
    repeats: int,
    leak_reruns: int,
    timeout_ms: float,
) -> ViewersResult:
    """5 and 6. One server with the large data: single-tab and N-tab page ready on the Overview,
    resident memory with N viewers connected, and memory across repeated reruns."""
    server = start("viewers", OUR_APP, data_dir, work_dir)
    try:
        url = f"{server.url}/"  # the Overview, the default page
        context = browser.context()
        chromium.page_ready_ms(context, url, timeout_ms)  # loads the data once
        single = [chromium.page_ready_ms(context, url, timeout_ms) for _ in range(repeats)]
        context.close()
        time.sleep(1)
        rss_idle = server.rss_mb()

        cpu_before, busy_before = server.cpu_s(), machine_busy_s()
        wall_before = time.perf_counter()
        contexts = [browser.context() for _ in range(viewers)]
        pages = [chromium.start_navigation(c, url, timeout_ms) for c in contexts]
        concurrent = [chromium.ready_ms(page, timeout_ms * 3) for page in pages]
        wall_s, server_cpu_s = time.perf_counter() - wall_before, server.cpu_s() - cpu_before
        machine_cpu_s = machine_busy_s() - busy_before
        time.sleep(1)
        rss_viewers = server.rss_mb()

        # Leak check in one of the connected tabs: memory after each block of reruns.
        page = pages[0]
        _wait_quiet(page, server, timeout_ms)
        leak = [server.rss_mb()]
        block = max(1, leak_reruns // 4)
        for done in range(leak_reruns):
            _rerun_samples(page, server, agreement_label, 1, timeout_ms, first_step=done + 1)
            if (done + 1) % block == 0:
                leak.append(server.rss_mb())
        for c in contexts:
            c.close()
        peak = server.peak_rss_mb()
    finally:
        server.stop()
    reference_single, reference_concurrent = _tabs(
        browser, REFERENCE_APP, data_dir, work_dir, viewers, repeats, timeout_ms
    )
    return ViewersResult(
        single_ms=single,
        concurrent_ms=concurrent,
        rss_idle_mb=rss_idle,
        rss_with_viewers_mb=rss_viewers,
        peak_rss_mb=peak,
        leak_rss_mb=leak,
        leak_reruns=leak_reruns,
        reference_single_ms=reference_single,
        reference_concurrent_ms=reference_concurrent,
        concurrent_wall_s=wall_s,
        concurrent_server_cpu_s=server_cpu_s,
        concurrent_machine_cpu_s=machine_cpu_s,
    )


def _tabs(
    browser: chromium.Browser,
    app: Path,
    data_dir: Path,
    work_dir: Path,
    viewers: int,
    repeats: int,
    timeout_ms: float,
) -> tuple[list[float], list[float]]:
    """Page ready of one tab (median of `repeats`), then of `viewers` tabs opened at once."""
    server = start("tabs", app, data_dir, work_dir)
    try:
        url = f"{server.url}/"
        context = browser.context()
        chromium.page_ready_ms(context, url, timeout_ms)
        single = [chromium.page_ready_ms(context, url, timeout_ms) for _ in range(repeats)]
        context.close()
        contexts = [browser.context() for _ in range(viewers)]
        pages = [chromium.start_navigation(c, url, timeout_ms) for c in contexts]
        concurrent = [chromium.ready_ms(page, timeout_ms * 3) for page in pages]
        for c in contexts:
            c.close()
        return single, concurrent
    finally:
        server.stop()
