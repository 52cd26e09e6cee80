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


def test_a_viewers_clear_cache_neither_reloads_nor_loses_the_data(monkeypatch, data_dir: DataDir):
    """What any client's "clear cache" message does (Streamlit clears both of its caches) takes
    neither the loaded data nor the last valid version away from the sessions."""
    import streamlit as st

    from components.ui import cached

    app = run_app(monkeypatch, data_dir.path)
    assert not app.warning
    loaded = cached.shown.last_valid(str(data_dir.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    app = run_app(monkeypatch, data_dir.path)
    assert cached.shown.last_valid(str(data_dir.path)) is loaded  # not read again
    data_dir.set_cell("initiatives", 2, "status", "finished")
    app = run_app(monkeypatch, data_dir.path)
    st.cache_data.clear()
    st.cache_resource.clear()
    app = run_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert app.warning[0].value == translate("shell.files_invalid_showing_last", count=1)
    assert app.title[0].value == translate("overview.title")


HOSTILE_LINKS = [
    {"from": "1985-01-01"},
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"to": "2101-01-01"},
    {"from": "²"},
    {"from": "2018-W27-3"},
    {"quiet": "²"},
    {"quiet": "9" * 5000},
    {"quiet": "0"},
    {"slide": "²"},
    {"slide": "9" * 5000},
    {"lang": "xx"},
    {"map_view": "[x](https://evil.example)"},
    {"map_place": "[x](https://evil.example)"},
    {"focus": ",,,", "status": "[x](javascript:alert(1))", "place": "²"},
]


@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_link_breaks_no_page(monkeypatch, page):
    """Dates outside what the filter shows, digits of other scripts and Markdown in a link's
    values are ignored on every page: the page runs and no notice holds a link."""
    for query in HOSTILE_LINKS:
        app = open_app(monkeypatch, SHIPPED_DATA, page, **query)
        assert not app.exception, query
        for notice in [*app.info, *app.sidebar.info]:
            assert "](" not in notice.value.replace("\\]", "").replace("\\(", ""), notice.value


def test_a_date_outside_the_filter_in_a_link_gets_a_notice(monkeypatch):
    """/timeline?from=0001-01-01&to=9999-12-31 opens the Timeline unfiltered, saying why."""
    app = open_app(monkeypatch, SHIPPED_DATA, "pages/timeline.py", **{"from": "0001-01-01"})
    assert not app.exception
    notices = " ".join(info.value for info in app.sidebar.info).replace("\\", "")
    assert "0001-01-01" in notices and "1990-01-01" in notices
    assert app.date_input[0].value is None
