"""Run every measurement and write docs/benchmarks.md.

Usage: `python -m scripts.bench [--smoke] [--out FILE]`."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from components import settings as settings_table
from components.i18n import translate
from components.sample import SampleSize, write_sample
from scripts.bench import capacity, navigation
from scripts.bench import measurements as measure
from scripts.bench.browser import Browser
from scripts.bench.floor_spec import element_counts, undrawn_kinds
from scripts.bench.machine import describe_machine
from scripts.bench.report import Results, write_report
from scripts.bench.seeded_errors import check_coverage
from scripts.bench.servers import OUR_APP, REFERENCE_APP, REPO, Server, start
from scripts.bench.view_memory import ViewMemory

# The views' budget the bench holds the memo to: the app's default.
VIEW_BUDGET_MB = int(settings_table.VIEW_MEMORY.default)


@dataclass(frozen=True)
class Settings:
    large_scale: int = 2500
    # The whole run takes about 55 minutes on 2 cores (57.4 on 2026-12-04).
    repeats: int = 3
    # Page ready's large-data ratios sit near their goal, and three loads moved a median by 0.2
    # between runs: five give a steadier one for little time.
    page_ready_repeats: int = 5
    # Sidebar clicks: a short click's ratio is a difference of some 30 ms, so five timed
    # clicks a side; then two inspected ones a side for where the renderer's time went.
    click_repeats: int = 5
    inspected_clicks: int = 2
    rerun_repeats: int = 3
    cold_repeats: int = 2
    validation_repeats: int = 2
    viewers: int = 20
    capacity_blocks: int = 3
    capacity_views: int = 4
    leak_reruns: int = 12
    seeded_scale: int = 20
    timeout_ms: float = 180_000
    smoke: bool = False
    warm_up: bool = True
    datasets: tuple[str, ...] = ("shipped", "large")


FULL = Settings()
# One run of everything on small data: proves the harness works, measures nothing worth quoting.
SMOKE = replace(
    FULL,
    large_scale=2,
    repeats=1,
    page_ready_repeats=1,
    click_repeats=1,
    inspected_clicks=1,
    rerun_repeats=1,
    cold_repeats=1,
    validation_repeats=1,
    viewers=3,
    capacity_blocks=1,
    capacity_views=1,
    leak_reruns=4,
    seeded_scale=1,
    timeout_ms=90_000,
    smoke=True,
    warm_up=False,
    datasets=("large",),
)


def view_memory(data_dir: Path, budget_mb: int) -> ViewMemory:
    """Measured in a process of its own, so its memory is the dataset's and the views' alone."""
    command = [sys.executable, "-m", "scripts.bench.view_memory", str(data_dir), str(budget_mb)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    return ViewMemory(**json.loads(done.stdout.strip().splitlines()[-1]))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure_dataset(
    browser: Browser,
    settings: Settings,
    results: Results,
    name: str,
    data_dir: Path,
    reference: Server,
    work_dir: Path,
) -> None:
    """Sections 1 to 4 on one dataset: our app, its floor (the same pages' elements from trivial
    data), ours with still images for maps, and (large data) the title-only reference."""
    pages = measure.routed_pages()
    log(f"the pages' elements, {name} data (AppTest)")
    spec_file = measure.floor_spec(data_dir, work_dir, name)
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    results.floor_elements[name] = {
        page["url_path"]: element_counts(page.get("main", []) + page.get("sidebar", []))
        for page in spec["pages"]
    }
    results.undrawn_kinds |= undrawn_kinds(spec)
    servers = []
    try:
        floor = measure.start_floor(spec_file, work_dir, name)
        servers.append(floor)
        ours = start(f"ours-{name}", OUR_APP, data_dir, work_dir)
        servers.append(ours)
        images = start(
            f"ours-{name}-images", OUR_APP, data_dir, work_dir, {"BENCH_DECKS_AS_IMAGE": "1"}
        )
        servers.append(images)
        log(f"page ready against the floor, {name} data")
        results.page_ready[name] = measure.page_ready(
            browser,
            measure.page_targets(ours, floor, pages),
            settings.page_ready_repeats,
            settings.timeout_ms,
            settings.warm_up,
        )
        log(f"sidebar clicks against the floor's, {name} data")
        results.navigation[name] = navigation.clicks(
            browser,
            ours,
            floor,
            images,
            settings.click_repeats,
            settings.inspected_clicks,
            settings.timeout_ms,
            settings.warm_up,
        )
        log(f"rerun cost, {name} data")
        results.reruns[name] = measure.rerun_cost(
            browser,
            ours,
            pages,
            translate("shell.agreement"),
            settings.rerun_repeats,
            settings.timeout_ms,
        )
        if name == "large":
            log("processor time per page view against the title-only app, large data")
            results.capacity = capacity.view_costs(
                browser,
                ours,
                reference,
                floor,
                pages,
                settings.capacity_blocks,
                settings.capacity_views,
                settings.timeout_ms,
            )
    finally:
        for server in servers:
            server.stop()


def run(settings: Settings, out: Path, work_dir: Path) -> Results:
    started = time.perf_counter()
    pages = measure.routed_pages()
    agreement_label = translate("shell.agreement")
    log(f"pages routed in app.py: {', '.join(p.url_path for p in pages)}")

    shipped = work_dir / "shipped"
    shutil.copytree(REPO / "data", shipped)
    large = work_dir / "large"
    began = time.perf_counter()
    summary = write_sample(large, settings.large_scale)
    generation_s = time.perf_counter() - began
    log(f"large sample written in {generation_s:.1f} s: {summary.rows}")
    datasets = {name: {"shipped": shipped, "large": large}[name] for name in settings.datasets}

    results = Results(
        settings=settings,
        machine=describe_machine(),
        pages=[p.url_path for p in pages],
        large_rows=summary.rows,
        large_size=SampleSize.for_scale(settings.large_scale),
        generation_s=generation_s,
    )

    browser = Browser()
    try:
        # The title-only app: the floor of a page view's processor time (section 3).
        reference = start("reference", REFERENCE_APP, None, work_dir)
        try:
            for name, data_dir in datasets.items():
                measure_dataset(browser, settings, results, name, data_dir, reference, work_dir)
        finally:
            reference.stop()

        for name, data_dir in datasets.items():
            log(f"cold start, {name} data")
            results.cold_start[name] = measure.cold_start(
                browser, data_dir, name, work_dir, settings.cold_repeats, settings.timeout_ms
            )

        log(f"{settings.viewers} viewers, memory and leak check, large data")
        results.viewers = measure.viewers_and_memory(
            browser,
            large,
            work_dir,
            agreement_label,
            settings.viewers,
            settings.repeats,
            settings.leak_reruns,
            settings.timeout_ms,
        )
    finally:
        browser.close()

    log("validation throughput, large data, against frictionless")
    results.validation = measure.validation_throughput(large, settings.validation_repeats)
    log(f"remembered views against their budget ({VIEW_BUDGET_MB} MB), large data")
    results.view_memory = view_memory(large, VIEW_BUDGET_MB)
    log("loading from PostgreSQL against from the folder, large data")
    results.store_load = measure.store_load(large, settings.repeats)
    log("seeded errors: every problem Frictionless reports must be ours too")
    seeded_source = work_dir / "seeded-source"
    write_sample(seeded_source, settings.seeded_scale)
    results.coverage = check_coverage(seeded_source, work_dir)

    results.total_s = time.perf_counter() - started
    write_report(results, out)
    log(f"wrote {out} ({results.total_s / 60:.1f} min)")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--smoke", action="store_true", help="one run of everything, small data")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    work_dir = Path(tempfile.mkdtemp(prefix="partnership-bench-"))
    try:
        run(settings, args.out, work_dir)
    finally:
        if args.keep:
            log(f"working folder kept: {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
