"""docs/benchmarks.md: the figures, the goals they are held to, the machine and the commands."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from components.sample import SampleSize
from scripts.bench.capacity import ViewCost
from scripts.bench.measurements import Comparison, PageReady, RerunCost, ViewersResult, median, p95
from scripts.bench.navigation import Click
from scripts.bench.seeded_errors import Coverage
from scripts.bench.view_memory import ViewMemory

ANALYSIS = Path(__file__).with_name("analysis.md")

# Against each page's element-matched floor (floor_spec.py, floor_app.py).
PAGE_READY_GOALS = {"shipped": 1.15, "large": 1.3}
# A sidebar click: against the same click in the floor app, and in absolute terms.
NAVIGATION_GOAL = 1.2
NAVIGATION_LIMIT_MS = 2000
# Server processor time per page view against the title-only app's, large data.
CAPACITY_GOAL = 3
RERUN_GOAL_MS = 100
VALIDATION_GOAL = 10
MEMORY_GOAL_MB = 1024
# What the views may add to the process beyond their budget: memory the allocator keeps after
# evicted views are freed (measured at about a quarter of the budget).
VIEW_MEMORY_SLACK = 1.5
# Allocator noise: a few MB up or down across dozens of reruns is not a leak.
LEAK_TOLERANCE_MB = 20
# Loading a version from PostgreSQL, against from the folder (the deployment issue's goal).
STORE_LOAD_GOAL = 1.5


@dataclass
class Results:
    settings: object
    machine: dict[str, str]
    pages: list[str]
    large_rows: dict[str, int]
    large_size: SampleSize
    generation_s: float
    page_ready: dict[str, list[PageReady]] = field(default_factory=dict)
    # Per dataset and page: the kinds of element its floor draws, and how many of each.
    floor_elements: dict[str, dict[str, Counter]] = field(default_factory=dict)
    undrawn_kinds: set[str] = field(default_factory=set)
    navigation: dict[str, list[Click]] = field(default_factory=dict)
    capacity: list[ViewCost] = field(default_factory=list)
    reruns: dict[str, list[RerunCost]] = field(default_factory=dict)
    cold_start: dict[str, Comparison] = field(default_factory=dict)
    validation: Comparison | None = None
    coverage: Coverage | None = None
    viewers: ViewersResult | None = None
    view_memory: ViewMemory | None = None
    store_load: Comparison | None = None
    total_s: float = 0.0


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def _kb(value: float) -> str:
    return f"{value / 1024:,.0f} KB"


def _samples(values: list[float], unit: str = "") -> str:
    return ", ".join(f"{v:,.0f}" if unit != "s" else f"{v:.2f}" for v in values)


def _page_ready(results: Results) -> list[str]:
    lines = ["## 1. Page ready against an element-matched floor", ""]
    lines.append(
        "From the tab's navigation start until Streamlit's script run has finished "
        '(`data-test-script-state="notRunning"` after `running`, or after `initial` with the '
        "page's elements drawn, when a loaded browser renders both states at once), no element "
        "is still waiting for its code (Streamlit loads each kind of element's JavaScript on "
        "first use and shows a skeleton until then) and every visible chart is drawn (plotly "
        "SVG, deck.gl canvas), timed inside the page."
    )
    lines += [
        "",
        "**The floor** of each page is read from the page itself on every run: "
        "`scripts/bench/floor_spec.py` runs the page under AppTest on the same data and keeps "
        "its element tree (every element's kind, in order, and the columns, expanders and "
        "containers that hold them, in the main area and the sidebar); "
        "`scripts/bench/floor_app.py` draws that tree from trivial data (three-row tables, a "
        "three-bar chart, a three-point deck with no base map, short text) under the same "
        "page titles and addresses. It carries no data and no code of ours, so the ratio is "
        "what our data and code add to what Streamlit and the browser cost for those elements. "
        "Each page and its floor are visited once unmeasured, then "
        f"{results.settings.page_ready_repeats} "
        "times each, alternating, each side in a browser context of its own.",
        "",
    ]
    if results.undrawn_kinds:
        lines += [
            "Kinds of element the floor cannot draw as themselves (drawn as a line of text, so "
            "the floor is too cheap where they appear): "
            f"{', '.join(sorted(results.undrawn_kinds))}.",
            "",
        ]
    for name, comparisons in results.page_ready.items():
        goal = PAGE_READY_GOALS.get(name, 1.3)
        lines += [f"**{name.capitalize()} data** (goal: ratio at most {goal})", ""]
        lines += [
            "| Page | Ours (median) | Floor (median) | Ratio | Goal | Script run, ours / floor "
            "| Sent, ours / floor | Ours, each run (ms) |",
            "|---|---:|---:|---:|---|---:|---:|---|",
        ]
        for c in comparisons:
            if c.error:
                lines.append(f"| {c.label} | – | – | – | **FAILED** | – | – | {c.error} |")
                continue
            lines.append(
                f"| {c.label} | {_ms(c.ours_median)} | {_ms(c.reference_median)} | "
                f"{c.ratio:.2f} | {verdict(c.ratio <= goal)} | "
                f"{_ms(median(c.ours_script_ms))} / {_ms(median(c.reference_script_ms))} | "
                f"{_kb(median(c.ours_bytes))} / {_kb(median(c.reference_bytes))} | "
                f"{_samples(c.ours)} |"
            )
        lines.append("")
        missed = [c for c in comparisons if not c.error and c.ratio > goal]
        if missed:
            lines += [
                "Where a page misses, the elements of ours that were complete only after its "
                "floor's page was ready, those furthest behind the same element of the floor "
                "first (median time from navigation start; in brackets the same element in the "
                'floor). "Sent" is what the server sent the tab until page ready: the page\'s '
                "elements and their data.",
                "",
            ]
            for c in missed:
                late = "; ".join(
                    f"{element} {_ms(ms)} ({'none' if floor is None else _ms(floor)})"
                    for element, ms, floor in c.late_elements()
                )
                late = late or "no element: the script run's end came last"
                lines.append(f"- **{c.label}** ({c.ratio:.2f}): {late}.")
            lines.append("")
    lines += _floor_elements(results)
    return lines


def _floor_elements(results: Results) -> list[str]:
    """What each floor drew: the page's elements, counted by kind."""
    if not results.floor_elements:
        return []
    lines = ["What each page's floor holds (main area and sidebar together):", ""]
    names = list(results.floor_elements)
    for page in results.pages:
        counts = [results.floor_elements[name].get(page, Counter()) for name in names]
        text = ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in counts[0].most_common())
        if any(c != counts[0] for c in counts[1:]):
            others = "; ".join(
                f"{name}: " + ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in c.most_common())
                for name, c in zip(names[1:], counts[1:], strict=True)
            )
            text = f"{names[0]}: {text}; {others}"
        lines.append(f"- **{page}**: {text}.")
    return [*lines, ""]


