"""The Initiatives table, its search and one initiative's details."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pytest

from components import initiatives
from components.charting import localised_column, partial_iso
from components.i18n import translate
from components.loader import Dataset
from tests.rich_data import SOURCE, load_rich

t = partial(translate, language="en")


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Dataset:
    return load_rich(tmp_path_factory)


@pytest.fixture(scope="module")
def table(rich) -> pd.DataFrame:
    return initiatives.initiative_table(rich, "en").set_index("initiative_id", drop=False)


def test_dates_are_shown_only_as_precisely_as_they_are_known():
    dates = pd.Series(pd.to_datetime(["2018-08-01", "2019-01-01", "2020-02-10", None]))
    shown = partial_iso(dates, pd.Series(["month", "year", "day", ""]))
    assert list(shown) == ["2018-08", "2019", "2020-02-10", ""]


def test_table_rows_name_areas_lead_places_dates_status_and_source(table):
    row = table.loc["apprentice-exchange"]
    assert row["focus_areas"] == "Internships and apprenticeships, Higher education"
    assert row["lead"] == "Oxfordshire County Council"
    assert row["places"] == "Oxfordshire, Hebei"
    assert (row["start"], row["end"]) == ("2020-01", "")  # no end date
    assert row["status"] == t("status.active")
    assert row["status_as_of"] == "2024-06-01"
    assert row["source"] == "Test progress report"


def test_table_in_chinese_uses_chinese_names(rich):
    table = initiatives.initiative_table(rich, "zh")
    row = table[table["initiative_id"] == "smart-cities-knowledge-sharing"].iloc[0]
    assert row["title"] == "牛津郡与河北省智慧城市知识共享"
    assert row["places"] == "牛津郡、河北省"
    assert row["status"] == translate("status.planned", "zh")


def test_search_finds_text_in_titles_and_summaries_in_either_language(table):
    every = table["initiative_id"]
    assert list(initiatives.search(table, every, "SENSORS")["initiative_id"]) == [
        "air-quality-sensors"
    ]
    assert list(initiatives.search(table, every, "工作计划")["initiative_id"]) == [
        "joint-working-group"
    ]
    # Summary text, not in any title.
    assert "enterprise-support" in set(
        initiatives.search(table, every, "economic growth")["initiative_id"]
    )
    assert "_search" not in initiatives.search(table, every, "").columns


def test_search_stays_within_the_filtered_initiatives(table):
    rows = initiatives.search(table, pd.Series(["trade-desk"]), "")
    assert list(rows["initiative_id"]) == ["trade-desk"]


def test_search_text_is_not_a_pattern(table):
    """Brackets and dots in the search box are looked for literally."""
    assert initiatives.search(table, table["initiative_id"], "(.*").empty


def test_details_of_an_unknown_initiative_is_none(rich):
    assert initiatives.details(rich, "no-such-initiative", "en") is None


def test_details_gather_people_places_milestones_indicators_and_sources(rich):
    found = initiatives.details(rich, "air-quality-sensors", "en", (SOURCE,))
    assert found.title == "Air quality sensors"
    assert found.lead == "Oxford City Council"
    assert found.focus_areas == "Smart and sustainable cities"
    assert list(found.places["place_id"]) == ["oxford", "langfang"]
    assert list(found.milestones["milestone_id"]) == [
        "sensors-report",
        "sensors-live",
        "sensors-ordered",
    ]
    assert list(found.indicators["indicator_id"]) == ["sensors-installed"]
    # The places cite the press release; the initiative, milestones and values the report.
    assert set(found.sources["source_id"]) == {SOURCE, "press-release-2018-07-20"}


def test_details_of_an_initiative_with_no_end_date_and_no_lead(rich):
    found = initiatives.details(rich, "smart-cities-knowledge-sharing", "en")
    assert pd.isna(found.initiative["end_date"])
    assert found.lead == ""
    assert found.partners == "Oxfordshire County Council, Hebei Province"
    assert found.milestones.empty and found.indicators.empty


def test_places_chart_puts_each_place_at_its_coordinates(rich):
    found = initiatives.details(rich, "air-quality-sensors", "en")
    chart = initiatives.places_chart(rich, found, "en")
    (points,) = chart.figure.data
    assert list(points.x) == [-1.2578, 116.7036]
    assert list(points.y) == [51.7519, 39.5234]
    assert list(points.text) == ["Oxford", "Langfang"]
    assert chart.figure.layout.xaxis.title.text == t("initiatives.axis_lon")
    assert list(chart.data["place_id"]) == ["oxford", "langfang"]


def test_places_chart_without_places_draws_nothing(rich):
    found = initiatives.details(rich, "joint-working-group", "en")
    assert initiatives.places_chart(rich, found, "en").figure is None


def test_bilingual_labels_show_both_languages_once():
    frame = pd.DataFrame({"name_en": ["Oxford", "Same", ""], "name_zh": ["牛津", "Same", "河北"]})
    assert list(localised_column(frame, "name", "both")) == ["Oxford · 牛津", "Same", "河北"]
    assert list(localised_column(frame, "name", "zh")) == ["牛津", "Same", "河北"]
    assert list(localised_column(frame, "name", "en")) == ["Oxford", "Same", "河北"]


def test_the_picker_offers_the_initiatives_the_table_shows_and_search_reaches_the_rest(
    tmp_path, monkeypatch
):
    """Past the table's cut the picker stops too (the cut's note says to search); an initiative
    beyond it is found by searching, then offered."""
    from components.sample import write_sample
    from components.table_views import MAX_TABLE_ROWS
    from components.ui.initiatives_view import OPEN_KEY, SEARCH_KEY
    from tests.conftest import open_app

    folder = tmp_path / "sample"
    write_sample(folder, scale=400)  # 1,600 initiatives, more than the table shows
    app = open_app(monkeypatch, folder, page="pages/initiatives.py")
    picker = app.selectbox(key=OPEN_KEY)
    assert len(picker.options) == len(app.dataframe[0].value) == MAX_TABLE_ROWS
    shown = set(picker.options)
    every = pd.read_csv(folder / "initiatives.csv", dtype=str)
    agreement = every[every["title_en"].isin(shown)]["agreement_id"].unique()
    assert len(agreement) == 1
    same_agreement = every[every["agreement_id"] == agreement[0]]
    beyond = same_agreement[~same_agreement["title_en"].isin(shown)]["title_en"].iloc[0]
    app.text_input(key=SEARCH_KEY).input(beyond).run()
    assert beyond in app.selectbox(key=OPEN_KEY).options
