"""Reading one table's CSV file into text cells, keeping the line numbers a spreadsheet shows."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from components.contract import Table
from components.limits import EXTRA_COLUMNS_NAMED, MAX_EXTRA_COLUMNS
from components.problems import (
    MAX_PER_KIND,
    Listed,
    Message,
    Problem,
    ProblemLog,
    Quoted,
    Severity,
    shorten_value,
)

UTF8_BOM = b"\xef\xbb\xbf"
# The key of the fix for a file in an encoding that cannot be read.
SAVE_AS_UTF8 = "problem.fix_save_as_utf8"


# Characters no one types on purpose and no one can see: controls (except tab and line ends),
# the bidi embeddings, overrides and isolates that reorder text on screen, zero-width spaces and
# joiners, the word joiner and invisible operators, and a byte order mark inside text.
INVISIBLE_CHARACTERS = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_INVISIBLE = re.compile(INVISIBLE_CHARACTERS)
# Unicode gives control characters no name; these are the ones copying and pasting brings in.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
}


def describe_character(character: str) -> Message:
    """A character as an analyst can search for it: `U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    code = ord(character)
    name = unicodedata.name(character, None) or _CONTROL_NAMES.get(code)
    if code == 0xFEFF:
        name = "BYTE ORDER MARK"
    if name is None:
        return Message("problem.character_unnamed", code=f"U+{code:04X}")
    return Message("problem.character", code=f"U+{code:04X}", name=name)


def kind_of_invisible(character: str) -> Message:
    """What an invisible character does, in the analyst's words."""
    code = ord(character)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return Message("problem.invisible_control")
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x061C, 0x200E, 0x200F):
        return Message("problem.invisible_direction")
    return Message("problem.invisible_no_space")


def first_invisible(text: str) -> Message | None:
    """The first invisible character of `text`, described (see `describe_character`)."""
    found = _INVISIBLE.search(text)
    if not found:
        return None
    character = found.group()
    return Message(
        "problem.invisible_described",
        character=describe_character(character),
        kind=kind_of_invisible(character),
    )


def with_added_columns(cells: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The cells with every column added to the contract later that the file lacks, empty:
    a file written before the column was added reads as it did, with nothing in it."""
    absent = [c.name for c in table.columns if c.may_be_absent and c.name not in cells.columns]
    if not absent:
        return cells
    return cells.assign(**{name: pd.Series("", index=cells.index, dtype="str") for name in absent})


@dataclass
class RawTable:
    """A table's cells as text, indexed by the spreadsheet line each row is on.

    Only the contract's columns are kept: a column it does not know is never published into
    the live data or stored by an upload (`extra_columns` names them for the report).
    """

    table: Table
    cells: pd.DataFrame
    extra_columns: list[str]


def _line_of_byte(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_utf8(data: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    problems: list[Problem] = []
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        problems.append(
            Problem(
                severity=Severity.WARNING,
                file=filename,
                problem=Message("problem.bom_ignored"),
                fix="",
            )
        )
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as error:
        line = _line_of_byte(data, error.start)
        bad = data[error.start : error.start + 4].hex(" ")
        problems.append(
            Problem(
                severity=Severity.FATAL,
                file=filename,
                line=line,
                value=f"bytes {bad}",
                problem=Message("problem.not_utf8"),
                fix=Message(SAVE_AS_UTF8),
            )
        )
        return None, problems


def split_records(
    text: str, filename: str, delimiter: str = ","
) -> tuple[list[list[str]] | None, list[Problem]]:
    """Split CSV text into records; record N is the row a spreadsheet shows as line N."""
    problems: list[Problem] = []
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        # A spreadsheet shows one row per record, even when a quoted cell spans several lines,
        # so the record count (not the reader's physical line) is the line the analyst sees.
        for record in reader:
            records.append(record)
    except csv.Error as error:
        line = len(records) + 1
        problems.append(
            Problem(
                severity=Severity.FATAL,
                file=filename,
                line=line,
                problem=Message("problem.cannot_split", error=str(error)),
                fix=Message("problem.fix_quotes"),
            )
        )
        return None, problems
    return records, problems


def read_table_text(
    text: str, table: Table, filename: str, delimiter: str = ","
) -> tuple[RawTable | None, list[Problem]]:
    """Split CSV text into cells and check its header and row lengths against the contract."""
    records, problems = split_records(text, filename, delimiter)
    if records is None:
        return None, problems
    raw, more = read_table_records(records, table, filename)
    return raw, problems + more


def read_table_records(
    records: list[list[str]], table: Table, filename: str
) -> tuple[RawTable | None, list[Problem]]:
    """Check a table's records (CSV or spreadsheet rows, header first) and index them by line.

    The work is linear in the number of cells: a header of thousands of columns or a file of
    millions of ragged rows is reported in a few lines, each kind capped (`ProblemLog`).
    """
    if not records or not any(cell.strip() for cell in records[0]):
        problem = Problem(
            severity=Severity.FATAL,
            file=filename,
            line=1,
            problem=Message("problem.empty_header"),
            fix=Message("problem.fix_header", columns=Listed(tuple(table.column_names))),
        )
        return None, [problem]
    log = ProblemLog()
    header = records[0]
    stripped = [name.strip() for name in header]
    extra = _check_header(header, stripped, table, filename, log)

    width = len(header)
    good_rows: list[list[str]] = []
    good_lines: list[int] = []
    blank_count = 0
    blank_shown: list[int] = []
    ragged = 0
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            blank_count += 1
            if len(blank_shown) <= 10:
                blank_shown.append(line)
            continue
        if len(record) != width:
            # Counted before a problem is built: a file of millions of ragged rows builds
            # only the few the report lists.
            ragged += 1
            if ragged <= MAX_PER_KIND:
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=filename,
                        line=line,
                        problem=Message("problem.cell_count", cells=len(record), width=width),
                        fix=Message("problem.fix_cell_count"),
                    ),
                    "cell count",
                )
            continue
        good_rows.append(record)
        good_lines.append(line)
    log.count_more(Severity.ERROR, filename, None, "cell count", ragged - MAX_PER_KIND)
    if blank_count:
        shown = Listed((*blank_shown[:10], *(("…",) if blank_count > 10 else ())))
        log.add(
            Problem(
                severity=Severity.WARNING,
                file=filename,
                line=blank_shown[0],
                problem=Message("problem.blank_lines", count=blank_count, lines=shown),
                fix="",
            ),
            "blank lines",
        )

    # Only the contract's columns (at their first place in the header) become cells.
    known = set(table.column_names)
    positions: dict[str, int] = {}
    for position, name in enumerate(stripped):
        if name in known and name not in positions:
            positions[name] = position
    columns = {name: [row[position] for row in good_rows] for name, position in positions.items()}
    cells = pd.DataFrame(columns, index=pd.Index(good_lines, name="line"), dtype="str")
    if not good_rows:
        cells = pd.DataFrame(
            {name: pd.Series(dtype="str") for name in columns}, index=pd.Index([], name="line")
        )
    cells = with_added_columns(cells, table)
    return RawTable(table=table, cells=cells, extra_columns=extra), log.finish()


def _check_header(
    header: list[str], stripped: list[str], table: Table, filename: str, log: ProblemLog
) -> list[str]:
    """Report what is wrong with line 1 and return the names of the columns the contract does
    not know. Past `MAX_EXTRA_COLUMNS` of those, one error says so instead of one line each."""
    expected = table.column_names
    known = set(expected)
    unknown = [name for name in stripped if name and name not in known]
    extra = list(dict.fromkeys(unknown))
    too_many = len(unknown) > MAX_EXTRA_COLUMNS
    if too_many:
        count = len(unknown)
        named = Listed(
            (
                *(Quoted(shorten_value(name, 40)) for name in extra[:EXTRA_COLUMNS_NAMED]),
                *(("…",) if len(extra) > EXTRA_COLUMNS_NAMED else ()),
            )
        )
        log.add(
            Problem(
                severity=Severity.ERROR,
                file=filename,
                line=1,
                problem=Message(
                    "problem.too_many_columns",
                    count=count,
                    table=table.name,
                    named=named,
                    limit=MAX_EXTRA_COLUMNS,
                ),
                fix=Message("problem.fix_too_many_columns", columns=Listed(tuple(expected))),
            ),
            "too many columns",
        )
    seen: set[str] = set()
    for raw, name in zip(header, stripped, strict=True):
        # Past the cap, only the contract's own columns are worth a line of their own.
        if too_many and name not in known:
            continue
        invisible = first_invisible(raw)
        if invisible:
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=filename,
                    line=1,
                    column=shorten_value(name),
                    value=shorten_value(raw),
                    problem=Message(
                        "problem.invisible_in_header_bom"
                        if _INVISIBLE.search(raw).group() == "\ufeff"
                        else "problem.invisible_in_header",
                        character=invisible,
                    ),
                    fix=Message("problem.fix_invisible_in_header"),
                ),
                "invisible character in header",
                unit="column",
            )
        elif raw != name:
            log.add(
                Problem(
                    severity=Severity.WARNING,
                    file=filename,
                    line=1,
                    column=name,
                    value=raw,
                    problem=Message("problem.spaces_in_header"),
                    fix="",
                ),
                "spaces in header",
                unit="column",
            )
        if name and name in seen:
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=filename,
                    line=1,
                    column=name,
                    value=name,
                    problem=Message("problem.repeated_column", column=Quoted(name)),
                    fix=Message("problem.fix_repeated_column"),
                ),
                "repeated column",
                unit="column",
            )
        seen.add(name)
    # A header name that differs only in capitals or invisible characters is the likely typo.
    by_key: dict[str, str] = {}
    for name in stripped:
        by_key.setdefault(_INVISIBLE.sub("", name).strip().lower(), name)
    for name in table.header_names:
        if name in seen:
            continue
        near = by_key.get(name.lower())
        fix = (
            Message("problem.fix_rename_column", near=Quoted(near), column=Quoted(name))
            if near is not None
            else Message("problem.fix_add_column", column=Quoted(name))
        )
        log.add(
            Problem(
                severity=Severity.ERROR,
                file=filename,
                line=1,
                column=name,
                problem=Message("problem.missing_column", column=Quoted(name)),
                fix=fix,
            ),
            "missing column",
            unit="column",
        )
    if not too_many:
        # A name with an invisible character already has its error above.
        for name in (name for name in extra if first_invisible(name) is None):
            log.add(
                Problem(
                    severity=Severity.WARNING,
                    file=filename,
                    line=1,
                    column=name,
                    problem=Message(
                        "problem.extra_column", column=Quoted(shorten_value(name)), table=table.name
                    ),
                    fix=Message("problem.fix_extra_column", columns=Listed(tuple(expected))),
                ),
                "extra column",
                unit="column",
            )
    return extra


def read_table_bytes(
    data: bytes, table: Table, filename: str
) -> tuple[RawTable | None, list[Problem]]:
    text, problems = decode_utf8(data, filename)
    if text is None:
        return None, problems
    raw, more = read_table_text(text, table, filename)
    return raw, problems + more
