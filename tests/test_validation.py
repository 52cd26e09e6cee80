"""Column checks that share work between cells give the same answers as checking every cell."""

from __future__ import annotations

import pandas as pd
import pytest

from components.contract import load_contract
from components.loader import load_dataset
from components.upload import check_upload
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


def test_a_measured_value_dated_after_today_is_warned_about(data_dir: DataDir, monkeypatch):
    """A value, a baseline or a done milestone dated after today is named with its line and
    today's date; planned milestones and targets may lie in the future."""
    monkeypatch.setenv("PARTNERSHIP_TODAY", "2026-12-01")
    data_dir.append(
        "indicators",
        {
            "indicator_id": "students-hosted",
            "initiative_id": "student-project-2018",
            "name_en": "Students hosted",
            "direction": "increase",
            "baseline": "0",
            "baseline_date": "2027-01-01",
            "target": "20",
            "target_date": "2030-01-01",
            "source_id": "press-release-2018-07-20",
        },
    )
    value_line = data_dir.append(
        "indicator_values",
        {
            "indicator_id": "students-hosted",
            "date": "2029-06-16",
            "value": "12",
            "source_id": "press-release-2018-07-20",
        },
    )
    done = data_dir.line_of("milestones", "milestone_id", "mou-signed")
    data_dir.set_cell("milestones", done, "date", "2027-07-04")
    planned = data_dir.line_of("milestones", "milestone_id", "student-project-begins")
    data_dir.set_cell("milestones", planned, "date", "2027-08-01")

    result = load_dataset(data_dir.path)
    assert result.ok
    late = {(p.file, p.line, p.column, p.value) for p in result.problems}
    assert late == {
        ("indicators.csv", 2, "baseline_date", "2027-01-01"),
        ("indicator_values.csv", value_line, "date", "2029-06-16"),
        ("milestones.csv", done, "date", "2027-07-04"),
    }
    value = next(p for p in result.problems if p.file == "indicator_values.csv")
    assert "Today is 2026-12-01" in value.problem
    assert "target" in value.fix


def test_every_after_today_check_names_a_date_column_of_its_table():
    """The contract's not-after-today rules point at date columns that exist."""
    for table in load_contract().tables:
        for rule in table.not_after_today:
            assert table.column(rule.column).type == "date"
            for column, value in rule.when:
                assert value in table.column(column).enum


def test_a_folded_mistake_says_how_many_lines_it_leaves_out(data_dir: DataDir):
    """Past the lines it lists, the report counts every other line with the same mistake (not
    just the first one past the list)."""
    rows = data_dir.rows("milestones")
    broken = [
        {**rows[0], "milestone_id": f"m-{number}", "place_id": "atlantis", "date": "2018-13-01"}
        for number in range(120)
    ]
    data_dir.write("milestones", broken)
    folded = [p.problem for p in load_dataset(data_dir.path).problems if p.line is None]
    # 120 lines with each mistake, 50 of them listed.
    assert sum("70 more lines have the same problem" in text for text in folded) == 2


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://files.example.org/mou.pdf",
        "www.example.org/news",
        "https://",
        "https://www.example.org/a b",
    ],
)
def test_a_source_url_must_be_an_http_or_https_address(data_dir: DataDir, url: str):
    """Only an http or https address is a source's url; any other is an error naming the line,
    the column and the value, with the fix."""
    data_dir.set_cell("sources", 2, "url", url)
    (problem,) = [p for p in load_dataset(data_dir.path).problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.column) == ("sources.csv", 2, "url")
    assert problem.value == url
    assert "http:// or https://" in problem.problem
    assert "https://" in problem.fix


@pytest.mark.parametrize("url", ["https://www.example.org/news/mou?id=3#p2", "HTTP://Example.org"])
def test_an_http_or_https_source_url_is_accepted(data_dir: DataDir, url: str):
    data_dir.set_cell("sources", 2, "url", url)
    result = load_dataset(data_dir.path)
    assert result.ok and result.problems == []


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u202a", "U+202A (LEFT-TO-RIGHT EMBEDDING)"),
        ("\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("\u2069", "U+2069 (POP DIRECTIONAL ISOLATE)"),
        ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("\u200f", "U+200F (RIGHT-TO-LEFT MARK)"),
        ("\u2060", "U+2060 (WORD JOINER)"),
        ("\ufeff", "U+FEFF (BYTE ORDER MARK)"),
        ("\x00", "U+0000 (NULL)"),
        ("\x0c", "U+000C (FORM FEED)"),
    ],
)
def test_an_invisible_character_in_text_is_refused_and_named(
    data_dir: DataDir, character: str, named: str
):
    """Bidi overrides, isolates, zero-width characters and controls are errors that name the
    character, so the analyst can search for it."""
    data_dir.set_cell("places", 2, "name_en", f"Oxford{character} Town")
    (problem,) = [p for p in load_dataset(data_dir.path).problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.column) == ("places.csv", 2, "name_en")
    assert named in problem.problem
    assert "\\u" in problem.value or "\\x" in problem.value  # shown, not hidden


@pytest.mark.parametrize(
    ("header", "named"),
    [(b"name\x00_en", "U+0000 (NULL)"), (b"\xef\xbb\xbfname_en", "U+FEFF (BYTE ORDER MARK)")],
)
def test_a_nul_or_second_bom_in_a_header_is_named_by_the_loader_and_an_upload(
    data_dir: DataDir, header: bytes, named: str
):
    """The data folder's file and the same file uploaded both name the character."""
    data = (data_dir.path / "places.csv").read_bytes()
    broken = b"\xef\xbb\xbf" + data.replace(b"name_en", header, 1)
    upload = check_upload(broken, "places.csv", data_dir.path, table="places")
    data_dir.write_bytes("places", broken)
    for problems in (load_dataset(data_dir.path).problems, upload.problems):
        invisible = [p for p in problems if "invisible character" in p.problem]
        assert len(invisible) == 1 and named in invisible[0].problem
        assert invisible[0].line == 1
        missing = [p for p in problems if "'name_en' is missing" in p.problem]
        assert len(missing) == 1 and "Rename the column" in missing[0].fix