def _click_ok(click: Click) -> bool:
    return click.ratio <= NAVIGATION_GOAL and click.ours_median <= NAVIGATION_LIMIT_MS


def _navigation(results: Results) -> list[str]:
    if not results.navigation:
        return []
    lines = [
        "## 2. Moving through the app",
        "",
        "A councillor opens the dashboard once and then clicks through the sidebar. Here: in a "
        "fresh tab, open the Overview (or the Map), wait until it is ready, click one entry of "
        "the sidebar's navigation; timed inside the page from the click until the new page's "
        "script has run, nothing is stale, no skeleton shows and every chart is drawn. Every "
        "page from both origins, "
        f"{results.settings.click_repeats} fresh tabs each, against the same clicks in the "
        "floor app (section 1), taking turns. Each side keeps one browser context, visited "
        "once page by page before, as a councillor who has opened the dashboard before. The "
        "clicks that reach or leave the Map are also made in a third server of ours that draws "
        "every deck as a still image of its size (`BENCH_DECKS_AS_IMAGE=1`, bench only): what "
        'remains slow there is not WebGL. "Sent" is what the server sent the tab after the '
        'click. "Server done" is when, after the click, the script run it caused had ended '
        "(the page's clock and the server's timing log read the same system clock): the rest "
        "of the click is the browser decoding and drawing the new page. "
        f"After the timed clicks, {results.settings.inspected_clicks} more on each side are "
        "inspected through a DevTools session, which slows the tab, so they are not timed: "
        '"Browser script" and "Layout" are their medians of what the tab\'s renderer spent '
        "running JavaScript and laying out the page with its styles recalculated (Chromium's "
        "Performance metrics; with the Map's software WebGL, script time includes GL work on "
        "other threads), and a sampling CPU profile gives, under each table for the clicks "
        "that miss, the bundles of Streamlit's code whose JavaScript ran longest more than in "
        "the floor: which elements' code costs the difference. "
        f"Goal: every click at most {NAVIGATION_GOAL}x the floor's and none over "
        f"{NAVIGATION_LIMIT_MS / 1000:.0f} s.",
        "",
    ]
    for name, clicks in results.navigation.items():
        lines += [
            f"**{name.capitalize()} data**",
            "",
            "| Click | Ours (median) | Floor (median) | Ratio | Goal | Decks as images "
            "| Script run, ours | Sent, ours / floor | Server done, ours / floor "
            "| Browser script, ours / floor (inspected) | Layout, ours / floor (inspected) "
            "| Ours, each (ms) |",
            "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for c in clicks:
            if c.error:
                lines.append(
                    f"| {c.label} | – | – | – | **FAILED** | – | – | – | – | – | – | {c.error} |"
                )
                continue
            image = _ms(c.image_median) if c.decks_as_image else "–"
            lines.append(
                f"| {c.label} | {_ms(c.ours_median)} | {_ms(c.reference_median)} | "
                f"{c.ratio:.2f} | {verdict(_click_ok(c))} | {image} | "
                f"{_ms(median(c.ours_script_ms))} | "
                f"{_kb(median(c.ours_bytes))} / {_kb(median(c.floor_bytes))} | "
                f"{_ms(median(c.ours_server_done))} / {_ms(median(c.floor_server_done))} | "
                f"{_ms(median(c.ours_browser_script))} / {_ms(median(c.floor_browser_script))} | "
                f"{_ms(median(c.ours_browser_layout))} / {_ms(median(c.floor_browser_layout))} | "
                f"{_samples(c.ours)} |"
            )
        lines.append("")
        lines += _costliest_bundles([c for c in clicks if not c.error and not _click_ok(c)])
        with_map = [c for c in clicks if c.decks_as_image and not c.error]
        if with_map:
            decks = median([c.ours_median for c in with_map])
            images = median([c.image_median for c in with_map])
            floor = median([c.reference_median for c in with_map])
            lines += [
                f"Clicks that reach or leave the Map, median of their medians: {_ms(decks)} with "
                f"the decks, {_ms(images)} with still images in their place, {_ms(floor)} in the "
                "floor (whose Map page has the same number of decks).",
                "",
            ]
    return lines


def _costliest_bundles(missed: list[Click]) -> list[str]:
    """For each click that misses: where its extra JavaScript ran, by bundle."""
    lines = []
    for c in missed:
        extra = c.costliest_bundles()
        if extra:
            named = ", ".join(f"{bundle} +{ms:,.0f} ms" for bundle, ms in extra)
        else:
            named = "no bundle ran longer than in the floor"
        lines.append(f"- {c.label}: {named}.")
    if lines:
        heading = "Extra JavaScript in the inspected clicks, by bundle (ours minus floor, medians):"
        lines = [heading, "", *lines, ""]
    return lines


def _capacity(results: Results) -> list[str]:
    if not results.capacity:
        return []
    s = results.settings
    measured = [c for c in results.capacity if not c.error]
    lines = [
        "## 3. Capacity",
        "",
        "The server's processor time (user and system, all its threads, from `/proc`) per page "
        f"view with the large data: per page, {s.capacity_blocks} blocks of "
        f"{s.capacity_views} views (a fresh tab each, one at a time, until page ready; the tab "
        "closed and the server left to end its session), alternating with blocks of views of "
        "the title-only app and of the page's floor (section 1), each served by the same kind "
        "of process. The floor shows what the page's elements alone cost Streamlit's server. "
        "Each side keeps its browser "
        "context, so the static files come from the browser's cache as for a returning viewer. "
        "Views per second per core is one over the processor time. "
        f"Goal: at most {CAPACITY_GOAL}x the title-only app's time per view.",
        "",
        "| Page | Ours per view | Title-only per view | Ratio | Goal | The page's floor "
        "| Of ours, script runs | Views/s per core, ours |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for c in results.capacity:
        if c.error:
            lines.append(f"| {c.page} | – | – | – | **FAILED** | – | – | {c.error} |")
            continue
        lines.append(
            f"| {c.page} | {_ms(c.ours_median * 1000)} | {_ms(c.reference_median * 1000)} | "
            f"{c.ratio:.2f} | {verdict(c.ratio <= CAPACITY_GOAL)} | "
            f"{_ms(c.floor_median * 1000)} ({c.floor_median / c.reference_median:.1f}x) | "
            f"{_ms(median(c.ours_script_s) * 1000)} | {1 / c.ours_median:,.1f} |"
        )
    if measured:
        tour = sum(c.ours_median for c in measured) / len(measured)
        reference = median([c.reference_median for c in measured])
        lines += [
            "",
            f"A tour of every page once costs the server {tour * len(measured):.2f} s of one "
            f"core ({tour * 1000:,.0f} ms per view on average, {1 / tour:,.1f} views/s per "
            f"core); the title-only app serves {1 / reference:,.0f} views/s per core. The "
            "script runs (from the timing log, wall time while the script thread ran, so they "
            "can include waits) are the page's own Python; the rest of a view is Streamlit's "
            "session, its messages and the files it serves.",
        ]
    lines.append("")
    return lines


def _reruns(results: Results) -> list[str]:
    lines = ["## 4. Rerun cost", ""]
    lines.append(
        "Server-side script time (all script runs the change caused, summed) after a filter "
        "change, from the launcher's timing log (`scripts/bench/timed_server.py`; the app "
        "itself carries no timing code). The first change is not counted (it fills the caches "
        f"for the other value); then {results.settings.rerun_repeats} changes. Goal: under "
        f"{RERUN_GOAL_MS} ms per rerun with the large data."
    )
    lines.append("")
    lines += [
        "| Data | Page | Trigger | Median | Goal | Each run (ms) |",
        "|---|---|---|---:|---|---|",
    ]
    for name, costs in results.reruns.items():
        for cost in costs:
            if cost.error:
                lines.append(f"| {name} | {cost.page} | – | – | **FAILED** | {cost.error} |")
                continue
            goal = verdict(cost.median_ms < RERUN_GOAL_MS) if name == "large" else "(shipped)"
            lines.append(
                f"| {name} | {cost.page} | {cost.trigger} | {_ms(cost.median_ms)} | {goal} | "
                f"{_samples(cost.samples_ms)} |"
            )
    lines.append("")
    return lines


def _cold_start(results: Results) -> list[str]:
    lines = ["## 5. Cold start", ""]
    lines.append(
        "From starting the server process until the first page is ready in the browser "
        "(the app reads and validates its data on that first run). No numeric goal is set; "
        "the reference is the title-only app."
    )
    lines += ["", "| Data | Ours (median) | Reference (median) | Ratio | Ours, each run (s) |"]
    lines.append("|---|---:|---:|---:|---|")
    for name, c in results.cold_start.items():
        lines.append(
            f"| {name} | {c.ours_median:.2f} s | {c.reference_median:.2f} s | {c.ratio:.2f} | "
            f"{_samples(c.ours, 's')} |"
        )
    lines.append("")
    return lines


def _validation(results: Results) -> list[str]:
    c = results.validation
    speedup = c.reference_median / c.ours_median
    rows = sum(results.large_rows.values())
    lines = ["## 6. Validation throughput", ""]
    lines.append(
        f"`partnership validate` against `frictionless validate` on the same `datapackage.json`, "
        f"large data ({rows:,} rows in all), {results.settings.validation_repeats} runs each, "
        f"alternating. Goal: at least {VALIDATION_GOAL} times faster."
    )
    lines += [
        "",
        "| Ours (median) | Frictionless (median) | Ours, rows/s | Speed-up | Goal |",
        "|---:|---:|---:|---:|---|",
        f"| {c.ours_median:.2f} s | {c.reference_median:.2f} s | {rows / c.ours_median:,.0f} | "
        f"{speedup:.1f}x | {verdict(speedup >= VALIDATION_GOAL)} |",
        "",
    ]
    coverage = results.coverage
    lines.append(
        f"**Seeded errors.** A copy of a generated dataset was broken in {len(coverage.seeded)} "
        f"places. Frictionless reported {len(coverage.frictionless)} error(s) (by file, row and "
        f"field); ours reported {len(coverage.ours)} problem(s). Every Frictionless error must "
        "be one of ours (same file and row, and the same field unless ours names the whole row). "
        f"Result: {verdict(not coverage.missed and bool(coverage.frictionless))}."
    )
    lines.append("")
    for item in coverage.seeded:
        lines.append(f"- {item}")
    if coverage.missed:
        lines += ["", "Reported by Frictionless but not by us:", ""]
        lines += [
            f"- {file} row {row} field {name}: {kind}" for file, row, name, kind in coverage.missed
        ]
    lines.append("")
    return lines


def _viewers(results: Results) -> list[str]:
    v = results.viewers
    n = results.settings.viewers
    lines = ["## 7. Memory", ""]
    lines.append(
        f"Resident memory (VmRSS) of the server process with the large data loaded, then with "
        f"{n} viewers connected to the Overview; then {v.leak_reruns} filter changes in one tab, "
        f"memory read after each quarter. Goal: under {MEMORY_GOAL_MB} MB, and no growth across "
        f"reruns (after the first block, which fills caches; tolerance {LEAK_TOLERANCE_MB} MB)."
    )
    lines += [
        "",
        "| Data loaded, idle | With viewers | Peak (VmHWM) | Goal |",
        "|---:|---:|---:|---|",
        f"| {v.rss_idle_mb:,.0f} MB | {v.rss_with_viewers_mb:,.0f} MB | {v.peak_rss_mb:,.0f} MB "
        f"| {verdict(max(v.rss_with_viewers_mb, v.peak_rss_mb) < MEMORY_GOAL_MB)} |",
        "",
        f"Leak check: {' → '.join(f'{x:,.0f}' for x in v.leak_rss_mb)} MB; growth after the "
        f"first block {v.leak_growth_mb:+.1f} MB: "
        f"{verdict(v.leak_growth_mb <= LEAK_TOLERANCE_MB)}.",
        "",
        f"The {n} tabs opened at once (section 1's page ready, measured for context only: "
        "one Chromium draws them all on the same two cores, so it measures the browser more "
        "than the server; section 3 measures what the server can serve): single tab "
        f"{_ms(median(v.single_ms))}, p95 of the tabs {_ms(p95(v.concurrent_ms))}, slowest "
        f"{_ms(max(v.concurrent_ms))}.",
    ]
    if v.concurrent_wall_s:
        lines += [
            "",
            f"Until the last tab was ready "
            f"({v.concurrent_wall_s:.1f} s), the machine's processors were busy for "
            f"{v.concurrent_machine_cpu_s:.1f} s in all, of which our server used "
            f"{v.concurrent_server_cpu_s:.1f} s; the rest was the browser drawing the tabs "
            "(and the benchmark driving it).",
        ]
    lines += ["", f"Each tab (ms): {_samples(sorted(v.concurrent_ms))}.", ""]
    return lines


def _view_memory(results: Results) -> list[str]:
    m = results.view_memory
    if m is None:
        return []
    total = m.dataset_rss_mb + m.peak_views_rss_mb
    return [
        "## 8. Remembered views against their budget",
        "",
        "Every view the pages reuse (charts with their text alternatives, tables with their "
        "Arrow form, maps with their decks' JSON) is kept in one memo bounded by the bytes its "
        "entries hold (`PARTNERSHIP_VIEW_MEMORY_MB`, see docs/architecture.md). A fresh process "
        f"loads the large data, then asks for {m.views_asked} views (every page's, in three "
        "languages, for the whole agreement and for each focus area and status): far more than "
        "the budget holds, so the memo forgets the least recently used. The memo's own estimate "
        "of what it holds is set against the process's memory (VmRSS) before and after. Goals: "
        "the estimate within the budget; the views' real memory at most "
        f"{VIEW_MEMORY_SLACK}x the budget; dataset and views under {MEMORY_GOAL_MB} MB.",
        "",
        "| Budget | Held (estimate) | Entries kept / built | Views' memory, peak (final) "
        "| Dataset alone | Dataset + views | Goals |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {m.budget_mb:,.0f} MB | {m.held_mb:,.0f} MB | {m.entries} / {m.builds} "
        f"| {m.peak_views_rss_mb:,.0f} MB ({m.final_views_rss_mb:,.0f} MB) "
        f"| {m.dataset_rss_mb:,.0f} MB | {total:,.0f} MB "
        f"| {verdict(_view_memory_ok(m))} |",
        "",
        f"Built in {m.seconds:.0f} s; {m.too_large} views were larger than the whole budget "
        "(returned to their page, never kept).",
        "",
    ]


def _view_memory_ok(m: ViewMemory) -> bool:
    return (
        m.held_mb <= m.budget_mb
        and m.peak_views_rss_mb <= VIEW_MEMORY_SLACK * m.budget_mb
        and m.dataset_rss_mb + m.peak_views_rss_mb < MEMORY_GOAL_MB
    )


def _header(results: Results) -> list[str]:
    s = results.settings
    size = results.large_size
    lines = ["# Benchmarks", ""]
    if s.smoke:
        lines += [
            "> **Smoke run** (one run of everything on small data, as `make test` does): these "
            "figures prove the harness works and are not the benchmark results.",
            "",
        ]
    lines += [
        "Generated by `make bench` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; the whole run took "
        f"{results.total_s / 60:.1f} minutes. Pages measured (read from `app.py`'s "
        f"`st.navigation` at run time): {', '.join(results.pages)}.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- **{key}**: {value}" for key, value in results.machine.items()]
    lines += [
        "",
        "## Data",
        "",
        "- **Shipped**: the repository's `data/` folder.",
        f"- **Large**: `partnership sample --scale {s.large_scale}` (seed 0), written in "
        f"{results.generation_s:.1f} s: "
        + ", ".join(
            f"{count:,} {name.replace('_', ' ')}" for name, count in results.large_rows.items()
        )
        + f". (The definition of large: {size.initiatives:,} initiatives, {size.milestones:,} "
        f"milestones, {size.indicators:,} indicators, {size.indicator_values:,} indicator values.) "
        "Every row cites the one illustrative source, so the app shows its banner.",
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench                      # all of the below; writes this file",
        ".venv/bin/python -m scripts.bench --out docs/benchmarks.md  # the same, without make",
        ".venv/bin/python -m scripts.bench --smoke --out smoke.md    # one quick run (make test)",
        f".venv/bin/partnership sample --scale {s.large_scale} --out large   # the large data",
        ".venv/bin/partnership validate large                        # section 6, ours",
        ".venv/bin/frictionless validate large/datapackage.json      # section 6, reference",
        "```",
        "",
        "Servers are started with `python -m scripts.bench.timed_server LOG run app.py` "
        "(plain `streamlit run` plus a log of each script run's duration) on 127.0.0.1 with the "
        "repository's `.streamlit/config.toml`; the browser is Debian's Chromium, headless, "
        "driven by Playwright.",
        "",
    ]
    return lines


def _summary(results: Results) -> list[str]:
    rows = []
    for name, comparisons in results.page_ready.items():
        goal = PAGE_READY_GOALS[name]
        measured = [c for c in comparisons if not c.error]
        failed = [c.label for c in comparisons if c.error]
        text = ""
        if measured:
            worst = max(measured, key=lambda c: c.ratio)
            met = sum(c.ratio <= goal for c in measured)
            text = f"{met} of {len(comparisons)} pages; worst {worst.ratio:.2f} ({worst.label})"
        if failed:
            text += f"; failed: {', '.join(failed)}"
        ok = not failed and all(c.ratio <= goal for c in measured)
        rows.append((f"Page ready, {name} data: ratio ≤ {goal}", text, ok))
    for name, clicks in results.navigation.items():
        measured = [c for c in clicks if not c.error]
        failed = [c.label for c in clicks if c.error]
        text = ""
        if measured:
            worst = max(measured, key=lambda c: c.ratio)
            slowest = max(measured, key=lambda c: c.ours_median)
            text = (
                f"{sum(_click_ok(c) for c in measured)} of {len(clicks)} clicks; worst "
                f"{worst.ratio:.2f} ({worst.label}); slowest {_ms(slowest.ours_median)} "
                f"({slowest.label})"
            )
        if failed:
            text += f"; failed: {', '.join(failed)}"
        rows.append(
            (
                f"Sidebar clicks, {name} data: ≤ {NAVIGATION_GOAL}x the floor's and "
                f"≤ {NAVIGATION_LIMIT_MS / 1000:.0f} s",
                text,
                not failed and all(_click_ok(c) for c in measured),
            )
        )
    if results.capacity:
        measured = [c for c in results.capacity if not c.error]
        failed = [c.page for c in results.capacity if c.error]
        text = ""
        if measured:
            worst = max(measured, key=lambda c: c.ratio)
            met = sum(c.ratio <= CAPACITY_GOAL for c in measured)
            text = (
                f"{met} of {len(results.capacity)} pages; worst {worst.ratio:.2f} ({worst.page}, "
                f"{_ms(worst.ours_median * 1000)} per view)"
            )
        if failed:
            text += f"; failed: {', '.join(failed)}"
        rows.append(
            (
                f"Server time per view, large data: ≤ {CAPACITY_GOAL}x the title-only app's",
                text,
                not failed and all(c.ratio <= CAPACITY_GOAL for c in measured),
            )
        )
    large = results.reruns.get("large", [])
    if large:
        measured = [c for c in large if not c.error]
        failed = [c.page for c in large if c.error]
        text = ""
        if measured:
            worst = max(measured, key=lambda c: c.median_ms)
            met = sum(c.median_ms < RERUN_GOAL_MS for c in measured)
            text = f"{met} of {len(large)} pages; worst {_ms(worst.median_ms)} ({worst.page})"
        if failed:
            text += f"; failed: {', '.join(failed)}"
        ok = not failed and all(c.median_ms < RERUN_GOAL_MS for c in measured)
        rows.append((f"Rerun, large data: < {RERUN_GOAL_MS} ms", text, ok))
    c = results.validation
    speedup = c.reference_median / c.ours_median
    rows.append(
        (f"Validation: ≥ {VALIDATION_GOAL}x Frictionless", f"{speedup:.1f}x", speedup >= 10)
    )
    coverage = results.coverage
    rows.append(
        (
            "Seeded errors: all of Frictionless's found",
            f"{len(coverage.frictionless) - len(coverage.missed)} of {len(coverage.frictionless)}",
            not coverage.missed and bool(coverage.frictionless),
        )
    )
    v = results.viewers
    peak = max(v.rss_with_viewers_mb, v.peak_rss_mb)
    rows.append((f"Memory < {MEMORY_GOAL_MB} MB", f"{peak:,.0f} MB (peak)", peak < MEMORY_GOAL_MB))
    rows.append(
        (
            "No growth across reruns",
            f"{v.leak_growth_mb:+.1f} MB",
            v.leak_growth_mb <= LEAK_TOLERANCE_MB,
        )
    )
    m = results.view_memory
    if m is not None:
        rows.append(
            (
                "Remembered views within their budget",
                f"{m.held_mb:,.0f} of {m.budget_mb:,.0f} MB held; "
                f"{m.peak_views_rss_mb:,.0f} MB real at peak",
                _view_memory_ok(m),
            )
        )
    load = results.store_load
    if load is not None:
        rows.append(
            (
                f"Load from PostgreSQL: ≤ {STORE_LOAD_GOAL}x the folder",
                f"{load.ratio:.2f}x",
                load.ratio <= STORE_LOAD_GOAL,
            )
        )
    lines = ["## Summary", "", "| Goal | Measured | |", "|---|---|---|"]
    lines += [f"| {goal} | {measured} | {verdict(ok)} |" for goal, measured, ok in rows]
    lines.append("")
    return lines


def _store_load(results: Results) -> list[str]:
    c = results.store_load
    if c is None:
        return []
    values = results.large_rows.get("indicator_values", 0)
    return [
        "## 9. Loading from PostgreSQL",
        "",
        "With several servers the data lives in PostgreSQL (`PARTNERSHIP_STORE`, docs/deploy.md). "
        f"The large data ({values:,} indicator values) is moved into a PostgreSQL started for "
        "the run, then read and checked from it (a version's files in one query, then the same "
        f"loader) and from its folder, {results.settings.repeats} times each, "
        f"alternating, in one process. Goal: at most {STORE_LOAD_GOAL}x the folder's time.",
        "",
        "| PostgreSQL (median) | Folder (median) | Samples, s (PostgreSQL; folder) | Ratio "
        "| Goal |",
        "|---:|---:|---|---:|---|",
        f"| {c.ours_median:.2f} s | {c.reference_median:.2f} s | {_samples(c.ours, 's')}; "
        f"{_samples(c.reference, 's')} | {c.ratio:.2f}x | "
        f"{verdict(c.ratio <= STORE_LOAD_GOAL)} |",
        "",
    ]


def write_report(results: Results, out: Path) -> None:
    lines = _header(results) + _summary(results)
    lines += _page_ready(results) + _navigation(results) + _capacity(results)
    lines += _reruns(results) + _cold_start(results)
    lines += _validation(results) + _viewers(results) + _view_memory(results)
    lines += _store_load(results)
    if ANALYSIS.exists() and not results.settings.smoke:
        lines += [ANALYSIS.read_text(encoding="utf-8").strip(), ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
