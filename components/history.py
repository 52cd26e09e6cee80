"""Past versions of the data: one read back as a dataset, checked before it is restored, or found
by date.

Publishing keeps the versions (`components.publishing.history` and `version_files`); this module
reads them with today's contract and checks.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from components.changes import TableChanges, diff_files
from components.contract import Contract, load_contract
from components.loader import Dataset, LoadResult, load_dataset
from components.problems import Problem, Severity
from components.publishing import current_files, history, version_files


def _load_files(files: dict[str, bytes], contract: Contract | None = None) -> LoadResult:
    """`files` (file name -> bytes) read and checked as a data folder of their own."""
    with tempfile.TemporaryDirectory(prefix="partnership-version-") as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return load_dataset(Path(folder), contract)


def load_version(data_dir: Path, number: int) -> Dataset | None:
    """The dataset as it was in history version `number` (None if that version cannot be read)."""
    return _load_files(version_files(data_dir, number)).dataset


def prepare_rollback(
    data_dir: Path, number: int, contract: Contract | None = None
) -> tuple[list[Problem], dict[str, TableChanges]]:
    """Check that version `number` still passes today's checks, and what restoring it changes.

    Returns the errors (empty when it may be restored) and the changes against the current data.
    """
    contract = contract or load_contract()
    target = version_files(Path(data_dir), number)
    problems = _load_files(target, contract).problems
    errors = [p for p in problems if p.severity is not Severity.WARNING]
    return errors, diff_files(current_files(Path(data_dir), contract), target, contract)


def version_on(data_dir: Path, when: date) -> int | None:
    """The newest history version published on or before `when` (None when there is none)."""
    found = None
    for version in history(data_dir):
        if pd.Timestamp(version.when).date() <= when:
            found = version.number
    return found
