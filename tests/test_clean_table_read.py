"""The fast reader gives exactly the careful reader's cells, and steps aside for any odd file."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from components.clean_table_read import read_clean_table
from components.contract import load_contract
from components.problems import Severity
from components.sample import write_sample
from components.table_files import read_table_bytes

MILESTONES = load_contract().table("milestones")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean") / "data"
    write_sample(folder, scale=3)
    return folder


def test_same_cells_and_lines_as_the_careful_reader(sample_dir):
    """For every plain file, cells, dtypes and line numbers are identical."""
    fast_tables = 0
    for table in load_contract().tables:
        data = (sample_dir / table.filename).read_bytes()
        fast = read_clean_table(data, table)
        if fast is None:
            continue
        fast_tables += 1
        careful, problems = read_table_bytes(data, table, table.filename)
        assert problems == []
        pd.testing.assert_frame_equal(fast.cells, careful.cells)
        assert fast.extra_columns == careful.extra_columns == []
    assert fast_tables >= 5


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: b"\xef\xbb\xbf" + d, "byte order mark"),
        (
            lambda d: d.replace(b"Illustrative milestone 1,", b'"Illustrative, milestone 1",'),
            "quotes",
        ),
        (lambda d: d + b"\n\n", "blank line"),
        (lambda d: d + b",,,,,,,,,,,,\n", "row of empty cells"),
        (lambda d: d + b"one,two\n", "short row"),
        (lambda d: d.replace(b"milestone_id", b"Milestone_ID", 1), "header differs"),
        (lambda d: d.replace(b"Illustrative milestone 1,", b"Illustrative \xff,"), "not UTF-8"),
        (lambda d: d.replace(b"Illustrative milestone 1,", b"Illustrative \x00,"), "a NUL"),
        (lambda d: d.replace(b"\n", b",extra\n"), "an extra column"),
        (lambda d: d.replace(b"milestone_id", b"\xef\xbb\xbfmilestone_id", 1), "second BOM"),
    ],
)
def test_odd_files_go_to_the_careful_reader(sample_dir, change, why):
    """Anything the careful reader has a message for is left to it."""
    data = (sample_dir / MILESTONES.filename).read_bytes()
    assert read_clean_table(data, MILESTONES) is not None
    assert read_clean_table(change(data), MILESTONES) is None, why


def test_a_wide_file_is_read_with_only_the_contracts_cells(sample_dir):
    """A file with thousands of extra columns is read in linear time into the contract's cells
    alone, the same cells as the plain file gives."""
    data = (sample_dir / MILESTONES.filename).read_bytes()
    lines = data.decode("utf-8").splitlines()
    width = 5_000
    wide = [lines[0] + "".join(f",extra_{n}" for n in range(width))]
    wide += [line + "," * width for line in lines[1:]]
    wide_data = ("\n".join(wide) + "\n").encode("utf-8")
    assert read_clean_table(wide_data, MILESTONES) is None
    started = time.perf_counter()
    careful, problems = read_table_bytes(wide_data, MILESTONES, MILESTONES.filename)
    assert time.perf_counter() - started < 5
    assert [p.severity for p in problems] == [Severity.ERROR]
    assert "5,000 columns" in problems[0].problem
    plain = read_clean_table(data, MILESTONES)
    pd.testing.assert_frame_equal(careful.cells, plain.cells)
    assert len(careful.extra_columns) == width
