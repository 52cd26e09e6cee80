"""The illustrative-data mark: decided from the sources rows cite, shown once above every page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import translate
from components.illustrative import has_illustrative_rows
from components.loader import load_dataset
from components.sample import write_sample
from tests.conftest import SHIPPED_DATA, DataDir, open_app


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("illustrative") / "data"
    write_sample(folder, scale=1)
    return folder


def run_app(monkeypatch, data_path) -> AppTest:
    return open_app(monkeypatch, data_path)


def banner_count(app: AppTest) -> int:
    text = translate("shell.illustrative_banner")
    return sum(warning.value == text for warning in app.warning)


def test_shipped_data_is_not_illustrative():
    """The shipped facts cite a press release, so no mark."""
    assert not has_illustrative_rows(load_dataset(SHIPPED_DATA).dataset)


def test_generated_data_is_illustrative(sample_dir):
    """A generated dataset is marked."""
    assert has_illustrative_rows(load_dataset(sample_dir).dataset)


def test_one_illustrative_row_among_real_ones_is_enough(data_dir: DataDir):
    """Real data with a single row citing an illustrative source is marked."""
    data_dir.append("sources", {"source_id": "demo", "kind": "illustrative", "title": "Demo"})
    dataset = load_dataset(data_dir.path).dataset
    assert not has_illustrative_rows(dataset)  # a source nobody cites puts nothing on screen
    line = data_dir.line_of("milestones", "milestone_id", "mou-announced")
    data_dir.set_cell("milestones", line, "source_id", "demo")
    assert has_illustrative_rows(load_dataset(data_dir.path).dataset)


def test_app_shows_the_banner_once_for_illustrative_data(monkeypatch, sample_dir):
    """Above the page, exactly one banner, and the page still runs."""
    app = run_app(monkeypatch, sample_dir)
    assert not app.exception
    assert banner_count(app) == 1


def test_app_shows_no_banner_for_real_data(monkeypatch):
    """The shipped data gets no banner."""
    app = run_app(monkeypatch, SHIPPED_DATA)
    assert not app.exception
    assert banner_count(app) == 0
