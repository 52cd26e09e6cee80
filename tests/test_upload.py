"""Analysts' files: the corpus of tricky and broken files gives the outcome its manifest states;
normalised files are stored cleanly; the command line and the Data page report alike."""

from __future__ import annotations

import builtins
import io
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from components import upload
from components.contract import load_contract
from components.data_commands import EXIT_DONE, import_file
from components.editors import hash_password
from components.i18n import translate
from components.loader import load_dataset
from components.problems import Problem, Severity
from components.publishing import current_files
from components.upload import MAX_UPLOAD_BYTES, check_upload, guess_table, records_to_csv
from tests.conftest import REPO, DataDir, open_app

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    """A copy of the corpus's frozen dataset."""
    target = tmp_path / "data"
    shutil.copytree(CORPUS / "base", target)
    return target


def check(data: bytes, name: str, data_dir: Path, table: str | None = None):
    return check_upload(data, name, data_dir, table=table)


def matches(problem: Problem, expected: dict, default_file: str) -> bool:
    return (
        (expected["line"] is None or problem.line == expected["line"])
        and (expected["column"] is None or problem.column == expected["column"])
        and expected["says"].lower() in (problem.problem + " " + problem.fix).lower()
        and (expected.get("file") or default_file) in problem.file
    )


def test_the_corpus_has_at_least_30_files_each_with_an_outcome():
    """Every file in the corpus is in the manifest and the other way round."""
    files = {path.name for path in (CORPUS / "files").iterdir()}
    assert files == {entry["file"] for entry in MANIFEST}
    assert len(files) >= 30
    outcomes = {entry["outcome"] for entry in MANIFEST}
    assert outcomes == {"accepted", "rejected"}


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"] for entry in MANIFEST])
def test_corpus_file_outcome(entry: dict, base_dir: Path):
    """Accepted with exactly the listed warnings, or rejected naming the listed lines/columns."""
    name = entry["file"]
    data = (CORPUS / "files" / name).read_bytes()
    before = current_files(base_dir, load_contract())
    proposal = check(data, name, base_dir, entry.get("table"))
    shown = "\n".join(map(str, proposal.problems))
    if entry["outcome"] == "accepted":
        assert proposal.ok, shown
        assert proposal.has_changes or not entry["warnings"] or proposal.warnings, shown
        for expected in entry["warnings"]:
            assert any(matches(w, expected, name) for w in proposal.warnings), (expected, shown)
        for warning in proposal.warnings:
            assert any(matches(warning, e, name) for e in entry["warnings"]), (warning, shown)
    else:
        assert not proposal.ok
        assert proposal.files == {}
        for expected in entry["errors"]:
            assert any(matches(e, expected, name) for e in proposal.errors), (expected, shown)
        for error in proposal.errors:
            assert error.problem and error.fix, error
    # Checking never writes anything.
    assert current_files(base_dir, load_contract()) == before


def stored(proposal, filename: str) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(proposal.files[filename]), dtype=str, keep_default_na=False, encoding="utf-8"
    )


def test_normalised_files_are_stored_as_clean_utf8_csv(base_dir: Path):
    """GB18030, semicolons and header case come out as the stored form: UTF-8, commas, contract
    names; the upload of the same content as the current file changes nothing."""
    data = (CORPUS / "files" / "gb18030-chinese-excel.csv").read_bytes()
    proposal = check(data, "x.csv", base_dir)
    assert proposal.ok and not proposal.has_changes
    data = (CORPUS / "files" / "header-case-and-spaces.csv").read_bytes()
    assert not check(data, "x.csv", base_dir).has_changes
    text = (base_dir / "places.csv").read_text(encoding="utf-8").replace("牛津市政厅", "牛津市政府")
    proposal = check(text.encode("gb18030"), "places.csv", base_dir)
    body = proposal.files["places.csv"]
    assert not body.startswith(b"\xef\xbb\xbf") and "牛津市政府".encode() in body
    assert proposal.changes["places"].changed["new"].tolist() == ["牛津市政府"]


def test_day_first_dates_are_stored_iso(base_dir: Path):
    """04/07/2018 in a DD/MM/YYYY column is stored as 2018-07-04."""
    data = (CORPUS / "files" / "uk-dates-dd-mm-yyyy.csv").read_bytes()
    proposal = check(data, "milestones.csv", base_dir)
    assert proposal.ok and not proposal.has_changes  # same dates as the current file


def test_extra_columns_are_dropped_and_formula_text_stays_text(base_dir: Path):
    """An unknown column is named once and never stored; '=HYPERLINK(...)' is stored exactly
    as typed."""
    proposal = check((CORPUS / "files" / "extra-column-kept.csv").read_bytes(), "s.csv", base_dir)
    # The rest of the file is the current data: without its unknown column, nothing changes.
    assert proposal.ok and not proposal.has_changes and "sources.csv" not in proposal.files
    named = [problem for problem in proposal.warnings if problem.column == "checked_by"]
    assert len(named) == 1 and "not part of the contract" in named[0].problem
    proposal = check((CORPUS / "files" / "formula-like-text.csv").read_bytes(), "s.csv", base_dir)
    frame = stored(proposal, "sources.csv")
    assert frame["notes"][0] == '=HYPERLINK("http://example.org","click")'
    assert frame["reference"][0] == "=SUM(A1:A3)"


