"""Tables in English + 中文 write each language whole (a column per language, never "A · 甲" in a
cell), and keep a name and its status on a narrow screen."""

from __future__ import annotations

from datetime import date

import pytest

from components import initiatives, quiet
from components.i18n import INLINE
from components.loader import load_dataset
from components.table_views import TABLE_COLUMNS, table_view
from tests.conftest import SHIPPED_DATA
from tests.rich_data import rich_copy


@pytest.fixture(scope="module")
def shipped():
    return load_dataset(SHIPPED_DATA).dataset


def test_bilingual_cells_hold_one_language_each(shipped):
    """Every cell of the bilingual initiatives table holds one language: the title and the status
    each have an English and a Chinese column, under headings in their own language."""
    table = table_view(initiatives.initiative_table(shipped, "both"), "initiatives", "both", ())
    shown = table.shown
    assert {"Title", "标题", "Status", "状态"} <= set(shown.columns)
    for column in shown.columns:
        assert not any(INLINE in str(cell) for cell in shown[column]), column
    assert set(shown["状态"]) == {"计划中"} and set(shown["Status"]) == {"planned"}
    assert "空气质量、交通建模与场所营造学生项目" in set(shown["标题"])


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_a_name_and_its_status_come_first(shipped, language):
    """The status stands beside the name, so a narrow screen never cuts it off; the bilingual
    table leaves out what its details show, to stay within a projector's width."""
    table = table_view(
        initiatives.initiative_table(shipped, language), "initiatives", language, ()
    ).shown
    first = [str(c) for c in table.columns[: 4 if language == "both" else 2]]
    assert any(c in ("Status", "状态") for c in first), first
    if language == "both":
        assert len(table.columns) <= 8


def test_every_bilingual_table_splits_its_text(tmp_path_factory):
    """The quiet tables (rich data) are split the same way: no cell holds both languages."""
    from components.filters import Filters, select
    from components.progress import IndicatorValues

    rich = load_dataset(rich_copy(tmp_path_factory.mktemp("rich")).path).dataset
    selection = select(rich, Filters("oxford-hebei-mou-2018"))
    today = date(2026, 11, 28)
    values = IndicatorValues(rich["indicator_values"])
    found = quiet.gone_quiet(rich, selection, quiet.last_activity(rich, values, today), today, 1)
    rows, areas = quiet.readable_quiet(found, "both")
    for frame, name in ((rows, "quiet_initiatives"), (areas, "quiet_areas")):
        assert name in TABLE_COLUMNS
        shown = table_view(frame, name, "both", ()).shown
        for column in shown.columns:
            assert not any(INLINE in str(cell) for cell in shown[column]), (name, column)


def test_the_validation_report_gives_each_language_its_own_column():
    """The report the Data page downloads in English + 中文: the severity, the problem and the fix
    each in an English and a Chinese column, no cell holding both."""
    from components.problems import Problem, Severity, report_frame

    problem = Problem(
        severity=Severity.ERROR,
        file="places.csv",
        line=2,
        column="lat",
        value="x",
        problem="The latitude is not a number.",
        fix="Write it as a number.",
    )
    frame = report_frame([problem], "both")
    assert {"severity_en", "severity_zh", "problem_en", "problem_zh"} <= set(frame.columns)
    for column in frame.columns:
        assert not any(INLINE in str(cell) for cell in frame[column]), column
