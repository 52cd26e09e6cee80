"""Wide files, millions of ragged rows and long reports cost little and read as a few lines."""

from __future__ import annotations

import csv
import io
import time

from components.contract import load_contract
from components.limits import MAX_EXTRA_COLUMNS, MAX_PROBLEMS
from components.loader import load_dataset
from components.problems import MAX_PER_KIND, Problem, Severity, bounded, has_errors
from components.table_files import read_table_bytes
from components.upload import check_upload
from tests.conftest import DataDir

PLACES = load_contract().table("places")


def with_extra_columns(
    data_dir: DataDir, table: str, count: int, value: str = "", name: str | None = None
) -> bytes:
    """The table's file with `count` columns the contract does not know (`extra_0`, ... or
    all called `name`)."""
    header = data_dir.header(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*header, *(name or f"extra_{number}" for number in range(count))])
    for row in data_dir.rows(table):
        writer.writerow([*(row[column] for column in header), *([value] * count)])
    return buffer.getvalue().encode("utf-8")


def test_thousands_of_extra_columns_are_one_error_found_quickly(data_dir: DataDir):
    """20,000 extra columns (7.6 minutes before) give one error naming how many, the first
    names and the fix, in well under a few seconds."""
    data_dir.write_bytes("places", with_extra_columns(data_dir, "places", 20_000))
    started = time.perf_counter()
    result = load_dataset(data_dir.path)
    took = time.perf_counter() - started
    assert not result.ok
    (problem,) = result.problems
    assert problem.severity is Severity.ERROR and problem.file == "places.csv"
    assert problem.line == 1
    assert "20,000 columns" in problem.problem and "'extra_0', 'extra_1'" in problem.problem
    assert f"at most {MAX_EXTRA_COLUMNS}" in problem.problem
    assert problem.fix.startswith("Delete the columns the contract does not know")
    assert ", ".join(PLACES.column_names) in problem.fix
    assert took < 5, f"{took:.1f} s"


def test_extra_columns_up_to_the_cap_are_warnings_and_one_more_is_an_error(data_dir: DataDir):
    """At the cap each extra column is one warning and the data loads without them; one more
    column makes the file an error."""
    data_dir.write_bytes("places", with_extra_columns(data_dir, "places", MAX_EXTRA_COLUMNS))
    result = load_dataset(data_dir.path)
    assert result.ok
    assert len(result.problems) == MAX_EXTRA_COLUMNS
    assert {p.severity for p in result.problems} == {Severity.WARNING}
    assert list(result.dataset["places"].columns) == PLACES.column_names
    data_dir.write_bytes("places", with_extra_columns(data_dir, "places", MAX_EXTRA_COLUMNS + 1))
    result = load_dataset(data_dir.path)
    assert not result.ok
    assert [p.severity for p in result.problems] == [Severity.ERROR]


def test_the_cap_counts_repeated_extra_names_once_each_column(data_dir: DataDir):
    """A thousand columns all named the same are as many columns, and one error, not a
    thousand repeated-column lines."""
    data_dir.write_bytes("places", with_extra_columns(data_dir, "places", 1_000, name="note"))
    (problem,) = load_dataset(data_dir.path).problems
    assert "1,000 columns" in problem.problem and "('note')" in problem.problem


def test_an_upload_stores_only_the_contracts_columns(data_dir: DataDir):
    """An upload's extra column is named once in a warning and left out of the stored file."""
    data = with_extra_columns(data_dir, "places", 2, value="kept?")
    proposal = check_upload(data, "places.csv", data_dir.path, table="places")
    assert proposal.ok
    named = [p for p in proposal.warnings if p.column in ("extra_0", "extra_1")]
    assert sorted(p.column for p in named) == ["extra_0", "extra_1"]
    assert not proposal.has_changes  # the contract's cells are those already stored
    edited = data.replace(b"Oxford,", b"Oxford City,", 1)
    proposal = check_upload(edited, "places.csv", data_dir.path, table="places")
    stored = proposal.files["places.csv"].decode("utf-8")
    assert stored.splitlines()[0] == ",".join(PLACES.column_names)
    assert "kept?" not in stored and "extra_0" not in stored