def test_percent_and_thousands_are_stored_as_plain_numbers(base_dir: Path):
    proposal = check(
        (CORPUS / "files" / "percent-in-percent-column.csv").read_bytes(), "i.csv", base_dir
    )
    frame = stored(proposal, "indicators.csv")
    assert (frame["baseline"][0], frame["target"][0]) == ("45", "60")
    proposal = check(
        (CORPUS / "files" / "thousands-separators.csv").read_bytes(), "i.csv", base_dir
    )
    frame = stored(proposal, "indicators.csv")
    assert (frame["baseline"][0], frame["target"][0]) == ("1200", "2500.5")


def test_oversized_upload_is_rejected_before_reading(base_dir: Path):
    """A file over the size limit is refused with the limit in the message."""
    data = b"source_id,kind\n" + b"x" * (MAX_UPLOAD_BYTES + 1)
    (problem,) = check(data, "big.csv", base_dir).errors
    assert problem.severity is Severity.FATAL
    assert "10 MB" in problem.problem


def test_each_table_is_recognised_from_its_header():
    """Without a choice, the table is told from its columns, in any case and order."""
    contract = load_contract()
    for table in contract.tables:
        header = [name.upper() for name in reversed(table.column_names)]
        assert guess_table(header, contract) is table


def test_a_chosen_table_overrides_recognition(base_dir: Path):
    """Choosing 'people' for a places file reports people's missing columns on line 1."""
    data = (base_dir / "places.csv").read_bytes()
    proposal = check(data, "places.csv", base_dir, table="people")
    assert {(p.line, p.column) for p in proposal.errors} >= {(1, "person_id")}


def test_browser_edits_go_through_the_same_checks(base_dir: Path):
    """Cells edited in the grid become a file checked and previewed like an upload."""
    frame = pd.read_csv(base_dir / "sources.csv", dtype=str, keep_default_na=False)
    new_row = {name: "" for name in frame.columns}
    new_row.update(source_id="meeting-2019", kind="Meeting-Note", title="Working group notes")
    frame = pd.concat([frame, pd.DataFrame([new_row])], ignore_index=True)
    records = [list(frame.columns), *frame.astype(str).values.tolist()]
    proposal = check(records_to_csv(records), "sources.csv", base_dir, table="sources")
    assert proposal.ok
    assert [(w.line, w.column) for w in proposal.warnings] == [(3, "kind")]
    added = proposal.changes["sources"].added
    assert added["source_id"].tolist() == ["meeting-2019"]
    assert added["kind"].tolist() == ["meeting-note"]


# Broken files already in the stored form: `partnership validate` on a data folder holding
# them and the Data page given them must name the same lines and columns.
SAME_REPORT = [
    ("unknown-id.csv", "parties.csv"),
    ("duplicate-id.csv", "places.csv"),
    ("lat-lon-swapped.csv", "places.csv"),
    ("end-before-start.csv", "initiatives.csv"),
    ("excel-serial-date.csv", "agreements.csv"),
    ("two-digit-year.csv", "agreements.csv"),
    ("nul-character.csv", "people.csv"),
    ("infinite-number.csv", "places.csv"),
    ("status-not-allowed.csv", "initiatives.csv"),
    ("wrong-number-of-fields.csv", "focus_areas.csv"),
    ("removes-a-referenced-row.csv", "places.csv"),
]


@pytest.mark.parametrize(("name", "target"), SAME_REPORT, ids=[n for n, _ in SAME_REPORT])
def test_validate_and_the_data_page_report_the_same_lines(name, target, base_dir, tmp_path):
    """The same mistake is found on the same line and column by both routes."""
    data = (CORPUS / "files" / name).read_bytes()
    page = {(p.line, p.column) for p in check(data, target, base_dir).errors}
    folder = tmp_path / "as-files"
    shutil.copytree(base_dir, folder)
    (folder / target).write_bytes(data)
    problems = load_dataset(folder).problems
    command_line = {(p.line, p.column) for p in problems if p.severity is not Severity.WARNING}
    assert page == command_line and page


def test_windows_1252_is_read_from_an_upload_but_never_stored(base_dir, tmp_path):
    """English Excel's plain CSV is read (with a warning) when uploaded, and its lost Chinese
    letters are named; a stored data file must still be UTF-8, so validate refuses it."""
    data = (CORPUS / "files" / "windows-1252.csv").read_bytes()
    proposal = check(data, "people.csv", base_dir)
    assert any("Windows-1252" in w.problem and w.line == 2 for w in proposal.warnings)
    assert {(p.line, p.column) for p in proposal.errors} == {(2, "title_zh"), (2, "note_zh")}
    folder = tmp_path / "as-files"
    shutil.copytree(base_dir, folder)
    (folder / "people.csv").write_bytes(data)
    (fatal,) = [p for p in load_dataset(folder).problems if p.severity is Severity.FATAL]
    assert (fatal.file, fatal.line) == ("people.csv", 2) and "UTF-8" in fatal.problem


