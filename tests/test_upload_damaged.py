"""Damaged, hostile and careless files: each is a fatal problem that names the file and the fix,
read in bounded memory and time, never a traceback, on the Data page's path and the CLI's alike.

Every file is built here, in memory, from a valid one by byte surgery."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from components import cli
from components.contract import load_contract
from components.problems import Severity
from components.table_files import split_records
from components.upload import MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, check_upload
from components.upload.decode import decode_text
from tests.conftest import REPO

CORPUS = Path(__file__).resolve().parent / "corpus"
PLACES = (CORPUS / "base" / "places.csv").read_bytes()


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(CORPUS / "base", target)
    return target


def places_workbook(extra=None) -> bytes:
    """The corpus's places table as a one-sheet workbook, with `extra` applied to the sheet."""
    records, _ = split_records(PLACES.decode("utf-8"), "places.csv")
    book = Workbook()
    sheet = book.active
    sheet.title = "places"
    numbers = {records[0].index("lat"), records[0].index("lon")}
    for record in records:
        sheet.append(
            [
                float(v) if i in numbers and v and record is not records[0] else v
                for i, v in enumerate(record)
            ]
        )
    if extra:
        extra(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_members(data: bytes, change, added: dict[str, bytes] | None = None) -> bytes:
    """The same ZIP with each member's bytes passed through change(name, bytes) (None drops
    it), and the `added` members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            body = change(member.filename, source.read(member))
            if body is not None:
                target.writestr(member, body, compress_type=zipfile.ZIP_DEFLATED)
        for name, body in (added or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def patch_member(data: bytes, local_offset: int, central_offset: int, fmt: str, value) -> bytes:
    """Change one field of the first member in both its local and its central header."""
    raw = bytearray(data)
    struct.pack_into(fmt, raw, local_offset, value)
    struct.pack_into(fmt, raw, raw.find(b"PK\x01\x02") + central_offset, value)
    return bytes(raw)


def fatal(data: bytes, name: str, data_dir: Path):
    """The one fatal problem the upload is refused with (it must not raise)."""
    proposal = check_upload(data, name, data_dir)
    assert not proposal.ok and proposal.files == {}
    fatal = [p for p in proposal.problems if p.severity is Severity.FATAL]
    assert fatal, proposal.problems
    assert all(p.file.startswith(name) and p.problem and p.fix for p in fatal), fatal
    return fatal[0]


# High 1: a cell far outside the table.

MEASURE = """
import resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from components.upload import check_upload
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
proposal = check_upload(data, "far.xlsx", Path(sys.argv[1]))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
print(proposal.errors[0].problem)
"""


def test_a_value_at_xfd1048576_is_refused_in_bounded_memory(base_dir: Path):
    """The 5.7 KB workbook that grew `partnership import` to 23.7 GB: refused in well under a
    second and a few MB (measured in a child process held to 1.5 GB, so a regression fails
    with a MemoryError instead of taking the machine down)."""
    data = places_workbook(lambda sheet: sheet.__setitem__("XFD1048576", "x"))
    assert len(data) < 8000
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(base_dir)],
        input=data,
        cwd=REPO,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    seconds, grown_kb, message = result.stdout.decode().split(maxsplit=2)
    assert float(seconds) < 2 and int(grown_kb) < 50 * 1024, (seconds, grown_kb)
    assert "XFD1048576" in message and "'places'" in message


@pytest.mark.parametrize("cell", ["XFD1048576", "A1048576", "ZZ5", "A600000"])
def test_a_value_far_outside_the_table_names_the_cell_and_the_fix(cell: str, base_dir: Path):
    """A far value refuses the sheet, naming file, sheet, cell and line, with how to fix it."""
    data = places_workbook(lambda sheet: sheet.__setitem__(cell, "note"))
    problem = fatal(data, "book.xlsx", base_dir)
    assert problem.file == "book.xlsx" and problem.value == "note"
    assert f"Cell {cell} of the sheet 'places'" in problem.problem
    assert problem.line == int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert "Clear the cells outside the table" in problem.fix and "new sheet" in problem.fix


def test_formatted_empty_cells_and_a_lying_dimension_cost_nothing(base_dir: Path):
    """A style-only cell at XFD1048576 and a `dimension` claiming the whole sheet are not
    cells with values: the table is read as it is, quickly."""

    def format_far_cell(sheet):
        sheet["XFD1048576"].number_format = "0.00"

    data = places_workbook(format_far_cell)
    data = rewrite_members(
        data,
        lambda name, body: (
            body.replace(b'<dimension ref="A1:XFD1048576"/>', b"").replace(
                b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
            )
            if name.startswith("xl/worksheets/")
            else body
        ),
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    start = time.perf_counter()
    proposal = check_upload(data, "places.xlsx", base_dir)
    assert time.perf_counter() - start < 2
    assert proposal.ok and not proposal.has_changes, proposal.problems


def test_a_million_formatted_empty_rows_after_the_table_are_ignored(base_dir: Path):
    """Rows Excel keeps for their format only (a million of them, 40 MB of XML) are not read
    into the grid: the table is accepted in seconds."""
    rows = b"".join(b'<row r="%d" s="0" customFormat="1"/>' % n for n in range(20, 1_000_020))
    data = rewrite_members(
        places_workbook(),
        lambda name, body: (
            body.replace(b"</sheetData>", rows + b"</sheetData>")
            if name.startswith("xl/worksheets/")
            else body
        ),
    )
    start = time.perf_counter()
    proposal = check_upload(data, "places.xlsx", base_dir)
    assert time.perf_counter() - start < 8
    assert proposal.ok and not proposal.has_changes, proposal.problems


# Medium 7: damaged archives and workbooks.

ZIPPED_PLACES = zip_of({"places.csv": PLACES})
# Offsets of a field in a ZIP's local header and its central directory entry.
FLAGS, METHOD, CRC, SIZE = (6, 8), (8, 10), (14, 16), (22, 24)
DAMAGED_ZIPS = {
    "bad-crc": (patch_member(ZIPPED_PLACES, *CRC, "<I", 1234), "damaged"),
    "size-smaller-than-its-data": (patch_member(ZIPPED_PLACES, *SIZE, "<I", 100), "damaged"),
    "encrypted": (patch_member(ZIPPED_PLACES, *FLAGS, "<H", 1), "password"),
    "unknown-method": (patch_member(ZIPPED_PLACES, *METHOD, "<H", 99), "compression method"),
    "deflate64": (patch_member(ZIPPED_PLACES, *METHOD, "<H", 9), "compression method"),
    "truncated": (ZIPPED_PLACES[: len(ZIPPED_PLACES) // 2], "cut short"),
    "scrambled-data": (
        ZIPPED_PLACES[:40] + b"\xff" * 20 + ZIPPED_PLACES[60:],
        "damaged",
    ),
}


@pytest.mark.parametrize("case", DAMAGED_ZIPS, ids=list(DAMAGED_ZIPS))
def test_a_damaged_zip_is_a_fatal_problem(case: str, base_dir: Path):
    """Bad CRC, lying sizes, a password, an unknown method, cut short: each named, no raise."""
    data, says = DAMAGED_ZIPS[case]
    problem = fatal(data, "tables.zip", base_dir)
    assert says in problem.problem
    assert "ZIP" in problem.fix


def workbook_with(change) -> bytes:
    return rewrite_members(places_workbook(), change)


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
DAMAGED_WORKBOOKS = {
    "text-in-a-number-cell": (
        workbook_with(
            lambda name, body: (
                body.replace(b'<c r="F2" t="n"><v>51.7519</v>', b'<c r="F2" t="n"><v>#REF!</v>')
                if "worksheets" in name
                else body
            )
        ),
        "Cell F2 of the sheet 'places' is stored as a number but holds the text '#REF!'",
    ),
    "sheet-is-not-xml": (
        workbook_with(lambda name, body: b"<row" if "worksheets" in name else body),
        "cannot be read",
    ),
    "shared-strings-not-xml": (
        rewrite_members(
            places_workbook(),
            lambda name, body: (
                body.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
                if name == "[Content_Types].xml"
                else body
            ),
            added={"xl/sharedStrings.xml": b"\x00 not xml"},
        ),
        "The workbook cannot be read",
    ),
    "shared-string-that-is-not-there": (
        workbook_with(
            lambda name, body: (
                body.replace(
                    b'<c r="A2" t="inlineStr"><is><t>oxford</t></is></c>',
                    b'<c r="A2" t="s"><v>99</v></c>',
                )
                if "worksheets" in name
                else body
            )
        ),
        "The sheet 'places' is damaged",
    ),
    "no-workbook-part": (
        workbook_with(lambda name, body: None if name == "xl/workbook.xml" else body),
        "without its workbook part",
    ),
    "a-word-document": (
        zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "a Word document",
    ),
    "encrypted-workbook": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "a workbook saved with a password",
    ),
}


def test_the_text_in_a_number_cell_case_is_built_as_described():
    """The surgery above really put '#REF!' in a number cell (openpyxl writes t="n")."""
    sheet = zipfile.ZipFile(io.BytesIO(DAMAGED_WORKBOOKS["text-in-a-number-cell"][0]))
    assert b'<c r="F2" t="n"><v>#REF!</v>' in sheet.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("case", DAMAGED_WORKBOOKS, ids=list(DAMAGED_WORKBOOKS))
def test_a_damaged_workbook_is_a_fatal_problem(case: str, base_dir: Path):
    data, says = DAMAGED_WORKBOOKS[case]
    problem = fatal(data, "places.xlsx", base_dir)
    assert says in problem.problem, problem


def test_a_zip_inside_a_zip_and_a_workbook_inside_a_zip(base_dir: Path):
    """A nested ZIP is refused by name; a damaged workbook inside a ZIP is named as a member."""
    nested = zip_of({"inner.zip": ZIPPED_PLACES})
    assert "ZIP file inside the ZIP" in fatal(nested, "outer.zip", base_dir).problem
    broken = DAMAGED_WORKBOOKS["sheet-is-not-xml"][0]
    problem = fatal(zip_of({"places.xlsx": broken}), "outer.zip", base_dir)
    assert problem.file == "outer.zip/places.xlsx"


@pytest.mark.parametrize(
    "member", ["..\\..\\places.csv", "../places.csv", "/etc/places.csv", "C:\\places.csv"]
)
def test_a_member_named_outside_the_zip_is_reported_not_skipped(member: str, base_dir: Path):
    """`..\\..\\places.csv` used to be skipped as a hidden file; it is a fatal problem."""
    problem = fatal(zip_of({member: PLACES}), "tables.zip", base_dir)
    assert problem.value == member and "outside the ZIP" in problem.problem


def test_a_zip_bomb_is_refused_by_what_it_really_unpacks_to(base_dir: Path):
    """Sizes are measured by unpacking with a bound: a bomb declaring its true size and one
    declaring a tiny size are both refused, and a ZIP whose sizes claim a gigabyte for a
    small table is read by what it really holds."""
    bomb = zip_of({"places.csv": PLACES + b" " * (MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < MAX_UPLOAD_BYTES // 50
    assert "unpacks to more than 60 MB" in fatal(bomb, "bomb.zip", base_dir).problem
    lying_small = patch_member(bomb, *SIZE, "<I", 1000)
    assert "damaged" in fatal(lying_small, "bomb.zip", base_dir).problem
    lying_large = patch_member(ZIPPED_PLACES, *SIZE, "<I", 10**9)
    proposal = check_upload(lying_large, "tables.zip", base_dir)
    assert proposal.ok and not proposal.has_changes, proposal.problems


@pytest.mark.parametrize(
    ("case", "says"),
    [("far-cell", "XFD1048576"), ("bad-crc", "damaged"), ("text-in-a-number-cell", "#REF!")],
)
def test_partnership_import_prints_the_fatal_problem_without_a_traceback(
    case: str, says: str, base_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
):
    """The CLI reports the same problem, exits 1, and writes nothing."""
    data = {
        "far-cell": places_workbook(lambda sheet: sheet.__setitem__("XFD1048576", "x")),
        "bad-crc": DAMAGED_ZIPS["bad-crc"][0],
        "text-in-a-number-cell": DAMAGED_WORKBOOKS["text-in-a-number-cell"][0],
    }[case]
    path = tmp_path / ("upload.zip" if case == "bad-crc" else "upload.xlsx")
    path.write_bytes(data)
    before = (base_dir / "places.csv").read_bytes()
    assert cli.main(["import", str(path), "--data-dir", str(base_dir)]) == 1
    out, err = capsys.readouterr()
    assert f"FATAL: {path.name}" in out and says in out and "REJECTED" in out
    assert "Traceback" not in out + err
    assert (base_dir / "places.csv").read_bytes() == before


# Medium 13: English Excel's plain CSV (Windows-1252).


def in_windows_1252(text: str) -> str:
    """The text as English Excel's plain CSV can hold it: its Chinese letters removed."""
    return "".join(c for c in text if c.encode("cp1252", errors="ignore"))


def base_without_chinese(base_dir: Path) -> None:
    """The current places.csv without its Chinese names, so only the test's change shows."""
    places = base_dir / "places.csv"
    places.write_text(in_windows_1252(places.read_text(encoding="utf-8")), encoding="utf-8")


def places_with(name_en: str) -> str:
    text = in_windows_1252(PLACES.decode("utf-8"))
    return text.replace("Oxford Town Hall", name_en, 1)


@pytest.mark.parametrize(
    "name", ["Café Zoë, Hôtel de Ville, naïve", "Salle réélue", "Straße £5 – « ok »"]
)
def test_a_windows_1252_csv_is_read_with_a_warning_and_the_accents_shown(name: str, base_dir: Path):
    """Accented letters in English Excel's plain CSV are read as such (also two side by side,
    which GB18030 would decode as one Chinese character), with a warning saying how to save
    next time, and the new value is what the preview shows."""
    base_without_chinese(base_dir)
    data = places_with(f'"{name}"').encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    proposal = check_upload(data, "places.csv", base_dir)
    assert proposal.ok, proposal.problems
    (warning,) = [w for w in proposal.warnings if "Windows-1252" in w.problem]
    assert warning.file == "places.csv" and warning.line == 3
    assert "CSV UTF-8" in warning.fix
    assert proposal.changes["places"].changed["new"].tolist() == [name]
    assert name.encode("utf-8") in proposal.files["places.csv"]


def test_chinese_excel_gb18030_is_still_read_as_gb18030():
    """廊坊 text saved by Chinese Excel is not mistaken for Windows-1252."""
    text = "place_id,name_en,name_zh\nlangfang,Langfang,廊坊\nbeijing,Beijing,北京 市\n"
    decoded, (warning,) = decode_text(text.encode("gb18030"), "p.csv")
    assert decoded == text and "GB18030" in warning.problem


def test_bytes_that_are_no_known_encoding_stay_a_refusal():
    """0x81 is neither UTF-8, GB18030 on its own, nor a Windows-1252 character."""
    decoded, (problem,) = decode_text(b"place_id,name_en\nx,a\x81b\n", "p.csv")
    assert decoded is None and problem.severity is Severity.FATAL and problem.line == 2


def test_letters_excel_lost_to_question_marks_are_an_error(base_dir: Path):
    """Chinese saved through the plain CSV comes back as '???': the column is named, with the
    fix, since the letters are gone."""
    text = PLACES.decode("utf-8").replace("Oxford Town Hall", "Hôtel de Ville")
    data = text.encode("cp1252", errors="replace")
    proposal = check_upload(data, "places.csv", base_dir)
    (error,) = [e for e in proposal.errors if "question marks" in e.problem]
    assert (error.line, error.column, error.value) == (2, "name_zh", "??")
    assert "CSV UTF-8" in error.fix


def test_limits_stay_importable_from_the_upload_package():
    from components import limits, upload

    assert upload.MAX_UPLOAD_BYTES == limits.MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    assert upload.MAX_UNPACKED_BYTES == limits.MAX_UNPACKED_BYTES
    assert upload.MAX_ARCHIVE_MEMBERS == limits.MAX_ARCHIVE_MEMBERS
    assert load_contract()  # the column cap is computed from it
