"""The Progress page's figures and the "gone quiet" rule, checked on their data."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

import numpy as np
import pandas as pd
import pytest

from components import charting, progress, quiet
from components.filters import Filters, select
from components.i18n import translate
from components.loader import Dataset, load_dataset
from components.status_palette import initiative_style
from tests.conftest import SHIPPED_DATA
from tests.rich_data import AGREEMENT, load_rich

TODAY = date(2026, 11, 28)
t = partial(translate, language="en")


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Dataset:
    return load_rich(tmp_path_factory)


@pytest.fixture(scope="module")
def values(rich) -> progress.IndicatorValues:
    return progress.IndicatorValues(rich["indicator_values"])


def table_for(rich, values, filters: Filters | None = None) -> pd.DataFrame:
    selection = select(rich, filters or Filters(AGREEMENT))
    return progress.indicator_table(rich, selection, values, "en").set_index("indicator_id")


def test_indicator_values_summary_finds_first_and_latest_in_the_range(values):
    summary = values.summary(
        pd.Series(["sensors-installed", "travel-minutes", "not-an-indicator"]),
        date_to=date(2020, 12, 31),
    ).set_index("indicator_id")
    assert list(summary.index) == ["sensors-installed", "travel-minutes"]
    assert summary.loc["sensors-installed", "latest_value"] == 30
    assert summary.loc["sensors-installed", "first_value"] == 10
    assert summary.loc["sensors-installed", "values_count"] == 2
    assert summary.loc["travel-minutes", "latest_date"] == pd.Timestamp("2020-06-30")


def test_indicator_with_no_value_in_the_range_is_left_out_of_the_summary(values):
    summary = values.summary(pd.Series(["sensors-installed"]), date_from=date(2022, 1, 1))
    assert summary.empty


def test_series_is_one_indicators_values_oldest_first_within_the_dates(values):
    series = values.series("apprentices-placed", date(2022, 1, 1), None)
    assert list(series["value"]) == [12, 20]
    assert values.series("unknown").empty


def test_index_agrees_with_a_plain_groupby_on_many_values():
    """The binary-search lookups give what a straightforward pandas pass gives."""
    rng = np.random.default_rng(7)
    count = 5000
    frame = pd.DataFrame(
        {
            "indicator_id": rng.choice([f"i{n}" for n in range(50)], count),
            "date": pd.Timestamp("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 4000, count), unit="D"),
            "value": rng.normal(size=count),
            "note": "",
            "source_id": "s",
        }
    ).drop_duplicates(["indicator_id", "date"])
    index = progress.IndicatorValues(frame)
    low, high = date(2017, 3, 1), date(2021, 6, 30)
    summary = index.summary(pd.Series(sorted(frame["indicator_id"].unique())), low, high)
    window = frame[(frame["date"] >= pd.Timestamp(low)) & (frame["date"] <= pd.Timestamp(high))]
    expected = (
        window.sort_values("date")
        .groupby("indicator_id")
        .agg(latest_value=("value", "last"), values_count=("value", "size"))
    )
    got = summary.set_index("indicator_id")
    assert np.allclose(got["latest_value"], expected["latest_value"].loc[got.index])
    assert (got["values_count"] == expected["values_count"].loc[got.index]).all()


def test_verdicts_follow_the_direction_and_the_time_elapsed(rich, values):
    table = table_for(rich, values)
    assert table.loc["sensors-installed", "verdict"] == progress.TARGET_MET  # 52 of 50
    # 20 of 100 people after 4 of 7 years: behind the straight path.
    assert table.loc["apprentices-placed", "verdict"] == progress.BEHIND
    # "decrease": from 60 minutes up to 70 is the wrong way.
    assert table.loc["travel-minutes", "verdict"] == progress.WRONG_WAY
    assert table.loc["enquiries-answered", "verdict"] == progress.NO_TARGET
    assert table.loc["visits-hosted", "verdict"] == progress.NO_VALUES


def test_a_decrease_below_target_is_met_and_partial_progress_on_time_is_on_track():
    table = pd.DataFrame(
        {
            "direction": ["decrease", "decrease", "increase"],
            "baseline": [60.0, 60.0, 0.0],
            "baseline_date": pd.to_datetime(["2019-01-01"] * 3),
            "target": [30.0, 30.0, 100.0],
            "target_date": pd.to_datetime(["2023-01-01"] * 3),
            "first_value": [55.0, 50.0, 10.0],
            "first_date": pd.to_datetime(["2020-01-01"] * 3),
            "latest_value": [28.0, 40.0, 20.0],
            "latest_date": pd.to_datetime(["2022-01-01", "2021-01-01", "2021-01-01"]),
        }
    )
    # Row 2: two thirds of the way down after half the time; row 3: a fifth after half.
    assert list(progress.verdicts(table)) == [
        progress.TARGET_MET,
        progress.ON_TRACK,
        progress.BEHIND,
    ]


def test_without_a_baseline_the_first_value_is_the_reference(rich, values):
    table = table_for(rich, values)
    assert pd.isna(table.loc["enquiries-answered", "baseline"])
    assert table.loc["enquiries-answered", "first_value"] == 14


def test_the_date_range_decides_the_latest_value(rich, values):
    table = table_for(rich, values, Filters(AGREEMENT, date_to=date(2020, 12, 31)))
    assert table.loc["sensors-installed", "latest_value"] == 30
    assert table.loc["sensors-installed", "verdict"] != progress.TARGET_MET


def test_bullet_chart_draws_band_actual_and_target_per_indicator(rich, values):
    table = table_for(rich, values).reset_index()
    chart = progress.bullet_chart(
        rich, table, ["sensors-installed", "travel-minutes", "visits-hosted"], "en"
    )
    # visits-hosted has no value: it is not drawn as if it were zero.
    assert list(chart.data["indicator_id"]) == ["sensors-installed", "travel-minutes"]
    data = json.loads(chart.figure.to_json())["data"]
    actual = [trace for trace in data if trace.get("legendgroup") == progress.WRONG_WAY]
    assert actual[0]["base"] == [60] and actual[0]["x"] == [10]
    style = progress.VERDICT_STYLES[progress.WRONG_WAY]
    assert actual[0]["marker"]["color"] == style.colour
    assert actual[0]["marker"]["pattern"]["shape"] == style.pattern
    targets = [trace["x"] for trace in data if trace.get("name") == t("progress.target")]
    assert targets == [[50], [30]]
    layout = chart.figure.layout
    assert layout.xaxis.title.text == t("progress.axis_value", unit="sensors")
    assert layout.xaxis2.title.text == t("progress.axis_value", unit="minutes")


def test_no_values_gives_no_bullet_figure(rich, values):
    table = table_for(rich, values).reset_index()
    chart = progress.bullet_chart(rich, table, ["visits-hosted"], "en")
    assert chart.figure is None
    assert chart.notes[0].key == "progress.no_values_for_bullets"


def test_values_chart_draws_the_values_and_the_target(rich, values):
    table = table_for(rich, values).reset_index()
    indicator = table[table["indicator_id"] == "apprentices-placed"].iloc[0]
    chart = progress.values_chart(rich, indicator, values.series("apprentices-placed"), "en")
    actual, target, path = chart.figure.data
    assert list(actual.y) == [5, 12, 20]
    assert list(target.y) == [100, 100]
    # The target line reaches the target date, beyond the last value.
    assert target.x[-1] == "2026-12-31"
    assert list(path.y) == [0, 100]
    assert list(chart.data["value"]) == [5, 12, 20]
    assert chart.as_of == pd.Timestamp("2024-06-01")


def test_status_by_focus_area_counts_an_initiative_in_each_of_its_areas(rich):
    chart = progress.status_by_focus_area(rich, select(rich, Filters(AGREEMENT)), "en")
    counts = chart.data.set_index(["focus_area_id", "status"])["initiatives"]
    # Student project, summer school (planned) and apprentice exchange (active) serve it.
    assert counts[("higher-education", "planned")] == 2
    assert counts[("higher-education", "active")] == 1
    assert counts[("internships-apprenticeships", "active")] == 1
    assert counts[("", "planned")] == 1  # the joint working group serves no single area
    bars = {trace.name: trace for trace in chart.figure.data}
    assert bars["paused"].marker.color == initiative_style("paused").colour
    assert bars["paused"].marker.pattern.shape == initiative_style("paused").pattern
    assert chart.figure.layout.barmode == "stack"
    assert chart.figure.layout.yaxis.title.text == t("progress.axis_initiatives")


def test_status_chart_with_a_focus_filter_shows_only_that_area(rich):
    filters = Filters(AGREEMENT, focus_area_ids=("trade-investment",))
    chart = progress.status_by_focus_area(rich, select(rich, filters), "en")
    assert set(chart.data["focus_area_id"]) == {"trade-investment"}


def test_burn_up_counts_planned_and_done_milestones_over_time(rich):
    chart = progress.burn_up(rich, select(rich, Filters(AGREEMENT)), TODAY, "en")
    last = chart.data.iloc[-1]
    dated = rich["milestones"][rich["milestones"]["date"].notna()]
    assert last["milestones_planned"] == len(dated)
    assert last["milestones_done"] == (dated["status"] == "done").sum()
    assert chart.data["milestones_done"].is_monotonic_increasing
    assert chart.notes[0].key == "progress.undated_milestones"
    planned, done = chart.figure.data
    assert planned.line.shape == "hv"
    assert list(done.y) == list(chart.data["milestones_done"])


def test_long_lines_drop_their_markers(rich, monkeypatch):
    """Markers show each point of a short line; past the limit they would merge into a band."""
    filters = Filters(AGREEMENT)
    short = progress.burn_up(rich, select(rich, filters), TODAY, "en")
    assert {trace.mode for trace in short.figure.data} == {"lines+markers"}
    monkeypatch.setattr(charting, "MARKER_LIMIT", len(short.data) - 1)
    long = progress.burn_up(rich, select(rich, filters), TODAY, "en")
    assert {trace.mode for trace in long.figure.data} == {"lines"}
    assert [list(trace.y) for trace in long.figure.data] == [
        list(trace.y) for trace in short.figure.data
    ]


def test_burn_up_without_dated_milestones_draws_nothing(rich):
    filters = Filters(AGREEMENT, focus_area_ids=("joint-projects",), statuses=("cancelled",))
    chart = progress.burn_up(rich, select(rich, filters), TODAY, "en")
    assert chart.figure is None
    assert chart.notes[-1].key == "progress.no_dated_milestones"


def test_last_activity_is_the_newest_milestone_done_or_indicator_value(rich, values):
    activity = quiet.last_activity(rich, values, TODAY)
    assert activity["air-quality-sensors"] == pd.Timestamp("2022-01-15")  # report done
    assert activity["apprentice-exchange"] == pd.Timestamp("2023-12-31")  # a value
    assert activity["trade-desk"] == pd.Timestamp("2021-06-30")
    # A planned milestone is not activity; the summer school has none yet.
    assert "summer-school" not in activity.index


def quiet_ids(rich, values, months: int, today: date = TODAY, filters=None) -> set[str]:
    selection = select(rich, filters or Filters(AGREEMENT))
    activity = quiet.last_activity(rich, values, today)
    found = quiet.gone_quiet(rich, selection, activity, today, months)
    return set(found.initiatives["initiative_id"])


def test_gone_quiet_lists_open_initiatives_silent_for_longer_than_the_threshold(rich, values):
    found = quiet_ids(rich, values, 12)
    # Completed initiatives are closed: nothing more is expected of them.
    assert "air-quality-sensors" not in found
    # No activity ever: the clock runs from the signing (2018) or the start.
    assert {"joint-working-group", "enterprise-support", "student-project-2018"} <= found
    assert {"trade-desk", "apprentice-exchange", "summer-school"} <= found


def test_a_longer_threshold_keeps_recently_active_initiatives_off_the_list(rich, values):
    found = quiet_ids(rich, values, 36)  # since 28 November 2023
    assert "apprentice-exchange" not in found  # a value on 31 December 2023
    assert "summer-school" not in found  # starts July 2025: its clock has not run out
    assert "trade-desk" in found


def test_an_initiative_starting_in_the_future_is_not_quiet(rich, values):
    assert "summer-school" not in quiet_ids(rich, values, 1, today=date(2025, 6, 1))


def test_the_threshold_boundary_is_exclusive(rich, values):
    """Exactly 12 months after the last activity is not yet "longer than" 12 months."""
    assert "apprentice-exchange" not in quiet_ids(rich, values, 12, today=date(2024, 12, 31))
    assert "apprentice-exchange" in quiet_ids(rich, values, 12, today=date(2025, 1, 1))


def test_focus_areas_go_quiet_with_their_initiatives(rich, values):
    selection = select(rich, Filters(AGREEMENT))
    activity = quiet.last_activity(rich, values, TODAY)
    areas = quiet.gone_quiet(rich, selection, activity, TODAY, 36).focus_areas
    last = dict(zip(areas["focus_area_id"], areas["last_activity"], strict=True))
    assert "higher-education" not in last  # the apprentice exchange serves it too
    assert last["trade-investment"] == pd.Timestamp("2021-06-30")
    assert pd.isna(last["joint-projects"])  # nothing ever recorded


def test_shipped_data_everything_is_quiet_and_no_indicator_exists():
    """The shipped data has no activity after 2018 and no indicators: honest, not empty charts."""
    dataset = load_dataset(SHIPPED_DATA).dataset
    values = progress.IndicatorValues(dataset["indicator_values"])
    selection = select(dataset, Filters(AGREEMENT))
    assert progress.indicator_table(dataset, selection, values, "en").empty
    found = quiet.gone_quiet(
        dataset, selection, quiet.last_activity(dataset, values, TODAY), TODAY, 12
    )
    assert len(found.initiatives) == 4
    assert len(found.focus_areas) == 5  # the release names five focus areas


def test_readable_tables_translate_once_per_value_and_mark_missing_dates(rich, values):
    table = table_for(rich, values).reset_index()
    shown = progress.readable_indicators(table, "zh")
    row = shown[shown["indicator_id"] == "travel-minutes"].iloc[0]
    assert row["verdict"] == translate("progress.verdict.wrong_direction", "zh")
    assert row["direction"] == translate("direction.decrease", "zh")
    assert row["latest_date"] == "2021-06-30"
    selection = select(rich, Filters(AGREEMENT))
    found = quiet.gone_quiet(rich, selection, quiet.last_activity(rich, values, TODAY), TODAY, 12)
    initiatives, areas = quiet.readable_quiet(found, "en")
    never = initiatives[initiatives["initiative_id"] == "joint-working-group"].iloc[0]
    assert never["last_activity"] == t("progress.never")
    assert never["quiet_since"] == "July 2018"  # to the month: the clock may start at one
    assert set(areas["name"]) >= {"Specific joint projects"}


def test_pickers_offer_the_first_matches_and_keep_what_was_chosen(monkeypatch):
    monkeypatch.setattr(progress, "MAX_PICKER_OPTIONS", 2)
    labels = {"a": "Air sensors", "b": "Bus minutes", "c": "Air days", "d": "Apprentices"}
    assert progress.picker_options(labels, "") == (["a", "b"], 4)
    assert progress.picker_options(labels, " AIR ") == (["a", "c"], 2)
    assert progress.picker_options(labels, "air", ["d"]) == (["a", "c", "d"], 2)
    assert progress.picker_options(labels, "d") == (["c", "d"], 2)  # "d" is also an id
    assert progress.picker_options(labels, "none", ["gone"]) == ([], 0)


def test_a_burn_up_of_many_days_steps_at_the_last_day_of_each_period(rich, monkeypatch):
    """Past MAX_BURN_UP_POINTS the lines keep the last day of each week (then month, year) with
    its real counts; the notice says so and the chart's data keeps every day."""
    filters = Filters(AGREEMENT)
    daily = progress.burn_up(rich, select(rich, filters), TODAY, "en")
    days = daily.data["date"]
    by_year = daily.data.groupby(days.dt.year).tail(1)
    assert days.dt.to_period("M").nunique() > len(by_year)  # so months are still too many
    monkeypatch.setattr(progress, "MAX_BURN_UP_POINTS", len(by_year))
    thinned = progress.burn_up(rich, select(rich, filters), TODAY, "en")
    pd.testing.assert_frame_equal(thinned.data, daily.data)
    planned, done = thinned.figure.data
    assert list(planned.x) == list(by_year["date"].dt.strftime("%Y-%m-%d"))
    assert list(done.y) == list(by_year["milestones_done"])
    thinned_notes = [note for note in thinned.notes if note.key.startswith("progress.burn_up_by")]
    assert [note.key for note in thinned_notes] == ["progress.burn_up_by_year"]
    assert thinned_notes[0].values == {"days": str(len(daily.data))}
    assert not [note for note in daily.notes if note.key.startswith("progress.burn_up_by")]


@pytest.mark.parametrize(
    ("limit", "period", "note"),
    [
        (100, None, None),
        (4, "W", "progress.burn_up_by_week"),
        (2, "M", "progress.burn_up_by_month"),
    ],
)
def test_the_burn_up_draws_the_finest_period_that_fits(monkeypatch, limit, period, note):
    """Every day while they fit, else the first of weeks, months, years that fits."""
    days = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-09", "2020-02-03", "2020-02-04"])
    data = pd.DataFrame({"date": days, "milestones_planned": range(1, 6)})
    monkeypatch.setattr(progress, "MAX_BURN_UP_POINTS", limit)
    drawn, said = progress._burn_up_points(data)
    expected = data if period is None else data.groupby(days.to_period(period)).tail(1)
    assert list(drawn["date"]) == list(expected["date"])
    assert said == note