def test_partnership_import_exit_codes_and_report(base_dir: Path):
    """`partnership import` exits 1 with the report for a bad file, 0 when it applies one."""
    bad = CORPUS / "files" / "lat-lon-swapped.csv"
    run = [sys.executable, "-m", "components.cli", "import", "--data-dir", str(base_dir)]
    result = subprocess.run([*run, str(bad)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    assert "lat-lon-swapped.csv, line 6, column lat" in result.stdout
    assert "swapped" in result.stdout
    good = CORPUS / "files" / "two-tables.zip"
    result = subprocess.run(
        [*run, str(good), "--note", "checked"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert "applied as version 2" in result.stdout
    assert b"Checked." in (base_dir / "people.csv").read_bytes()


def test_partnership_history_and_rollback(base_dir: Path):
    """`history` lists the versions; `rollback 1` restores the files exactly, as version 3."""
    original = (base_dir / "people.csv").read_bytes()
    cli = [sys.executable, "-m", "components.cli"]
    where = ["--data-dir", str(base_dir)]
    good = str(CORPUS / "files" / "two-tables.zip")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *args, *where], cwd=REPO, capture_output=True, text=True)

    assert run("import", good, "--note", "people checked").returncode == 0
    assert run("rollback", "99").returncode == 1
    result = run("rollback", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "recorded as version 3" in result.stdout
    assert (base_dir / "people.csv").read_bytes() == original
    listing = run("history").stdout
    assert "people checked" in listing
    assert [line.split()[0] for line in listing.splitlines() if line[:4].strip()] == ["1", "2", "3"]


def test_a_broken_current_file_can_be_replaced_by_an_upload(base_dir: Path):
    """When places.csv on disk cannot be read, uploading a good places.csv is the fix."""
    good = (base_dir / "places.csv").read_bytes()
    (base_dir / "places.csv").write_bytes(b"place_id,name_en\n\xe9\n")
    proposal = check(good, "places.csv", base_dir)
    assert proposal.ok, proposal.problems
    assert proposal.files["places.csv"] == good


def test_errors_in_tables_left_alone_still_block_the_change(base_dir: Path):
    """The whole dataset must be valid: an error already in parties.csv is reported."""
    parties = (base_dir / "parties.csv").read_text(encoding="utf-8")
    (base_dir / "parties.csv").write_text(parties.replace(",signatory,", ",Chief,", 1))
    proposal = check((CORPUS / "files" / "two-tables.zip").read_bytes(), "x.zip", base_dir)
    assert [(p.file, p.line, p.column) for p in proposal.errors] == [("parties.csv", 2, "role")]


def test_a_check_reads_each_data_file_once_for_the_data_page_and_the_command_line(
    data_dir: DataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The Data page and `partnership import` both check through `check_upload`, and one check
    opens each file of the data folder exactly once."""
    contract = load_contract()
    data_files = {table.filename for table in contract.tables}
    folder = data_dir.path.resolve()
    opened: list[str] = []
    checks: list[Counter] = []
    real_io_open, real_open, real_check = io.open, builtins.open, upload.check_upload

    def note(file) -> None:
        if isinstance(file, str | Path) and Path(file).parent.resolve() == folder:
            if Path(file).name in data_files:
                opened.append(Path(file).name)

    def counting_io_open(file, *args, **kwargs):  # what Path.read_bytes and read_text call
        note(file)
        return real_io_open(file, *args, **kwargs)

    def counting_open(file, *args, **kwargs):
        note(file)
        return real_open(file, *args, **kwargs)

    def counted_check(*args, **kwargs):
        opened.clear()
        proposal = real_check(*args, **kwargs)
        checks.append(Counter(opened))
        return proposal

    monkeypatch.setattr(io, "open", counting_io_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(upload, "check_upload", counted_check)
    once_each = Counter(data_files)
    assert {path.name for path in folder.iterdir()} >= data_files
    agreements = (folder / "agreements.csv").read_bytes().replace(b"Memorandum", b"Memo", 1)

    # The Data page, signed in, given a file.
    monkeypatch.setenv("PARTNERSHIP_HISTORY_DIR", str(tmp_path / "history"))
    secrets = {"editors": {"passwords": {"alice": hash_password("correct horse battery")}}}
    app = open_app(monkeypatch, data_dir.path, "pages/data.py", secrets)
    app.text_input[0].input("alice")
    app.text_input[1].input("correct horse battery")
    (sign_in,) = [b for b in app.button if b.label == translate("data.sign_in_button")]
    sign_in.click()
    app.run()
    app.file_uploader[0].set_value(("agreements.csv", agreements, "text/csv"))
    app.run()
    assert not app.exception
    assert translate("data.report_valid") in [element.value for element in app.success]
    assert checks == [once_each]

    # `partnership import` of the same file.
    path = tmp_path / "agreements.csv"
    path.write_bytes(agreements)
    assert import_file(path, None, "", data_dir.path) == EXIT_DONE
    assert checks == [once_each, once_each]
