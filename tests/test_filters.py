"""The shared filters: reading links (with notices for bad values), writing them, applying them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.filters import (
    FilterOptions,
    Filters,
    Notice,
    filter_options,
    from_query,
    period_end,
    places_within,
    select,
)
from components.loader import Dataset, load_dataset
from tests.conftest import SHIPPED_DATA
from tests.rich_data import AGREEMENT, load_rich


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Dataset:
    return load_rich(tmp_path_factory)


@pytest.fixture
def options(rich: Dataset) -> FilterOptions:
    return filter_options(rich, AGREEMENT)


def ids(frame: pd.DataFrame, column: str) -> set[str]:
    return set(frame[column])


def test_options_offer_the_agreements_focus_areas_and_places_with_their_parents(rich):
    """Places named by initiatives come with the places containing them (Langfang brings Hebei)."""
    options = filter_options(rich, AGREEMENT)
    assert options.focus_area_ids[0] == "higher-education"
    assert len(options.focus_area_ids) == 6
    assert {"langfang", "hebei", "oxford", "oxfordshire", "oxford-town-hall"} <= set(
        options.place_ids
    )
    assert "baoding" not in options.place_ids
    assert options.statuses == ("planned", "active", "completed", "paused", "cancelled", "unknown")


def test_a_link_selects_known_values_in_the_offered_order(options):
    """Comma-separated and repeated parameters both work; duplicates collapse."""
    filters, notices = from_query(
        {
            "focus": ["trade-investment,higher-education", "higher-education"],
            "status": "active",
            "place": "hebei",
            "from": "2019-01-01",
            "to": "2022-12-31",
        },
        AGREEMENT,
        options,
    )
    assert notices == []
    assert filters == Filters(
        AGREEMENT,
        ("higher-education", "trade-investment"),
        ("active",),
        ("hebei",),
        date(2019, 1, 1),
        date(2022, 12, 31),
    )


def test_unknown_values_are_dropped_with_a_notice(options):
    """An unknown focus area or status is ignored and named in a notice; the rest still applies."""
    filters, notices = from_query(
        {"focus": "higher-education,space-travel", "status": "finished"}, AGREEMENT, options
    )
    assert filters.focus_area_ids == ("higher-education",)
    assert filters.statuses == ()
    assert notices == [
        Notice("filters.unknown_value", {"param": "focus", "value": "space-travel"}),
        Notice("filters.unknown_value", {"param": "status", "value": "finished"}),
    ]


@pytest.mark.parametrize("raw", ["2019-13-01", "yesterday", "04/07/2018", "2018-02-30"])
def test_a_malformed_date_is_ignored_with_a_notice(options, raw):
    filters, notices = from_query({"from": raw}, AGREEMENT, options)
    assert filters.date_from is None
    assert notices == [Notice("filters.malformed_date", {"param": "from", "value": raw})]


def test_dates_given_backwards_are_swapped_with_a_notice(options):
    filters, notices = from_query({"from": "2022-01-01", "to": "2019-01-01"}, AGREEMENT, options)
    assert (filters.date_from, filters.date_to) == (date(2019, 1, 1), date(2022, 1, 1))
    assert [notice.key for notice in notices] == ["filters.reversed_dates"]


def test_filters_survive_a_round_trip_through_the_link(options):
    """to_query() then from_query() gives back the same filters, and empty filters stay out."""
    filters = Filters(AGREEMENT, ("trade-investment",), ("paused", "active"), (), date(2020, 5, 1))
    query = filters.to_query()
    assert query == {
        "agreement": AGREEMENT,
        "focus": "trade-investment",
        "status": "paused,active",
        "from": "2020-05-01",
    }
    again, notices = from_query(query, AGREEMENT, options)
    assert notices == []
    # The link keeps the order the user chose; reading it back uses the offered order.
    assert again == Filters(
        AGREEMENT, ("trade-investment",), ("active", "paused"), (), date(2020, 5, 1)
    )


def test_no_filters_select_every_initiative_and_milestone_of_the_agreement(rich):
    selection = select(rich, Filters(AGREEMENT))
    assert len(selection.initiatives) == len(rich["initiatives"]) == 8
    assert len(selection.milestones) == len(rich["milestones"])
    assert len(selection.indicators) == len(rich["indicators"])


def test_another_agreement_selects_nothing(rich):
    selection = select(rich, Filters("some-other-agreement"))
    assert selection.initiatives.empty and selection.milestones.empty


def test_focus_area_filter_matches_any_of_an_initiatives_areas(rich):
    """An initiative serving several areas is found under each; agreement-wide milestones go."""
    selection = select(rich, Filters(AGREEMENT, focus_area_ids=("higher-education",)))
    assert ids(selection.initiatives, "initiative_id") == {
        "student-project-2018",
        "apprentice-exchange",
        "summer-school",
    }
    assert "" not in set(selection.milestones["initiative_id"])
    assert ids(selection.milestones, "milestone_id") == {
        "student-project-begins",
        "first-apprentices",
        "second-cohort",
        "summer-school-runs",
    }
    assert ids(selection.indicators, "indicator_id") == {"apprentices-placed", "visits-hosted"}


def test_status_filter(rich):
    selection = select(rich, Filters(AGREEMENT, statuses=("paused", "completed")))
    assert ids(selection.initiatives, "initiative_id") == {"trade-desk", "air-quality-sensors"}


def test_a_place_selects_initiatives_in_the_places_inside_it(rich):
    """Hebei selects initiatives in Langfang (a city in Hebei) and the milestone held there."""
    assert places_within(rich, ["hebei"]) == {"hebei", "langfang", "baoding"}
    selection = select(rich, Filters(AGREEMENT, place_ids=("hebei",)))
    assert ids(selection.initiatives, "initiative_id") == {
        "smart-cities-knowledge-sharing",
        "enterprise-support",
        "air-quality-sensors",
        "apprentice-exchange",
        "trade-desk",
    }
    # Agreement-wide milestones are kept only when their own place is inside Hebei (none is).
    assert set(selection.milestones["initiative_id"]) - {""} == set(
        selection.milestones["initiative_id"]
    )


def test_a_place_filter_keeps_agreement_milestones_held_there(rich):
    selection = select(rich, Filters(AGREEMENT, place_ids=("oxford",)))
    whole = selection.milestones[selection.milestones["initiative_id"] == ""]
    assert ids(whole, "milestone_id") == {"hebei-delegation-visit", "mou-signed"}


def test_date_range_keeps_initiatives_whose_span_overlaps_it(rich):
    """An initiative with no end date runs on; undated initiatives cannot be placed in a range."""
    selection = select(rich, Filters(AGREEMENT, date_from=date(2024, 1, 1)))
    assert ids(selection.initiatives, "initiative_id") == {
        "apprentice-exchange",  # started 2020, no end date: still running
        "summer-school",
        "student-project-2018",  # a start only (August 2018): its end is unknown, so open
    }


def test_date_range_before_an_initiative_starts_leaves_it_out(rich):
    selection = select(rich, Filters(AGREEMENT, date_to=date(2019, 12, 31)))
    found = ids(selection.initiatives, "initiative_id")
    assert "apprentice-exchange" not in found  # starts January 2020
    assert {"trade-desk", "air-quality-sensors", "student-project-2018"} <= found
    assert "joint-working-group" not in found  # no dates at all


def test_an_end_known_to_the_month_counts_to_the_months_last_day(rich):
    """Ended "June 2023" overlaps a range starting 30 June 2023."""
    trade = select(rich, Filters(AGREEMENT, date_from=date(2023, 6, 30)))
    assert "trade-desk" in ids(trade.initiatives, "initiative_id")
    later = select(rich, Filters(AGREEMENT, date_from=date(2023, 7, 1)))
    assert "trade-desk" not in ids(later.initiatives, "initiative_id")


def test_milestones_are_kept_by_their_own_dates(rich):
    """A milestone of an undated initiative is kept when its own date is in range."""
    selection = select(
        rich, Filters(AGREEMENT, date_from=date(2021, 1, 1), date_to=date(2022, 12, 31))
    )
    assert ids(selection.milestones, "milestone_id") == {"first-apprentices", "sensors-report"}
    # The indicators of initiatives matching every other filter stay in scope.
    assert len(selection.indicators) == len(rich["indicators"])


def test_period_end_follows_the_precision():
    dates = pd.Series(pd.to_datetime(["2018-08-01", "2019-01-01", "2020-02-10", None]))
    precisions = pd.Series(["month", "year", "day", ""])
    ends = period_end(dates, precisions)
    assert list(ends[:3].dt.strftime("%Y-%m-%d")) == ["2018-08-31", "2019-12-31", "2020-02-10"]
    assert pd.isna(ends[3])


def test_shipped_data_filters_without_error():
    dataset = load_dataset(SHIPPED_DATA).dataset
    selection = select(dataset, Filters(AGREEMENT, focus_area_ids=("trade-investment",)))
    assert list(selection.initiatives["initiative_id"]) == ["enterprise-support"]


@pytest.mark.parametrize(
    "raw", ["0001-01-01", "1985-01-01", "1989-12-31", "2101-01-01", "9999-12-31"]
)
def test_a_date_outside_what_the_filter_shows_is_ignored_with_a_notice(options, raw):
    filters, notices = from_query({"from": raw, "to": raw}, AGREEMENT, options)
    assert (filters.date_from, filters.date_to) == (None, None)
    assert [notice.key for notice in notices] == ["filters.date_out_of_range"] * 2
    assert notices[0].values["value"] == raw


@pytest.mark.parametrize("raw", ["2018W271", "2018-W27-3", "20180704", "２０１８-07-04", "²"])
def test_only_a_date_written_yyyy_mm_dd_is_read(options, raw):
    filters, notices = from_query({"to": raw}, AGREEMENT, options)
    assert filters.date_to is None
    assert notices == [Notice("filters.malformed_date", {"param": "to", "value": raw})]


def test_the_first_and_last_days_the_filter_shows_are_kept(options):
    filters, notices = from_query({"from": "1990-01-01", "to": "2100-12-31"}, AGREEMENT, options)
    assert (filters.date_from, filters.date_to) == (date(1990, 1, 1), date(2100, 12, 31))
    assert notices == []
