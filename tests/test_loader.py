"""Loader and validator: the shipped data is valid; each mistake is reported where it is."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from components.contract import load_contract
from components.loader import load_dataset
from components.problems import Problem, Severity, has_errors
from tests.conftest import SHIPPED_DATA, DataDir


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is not Severity.WARNING]


def only_error(problems: list[Problem]) -> Problem:
    found = errors(problems)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_shipped_data_is_valid_without_warnings():
    """The shipped data loads with no error and no warning."""
    result = load_dataset(SHIPPED_DATA)
    assert result.problems == []
    assert result.ok


def test_shipped_tables_match_the_files_row_for_row():
    """Every table is loaded with exactly the rows and columns its CSV file holds."""
    dataset = load_dataset(SHIPPED_DATA).dataset
    for table in load_contract().tables:
        with (SHIPPED_DATA / table.filename).open(encoding="utf-8", newline="") as handle:
            records = list(csv.reader(handle))
        frame = dataset[table.name]
        assert list(frame.columns) == records[0] == table.column_names
        assert len(frame) == len(records) - 1


def test_types_are_converted():
    """Dates become datetimes, numbers floats, lists tuples of ids."""
    dataset = load_dataset(SHIPPED_DATA).dataset
    places = dataset["places"]
    assert places["lat"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(dataset["agreements"]["signed_on"])
    assert dataset["agreements"]["signed_on"].iloc[0] == pd.Timestamp("2018-07-04")
    assert all(isinstance(ids, tuple) for ids in dataset["initiatives"]["place_ids"])


def test_broken_foreign_key_names_file_line_column_and_closest_id(data_dir: DataDir):
    """An unknown place id is reported with its line and the closest valid id."""
    line = data_dir.line_of("parties", "party_id", "langfang-government")
    data_dir.set_cell("parties", line, "place_id", "langfnag")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("parties.csv", line, "place_id")
    assert problem.value == "langfnag"
    assert "'langfang'" in problem.fix


def test_unknown_id_inside_a_list_is_reported(data_dir: DataDir):
    """Each id inside a ';'-separated list must exist."""
    line = data_dir.line_of("initiatives", "initiative_id", "student-project-2018")
    data_dir.set_cell("initiatives", line, "focus_area_ids", "higher-education;trade-investmnt")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == (
        "initiatives.csv",
        line,
        "focus_area_ids",
    )
    assert problem.value == "trade-investmnt"
    assert "trade-investment" in problem.fix


def test_self_reference_to_parent_place_is_checked(data_dir: DataDir):
    """parent_place_id must be a place of the same table."""
    line = data_dir.line_of("places", "place_id", "baoding")
    data_dir.set_cell("places", line, "parent_place_id", "hebie")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("places.csv", line, "parent_place_id")
    assert "'hebei'" in problem.fix


def test_duplicate_id_names_both_lines(data_dir: DataDir):
    """A repeated primary key is reported on the repeat, naming the line that has it first."""
    first = data_dir.line_of("places", "place_id", "oxford")
    row = data_dir.rows("places")[first - 2]
    line = data_dir.append("places", {**row, "name_en": "Oxford again"})
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("places.csv", line, "place_id")
    assert f"line {first}" in problem.problem


def test_composite_key_duplicates_are_found(data_dir: DataDir):
    """indicator_values may not hold two values for one indicator on one date."""
    data_dir.append(
        "indicators",
        {
            "indicator_id": "students",
            "initiative_id": "student-project-2018",
            "name_en": "Students",
            "direction": "increase",
            "source_id": "press-release-2018-07-20",
        },
    )
    value = {
        "indicator_id": "students",
        "date": "2018-08-31",
        "value": "3",
        "source_id": "press-release-2018-07-20",
    }
    data_dir.append("indicator_values", value)
    line = data_dir.append("indicator_values", {**value, "value": "4"})
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == (
        "indicator_values.csv",
        line,
        "indicator_id+date",
    )


def test_end_date_before_start_date(data_dir: DataDir):
    """end_date earlier than start_date is an error on end_date."""
    line = data_dir.line_of("initiatives", "initiative_id", "student-project-2018")
    data_dir.set_cell("initiatives", line, "end_date", "2018-07-31")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("initiatives.csv", line, "end_date")
    assert problem.value == "2018-07-31"


def test_missing_required_value(data_dir: DataDir):
    """A required cell left empty is reported with what to put there."""
    data_dir.set_cell("focus_areas", 3, "name_en", "")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("focus_areas.csv", 3, "name_en")
    assert "required" in problem.problem


def test_value_outside_enum(data_dir: DataDir):
    """A status that is not allowed lists the allowed ones."""
    data_dir.set_cell("initiatives", 2, "status", "in progress")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("initiatives.csv", 2, "status")
    assert "planned, active, completed" in problem.fix


def test_enum_in_other_capitals_is_normalised_with_a_warning(data_dir: DataDir):
    """'Planned' is read as 'planned' and the change is listed as a warning."""
    data_dir.set_cell("initiatives", 2, "status", "Planned")
    result = load_dataset(data_dir.path)
    assert result.ok
    (warning,) = result.problems
    assert (warning.severity, warning.line, warning.column) == (Severity.WARNING, 2, "status")
    assert result.dataset["initiatives"]["status"].iloc[0] == "planned"


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("04/07/2018", "2018-07-04"),
        ("43285", "Excel day number"),
        ("4/7/18", "Two-digit years"),
        ("2018-02-30", "does not exist"),
        ("July 2018", "YYYY-MM-DD"),
    ],
)
def test_dates_must_be_iso(data_dir: DataDir, value: str, hint: str):
    """A date not written YYYY-MM-DD is rejected with a fix that fits the mistake."""
    data_dir.set_cell("agreements", 2, "signed_on", value)
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("agreements.csv", 2, "signed_on")
    assert hint in problem.fix


@pytest.mark.parametrize("value", ["inf", "-Infinity", "NaN", "1e999"])
def test_non_finite_numbers_are_rejected(data_dir: DataDir, value: str):
    """inf, NaN and overflowing numbers are not figures."""
    data_dir.set_cell("places", 2, "lon", value)
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("places.csv", 2, "lon")


def test_text_in_a_number_column(data_dir: DataDir):
    """'51.75 N' is not a number."""
    data_dir.set_cell("places", 2, "lat", "51.75 N")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.line, problem.column, problem.value) == (2, "lat", "51.75 N")


def test_latitude_out_of_range_hints_at_a_swap(data_dir: DataDir):
    """A latitude of 116.7 with a longitude of 39.5 suggests the two were swapped."""
    line = data_dir.line_of("places", "place_id", "langfang")
    data_dir.set_cell("places", line, "lat", "116.7036")
    data_dir.set_cell("places", line, "lon", "39.5234")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("places.csv", line, "lat")
    assert "swapped" in problem.fix


def test_id_pattern(data_dir: DataDir):
    """Ids are lower case with hyphens; 'Oxford Town Hall' is not an id."""
    chengdu = data_dir.rows("places")[data_dir.line_of("places", "place_id", "chengdu") - 2]
    line = data_dir.append("places", {**chengdu, "place_id": "Chengdu City"})
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.line, problem.column, problem.value) == (line, "place_id", "Chengdu City")


def test_missing_column(data_dir: DataDir):
    """A column missing from the header is named, on line 1."""
    rows = data_dir.rows("sources")
    header = [name for name in data_dir.header("sources") if name != "publisher"]
    data_dir.write(
        "sources", [{k: v for k, v in r.items() if k != "publisher"} for r in rows], header
    )
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line, problem.column) == ("sources.csv", 1, "publisher")


def test_extra_column_is_a_warning_and_never_published(data_dir: DataDir):
    """An unknown column is reported once as a warning and left out of the live data."""
    header = data_dir.header("sources")
    rows = [{**row, "comment": "checked"} for row in data_dir.rows("sources")]
    data_dir.write("sources", rows, [*header, "comment"])
    result = load_dataset(data_dir.path)
    assert result.ok
    assert [p.column for p in result.problems] == ["comment"]
    assert "ignored" in result.problems[0].problem
    assert list(result.dataset["sources"].columns) == header


def test_row_with_wrong_number_of_cells(data_dir: DataDir):
    """A row with an unquoted comma has too many cells and is named by its line."""
    text = (data_dir.path / "focus_areas.csv").read_text(encoding="utf-8").splitlines()
    text.append("broken-row,oxford-hebei-mou-2018,Name, with a comma,,,,,,press-release-2018-07-20")
    (data_dir.path / "focus_areas.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.file, problem.line) == ("focus_areas.csv", len(text))
    assert "cells" in problem.problem


def test_line_numbers_count_records_like_a_spreadsheet(data_dir: DataDir):
    """A quoted cell spanning two lines still counts as one spreadsheet row."""
    data_dir.set_cell("focus_areas", 2, "description_en", "first line\nsecond line")
    data_dir.set_cell("focus_areas", 4, "name_en", "")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert problem.line == 4


def test_not_utf8_is_fatal_and_says_how_to_save(data_dir: DataDir):
    """A Windows-1252 file cannot be read; the fix says how to save as CSV UTF-8."""
    text = (data_dir.path / "people.csv").read_text(encoding="utf-8")
    data_dir.write_bytes(
        "people", text.replace("Colin Cook", "Colin Cöok").encode("cp1252", "replace")
    )
    problem = only_error(load_dataset(data_dir.path).problems)
    assert problem.severity is Severity.FATAL
    assert problem.file == "people.csv"
    assert problem.line == 2
    assert "CSV UTF-8" in problem.fix


def test_bom_is_accepted_with_a_warning(data_dir: DataDir):
    """Excel's 'CSV UTF-8' byte order mark is ignored."""
    data = (data_dir.path / "sources.csv").read_bytes()
    data_dir.write_bytes("sources", b"\xef\xbb\xbf" + data)
    result = load_dataset(data_dir.path)
    assert result.ok
    assert [p.severity for p in result.problems] == [Severity.WARNING]


