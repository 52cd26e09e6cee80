"""The benchmark suite, run once on small data, so the harness cannot rot (`make bench` is the
real run). Also the pieces that need no browser: page discovery, percentiles, error coverage."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from components.app_pages import APP_PAGES
from components.sample import write_sample
from scripts.bench.measurements import Comparison, p95, routed_pages
from scripts.bench.seeded_errors import check_coverage
from tests.conftest import REPO

SECTIONS = (
    "## Machine",
    "## How to reproduce",
    "## Summary",
    "## 1. Page ready in a real browser",
    "## 2. Rerun cost",
    "## 3. Cold start",
    "## 4. Validation throughput",
    "## 5. Memory",
    "## 6. Concurrent viewers",
    "## 7. Remembered views against their budget",
    "## 8. Loading from PostgreSQL",
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
    assert re.search(r"busy for [\d.]+ s in all, of which our server used [\d.]+ s", report)
