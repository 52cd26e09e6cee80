"""A fast way to read a table's CSV file when it needs no repair and no per-line explanation.

The careful reader (components.table_files) splits text with Python's csv module so that every
odd file gets an exact message; at a million rows that costs seconds. Most files are plain: no
quotes, no byte order mark, the contract's header, no blank or ragged rows. Those are parsed by
Arrow's multi-threaded CSV reader instead, into exactly the cells the careful reader would give.
Anything else returns None, and the careful reader takes over and explains what it finds.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.csv as arrow_csv

from components.contract import Table
from components.table_files import UTF8_BOM, RawTable, with_added_columns


def read_clean_table(data: bytes, table: Table) -> RawTable | None:
    """The table's cells indexed by spreadsheet line, or None when the file needs the careful
    reader (quotes, a byte order mark, a NUL, another header, blank or ragged rows, not UTF-8)."""
    # Without quotes every physical line is one record, so line numbers need no CSV state machine.
    if not data or data.startswith(UTF8_BOM) or b'"' in data or b"\x00" in data:
        return None
    end_of_header = data.find(b"\n")
    first_line = data if end_of_header < 0 else data[:end_of_header]
    header = first_line.rstrip(b"\r").decode("utf-8", errors="replace").split(",")
    # The contract's columns, each once; those added to it later may be absent (read as empty).
    names = set(header)
    if len(names) != len(header) or not set(table.header_names) <= names <= set(table.column_names):
        return None
    try:
        parsed = arrow_csv.read_csv(
            io.BytesIO(data),
            parse_options=arrow_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        # A row with the wrong number of cells, or text that is not UTF-8.
        return None
    lines = pd.RangeIndex(2, parsed.num_rows + 2, name="line")
    cells = pd.DataFrame(
        {name: pd.Series(parsed.column(name), dtype="str", index=lines) for name in header},
        index=lines,
    )
    # A row whose cells are all blank is skipped with a warning by the careful reader. Such a
    # row has a blank first cell, so only those rows need a look at the other columns.
    first = cells[header[0]]
    maybe_blank = cells[first.str.strip() == ""]
    if len(maybe_blank) and (maybe_blank.apply(lambda c: c.str.strip() == "").all(axis=1)).any():
        return None
    return RawTable(table=table, cells=with_added_columns(cells, table), extra_columns=[])
