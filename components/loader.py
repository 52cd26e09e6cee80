"""Reading a data directory into a validated, typed dataset (no Streamlit here)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import pandas as pd

from components import settings
from components.clean_table_read import read_clean_table
from components.contract import Contract, Table, load_contract
from components.i18n import Bilingual
from components.problems import Message, Problem, Severity, bounded, has_errors
from components.table_files import read_table_bytes
from components.validation import ProblemLog, check_references, check_table

DATA_DIR_VARIABLE = settings.DATA_DIR.name


def default_data_dir() -> Path:
    """`PARTNERSHIP_DATA_DIR` when set, else the repository's `data/` folder."""
    configured = settings.value(settings.DATA_DIR)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Dataset:
    """The validated tables of one data folder; shared, so treat the frames as read-only."""

    # Views built from a dataset refer to it without owning it: a memo does not count it.
    memo_shared: ClassVar[bool] = True

    data_dir: Path | None  # None for a version read from a store rather than a folder
    tables: Mapping[str, pd.DataFrame]
    # When the newest of the data files was last changed.
    files_changed_at: datetime
    signature: tuple = field(repr=False)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @cached_property
    def version(self) -> str:
        """Names this reading of the files: the same files give the same name, any edit or swap
        of a file a new one. Every view the app remembers is keyed on it."""
        return hashlib.blake2b(repr(self.signature).encode(), digest_size=8).hexdigest()

    @cached_property  # the frames never change once loaded, and every page asks on every rerun
    def status_as_of(self) -> pd.Timestamp | None:
        """The newest date on which a source confirmed an initiative's status."""
        dates = self.tables["initiatives"]["status_as_of"].dropna()
        return dates.max() if len(dates) else None


@dataclass(frozen=True)
class LoadResult:
    # None when the files have errors: nothing half-valid is ever handed to the pages.
    dataset: Dataset | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.dataset is not None


def file_signature(data_dir: Path, contract: Contract | None = None) -> tuple:
    """A cheap fingerprint of the data files (name, size, change time, inode).

    Any edit, and any atomic swap of a file, changes it, so a cache keyed on it picks up new data
    on the next rerun without reading every byte of a large file.
    """
    contract = contract or load_contract()
    parts = []
    for table in contract.tables:
        path = Path(data_dir) / table.filename
        try:
            stat = path.stat()
            parts.append((table.filename, stat.st_size, stat.st_mtime_ns, stat.st_ino))
        except OSError:
            parts.append((table.filename, None, None, None))
    return (str(Path(data_dir).resolve()), tuple(parts))


READING_THREADS = 2  # the machines that serve this have two cores


@dataclass
class _TableRead:
    frame: pd.DataFrame | None
    problems: list[Problem]
    log: ProblemLog
    changed_at: float = 0.0


def _read_table(data_dir: Path, table: Table) -> _TableRead:
    """One table's file read and checked against its part of the contract."""
    path = data_dir / table.filename
    try:
        data = path.read_bytes()
        changed_at = path.stat().st_mtime
    except FileNotFoundError:
        return _missing(table)
    except OSError as error:
        locked = Problem(
            severity=Severity.FATAL,
            file=table.filename,
            problem=Message("problem.cannot_open", reason=error.strerror),
            fix=Message("problem.fix_cannot_open"),
        )
        return _TableRead(None, [locked], ProblemLog())
    return _check_bytes(data, table, changed_at)


def _missing(table: Table) -> _TableRead:
    missing = Problem(
        severity=Severity.FATAL,
        file=table.filename,
        problem=Message("problem.file_missing", title=Bilingual(table.title.lower(), table.name)),
        fix=Message(
            "problem.fix_file_missing", file=table.filename, header=",".join(table.column_names)
        ),
    )
    return _TableRead(None, [missing], ProblemLog())


