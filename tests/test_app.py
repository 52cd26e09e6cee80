"""AppTest: every page runs without an exception, on valid and on broken data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.app_pages import APP_PAGES
from components.i18n import translate
from tests.conftest import SHIPPED_DATA, DataDir, open_app

PAGES = [page.script for page in APP_PAGES]


def run_app(monkeypatch: pytest.MonkeyPatch, data_path, page: str | None = None) -> AppTest:
    return open_app(monkeypatch, data_path, page)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(monkeypatch, page):
    """Each page of the app runs on the shipped data with no exception."""
    app = run_app(monkeypatch, SHIPPED_DATA, page)
    assert not app.exception
    assert app.title[0].value == translate("overview.title") or page != "pages/overview.py"


def test_overview_shows_the_agreement_and_its_figures(monkeypatch):
    """The Overview names the agreement, and its metrics match the data's rows."""
    app = run_app(monkeypatch, SHIPPED_DATA)
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[translate("figures.initiatives")] == "4"
    assert app.selectbox[0].value == "oxford-hebei-mou-2018"
    assert app.query_params["agreement"] == "oxford-hebei-mou-2018"


def test_unknown_agreement_in_the_link_gives_a_notice(monkeypatch):
    """?agreement=nonsense shows a short notice and the real agreement, not an error."""
    app = open_app(monkeypatch, agreement="nonsense")
    assert not app.exception
    assert any("nonsense" in info.value for info in app.info)
    assert app.selectbox[0].value == "oxford-hebei-mou-2018"


def test_invalid_data_shows_the_problems_not_a_traceback(monkeypatch, data_dir: DataDir):
    """With broken files and no earlier valid load, the app lists the problems and stops."""
    data_dir.set_cell("places", 2, "lat", "north")
    app = run_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert app.error[0].value == translate("shell.files_invalid_nothing_to_show", count=1)
    report = app.dataframe[0].value
    assert list(report[translate("columns.report_line")]) == [2]
    assert list(report[translate("columns.report_column")]) == ["lat"]


def test_invalid_edit_keeps_serving_the_last_valid_data(monkeypatch, data_dir: DataDir):
    """After a valid load, a broken edit keeps the last valid data on screen and says so."""
    app = run_app(monkeypatch, data_dir.path)
    assert not app.warning
    data_dir.set_cell("initiatives", 2, "status", "finished")
    # A new session, as a browser tab's next visit would be. (AppTest's own second run() of an
    # st.navigation app skips the entry script, so it would not show the shared sidebar.)
    app = run_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert app.warning[0].value == translate("shell.files_invalid_showing_last", count=1)
    assert app.title[0].value == translate("overview.title")


@pytest.mark.parametrize("language", ["en", "zh", "both"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_every_language(monkeypatch, page, language):
    """Each page, opened through app.py with ?lang=, runs with the sidebar and no exception."""
    app = open_app(monkeypatch, page=page, lang=language)
    assert not app.exception
    assert app.radio[0].value == language  # the language switch in the shared sidebar
    assert app.query_params["lang"] == language
