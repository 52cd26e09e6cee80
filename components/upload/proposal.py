"""The upload against the whole dataset: the files it would write, checked with the rest.

An upload is valid only if the whole dataset would be: its tables are checked with the current
files of the others (the loader's own checks), and the rows it changes are listed for the preview.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from components.changes import TableChanges, diff_tables
from components.contract import Contract, Table, load_contract
from components.problems import Message, Problem, Quoted, Severity, bounded, has_errors, sort_key
from components.publishing import digest
from components.store import Store, as_store
from components.table_files import RawTable, read_table_bytes, read_table_records
from components.upload.readers import Upload, read_upload
from components.validation import ProblemLog, check_references, check_table


def records_to_csv(records: list[list[str]]) -> bytes:
    """The stored form of a table: UTF-8 without BOM, comma-separated, `\\n` line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    return buffer.getvalue().encode("utf-8")


@dataclass
class Proposal:
    """A checked change: the files it would write and how they differ from the current ones."""

    problems: list[Problem]
    # File name -> the bytes to store, for each table the upload changes.
    files: dict[str, bytes]
    # File name -> sha256 of every table file when the check was made (for the optimistic check).
    base: dict[str, str]
    changes: dict[str, TableChanges]
    labels: dict[str, str]

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return sorted(
            (p for p in self.problems if p.severity is not Severity.WARNING), key=sort_key
        )

    @property
    def warnings(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity is Severity.WARNING), key=sort_key)

    @property
    def has_changes(self) -> bool:
        return bool(self.files)


def indicator_units(files: dict[str, bytes], contract: Contract) -> dict[str, str]:
    """indicator_id -> unit in the current data (for `45%` in indicator values)."""
    table = contract.table("indicators")
    data = files.get(table.filename, b"")
    text = data.decode("utf-8-sig", errors="replace")
    return {
        row.get("indicator_id", ""): (row.get("unit") or "").strip()
        for row in csv.DictReader(io.StringIO(text))
    }


def _text_cells(raw: RawTable, typed: pd.DataFrame) -> pd.DataFrame:
    """The cells as they will be stored: stripped, with enum values in their listed capitals."""
    cells = raw.cells.apply(lambda column: column.str.strip()) if len(raw.cells) else raw.cells
    for column in raw.table.columns:
        if column.enum and column.name in typed and column.name in cells:
            cells[column.name] = (
                typed[column.name].astype("str").where(typed[column.name].notna(), "")
            )
    return cells


