"""Past versions of the data: one read back as a dataset, checked before it is restored, or found
by date.

Publishing keeps the versions (`components.publishing.history` and `version_files`); this module
reads them with today's contract and checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from components.changes import TableChanges, diff_files, row_counts
from components.contract import Contract, load_contract
from components.loader import Dataset, LoadResult, load_files
from components.problems import Problem, Severity
from components.publishing import (
    DamagedHistoryError,
    digest,
    history,
    version_files,
)
from components.store import Store, as_store


def _load_files(files: dict[str, bytes], contract: Contract | None = None) -> LoadResult:
    """`files` (file name -> bytes) read and checked as a data folder's would be."""
    return load_files(files, datetime.now(UTC), "history", contract)


def load_version(data_dir: Path, number: int) -> Dataset | None:
    """The dataset as it was in history version `number` (None if that version cannot be read,
    also when its copy in the history is damaged)."""
    try:
        files = version_files(data_dir, number)
    except DamagedHistoryError:
        return None
    return _load_files(files).dataset


@dataclass(frozen=True)
class RollbackPlan:
    """A rollback checked and previewed against the data as it was at one moment."""

    number: int
    # The version's errors under today's checks: it may be restored only when there are none.
    errors: list[Problem]
    # What restoring it changes, against the data `base` fingerprints.
    changes: dict[str, TableChanges]
    # The fingerprint of the data the plan was made against: pass it to
    # `publishing.rollback(..., expected=plan.base)`, which refuses if the data moved since.
    base: dict[str, str]

    @property
    def rows_changed(self) -> dict[str, dict[str, int]]:
        return row_counts(self.changes)


def prepare_rollback(
    store: Path | Store, number: int, contract: Contract | None = None
) -> RollbackPlan:
    """Check that version `number` still passes today's checks, and what restoring it changes,
    against the current data, whose fingerprint the plan keeps (see `RollbackPlan.base`).
    `store` is a data folder's path, or a store."""
    contract = contract or load_contract()
    store = as_store(store, contract)
    target = store.version_files(number)
    problems = _load_files(target, contract).problems
    errors = [p for p in problems if p.severity is not Severity.WARNING]
    # One read of the current files gives both the diff and the fingerprint, so the two always
    # describe the same bytes, even if another apply lands while this runs.
    current = store.current_files()
    base = {table.filename: digest(current.get(table.filename, b"")) for table in contract.tables}
    return RollbackPlan(number, errors, diff_files(current, target, contract), base)


def version_on(data_dir: Path, when: date) -> int | None:
    """The newest history version published on or before `when` (None when there is none)."""
    found = None
    for version in history(data_dir):
        if pd.Timestamp(version.when).date() <= when:
            found = version.number
    return found
