"""AppTest: Timeline, Progress and Initiatives under filters set by the sidebar and by links."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import translate
from components.ui.filters_ui import FOCUS_KEY, FROM_KEY, PLACE_KEY, STATUS_KEY, TO_KEY
from tests.conftest import SHIPPED_DATA, open_app
from tests.rich_data import rich_copy

PAGES = ["pages/timeline.py", "pages/progress.py", "pages/initiatives.py"]
TODAY = "2026-11-28"


@pytest.fixture(scope="module")
def rich_path(tmp_path_factory):
    return rich_copy(tmp_path_factory.mktemp("rich")).path


def open_page(monkeypatch, data_path, page: str, query: dict[str, str] | None = None) -> AppTest:
    """A fresh session on `page`, as a browser opening a link with `query` would start."""
    monkeypatch.setenv("PARTNERSHIP_TODAY", TODAY)
    return open_app(monkeypatch, data_path, page, **(query or {}))


def filter_values(app: AppTest) -> dict:
    multiselects = {element.key: element.value for element in app.sidebar.multiselect}
    dates = {element.key: element.value for element in app.sidebar.date_input}
    return {
        FOCUS_KEY: multiselects[FOCUS_KEY],
        STATUS_KEY: multiselects[STATUS_KEY],
        PLACE_KEY: multiselects[PLACE_KEY],
        FROM_KEY: dates[FROM_KEY],
        TO_KEY: dates[TO_KEY],
    }


def param(app: AppTest, name: str) -> str | None:
    """A query parameter as the address bar holds it (AppTest keeps a list once a run wrote it)."""
    value = app.query_params.get(name)
    return value[-1] if isinstance(value, list) else value


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


COMBINATIONS = [
    {},
    {"focus": "higher-education"},
    {"status": "active,paused"},
    {"place": "hebei", "from": "2019-01-01"},
    {"focus": "trade-investment", "status": "paused", "to": "2022-12-31"},
    {"from": "2024-01-01", "to": "2025-12-31"},
    {"status": "cancelled"},  # matches nothing
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", COMBINATIONS, ids=lambda q: "&".join(q.values()) or "none")
def test_pages_run_under_filter_combinations(monkeypatch, rich_path, page, query):
    """Each page runs with no exception, whatever the filters, on the rich dataset."""
    app = open_page(monkeypatch, rich_path, page, query)
    assert not app.exception
    for name, value in query.items():
        assert param(app, name) == value


@pytest.mark.parametrize("page", PAGES)
def test_pages_run_on_the_shipped_data(monkeypatch, page):
    app = open_page(monkeypatch, SHIPPED_DATA, page)
    assert not app.exception


def test_query_parameters_set_the_sidebar_filters(monkeypatch, rich_path):
    """A link's filters appear in the sidebar widgets, ready to change."""
    app = open_page(
        monkeypatch,
        rich_path,
        "pages/timeline.py",
        {
            "focus": "trade-investment,higher-education",
            "status": "paused",
            "place": "langfang",
            "from": "2019-01-01",
            "to": "2023-12-31",
        },
    )
    assert not app.exception
    values = filter_values(app)
    assert values[FOCUS_KEY] == ["higher-education", "trade-investment"]
    assert values[STATUS_KEY] == ["paused"]
    assert values[PLACE_KEY] == ["langfang"]
    assert str(values[FROM_KEY]) == "2019-01-01" and str(values[TO_KEY]) == "2023-12-31"
    # Only the paused trade desk matches: one bar on the timeline.
    (figure,) = figures(app)
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    assert [bar["name"] for bar in bars] == [translate("status.paused")]


def test_changing_a_filter_updates_the_link(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/progress.py")
    app.sidebar.multiselect(key=STATUS_KEY).set_value(["active"]).run()
    assert not app.exception
    assert param(app, "status") == "active"
    app.sidebar.multiselect(key=STATUS_KEY).set_value([]).run()
    assert param(app, "status") is None


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"from": "2019-02-30"}, "2019-02-30"),
        ({"focus": "space-travel"}, "space-travel"),
        ({"status": "finished,active"}, "finished"),
        ({"to": "next week"}, "next week"),
    ],
)
def test_a_malformed_parameter_gives_a_notice_not_an_exception(
    monkeypatch, rich_path, query, shown
):
    app = open_page(monkeypatch, rich_path, "pages/timeline.py", query)
    assert not app.exception
    notices = [info.value for info in app.sidebar.info]
    assert any(shown in notice.replace("\\", "") for notice in notices), notices


