"""The contract in data/datapackage.json: complete, documented, and what the issue promises."""

from __future__ import annotations

import ast

import pytest

from components.contract import load_contract
from tests.conftest import REPO

# The tables and columns the product promises (more columns may be added, none removed).
PROMISED = {
    "sources": "source_id title publisher published_on url kind",
    "places": "place_id name_en name_zh kind country lat lon parent_place_id",
    "agreements": "agreement_id title_en title_zh kind signed_on place_id summary_en summary_zh "
    "source_id",
    "parties": "party_id agreement_id name_en name_zh kind country place_id role source_id",
    "people": "person_id name_en name_zh title_en title_zh party_id source_id",
    "focus_areas": "focus_area_id agreement_id name_en name_zh description_en description_zh "
    "source_id",
    "initiatives": "initiative_id agreement_id title_en title_zh summary_en summary_zh "
    "focus_area_ids lead_party_id partner_party_ids place_ids start_date end_date status "
    "status_as_of source_id",
    "milestones": "milestone_id agreement_id initiative_id date title_en title_zh kind place_id "
    "status source_id",
    "indicators": "indicator_id initiative_id name_en name_zh unit direction baseline "
    "baseline_date target target_date source_id",
    "indicator_values": "indicator_id date value note source_id",
}


@pytest.mark.parametrize("name", PROMISED)
def test_promised_columns_exist(name):
    columns = load_contract().table(name).column_names
    assert [c for c in PROMISED[name].split() if c not in columns] == []


def test_every_table_and_column_is_described():
    """Each table and column has a description (the docs and templates read them)."""
    contract = load_contract()
    undocumented = [t.name for t in contract.tables if not t.description.strip()]
    undocumented += [
        f"{t.name}.{c.name}" for t in contract.tables for c in t.columns if not c.description
    ]
    assert undocumented == []


def test_every_reference_points_at_a_key():
    """Foreign keys and id lists point at a primary key of an existing table."""
    contract = load_contract()
    for table in contract.tables:
        for column in table.columns:
            if column.references:
                target = contract.table(column.references.table)
                assert target.primary_key == (column.references.column,), column.name


def test_every_row_cites_a_source():
    """Every table but sources has a required source_id that refers to sources."""
    for table in load_contract().tables:
        if table.name == "sources":
            continue
        source = table.column("source_id")
        assert source.required and source.references.table == "sources", table.name


def test_enums_are_as_promised():
    contract = load_contract()
    assert contract.table("initiatives").column("status").enum == (
        "planned",
        "active",
        "completed",
        "paused",
        "cancelled",
        "unknown",
    )
    assert contract.table("milestones").column("status").enum == (
        "done",
        "planned",
        "missed",
        "unknown",
    )
    assert set(contract.table("places").column("kind").enum) >= {
        "city",
        "county",
        "province",
        "venue",
        "campus",
    }
    assert set(contract.table("parties").column("role").enum) >= {
        "signatory",
        "partner",
        "supporter",
    }


def test_logic_modules_do_not_import_streamlit():
    """Only components/ui (and app.py, pages/) may import Streamlit; the rest is plain Python."""
    offenders = []
    for path in (REPO / "components").rglob("*.py"):
        if "ui" in path.relative_to(REPO / "components").parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(path.relative_to(REPO).as_posix())
    assert offenders == []


def test_chinese_pages_show_an_indicators_chinese_unit(tmp_path_factory):
    """In 中文 an indicator's unit is its unit_zh, in English its unit, in English + 中文 each
    in its half; a unit without a Chinese form shows no English word in 中文 (a symbol such as
    % is kept), so no Chinese page shows "（students）"."""
    from components import progress
    from components.filters import Filters, select
    from tests.rich_data import load_rich

    rich = load_rich(tmp_path_factory)
    values = progress.IndicatorValues(rich["indicator_values"])
    agreement = rich["agreements"]["agreement_id"].iloc[0]

    def units(language: str) -> dict:
        selection = select(rich, Filters(agreement))
        table = progress.indicator_table(rich, selection, values, language)
        return dict(zip(table["indicator_id"], table["unit"], strict=True))

    assert units("zh")["sensors-installed"] == "个"
    assert units("en")["sensors-installed"] == "sensors"
    both = units("both")["sensors-installed"]
    assert (both.en, both.zh) == ("sensors", "个")
    assert units("zh")["travel-minutes"] == ""  # no unit_zh: no English word instead
    assert progress.indicator_unit({"unit": "%", "unit_zh": ""}, "zh") == "%"
    chinese_table = progress.indicator_table(rich, select(rich, Filters(agreement)), values, "zh")
    chart = progress.bullet_chart(rich, chinese_table, ["sensors-installed"], "zh")
    assert "sensors" not in chart.figure.to_json()