def test_missing_file_is_fatal(data_dir: DataDir):
    """A table whose file is missing is named with the header it needs."""
    (data_dir.path / "milestones.csv").unlink()
    result = load_dataset(data_dir.path)
    assert not result.ok
    problem = only_error(result.problems)
    assert problem.severity is Severity.FATAL
    assert problem.file == "milestones.csv"
    assert "milestone_id" in problem.fix


def test_empty_file_is_fatal(data_dir: DataDir):
    data_dir.write_bytes("people", b"")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.severity, problem.file, problem.line) == (Severity.FATAL, "people.csv", 1)


def test_control_characters_are_rejected(data_dir: DataDir):
    """A NUL or other control character in a cell is an error on its line."""
    data_dir.set_cell("people", 3, "note_en", "pasted\x00text")
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.line, problem.column) == (3, "note_en")
    assert "\\x00" in problem.value


def test_cell_longer_than_allowed(data_dir: DataDir):
    data_dir.set_cell("places", 2, "name_en", "x" * 500)
    problem = only_error(load_dataset(data_dir.path).problems)
    assert (problem.line, problem.column) == (2, "name_en")
    assert "200" in problem.problem


def test_many_identical_mistakes_are_folded(data_dir: DataDir):
    """Thousands of lines with one mistake give a bounded report with a count of the rest."""
    rows = [
        {
            "indicator_id": "missing-indicator",
            "date": f"2019-01-{day:02d}",
            "value": "1",
            "source_id": "press-release-2018-07-20",
        }
        for day in range(1, 29)
    ] * 1
    many = []
    for year in range(2000, 2100):
        many.extend({**row, "date": row["date"].replace("2019", str(year))} for row in rows)
    data_dir.write("indicator_values", many)
    problems = errors(load_dataset(data_dir.path).problems)
    assert len(problems) <= 60
    assert any("more lines have the same problem" in p.problem for p in problems)
    assert has_errors(problems)


