"""Page ready, rerun cost, cold start, validation, memory and loading from PostgreSQL. Each runs
ours and its reference in the same run, alternating (navigation.py and capacity.py hold the
other two)."""

from __future__ import annotations

import re
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


@dataclass
class PageReady(Comparison):
    """Page ready of one page of ours against its floor, with what each side's samples saw: the
    script time the server logged and when each element was complete (browser.py)."""

    ours_script_ms: list[float] = field(default_factory=list)
    reference_script_ms: list[float] = field(default_factory=list)
    ours_elements: list[list[dict]] = field(default_factory=list)
    reference_elements: list[list[dict]] = field(default_factory=list)
    # What the server sent each visit's tab until page ready (bytes).
    ours_bytes: list[float] = field(default_factory=list)
    reference_bytes: list[float] = field(default_factory=list)

    def late_elements(self, limit: int = 3) -> list[tuple[str, float, float | None]]:
        """The elements of ours complete after the floor's page was ready, those furthest behind
        the same element in the floor first: (element, ours ms, the floor's ms or None), each a
        median. An element the floor does not have counts as furthest behind."""
        ours, floor = (
            _element_medians(self.ours_elements),
            _element_medians(self.reference_elements),
        )
        late = [
            (name, ms, floor.get(name)) for name, ms in ours.items() if ms > self.reference_median
        ]

        def behind(item: tuple[str, float, float | None]) -> float:
            _, ms, floor_ms = item
            return ms - (floor_ms if floor_ms is not None else 0.0)

        return sorted(late, key=behind, reverse=True)[:limit]


def _element_medians(samples: list[list[dict]]) -> dict[str, float]:
    """{"plotly chart 2 (main)": median ms}: each element named by its kind and its place among
    the page's elements of that kind, so ours and the floor's pair up."""
    times: dict[str, list[float]] = {}
    for elements in samples:
        seen: dict[tuple[str, str], int] = {}
        for element in elements:
            kind = (element["area"], element["kind"])
            seen[kind] = seen.get(kind, 0) + 1
            if element["ms"] is None:
                continue
            name = f"{_kind_name(element['kind'])} {seen[kind]} ({element['area']})"
            times.setdefault(name, []).append(element["ms"])
    return {name: median(values) for name, values in times.items()}


def _kind_name(test_id: str) -> str:
    """stPlotlyChart -> plotly chart."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", test_id.removeprefix("st")).lower().split()
    return " ".join(words)


@dataclass(frozen=True)
class Target:
    label: str
    ours: Server
    ours_url: str
    reference: Server
    reference_url: str


def _measure_side(
    comparison: PageReady, ours: bool, context, target: Target, timeout_ms: float
) -> float:
    """One visit of our page (or its floor's): page ready in ms; its script time and element
    times kept in `comparison`."""
    server, url = (
        (target.ours, target.ours_url) if ours else (target.reference, target.reference_url)
    )
    before = len(server.runs())
    ms, elements, sent = chromium.page_ready_sample(context, url, timeout_ms)
    script_ms = server.script_ms_since(before)
    if ours:
        comparison.ours_script_ms.append(script_ms)
        comparison.ours_elements.append(elements)
        comparison.ours_bytes.append(sent)
    else:
        comparison.reference_script_ms.append(script_ms)
        comparison.reference_elements.append(elements)
        comparison.reference_bytes.append(sent)
    return ms


def page_ready(
    browser: chromium.Browser,
    targets: list[Target],
    repeats: int,
    timeout_ms: float,
    warm_up: bool = True,
) -> list[PageReady]:
    """1. Page ready in the browser for each page of ours against its floor, alternating."""
    results = []
    for target in targets:
        # A fresh context per page and side, so no page inherits another's browser-side state
        # (presentation mode remembers a hidden sidebar); its first visit warms its cache.
        contexts = browser.context(), browser.context()
        comparison = PageReady(target.label)
        results.append(comparison)
        ours = partial(_measure_side, comparison, True, contexts[0], target, timeout_ms)
        floor = partial(_measure_side, comparison, False, contexts[1], target, timeout_ms)
        try:
            # One unmeasured visit each: the first run of a page fills its caches.
            if warm_up:
                chromium.page_ready_ms(contexts[0], target.ours_url, timeout_ms)
                chromium.page_ready_ms(contexts[1], target.reference_url, timeout_ms)
            _alternate(repeats, ours, floor, comparison)
        except (chromium.PageFailed, PlaywrightError) as error:
            comparison.error = str(error).splitlines()[0]
            comparison.ours.clear()
            comparison.reference.clear()
        finally:
            for context in contexts:
                context.close()
    return results


def page_targets(ours: Server, floor: Server, pages: list[AppPage]) -> list[Target]:
    return [
        Target(
            route.url_path,
            ours,
            f"{ours.url}/{route.address}",
            floor,
            f"{floor.url}/{route.address}",
        )
        for route in pages
    ]


def floor_spec(data_dir: Path, work_dir: Path, name: str) -> Path:
    """Every page's element tree on `data_dir` (floor_spec.py, in a process of its own)."""
    out = work_dir / f"floor-{name}.json"
    command = [sys.executable, "-m", "scripts.bench.floor_spec", str(data_dir), str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"reading the pages' elements failed:\n{done.stderr[-3000:]}")
    return out


def start_floor(spec: Path, work_dir: Path, name: str) -> Server:
    return start(f"floor-{name}", FLOOR_APP, None, work_dir, {"BENCH_FLOOR_SPEC": str(spec)})


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
        samples.append(server.script_ms_since(before))
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
    # While the tabs of ours opened: wall-clock time, and the processor time the server and the
    # whole machine (server, browser and all) used in it.
    concurrent_wall_s: float = 0.0
    concurrent_server_cpu_s: float = 0.0
    concurrent_machine_cpu_s: float = 0.0

    @property
    def ratio(self) -> float:
        return p95(self.concurrent_ms) / median(self.single_ms)

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
    """7. One server with the large data: resident memory with N viewers connected (their tabs
    opened at once, timed as in section 1) and across repeated reruns."""
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
    return ViewersResult(
        single_ms=single,
        concurrent_ms=concurrent,
        rss_idle_mb=rss_idle,
        rss_with_viewers_mb=rss_viewers,
        peak_rss_mb=peak,
        leak_rss_mb=leak,
        leak_reruns=leak_reruns,
        concurrent_wall_s=wall_s,
        concurrent_server_cpu_s=server_cpu_s,
        concurrent_machine_cpu_s=machine_cpu_s,
    )
