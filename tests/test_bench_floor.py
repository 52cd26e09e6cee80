"""The bench's element-matched floor (scripts/bench/floor_spec.py and floor_app.py): read from a
real run of every page, and drawn with exactly those elements."""

from __future__ import annotations

import json

import pytest

from components.app_pages import APP_PAGES
from scripts.bench.floor_spec import element_counts, page_areas, read_pages, undrawn_kinds
from tests.conftest import REPO, SHIPPED_DATA

FLOOR_APP = REPO / "scripts" / "bench" / "floor_app.py"


@pytest.fixture(scope="module")
def spec():
    with pytest.MonkeyPatch.context() as patch:
        # read_pages points the app at the data folder through the environment: undo it after.
        patch.setenv("PARTNERSHIP_DATA_DIR", str(SHIPPED_DATA))
        return read_pages(SHIPPED_DATA)


def test_the_spec_reads_every_routed_page_with_its_own_elements(spec):
    assert [page["url_path"] for page in spec["pages"]] == [p.url_path for p in APP_PAGES]
    counts = {page["url_path"]: element_counts(page["main"]) for page in spec["pages"]}
    # What tells the pages apart, as the app draws them today.
    assert counts["map"]["deck_gl_json_chart"] == 2
    assert counts["progress"]["plotly_chart"] == 2
    assert counts["timeline"]["plotly_chart"] == 1
    assert counts["overview"]["metric"] >= 1
    assert counts["initiatives"]["dataframe"] == 1
    # Every page carries the shared sidebar and its filters.
    for page in spec["pages"]:
        assert element_counts(page["sidebar"])["multiselect"] >= 3
    assert undrawn_kinds(spec) == set()


@pytest.mark.parametrize("page", [p.url_path for p in APP_PAGES])
def test_the_floor_draws_exactly_the_pages_elements(spec, page, tmp_path, monkeypatch):
    """Each floor page, opened under AppTest, holds the same elements and blocks, counted by
    kind, in its main area and its sidebar, as our page did."""
    from streamlit.testing.v1 import AppTest

    # AppTest opens the default page: make this one the default.
    pages = [{**p, "default": p["url_path"] == page} for p in spec["pages"]]
    spec_file = tmp_path / "floor.json"
    spec_file.write_text(json.dumps({"pages": pages}), encoding="utf-8")
    monkeypatch.setenv("BENCH_FLOOR_SPEC", str(spec_file))
    app = AppTest.from_file(str(FLOOR_APP), default_timeout=60)
    app.run()
    assert not app.exception
    drawn = page_areas(app)
    ours = next(p for p in pages if p["url_path"] == page)
    for area in ("main", "sidebar"):
        assert element_counts(drawn[area]) == element_counts(ours[area]), area
    assert app.title[0].value == ours["title"]
