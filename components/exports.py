"""Files the app hands to users (CSV downloads), safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is read by Excel and
LibreOffice as a formula, which can run commands or leak data ("CSV injection"). Such text is
exported with a leading apostrophe, which spreadsheets show as plain text.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLUSTRATIVE_MARK = "ILLUSTRATIVE DATA: generated for demonstration, not real figures"


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot be run as spreadsheet formulas.

    Numbers stay numbers: -3 is a value, but the text "-3+A1" is not.
    """
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        text = column.astype("str").where(column.notna(), "")
        risky = text.str.startswith(FORMULA_STARTS)
        safe[name] = text.where(~risky, "'" + text)
    return safe


def csv_bytes(frame: pd.DataFrame, illustrative: bool = False) -> bytes:
    """UTF-8 CSV (with a byte order mark, so Excel reads Chinese text correctly).

    When the rows are illustrative, the first line says so; a spreadsheet shows it above the header.
    """
    body = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    if illustrative:
        body = f"{ILLUSTRATIVE_MARK}\r\n{body}"
    return ("\ufeff" + body).encode("utf-8")
