"""The Timeline's figure and milestone list, checked on the figure's data."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

import pandas as pd
import pytest

from components import timeline
from components.filters import Filters, select
from components.i18n import translate
from components.loader import Dataset, load_dataset
from components.status_palette import initiative_style, milestone_style
from tests.conftest import SHIPPED_DATA
from tests.rich_data import AGREEMENT, load_rich

TODAY = date(2026, 11, 28)
t = partial(translate, language="en")


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Dataset:
    return load_rich(tmp_path_factory)


def chart_for(dataset: Dataset, filters: Filters | None = None, language: str = "en"):
    selection = select(dataset, filters or Filters(AGREEMENT))
    return timeline.timeline_chart(dataset, selection, TODAY, language)


def traces(chart) -> list[dict]:
    return json.loads(chart.figure.to_json())["data"]


def test_each_initiative_is_drawn_by_what_its_dates_say(rich):
    """Start and end: a span; active with no end date: ongoing; one date: a marker; none: not."""
    initiatives = rich["initiatives"]
    kinds = dict(zip(initiatives["initiative_id"], timeline.drawn_as(initiatives), strict=True))
    assert kinds["air-quality-sensors"] == timeline.SPAN
    assert kinds["apprentice-exchange"] == timeline.ONGOING  # active, no end date
    assert kinds["student-project-2018"] == timeline.START_ONLY  # planned, start only
    assert kinds["joint-working-group"] == timeline.UNDATED


def test_an_ongoing_initiative_runs_to_today(rich):
    """The bar of an initiative with no end date ends today and is drawn paler."""
    bars = [trace for trace in traces(chart_for(rich)) if trace["type"] == "bar"]
    active = next(trace for trace in bars if trace["name"] == "active")
    assert active["base"] == ["2020-01-01"]
    days = (pd.Timestamp(TODAY) - pd.Timestamp("2020-01-01")).days
    assert active["x"] == [days * timeline.DAY_MS]
    assert active["marker"]["opacity"] == [0.45]
    ongoing = next(
        trace for trace in traces(chart_for(rich)) if trace["name"] == t("timeline.ongoing")
    )
    assert ongoing["x"] == [TODAY.isoformat()]


def test_spans_end_on_the_last_day_their_precision_allows(rich):
    """ "2019" (year precision) starts the trade desk on 1 January; a day-precise end is kept."""
    bars = [trace for trace in traces(chart_for(rich)) if trace["type"] == "bar"]
    paused = next(trace for trace in bars if trace["name"] == "paused")
    assert paused["base"] == ["2019-01-01"]
    days = (pd.Timestamp("2023-06-30") - pd.Timestamp("2019-01-01")).days
    assert paused["x"] == [days * timeline.DAY_MS]


def test_status_is_shown_by_colour_and_pattern_or_symbol(rich):
    """Bars use the shared palette's colour and pattern; milestones its colour and symbol."""
    data = traces(chart_for(rich))
    completed = next(trace for trace in data if trace["name"] == "completed")
    assert completed["marker"]["color"] == initiative_style("completed").colour
    assert completed["marker"]["pattern"]["shape"] == initiative_style("completed").pattern
    missed = next(
        trace for trace in data if trace["name"] == t("timeline.milestone_legend", status="missed")
    )
    assert missed["marker"]["symbol"] == milestone_style("missed").symbol
    assert missed["marker"]["color"] == milestone_style("missed").colour
    assert missed["x"] == ["2023-09-01"]


def test_start_only_initiative_is_a_marker_in_its_focus_area(rich):
    data = traces(chart_for(rich))
    markers = [
        trace
        for trace in data
        if trace["type"] == "scatter" and trace.get("legendgroup") == "planned"
    ]
    (student,) = [trace for trace in markers if trace["x"] == ["2018-08-01"]]
    assert student["y"][0] == ["Higher education"]
    assert student["marker"]["symbol"] == initiative_style("planned").symbol


def test_signing_and_today_are_marked_with_lines(rich):
    figure = chart_for(rich).figure
    lines = [shape.x0 for shape in figure.layout.shapes]
    assert lines == [pd.Timestamp("2018-07-04").isoformat(), pd.Timestamp(TODAY).isoformat()]
    labels = [annotation.text for annotation in figure.layout.annotations]
    assert labels == [t("timeline.signed_line"), t("timeline.today_line")]


def test_axis_titles_and_hover_are_translated(rich):
    """In Chinese the axes and hover lines come from the Chinese catalogue."""
    chart = chart_for(rich, language="zh")
    layout = chart.figure.layout
    assert layout.xaxis.title.text == translate("timeline.axis_date", "zh")
    assert layout.yaxis.title.text == translate("timeline.axis_initiative", "zh")
    bar = next(trace for trace in chart.figure.data if trace.type == "bar")
    assert translate("timeline.hover_lead", "zh", lead="")[:3] in bar.hovertext[0]


def test_hover_names_title_dates_status_lead_and_source(rich):
    bar = next(trace for trace in chart_for(rich).figure.data if trace.name == "completed")
    hover = bar.hovertext[0]
    assert "<b>Air quality sensors</b>" in hover
    assert "1 March 2019 to 31 December 2021" in hover
    assert "completed (as of 15 January 2022)" in hover
    assert "Lead: Oxford City Council" in hover
    assert "Source: Test progress report" in hover