def test_dataset_reports_status_as_of():
    """The newest status_as_of is what the sidebar calls 'as of'."""
    dataset = load_dataset(SHIPPED_DATA).dataset
    assert dataset.status_as_of == dataset["initiatives"]["status_as_of"].max()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1.5", "20", "-3e2"], [1.5, 20.0, -300.0]),  # Arrow's fast parser takes these
        ([" 12", "7 "], [12.0, 7.0]),  # Arrow refuses spaces: pandas decides, as before
        (["12", "twelve"], [12.0, None]),
    ],
)
def test_numbers_are_parsed_the_same_by_either_parser(cells, expected):
    from components.validation import _parse_numbers

    parsed = _parse_numbers(pd.Series(cells, dtype="string[pyarrow]"))
    assert [None if pd.isna(v) else float(v) for v in parsed] == expected


OLD_INDICATOR = {
    "indicator_id": "students-hosted",
    "initiative_id": "student-project-2018",
    "name_en": "Students hosted",
    "name_zh": "接待学生人数",
    "unit": "students",
    "direction": "increase",
    "baseline": "0",
    "baseline_date": "2018-07-04",
    "target": "10",
    "target_date": "2019-07-04",
    "source_id": "press-release-2018-07-20",
}


def write_without(data_dir: DataDir, table: str, column: str, rows=None) -> None:
    """The table as a file written before the contract gained `column`."""
    rows = data_dir.rows(table) if rows is None else rows
    header = [name for name in data_dir.header(table) if name != column]
    data_dir.write(table, [{name: row.get(name, "") for name in header} for row in rows], header)


