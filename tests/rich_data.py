"""A richer test dataset for the timeline, progress and initiatives tests: the shipped rows plus
initiatives with every kind of dates, milestones of every status, and indicators whose values
are on track, behind, going the wrong way, without a target or without values. Test data only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.loader import Dataset, load_dataset
from tests.conftest import SHIPPED_DATA, DataDir

AGREEMENT = "oxford-hebei-mou-2018"
SOURCE = "test-report-2024"

INITIATIVES = [
    # id, focus areas, lead, places, start, precision, end, precision, status, status as of
    (
        "air-quality-sensors",
        "smart-sustainable-cities",
        "oxford-city-council",
        "oxford;langfang",
        "2019-03-01",
        "day",
        "2021-12-31",
        "day",
        "completed",
        "2022-01-15",
    ),
    (
        "apprentice-exchange",
        "internships-apprenticeships;higher-education",
        "oxfordshire-county-council",
        "oxfordshire;hebei",
        "2020-01-01",
        "month",
        "",
        "",
        "active",
        "2024-06-01",
    ),
    (
        "trade-desk",
        "trade-investment",
        "langfang-government",
        "langfang",
        "2019-01-01",
        "year",
        "2023-06-30",
        "day",
        "paused",
        "2023-07-01",
    ),
    (
        "summer-school",
        "higher-education",
        "university-of-oxford",
        "oxford",
        "2025-07-01",
        "day",
        "2025-08-15",
        "day",
        "planned",
        "2025-06-01",
    ),
]

MILESTONES = [
    # id, initiative, date, precision, status, place
    ("sensors-ordered", "air-quality-sensors", "2019-04-10", "day", "done", "oxford"),
    ("sensors-live", "air-quality-sensors", "2020-06-01", "month", "done", "langfang"),
    ("sensors-report", "air-quality-sensors", "2022-01-15", "day", "done", ""),
    ("first-apprentices", "apprentice-exchange", "2021-09-01", "month", "done", "oxfordshire"),
    ("second-cohort", "apprentice-exchange", "2023-09-01", "month", "missed", ""),
    ("trade-desk-opens", "trade-desk", "2019-01-01", "year", "done", "langfang"),
    ("trade-mission", "trade-desk", "2027-03-01", "month", "planned", ""),
    ("summer-school-runs", "summer-school", "2025-07-01", "day", "planned", "oxford"),
]

UNITS_ZH = {"sensors": "个", "people": "人", "enquiries": "次", "visits": "次"}
INDICATORS = [
    # id, initiative, unit, direction, baseline, baseline date, target, target date
    (
        "sensors-installed",
        "air-quality-sensors",
        "sensors",
        "increase",
        "0",
        "2019-03-01",
        "50",
        "2021-12-31",
    ),
    (
        "apprentices-placed",
        "apprentice-exchange",
        "people",
        "increase",
        "0",
        "2020-01-01",
        "100",
        "2026-12-31",
    ),
    ("travel-minutes", "trade-desk", "minutes", "decrease", "60", "2019-01-01", "30", "2023-01-01"),
    ("enquiries-answered", "trade-desk", "enquiries", "increase", "", "", "", ""),
    ("visits-hosted", "summer-school", "visits", "increase", "0", "2025-01-01", "4", "2025-12-31"),
]

VALUES = [
    ("sensors-installed", "2019-12-31", "10"),
    ("sensors-installed", "2020-12-31", "30"),
    ("sensors-installed", "2021-12-31", "52"),
    ("apprentices-placed", "2021-12-31", "5"),
    ("apprentices-placed", "2022-12-31", "12"),
    ("apprentices-placed", "2023-12-31", "20"),
    ("travel-minutes", "2020-06-30", "65"),
    ("travel-minutes", "2021-06-30", "70"),
    ("enquiries-answered", "2020-03-31", "14"),
    ("enquiries-answered", "2021-03-31", "22"),
]


def write_rich_dataset(data: DataDir) -> DataDir:
    """Add the rows above to a copy of the shipped data."""
    data.append(
        "sources",
        {
            "source_id": SOURCE,
            "kind": "report",
            "title": "Test progress report",
            "published_on": "2024-06-01",
        },
    )
    # A sixth focus area, of test data only: the release names five.
    data.append(
        "focus_areas",
        {
            "focus_area_id": "smart-sustainable-cities",
            "agreement_id": AGREEMENT,
            "name_en": "Smart and sustainable cities",
            "name_zh": "智慧与可持续城市",
            "description_basis": "editorial",
            "sort_order": "6",
            "source_id": SOURCE,
        },
    )
    for ident, areas, lead, places, start, start_p, end, end_p, status, as_of in INITIATIVES:
        data.append(
            "initiatives",
            {
                "initiative_id": ident,
                "agreement_id": AGREEMENT,
                "title_en": ident.replace("-", " ").capitalize(),
                "focus_area_ids": areas,
                "lead_party_id": lead,
                "place_ids": places,
                "start_date": start,
                "start_date_precision": start_p,
                "end_date": end,
                "end_date_precision": end_p,
                "status": status,
                "status_as_of": as_of,
                "source_id": SOURCE,
            },
        )
    for ident, initiative, when, precision, status, place in MILESTONES:
        data.append(
            "milestones",
            {
                "milestone_id": ident,
                "agreement_id": AGREEMENT,
                "initiative_id": initiative,
                "date": when,
                "date_precision": precision,
                "title_en": ident.replace("-", " ").capitalize(),
                "kind": "other",
                "place_id": place,
                "status": status,
                "source_id": SOURCE,
            },
        )
    for ident, initiative, unit, direction, base, base_on, target, target_on in INDICATORS:
        # Every unit but minutes has its Chinese form (an analyst's file may lack one).
        data.append(
            "indicators",
            {
                "indicator_id": ident,
                "initiative_id": initiative,
                "name_en": ident.replace("-", " ").capitalize(),
                "unit": unit,
                "unit_zh": UNITS_ZH.get(unit, ""),
                "direction": direction,
                "baseline": base,
                "baseline_date": base_on,
                "target": target,
                "target_date": target_on,
                "source_id": SOURCE,
            },
        )
    for ident, when, value in VALUES:
        data.append(
            "indicator_values",
            {"indicator_id": ident, "date": when, "value": value, "source_id": SOURCE},
        )
    return data


def rich_copy(folder: Path) -> DataDir:
    """A copy of the shipped data in `folder`, with the rows above added."""
    target = folder / "data"
    shutil.copytree(SHIPPED_DATA, target)
    return write_rich_dataset(DataDir(target))


def load_rich(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The rich dataset, loaded (for a module-scoped fixture: tests only read it)."""
    result = load_dataset(rich_copy(tmp_path_factory.mktemp("rich")).path)
    assert result.ok, result.problems
    return result.dataset