def test_data_text_in_hover_is_escaped(rich, tmp_path):
    """A title with markup is shown literally, not as HTML."""
    initiatives = rich["initiatives"].copy()
    initiatives.loc[initiatives["initiative_id"] == "trade-desk", "title_en"] = "<img src=x>"
    patched = Dataset(
        rich.data_dir, {**rich.tables, "initiatives": initiatives}, rich.files_changed_at, ()
    )
    bar = next(trace for trace in chart_for(patched).figure.data if trace.name == "paused")
    assert "&lt;img src=x&gt;" in bar.hovertext[0]
    assert "<img" not in bar.hovertext[0]


def test_chart_data_is_exactly_what_is_drawn(rich):
    """The download holds one row per drawn bar or marker, with undated items only noted."""
    chart = chart_for(rich)
    drawn = chart.data
    assert set(drawn.loc[drawn["item"] == "initiative", "id"]) == {
        "student-project-2018",
        "apprentice-exchange",
        "trade-desk",
        "air-quality-sensors",
        "summer-school",
    }
    points = sum(
        len(trace.x)
        for trace in chart.figure.data
        if trace.type == "scatter" and trace.name != t("timeline.ongoing")
    )
    bars = sum(len(trace.x) for trace in chart.figure.data if trace.type == "bar")
    assert bars + points == len(drawn)
    assert [note.key for note in chart.notes] == [
        "timeline.undated_initiatives",
        "timeline.undated_milestones",
    ]
    assert chart.source_ids == ("press-release-2018-07-20", "test-report-2024")
    assert chart.as_of == pd.Timestamp("2025-06-01")


def test_shipped_data_draws_the_agreement_milestones_and_the_student_project():
    dataset = load_dataset(SHIPPED_DATA).dataset
    chart = chart_for(dataset)
    assert chart.figure is not None
    assert list(chart.data["id"]) == [
        "student-project-2018",
        "hebei-delegation-visit",
        "mou-signed",
        "mou-announced",
        "student-project-begins",
    ]
    assert {note.key for note in chart.notes} == {
        "timeline.undated_initiatives",
        "timeline.undated_milestones",
    }


def test_nothing_dated_gives_no_figure_and_says_why(rich):
    """Filtering to undated initiatives only: no empty axes, a note instead."""
    selection = select(rich, Filters(AGREEMENT, focus_area_ids=("trade-investment",)))
    undated = selection.initiatives[selection.initiatives["start_date"].isna()]
    only = selection.__class__(
        selection.filters, undated, undated, selection.milestones.iloc[0:0], selection.indicators
    )
    chart = timeline.timeline_chart(rich, only, TODAY, "en")
    assert chart.figure is None
    assert chart.notes[-1].key == "timeline.nothing_dated"


def test_long_charts_are_cut_with_a_note(rich, monkeypatch):
    """Past MAX_ROWS the rest are left out, and so are their milestones, each said in a note."""
    monkeypatch.setattr(timeline, "MAX_ROWS", 2)
    chart = chart_for(rich)
    drawn = chart.data
    kept = set(drawn.loc[drawn["item"] == "initiative", "id"])
    assert len(kept) == 2
    notes = {note.key: note.values for note in chart.notes}
    assert notes["timeline.rows_cut"] == {"shown": "2", "total": "5"}
    marked = drawn[drawn["item"] == "milestone"]
    assert set(marked["initiative_id"]) <= kept | {""}
    dated = rich["milestones"][rich["milestones"]["date"].notna()]
    left_out = dated[~dated["initiative_id"].isin(kept) & (dated["initiative_id"] != "")]
    assert notes["timeline.milestones_not_drawn"] == {"count": str(len(left_out))}


def test_milestone_list_is_newest_first_with_undated_last(rich):
    listed = timeline.milestone_list(rich, select(rich, Filters(AGREEMENT)), "en")
    assert listed["milestone_id"].iloc[0] == "trade-mission"
    assert listed["date"].iloc[0] == "2027-03"  # month precision
    assert listed["milestone_id"].iloc[-1] == "joint-working-group-set-up"
    assert listed["date"].iloc[-1] == ""
    assert listed["source"].iloc[0] == "Test progress report"
    assert listed["status"].iloc[0] == t("status.planned")


def test_a_crowded_row_marks_its_newest_milestones_and_says_how_many_are_not(rich, monkeypatch):
    """Past MAX_MARKS_PER_ROW a row keeps its newest milestones; the rest are counted in a note."""
    monkeypatch.setattr(timeline, "MAX_MARKS_PER_ROW", 1)
    chart = chart_for(rich)
    marked = chart.data[chart.data["item"] == "milestone"]
    assert marked["initiative_id"].value_counts().max() == 1
    dated = rich["milestones"][rich["milestones"]["date"].notna()]
    drawn_rows = set(chart.data.loc[chart.data["item"] == "initiative", "id"]) | {""}
    on_rows = dated[dated["initiative_id"].isin(drawn_rows)]
    newest = on_rows.sort_values("date").groupby("initiative_id").tail(1)
    assert set(marked["id"]) == set(newest["milestone_id"])
    notes = {note.key: note.values for note in chart.notes}
    assert notes["timeline.row_marks_cut"] == {
        "count": str(len(on_rows) - len(newest)),
        "shown": "1",
    }
    assert len(on_rows) > len(newest)  # the rich data has a row with several milestones
