"""Files the app hands to users (CSV and XLSX downloads), safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is read by Excel and
LibreOffice as a formula, which can run commands or leak data ("CSV injection"). Such text is
exported with a leading apostrophe, which spreadsheets show as plain text. In an XLSX file
such text is stored as a text cell marked "quote prefix", Excel's own way of saying "text, not a
formula", so it reads exactly as written and stays text when edited.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLUSTRATIVE_MARK = "ILLUSTRATIVE DATA: generated for demonstration, not real figures"


def neutralise_formulas(frame: pd.DataFrame, numbers: Collection[str] = ()) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot be run as spreadsheet formulas.

    Numbers stay numbers: -3 is a value, but the text "-3+A1" is not. `numbers` names text
    columns already validated as numbers (e.g. "-1.2578" read from a data file), kept as written.
    """
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        text = column.astype("str").where(column.notna(), "")
        risky = text.str.startswith(FORMULA_STARTS)
        if name in numbers:
            # Only text that really is a number is let through: a broken file may hold anything.
            risky &= pd.to_numeric(text, errors="coerce").isna()
        safe[name] = text.where(~risky, "'" + text)
    return safe


def csv_bytes(
    frame: pd.DataFrame, illustrative: bool = False, numbers: Collection[str] = ()
) -> bytes:
    """UTF-8 CSV (with a byte order mark, so Excel reads Chinese text correctly).

    When the rows are illustrative, the first line says so; a spreadsheet shows it above the header.
    """
    body = neutralise_formulas(frame, numbers).to_csv(index=False, lineterminator="\r\n")
    if illustrative:
        body = f"{ILLUSTRATIVE_MARK}\r\n{body}"
    return ("\ufeff" + body).encode("utf-8")


def _xlsx_value(value: object, is_number_text: bool) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if is_number_text and isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return value  # not a number after all (a broken file): stored as text
        if math.isfinite(number):
            return int(number) if number.is_integer() and "." not in value else number
        return value
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    illustrative: bool = False,
    numbers: dict[str, Collection[str]] | None = None,
) -> bytes:
    """An XLSX workbook, one sheet per frame, where no text cell can run as a formula.

    Text is always stored as text (never as a formula, whatever its first character) and
    formula-like text also gets Excel's quote prefix. `numbers` names, per sheet, text columns
    that hold validated numbers: they are stored as numbers, so Excel can sum them.
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet_name, frame in sheets.items():
        sheet = workbook.create_sheet(title=sheet_name[:31])
        number_columns = set((numbers or {}).get(sheet_name, ()))
        row_offset = 0
        if illustrative:
            sheet.cell(row=1, column=1, value=ILLUSTRATIVE_MARK).font = bold
            row_offset = 1
        for position, name in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=row_offset + 1, column=position, value=str(name))
            cell.data_type = "s"
            cell.font = bold
        for row_number, row in enumerate(frame.itertuples(index=False), start=row_offset + 2):
            for position, (name, value) in enumerate(zip(frame.columns, row, strict=True), 1):
                stored = _xlsx_value(value, name in number_columns)
                cell = sheet.cell(row=row_number, column=position, value=stored)
                if isinstance(stored, str):
                    # openpyxl stores any text starting with "=" as a live formula otherwise.
                    cell.data_type = "s"
                    if stored.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True
                elif hasattr(stored, "isoformat"):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = sheet.cell(row=row_offset + 2, column=1)
        for position, name in enumerate(frame.columns, start=1):
            width = max([len(str(name)), *(len(str(v)) for v in frame[name].head(200))], default=8)
            sheet.column_dimensions[get_column_letter(position)].width = min(max(width, 8), 60) + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