def _keep_number_text(cells: pd.DataFrame, old: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Keep a number's stored text when the upload has the same value written differently.

    A workbook gives 38.9 back for the stored 38.9000; that is no change, and the preview
    should not show one.
    """
    key = list(table.primary_key)
    if not key or any(name not in cells or name not in old for name in key) or not len(old):
        return cells
    old_by_key = old.set_index(key)
    if not old_by_key.index.is_unique:
        return cells
    cells = cells.copy()
    new_keys = pd.MultiIndex.from_frame(cells[key]) if len(key) > 1 else pd.Index(cells[key[0]])
    for column in table.columns:
        if column.type not in ("number", "integer") or column.name not in cells:
            continue
        if column.name not in old_by_key:
            continue
        before = old_by_key[column.name].reindex(new_keys)
        before.index = cells.index
        new_numbers = pd.to_numeric(cells[column.name], errors="coerce")
        old_numbers = pd.to_numeric(before, errors="coerce")
        same = (new_numbers == old_numbers).fillna(False) & (cells[column.name] != before)
        cells.loc[same, column.name] = before[same]
    return cells


def _stored_records(raw: RawTable, cells: pd.DataFrame) -> list[list[str]]:
    # The contract's columns in its order; a column it does not know is never stored (the
    # report names each one it leaves out).
    names = [name for name in raw.table.column_names if name in cells]
    return [names, *cells[names].astype("str").values.tolist()]


def check_upload(
    data: bytes,
    filename: str,
    store: Path | str | Store,
    *,
    table: str | None = None,
    contract: Contract | None = None,
) -> Proposal:
    """Read an uploaded CSV, XLSX or ZIP and check it with the rest of the current data in
    `store` (a data folder's path, or a store).

    The one check behind the Data page and `partnership import`. Each data file is read once:
    the same bytes give the indicators' units (for `45%`) and the dataset the upload joins.
    `table` is the analyst's choice of table for a single CSV or XLSX (else it is recognised).
    """
    contract = contract or load_contract()
    current = as_store(store, contract).current_files()
    units = indicator_units(current, contract)
    return propose(read_upload(data, filename, contract, table, units), current, contract)


def propose(upload: Upload, current: dict[str, bytes], contract: Contract) -> Proposal:
    """Check the uploaded tables together with the rest of the dataset, given as the `current`
    bytes of its files by file name."""
    base = {table.filename: digest(current.get(table.filename, b"")) for table in contract.tables}
    problems = list(upload.problems)
    if not upload.readable:
        return Proposal(bounded(problems), {}, base, {}, {})

    log = ProblemLog()
    labels = {table.name: table.filename for table in contract.tables}
    raws: dict[str, RawTable] = {}
    old_raws: dict[str, RawTable] = {}
    for table in contract.tables:
        current_problems: list[Problem] = []
        if table.filename in current:
            old_raw, current_problems = read_table_bytes(
                current[table.filename], table, table.filename
            )
            if old_raw is not None:
                old_raws[table.name] = old_raw
        uploaded = upload.tables.get(table.name)
        if uploaded is not None:
            labels[table.name] = uploaded.label
            raw, more = read_table_records(uploaded.records, table, uploaded.label)
        else:
            # A table the upload leaves alone: its errors still count (the whole dataset must be
            # valid), its warnings are not the analyst's concern here.
            raw = old_raws.get(table.name)
            more = [p for p in current_problems if p.severity is not Severity.WARNING]
        problems.extend(more)
        if raw is not None:
            raws[table.name] = raw

    frames = {name: check_table(raw, labels[name], log) for name, raw in raws.items()}
    check_references(frames, contract, labels, log)
    untouched = {t.filename for t in contract.tables if t.name not in upload.tables}
    checked = [
        p for p in log.finish() if p.severity is not Severity.WARNING or p.file not in untouched
    ]
    problems.extend(_explain_removed_rows(checked, upload, old_raws, contract, labels))

    files: dict[str, bytes] = {}
    changes: dict[str, TableChanges] = {}
    if not has_errors(problems):
        for name in upload.tables:
            raw = raws[name]
            table = contract.table(name)
            cells = _text_cells(raw, frames[name])
            if name in old_raws:
                cells = _keep_number_text(cells, old_raws[name].cells, table)
            new_bytes = records_to_csv(_stored_records(raw, cells))
            if new_bytes == current.get(table.filename):
                continue
            files[table.filename] = new_bytes
            old_cells = old_raws[name].cells if name in old_raws else None
            changes[name] = diff_tables(old_cells, cells.reset_index(drop=True), table)
    return Proposal(bounded(problems), files, base, changes, labels)


def _explain_removed_rows(
    problems: list[Problem],
    upload: Upload,
    old_raws: dict[str, RawTable],
    contract: Contract,
    labels: dict[str, str],
) -> list[Problem]:
    """Reword unknown ids in tables the upload leaves alone: the upload removed those rows."""
    untouched = {labels[t.name]: t for t in contract.tables if t.name not in upload.tables}
    explained = []
    # Each table's old ids, found once: one set per problem would cost rows times problems.
    old_ids: dict[tuple[str, str], set[str]] = {}

    def was_removed(table: str, column: str, value: str | None) -> bool:
        if (table, column) not in old_ids:
            old_ids[table, column] = set(old_raws[table].cells[column].str.strip())
        return value in old_ids[table, column]

    for found in problems:
        table = untouched.get(found.file)
        column = None
        if table is not None and found.column in table.column_names:
            column = table.column(found.column)
        reference = column.references if column is not None else None
        if (
            found.severity is Severity.ERROR
            and reference is not None
            and reference.table in upload.tables
            and reference.table in old_raws
            and was_removed(reference.table, reference.column, found.value)
        ):
            target = labels[reference.table]
            explained.append(
                Problem(
                    severity=Severity.ERROR,
                    file=found.file,
                    line=found.line,
                    column=found.column,
                    value=found.value,
                    problem=Message(
                        "problem.removed_but_referred",
                        id=Quoted(found.value),
                        target=target,
                        file=found.file,
                    ),
                    fix=Message(
                        "problem.fix_removed_but_referred",
                        id=Quoted(found.value),
                        target=target,
                        file=found.file,
                    ),
                )
            )
        else:
            explained.append(found)
    return explained
