"""Column checks that share work between cells give the same answers as checking every cell."""

from __future__ import annotations

import pandas as pd
import pytest

from components.contract import load_contract
from components.loader import load_dataset
from components.validation import ColumnCells, _is_in
from tests.conftest import DataDir


def text(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype="str", index=pd.RangeIndex(2, len(values) + 2, name="line"))


def starts_with_a(values: pd.Series) -> pd.Series:
    return values.str.startswith("a")


REPEATING = ["a1", "b2", "", "a1", "a1", "", "b2", "a1", "c3", "a1"]
DISTINCT = ["a1", "b2", "", "a3", "c4", "a5"]


@pytest.mark.parametrize("values", [REPEATING, DISTINCT], ids=["repeating", "distinct"])
@pytest.mark.parametrize("may_repeat", [True, False])
def test_each_matches_the_test_on_every_cell(values, may_repeat):
    """A test run once per distinct value lands on exactly the cells, and lines, it would."""
    cells = text(values)
    column = ColumnCells(cells, may_repeat)
    pd.testing.assert_series_equal(column.each(starts_with_a), starts_with_a(cells))
    filled = cells[cells != ""]
    pd.testing.assert_series_equal(
        column.each(starts_with_a, filled_only=True), starts_with_a(filled)
    )
    assert list(column.filled.index) == list(filled.index)
    assert list(column.empty.index) == ([4, 7] if values is REPEATING else [4])


def test_is_in_matches_pandas_isin():
    """The Arrow look-up agrees with pandas for text and for the object ids of exploded lists."""
    known = text(["x", "y", "", "z"])
    for values in (text(["x", "q", "z", "y", "w"]), pd.Series(["x", "q", "z"], dtype=object)):
        assert list(_is_in(values, known)) == list(values.isin(set(known)))


def test_problems_are_reported_in_the_contracts_order(data_dir: DataDir):
    """Tables are checked two at a time; the report still lists them in the contract's order."""
    data_dir.set_cell("sources", 2, "kind", "rumour")
    data_dir.set_cell("places", 2, "lat", "north")
    data_dir.set_cell("initiatives", 2, "status", "finished-ish")
    first = load_dataset(data_dir.path).problems
    again = load_dataset(data_dir.path).problems
    assert first == again
    order = [table.filename for table in load_contract().tables]
    files = [problem.file for problem in first]
    assert files == sorted(files, key=order.index)
    assert {"sources.csv", "places.csv", "initiatives.csv"} <= set(files)
