"""Every table the pages show: its columns and headings (as data), the rows shown, and the same
rows in the form Streamlit sends, made together so they share one lifetime in the memo."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from components.exports import FORMULA_STARTS, neutralise_formulas
from components.i18n import BILINGUAL, CATALOGUE_LANGUAGES, Bilingual, half, translator

# A table longer than this is cut (with a note): sending tens of thousands of rows to the browser
# on every rerun costs more than the rerun budget, and nobody reads them on screen.
MAX_TABLE_ROWS = 1000

# Each table's columns in the order shown, with the catalogue key of its heading. Columns a
# frame holds but its table does not list stay on the server.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    # A name and its status first, so that a narrow screen never pushes the status off it.
    "initiatives": {
        "title": "columns.title",
        "status": "columns.status",
        "status_as_of": "columns.status_as_of",
        "start": "columns.start",
        "end": "columns.end",
        "focus_areas": "columns.focus_areas",
        "lead": "columns.lead",
        "places": "columns.places",
        "source": "columns.source",
    },
    "initiative_milestones": {
        "date": "columns.date",
        "title": "columns.title",
        "status": "columns.status",
        "note": "columns.note",
    },
    "milestones": {
        "date": "columns.date",
        "title": "columns.title",
        "status": "columns.status",
        "kind": "columns.milestone_kind",
        "initiative": "columns.initiative",
        "note": "columns.note",
        "source": "columns.source",
    },
    "indicators_table": {
        "name": "columns.indicator",
        "initiative": "columns.initiative",
        "unit": "columns.unit",
        "direction": "columns.direction",
        "baseline": "columns.baseline",
        "target": "columns.target",
        "target_date": "columns.target_date",
        "latest_value": "columns.latest_value",
        "latest_date": "columns.latest_date",
        "values_count": "columns.values_count",
        "verdict": "columns.assessment",
    },
    "quiet_initiatives": {
        "title": "columns.initiative",
        "status": "columns.status",
        "last_activity": "columns.last_activity",
        "quiet_since": "columns.quiet_since",
    },
    "quiet_areas": {
        "name": "columns.focus_area",
        "last_activity": "columns.last_activity",
        "quiet_since": "columns.quiet_since",
    },
}


# In the bilingual layout a cell cannot hold both languages whole, so a text column becomes a
# column per language; to keep the table on a projector's screen, these columns (shown in the
# table's details, or in one language) are left out there.
LEFT_OUT_IN_BOTH: dict[str, tuple[str, ...]] = {
    "initiatives": ("focus_areas", "lead", "places", "source"),
    "initiative_milestones": ("note",),
    "milestones": ("kind", "initiative", "note", "source"),
    "indicators_table": ("initiative", "direction", "target_date", "values_count"),
}


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as every data grid is sent: no cell or heading that a spreadsheet would run as
    a formula (see components/exports.py), because the grid's own toolbar "Download as CSV" and
    its clipboard copy write the cells as sent. Only text starting with `=`, `+`, `-`, `@`, a
    tab or a carriage return is changed (it gets a leading apostrophe, on screen too); numbers
    and dates are left as they are."""
    safe = neutralise_formulas(frame)
    headings = [_heading(name) for name in safe.columns]
    if headings != list(safe.columns):
        safe.columns = headings
    return safe


def _heading(name: object) -> object:
    return f"'{name}" if str(name).startswith(FORMULA_STARTS) else name


def as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The table as a data grid sends it (neutralised), converted to Arrow once by whoever
    keeps it; a frame with mixed types is left to Streamlit, which knows how to fix them."""
    safe = neutralised(frame)
    try:
        return pa.Table.from_pandas(safe, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return safe


@dataclass(frozen=True)
class TableView:
    """A table as the page shows it: `name` is also its download's file name."""

    name: str
    # The rows shown (at most MAX_TABLE_ROWS), headed in the page's language: what the CSV
    # download holds.
    shown: pd.DataFrame
    # The same rows as Streamlit sends them, neutralised (see `neutralised`).
    sent: pa.Table | pd.DataFrame
    # Rows before the cut.
    total_rows: int
    source_ids: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.total_rows == 0


def table_view(
    frame: pd.DataFrame, name: str, language: str, source_ids: tuple[str, ...]
) -> TableView:
    """`frame` as table `name` of TABLE_COLUMNS shows it, in `language`."""
    t = translator(language)
    columns = TABLE_COLUMNS[name]
    if language == BILINGUAL:
        columns = {c: key for c, key in columns.items() if c not in LEFT_OUT_IN_BOTH.get(name, ())}
    headings = {column: t(key) for column, key in columns.items()}
    shown = frame.head(MAX_TABLE_ROWS)[list(headings)]
    shown = (
        by_language(shown, headings) if language == BILINGUAL else shown.rename(columns=headings)
    )
    return TableView(name, shown, as_arrow(shown), len(frame), tuple(source_ids))


def by_language(frame: pd.DataFrame, headings: dict[str, object]) -> pd.DataFrame:
    """The bilingual layout of a table: a column of text in both languages becomes two, its
    English and its Chinese, each under its own language's heading; a column the same in both
    (dates, numbers, ids) stays one, under both headings."""
    parts = {}
    for column, heading in headings.items():
        values = frame[column]
        if any(isinstance(v, Bilingual) and not v.single for v in values):
            for side in CATALOGUE_LANGUAGES:
                parts[half(heading, side)] = values.map(lambda v, side=side: half(v, side))
        else:
            parts[str(heading)] = values.map(lambda v: v if not isinstance(v, Bilingual) else v.en)
    return pd.DataFrame(parts, index=frame.index)