def _check_bytes(data: bytes, table: Table, changed_at: float) -> _TableRead:
    """One table's bytes read and checked against its part of the contract."""
    log = ProblemLog()
    problems: list[Problem] = []
    # Plain files take the fast road; anything unusual is read by the careful reader.
    raw = read_clean_table(data, table)
    if raw is None:
        raw, problems = read_table_bytes(data, table, table.filename)
        if raw is None:
            return _TableRead(None, problems, log)
    return _TableRead(check_table(raw, table.filename, log), problems, log, changed_at)


def load_dataset(
    data_dir: Path | str | None = None, contract: Contract | None = None
) -> LoadResult:
    """Read every table of `data_dir`, check it against the contract and convert its types."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    contract = contract or load_contract()
    signature = file_signature(data_dir, contract)
    if not data_dir.is_dir():
        problem = Problem(
            severity=Severity.FATAL,
            file=str(data_dir),
            problem=Message("problem.no_data_folder"),
            fix=Message("problem.fix_no_data_folder", variable=DATA_DIR_VARIABLE),
        )
        return LoadResult(None, [problem])

    # The signature already holds each file's size (None for a missing file).
    sizes = {filename: size or 0 for filename, size, _, _ in signature[1]}
    tables, problems, newest_change = _read_all(
        contract, sizes, lambda table: _read_table(data_dir, table)
    )
    if tables is None:
        return LoadResult(None, problems)
    dataset = Dataset(
        data_dir=data_dir,
        tables=tables,
        files_changed_at=datetime.fromtimestamp(newest_change, tz=UTC),
        signature=signature,
    )
    return LoadResult(dataset, problems)


def load_files(
    files: dict[str, bytes],
    published_at: datetime,
    version: str,
    contract: Contract | None = None,
) -> LoadResult:
    """A version's files (file name -> bytes) read and checked exactly as a folder's are.

    `published_at` stands for the files' change time and `version` names them (a store's
    version number), so views are keyed on it as on a folder's signature."""
    contract = contract or load_contract()
    sizes = {table.filename: len(files.get(table.filename, b"")) for table in contract.tables}

    def read(table: Table) -> _TableRead:
        if table.filename not in files:
            return _missing(table)
        return _check_bytes(files[table.filename], table, published_at.timestamp())

    tables, problems, _ = _read_all(contract, sizes, read)
    if tables is None:
        return LoadResult(None, problems)
    dataset = Dataset(
        data_dir=None,
        tables=tables,
        files_changed_at=published_at,
        signature=("version", version),
    )
    return LoadResult(dataset, problems)


def _read_all(
    contract: Contract, sizes: dict[str, int], read: Callable[[Table], _TableRead]
) -> tuple[dict[str, pd.DataFrame] | None, list[Problem], float]:
    """Every table read by `read` and checked, then the references between them: the tables
    (None when there are errors), the problems, and the newest change time."""
    problems: list[Problem] = []
    log = ProblemLog()
    frames: dict[str, pd.DataFrame] = {}
    files = {table.name: table.filename for table in contract.tables}
    newest_change = 0.0
    # Tables are read and checked two at a time, largest first, each into its own problem log;
    # the logs are merged in the contract's order, so the report reads the same every time.
    with ThreadPoolExecutor(max_workers=READING_THREADS) as pool:
        by_size = sorted(contract.tables, key=lambda table: -sizes[table.filename])
        reads = {table.name: pool.submit(read, table) for table in by_size}
        for table in contract.tables:
            result = reads[table.name].result()
            problems.extend(result.problems)
            log.merge(result.log)
            if result.frame is not None:
                frames[table.name] = result.frame
                newest_change = max(newest_change, result.changed_at)

    check_references(frames, contract, files, log)
    problems = bounded(problems + log.finish())
    if has_errors(problems):
        return None, problems, newest_change
    tables = {name: frame.reset_index(drop=True) for name, frame in frames.items()}
    return tables, problems, newest_change
