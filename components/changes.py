"""What a change does to a table: rows added, removed and changed, with old and new cells.

Rows are matched on the table's primary key and compared as the text stored in the files, so the
preview shows exactly what will be written ("2018-07-04", not a parsed date).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.contract import Contract, Table

KEY_COLUMN = "key"
CHANGED_COLUMNS = [KEY_COLUMN, "column", "old", "new"]


@dataclass(frozen=True)
class TableChanges:
    table: str
    added: pd.DataFrame
    removed: pd.DataFrame
    # One row per changed cell: key, column, old, new.
    changed: pd.DataFrame

    @property
    def changed_rows(self) -> int:
        return int(self.changed[KEY_COLUMN].nunique()) if len(self.changed) else 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": self.changed_rows,
        }

    @property
    def empty(self) -> bool:
        return not (len(self.added) or len(self.removed) or len(self.changed))


def _keys(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    if frame.empty:
        return pd.Series([], dtype="str")
    if not key or any(name not in frame for name in key):
        # No usable key: every distinct row is its own key, so edits show as remove + add.
        return frame.astype("str").agg("\u241f".join, axis=1)
    return frame[key].astype("str").agg(" + ".join, axis=1)


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("str").fillna("").reset_index(drop=True)


def diff_tables(old: pd.DataFrame | None, new: pd.DataFrame, table: Table) -> TableChanges:
    """Rows of `new` not in `old` (added), of `old` not in `new` (removed), and changed cells."""
    new = _text(new)
    old = _text(old) if old is not None else pd.DataFrame(columns=new.columns, dtype="str")
    key = list(table.primary_key)
    old_keys, new_keys = _keys(old, key), _keys(new, key)
    old_by_key = dict(zip(old_keys, old.index, strict=True))
    new_by_key = dict(zip(new_keys, new.index, strict=True))

    added = new.loc[[new_by_key[k] for k in new_keys if k not in old_by_key]]
    removed = old.loc[[old_by_key[k] for k in old_keys if k not in new_by_key]]
    columns = [name for name in new.columns if name in old.columns] + [
        name for name in new.columns if name not in old.columns
    ]
    changed = []
    for row_key, new_position in new_by_key.items():
        old_position = old_by_key.get(row_key)
        if old_position is None:
            continue
        for name in columns:
            before = old.at[old_position, name] if name in old.columns else ""
            after = new.at[new_position, name]
            if before != after:
                changed.append({KEY_COLUMN: row_key, "column": name, "old": before, "new": after})
        for name in old.columns:
            if name not in new.columns and old.at[old_position, name] != "":
                changed.append(
                    {
                        KEY_COLUMN: row_key,
                        "column": name,
                        "old": old.at[old_position, name],
                        "new": "",
                    }
                )
    return TableChanges(
        table=table.name,
        added=added.reset_index(drop=True),
        removed=removed.reset_index(drop=True),
        changed=pd.DataFrame(changed, columns=CHANGED_COLUMNS, dtype="str"),
    )


def _cells(data: bytes | None, table: Table) -> pd.DataFrame | None:
    # Imported here: table_files imports nothing of ours, but keeps this module's top light.
    from components.table_files import read_table_records, split_records

    if data is None:
        return None
    records, _ = split_records(data.decode("utf-8-sig", errors="replace"), table.filename)
    raw, _ = read_table_records(records or [], table, table.filename)
    return raw.cells if raw is not None else None


def diff_files(
    before: dict[str, bytes], after: dict[str, bytes], contract: Contract
) -> dict[str, TableChanges]:
    """The changes between two sets of stored files (e.g. the current data and a version)."""
    result = {}
    for table in contract.tables:
        old, new = before.get(table.filename), after.get(table.filename)
        if new is None or old == new:
            continue
        new_cells = _cells(new, table)
        if new_cells is None:
            continue
        result[table.name] = diff_tables(_cells(old, table), new_cells, table)
    return result


def row_counts(changes: dict[str, TableChanges]) -> dict[str, dict[str, int]]:
    """Rows added, removed and changed per table, as the history records them."""
    return {name: change.counts for name, change in changes.items() if not change.empty}
