"""The benchmark suite, run once on small data, so the harness cannot rot (`make bench` is the
real run). Also the pieces that need no browser: page discovery, percentiles, error coverage."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from components.app_pages import APP_PAGES
from components.sample import write_sample
from scripts.bench.browser import bundle_of, bundle_times
from scripts.bench.measurements import Comparison, PageReady, p95, routed_pages
from scripts.bench.navigation import Click
from scripts.bench.seeded_errors import check_coverage
from tests.conftest import REPO

SECTIONS = (
    "## Machine",
    "## How to reproduce",
    "## Summary",
    "## 1. Page ready against an element-matched floor",
    "## 2. Moving through the app",
    "## 3. Capacity",
    "## 4. Rerun cost",
    "## 5. Cold start",
    "## 6. Validation throughput",
    "## 7. Memory",
    "## 8. Remembered views against their budget",
    "## 9. Loading from PostgreSQL",
)


def test_the_bench_measures_every_page_the_app_routes():
    """The bench reads the app's own list of pages, at the addresses a browser opens them."""
    addresses = {p.url_path: p.address for p in routed_pages()}
    assert set(addresses) == {page.url_path for page in APP_PAGES}
    assert addresses["overview"] == ""  # the default page, opened at the root
    assert addresses["present"] == "present"  # the default only when ?present=1


def test_p95_and_ratio():
    """p95 is the nearest-rank percentile; the ratio compares medians."""
    assert p95([float(v) for v in range(1, 21)]) == 19.0
    assert p95([5.0]) == 5.0
    assert Comparison("x", ours=[2.0, 4.0, 9.0], reference=[1.0, 2.0, 3.0]).ratio == 2.0


def _element(area: str, kind: str, ms: float | None) -> dict:
    return {"area": area, "kind": kind, "ms": ms}


def test_late_elements_pair_ours_with_the_floors_by_kind_and_place():
    """The second plotly chart of ours is set against the floor's second, not its first; only
    elements complete after the floor's page was ready are named, furthest behind first."""
    ours = [
        _element("sidebar", "stRadio", 300.0),
        _element("main", "stPlotlyChart", 900.0),
        _element("main", "stPlotlyChart", 1500.0),
        _element("main", "stDataFrame", 1100.0),
        _element("main", "stExpander", None),  # never complete: not named
    ]
    floor = [
        _element("sidebar", "stRadio", 250.0),
        _element("main", "stPlotlyChart", 700.0),
        _element("main", "stPlotlyChart", 800.0),
    ]
    page = PageReady("progress", ours=[1500.0], reference=[1000.0])
    page.ours_elements, page.reference_elements = [ours], [floor]
    # The grid the floor lacks is furthest behind; the radio, ready before the floor's page, is
    # not named.
    assert page.late_elements() == [
        ("data frame 1 (main)", 1100.0, None),
        ("plotly chart 2 (main)", 1500.0, 800.0),
    ]


def test_profiled_time_is_summed_per_bundle_without_its_hash_or_idle_time():
    """Samples count under the bundle their function lives in; idle and unattributed native
    time, which every tab has, are left out; garbage collection is kept by name."""
    frame = lambda url, name: {"url": url, "functionName": name}  # noqa: E731
    profile = {
        "nodes": [
            {"id": 1, "callFrame": frame("", "(root)")},
            {"id": 2, "callFrame": frame("http://x/static/js/StreamlitMarkdown.oOG-xo.js", "Np")},
            {"id": 3, "callFrame": frame("http://x/static/js/react-dom.Dzb.js?v=1", "Ul")},
            {"id": 4, "callFrame": frame("", "(idle)")},
            {"id": 5, "callFrame": frame("", "(garbage collector)")},
            {"id": 6, "callFrame": frame("", "insertRule")},
        ],
        "samples": [2, 2, 3, 4, 4, 5, 6, 1],
        "timeDeltas": [1000, 1500, 500, 9000, 9000, 250, 750, 100],
    }
    assert bundle_times(profile) == {
        "StreamlitMarkdown": 2.5,
        "react-dom": 0.5,
        "(garbage collector)": 0.25,
        "browser built-ins": 0.75,
    }
    assert bundle_of("http://x/static/js/DataFrame.-f9-1zS0.js", "Zs") == "DataFrame"


def test_a_clicks_costliest_bundles_are_those_ours_ran_longest_more_than_the_floor():
    click = Click("overview → present")
    click.ours_bundles = [
        {"react-dom": 65.0, "StreamlitMarkdown": 31.0, "DataFrame": 20.0},
        {"react-dom": 75.0, "StreamlitMarkdown": 35.0, "DataFrame": 22.0},
    ]
    click.floor_bundles = [
        {"react-dom": 40.0, "StreamlitMarkdown": 18.0, "DataFrame": 26.0},
        {"react-dom": 50.0, "StreamlitMarkdown": 20.0, "DataFrame": 24.0},
    ]
    # Each side's median over its inspected clicks: react-dom 70 - 45, markdown 33 - 19.
    assert click.costliest_bundles() == [("react-dom", 25.0), ("StreamlitMarkdown", 14.0)]
    assert click.costliest_bundles(1) == [("react-dom", 25.0)]


def test_a_bundle_missing_from_an_inspected_click_counts_as_no_time_in_it():
    click = Click("map → timeline")
    click.ours_bundles = [{"PlotlyChart": 90.0}, {"PlotlyChart": 110.0, "DeckGlJsonChart": 40.0}]
    click.floor_bundles = [{"PlotlyChart": 60.0}, {"PlotlyChart": 80.0}]
    assert click.costliest_bundles() == [("PlotlyChart", 30.0), ("DeckGlJsonChart", 20.0)]


def test_every_error_frictionless_reports_is_ours_too(tmp_path):
    """On the seeded copy, each Frictionless error has a problem of ours at its file and row."""
    valid = tmp_path / "valid"
    write_sample(valid, scale=1)
    coverage = check_coverage(valid, tmp_path)
    assert len(coverage.seeded) >= 15
    assert len({(f, r) for f, r, _, _ in coverage.frictionless}) >= 12
    assert coverage.missed == []


@pytest.mark.browser
def test_suite_runs_end_to_end_and_writes_the_report(tmp_path):
    """`python -m scripts.bench --smoke` measures every routed page and writes every section."""
    out = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    assert "Smoke run" in report
    for section in SECTIONS:
        assert section in report
    for route in routed_pages():
        assert f"| {route.url_path} |" in report
        # Every page was reached by a sidebar click, from the Overview and from the Map.
        for origin in ("overview", "map"):
            if route.url_path != origin:
                assert f"| {origin} → {route.url_path} |" in report
    assert "**FAILED**" not in report
    # Every click says what the tab's renderer spent on it, ours and the floor's.
    moving = report.split("## 2. Moving through the app")[1].split("## 3.")[0]
    assert "nan" not in moving
    assert re.search(r"\| \d[\d,]* ms / \d[\d,]* ms \| \d[\d,]* ms / \d[\d,]* ms \| \d", moving)
    assert re.search(r"busy for [\d.]+ s in all, of which our server used [\d.]+ s", report)