def test_malformed_date_leaves_the_date_filter_empty(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/progress.py", {"from": "2019-13-01"})
    assert filter_values(app)[FROM_KEY] is None
    assert param(app, "from") is None


def test_timeline_on_shipped_data_says_what_it_cannot_draw(monkeypatch):
    app = open_page(monkeypatch, SHIPPED_DATA, "pages/timeline.py")
    infos = [info.value for info in app.main.info]
    assert translate("timeline.undated_initiatives", count=3) in infos
    assert len(figures(app)) == 1
    (milestones,) = [
        table.value
        for table in app.main.dataframe
        if translate("columns.milestone_kind") in table.value.columns
    ]
    assert len(milestones) == 5


def test_progress_on_shipped_data_says_no_indicator_is_recorded(monkeypatch):
    """No indicators: a short notice for viewers (no file or column names, which are the Data
    page's business), and no indicator chart with empty axes."""
    app = open_page(monkeypatch, SHIPPED_DATA, "pages/progress.py")
    assert translate("progress.no_indicators") in [info.value for info in app.main.info]
    shown = " ".join(
        element.value for element in [*app.main.markdown, *app.main.info, *app.main.caption]
    )
    assert ".csv" not in shown and "`" not in shown
    titles = [figure["layout"]["yaxis"]["title"]["text"] for figure in figures(app)]
    # Only the status bars and the burn-up are drawn.
    assert titles == [translate("progress.axis_initiatives"), translate("progress.axis_milestones")]


def test_progress_with_indicator_values_draws_bullets_and_values(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/progress.py")
    assert not app.exception
    assert len(figures(app)) == 4  # bullets, values over time, status bars, burn-up
    downloads = app.get("download_button")
    assert len(downloads) >= 4


def test_many_indicators_are_found_by_name_and_a_choice_survives_the_next_search(
    monkeypatch, rich_path
):
    """Past MAX_PICKER_OPTIONS the pickers offer the first ones, say so, and a search box finds
    the others; what was chosen stays offered whatever is typed next."""
    from components import progress
    from components.ui.progress_view import INDICATOR_KEY, INDICATORS_KEY, SEARCH_KEY

    monkeypatch.setattr(progress, "MAX_PICKER_OPTIONS", 2)
    app = open_page(monkeypatch, rich_path, "pages/progress.py")
    every = app.multiselect(key=INDICATORS_KEY).options
    assert len(every) == 2
    cut = translate("progress.pickers_cut", shown=2, total=4)
    assert cut in [caption.value for caption in app.main.caption]

    app.text_input(key=SEARCH_KEY).input("Travel").run()
    assert app.selectbox(key=INDICATOR_KEY).options[-1] == "Travel minutes"
    app.selectbox(key=INDICATOR_KEY).select("travel-minutes").run()
    values = figures(app)[1]
    assert values["data"][0]["x"] == ["2020-06-30", "2021-06-30"]

    app.text_input(key=SEARCH_KEY).input("nothing like it").run()
    assert not app.exception
    found = translate("progress.no_indicator_found", text="nothing like it")
    assert found in [caption.value for caption in app.main.caption]
    assert "Travel minutes" in app.selectbox(key=INDICATOR_KEY).options
    assert app.selectbox(key=INDICATOR_KEY).value == "travel-minutes"


def test_gone_quiet_threshold_comes_from_the_link_and_goes_back_to_it(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/progress.py", {"quiet": "36"})
    assert app.number_input(key="quiet").value == 36
    app.number_input(key="quiet").set_value(24).run()
    assert param(app, "quiet") == "24"
    bad = open_page(monkeypatch, rich_path, "pages/progress.py", {"quiet": "forever"})
    assert not bad.exception
    assert bad.number_input(key="quiet").value == 12
    assert any("forever" in info.value for info in bad.main.info)


def test_initiative_details_open_from_the_link(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/initiatives.py", {"initiative": "trade-desk"})
    assert not app.exception
    assert app.main.header[0].value == "Trade desk"
    # The places map and the values over time of its two indicators (one has no target).
    assert len(figures(app)) == 3
    assert param(app, "initiative") == "trade-desk"


def test_an_unknown_initiative_in_the_link_gives_a_notice_and_the_list(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/initiatives.py", {"initiative": "<b>nope</b>"})
    assert not app.exception
    assert any("nope" in info.value for info in app.main.info)
    assert any(translate("columns.lead") in table.value.columns for table in app.main.dataframe)
    assert param(app, "initiative") is None


def test_initiatives_table_follows_filters_and_search(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/initiatives.py", {"status": "planned"})
    table = app.main.dataframe[0].value
    assert len(table) == 5
    app.text_input(key="initiatives_search").set_value("school").run()
    table = app.main.dataframe[0].value
    assert list(table[translate("columns.title")]) == ["Summer school"]


def test_choosing_an_initiative_opens_its_details(monkeypatch, rich_path):
    app = open_page(monkeypatch, rich_path, "pages/initiatives.py")
    app.selectbox(key="initiatives_open").set_value("air-quality-sensors").run()
    assert param(app, "initiative") == "air-quality-sensors"
    assert app.main.header[0].value == "Air quality sensors"


def test_clear_filters_empties_the_widgets_and_the_link(monkeypatch, rich_path):
    app = open_page(
        monkeypatch, rich_path, "pages/timeline.py", {"status": "active", "from": "2020-01-01"}
    )
    clear = next(b for b in app.sidebar.button if b.label == translate("filters.clear"))
    clear.click().run()
    assert not app.exception
    values = filter_values(app)
    assert values[STATUS_KEY] == [] and values[FROM_KEY] is None
    assert param(app, "status") is None and param(app, "from") is None