def test_an_upload_with_too_many_extra_columns_is_refused(data_dir: DataDir):
    """Past the cap an upload is refused with the same one error as the loader gives."""
    data = with_extra_columns(data_dir, "places", 5_000)
    proposal = check_upload(data, "places.csv", data_dir.path, table="places")
    assert not proposal.ok and not proposal.files
    (problem,) = proposal.errors
    assert "5,000 columns" in problem.problem


def one_cell_rows(data_dir: DataDir, rows: int) -> bytes:
    return (data_dir.path / "places.csv").read_bytes() + b"x\n" * rows


def test_ragged_rows_are_listed_up_to_the_cap_and_counted(data_dir: DataDir):
    """200,000 one-cell rows give the first rows listed and one line counting the rest."""
    data_dir.write_bytes("places", one_cell_rows(data_dir, 200_000))
    problems = load_dataset(data_dir.path).problems
    listed = [p for p in problems if p.line is not None]
    assert len(listed) == MAX_PER_KIND
    assert all("This row has 1 cells but the header has 10" in p.problem for p in listed)
    (summary,) = [p for p in problems if p.line is None]
    assert f"{200_000 - MAX_PER_KIND} more lines" in summary.problem
    assert summary.severity is Severity.ERROR and summary.file == "places.csv"


def test_ragged_rows_in_an_upload_are_capped(data_dir: DataDir):
    """The same file uploaded gives the same short report."""
    data = one_cell_rows(data_dir, 200_000)
    proposal = check_upload(data, "places.csv", data_dir.path, table="places")
    assert not proposal.ok
    assert len(proposal.errors) == MAX_PER_KIND + 1


def test_blank_rows_are_one_warning():
    """Any number of blank rows is one warning naming the first lines."""
    header = ",".join(PLACES.column_names).encode()
    data = header + b"\n" + b",,,\n" * 100_000
    raw, problems = read_table_bytes(data, PLACES, "places.csv")
    (problem,) = problems
    assert problem.line == 2 and "100000 blank lines were skipped (lines 2, 3," in problem.problem
    assert raw is not None and len(raw.cells) == 0


def report(count: int, severity: Severity) -> list[Problem]:
    return [
        Problem(
            severity=severity, file=f"t{n % 7}.csv", line=n + 2, column="c", problem="p", fix=""
        )
        for n in range(count)
    ]


def test_a_report_holds_at_most_the_limit_and_counts_the_rest():
    """Many kinds of problem together are bounded; the last line counts the rest, by
    severity, and keeps the report as severe as it was."""
    problems = report(3_000, Severity.WARNING) + report(2_000, Severity.ERROR)
    kept = bounded(problems)
    assert len(kept) == MAX_PROBLEMS
    assert [p.severity for p in kept[:-1]] == [Severity.ERROR] * (MAX_PROBLEMS - 1)
    last = kept[-1]
    rest = len(problems) - (MAX_PROBLEMS - 1)
    assert f"{rest:,} more problems" in last.problem
    assert f"({2_000 - (MAX_PROBLEMS - 1):,} errors, 3,000 warnings)" in last.problem
    assert last.severity is Severity.ERROR and has_errors(kept)
    assert bounded(problems[:10]) == problems[:10]


def test_a_loaded_report_is_bounded(data_dir: DataDir):
    """Every table with as many extra columns as allowed and every column name padded with
    spaces makes more warnings than a report holds: the loader's report keeps to the bound."""
    for table in load_contract().tables:
        text = (data_dir.path / table.filename).read_text(encoding="utf-8").splitlines()
        extra = [f"extra_{number}" for number in range(MAX_EXTRA_COLUMNS)]
        text[0] = ",".join(f" {name} " for name in [*text[0].split(","), *extra])
        text[1:] = [line + "," * MAX_EXTRA_COLUMNS for line in text[1:]]
        data_dir.write_bytes(table.name, ("\n".join(text) + "\n").encode("utf-8"))
    result = load_dataset(data_dir.path)
    assert result.ok
    assert len(result.problems) == MAX_PROBLEMS
    assert "more problems (" in result.problems[-1].problem