def test_a_file_from_before_a_column_was_added_loads_with_it_empty(data_dir: DataDir):
    """An indicators.csv without unit_zh and a people.csv without precedence (older files,
    stored versions, analysts' workbooks) load with no problem; the columns read as empty."""
    contract = load_contract()
    assert contract.table("indicators").column("unit_zh").may_be_absent
    assert contract.table("people").column("precedence").may_be_absent
    write_without(data_dir, "indicators", "unit_zh", [OLD_INDICATOR])
    write_without(data_dir, "people", "precedence")
    result = load_dataset(data_dir.path)
    assert result.ok and result.problems == []
    assert result.dataset["indicators"]["unit_zh"].tolist() == [""]
    precedence = result.dataset["people"]["precedence"]
    assert str(precedence.dtype) == "Int64" and precedence.isna().all()


def test_a_column_added_later_is_checked_when_present(data_dir: DataDir):
    """Present, an added column is checked like any other: precedence is a whole number of 1
    or more, read as a nullable integer; the shipped order puts the Lord Mayor first."""
    people = load_dataset(data_dir.path).dataset["people"].set_index("person_id")
    assert str(people["precedence"].dtype) == "Int64"
    assert people["precedence"].sort_values().index[:2].tolist() == ["colin-cook", "zhang-gujiang"]
    data_dir.set_cell("people", 2, "precedence", "0")
    data_dir.set_cell("people", 3, "precedence", "1.5")
    problems = {p.line: p for p in load_dataset(data_dir.path).problems}
    assert problems[2].problem == "precedence must be 1 or more."
    assert problems[2].fix == "Use a value of 1 or more."
    assert "whole number" in problems[3].problem


def test_a_required_column_missing_from_the_header_is_still_an_error(data_dir: DataDir):
    """Only a column the contract marks as added later may be absent."""
    write_without(data_dir, "indicators", "unit", [OLD_INDICATOR])
    (problem,) = load_dataset(data_dir.path).problems
    assert problem.severity is Severity.ERROR and problem.column == "unit"
    assert "'unit' is missing" in problem.problem


def test_an_old_file_is_accepted_by_partnership_validate_and_the_upload(data_dir: DataDir):
    """`partnership validate` and the Data page's check accept the older indicators.csv; the
    upload stores it with the new column, empty."""
    import subprocess
    import sys
    from pathlib import Path

    from components.upload import check_upload

    write_without(data_dir, "indicators", "unit_zh", [OLD_INDICATOR])
    command = Path(sys.executable).parent / "partnership"
    result = subprocess.run(
        [str(command), "validate", str(data_dir.path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    old = (data_dir.path / "indicators.csv").read_bytes()
    proposal = check_upload(old.replace(b",0,", b",1,"), "indicators.csv", data_dir.path)
    assert proposal.ok, proposal.problems
    stored = proposal.files["indicators.csv"].decode().splitlines()
    assert stored[0].split(",")[5] == "unit_zh" and stored[1].split(",")[5] == ""
