"""Publishing versions of the data files: atomically, under one lock, with history and rollback.

How an apply keeps the data whole, whatever happens to the process:

1. Take an exclusive `fcntl` lock on a file in the history folder. The web app and the command
   line take the same lock, so two applies never interleave.
2. Check that every data file still has the content the preview was made from (no lost update).
3. Write the new files beside the old ones (`.name.csv.new`) and the version's copy in the
   history (`versions/.N.tmp/`), flushing each to disk.
4. Write a journal naming the swaps, and flush it: from here the change is decided.
5. Swap each new file over the old one with `os.replace` (atomic per file), flush the folder,
   then name the history version and remove the journal.

A process killed before step 4 leaves the old files untouched (the leftovers are removed by the
next operation); killed after it, the next operation completes the swaps from the journal. Either
way every data file ends byte-identical to before or to after, never a mixture.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from components import settings
from components.contract import Contract, load_contract

HISTORY_DIR_VARIABLE = settings.HISTORY_DIR.name
HISTORY_DIR_NAME = ".history"
LOCK_NAME = "lock"
JOURNAL_NAME = "journal.json"
VERSIONS_DIR = "versions"
META_NAME = "version.json"
NEW_SUFFIX = ".new"
# Tests set this to a step name to have the applying process killed right there.
CRASH_VARIABLE = settings.TEST_CRASH_AT.name
# How long an apply waits for another one to finish before telling the editor.
LOCK_TIMEOUT_SECONDS = 15.0


class PublishError(Exception):
    """An apply or rollback that did not happen; nothing was written."""


class DataChangedError(PublishError):
    """The data changed after the preview was made (another editor applied first)."""


class BusyError(PublishError):
    """Another apply held the lock for longer than we wait."""


@dataclass(frozen=True)
class Version:
    number: int
    who: str
    when: str  # ISO 8601, UTC
    note: str
    kind: str  # "initial", "import", "edit", "rollback"
    # Table name -> {"added": n, "removed": n, "changed": n}
    rows_changed: dict[str, dict[str, int]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    restores: int | None = None


def history_dir(data_dir: Path) -> Path:
    """`PARTNERSHIP_HISTORY_DIR` when set (a folder beside the data), else `<data>/.history`."""
    configured = settings.value(settings.HISTORY_DIR)
    if configured:
        return Path(configured).expanduser()
    return Path(data_dir) / HISTORY_DIR_NAME


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(data_dir: Path, contract: Contract | None = None) -> dict[str, str]:
    """sha256 of every table file (of empty content when missing): what a preview was made from."""
    contract = contract or load_contract()
    result = {}
    for table in contract.tables:
        path = Path(data_dir) / table.filename
        result[table.filename] = digest(path.read_bytes() if path.exists() else b"")
    return result


def _crash_point(step: str) -> None:
    if settings.value(settings.TEST_CRASH_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def data_lock(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """The one lock every process takes before touching the data files or the history."""
    folder = history_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # A new open file per acquisition: flock then also excludes other threads of this process.
    with (folder / LOCK_NAME).open("a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if time.monotonic() >= deadline:
                    raise BusyError(
                        "Another change is being applied and did not finish in time."
                    ) from error
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _versions_dir(data_dir: Path) -> Path:
    return history_dir(data_dir) / VERSIONS_DIR


def _version_dir(data_dir: Path, number: int) -> Path:
    return _versions_dir(data_dir) / f"{number:06d}"


def _recover(data_dir: Path) -> None:
    """Finish an apply that passed its journal; remove the leftovers of one that did not."""
    folder = history_dir(data_dir)
    journal_path = folder / JOURNAL_NAME
    if journal_path.exists():
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        for name in journal["files"]:
            staged = Path(data_dir) / f".{name}{NEW_SUFFIX}"
            if staged.exists():
                staged.replace(Path(data_dir) / name)
        _fsync_dir(Path(data_dir))
        staged_version = _versions_dir(data_dir) / f".{journal['version']:06d}.tmp"
        if staged_version.exists():
            staged_version.replace(_version_dir(data_dir, journal["version"]))
            _fsync_dir(_versions_dir(data_dir))
        journal_path.unlink()
        _fsync_dir(folder)
    for leftover in Path(data_dir).glob(f".*{NEW_SUFFIX}"):
        leftover.unlink()
    if _versions_dir(data_dir).exists():
        for leftover in _versions_dir(data_dir).glob(".*.tmp"):
            shutil.rmtree(leftover)


def recover(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
    """Complete or clear an interrupted apply (every operation does this first, under the lock)."""
    with data_lock(Path(data_dir), timeout):
        _recover(Path(data_dir))


def needs_recovery(data_dir: Path) -> bool:
    return (history_dir(Path(data_dir)) / JOURNAL_NAME).exists()


def _read_version(path: Path) -> Version:
    raw = json.loads((path / META_NAME).read_text(encoding="utf-8"))
    return Version(**raw)


def history(data_dir: Path) -> list[Version]:
    """Every published version, oldest first."""
    folder = _versions_dir(Path(data_dir))
    if not folder.exists():
        return []
    versions = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not (path / META_NAME).exists():
            continue
        versions.append(_read_version(path))
    return versions


def version_files(data_dir: Path, number: int) -> dict[str, bytes]:
    """The data files exactly as they were in version `number`."""
    path = _version_dir(Path(data_dir), number)
    if not (path / META_NAME).exists():
        raise PublishError(f"There is no version {number}.")
    meta = _read_version(path)
    return {name: (path / name).read_bytes() for name in meta.files}


def _stage_version(data_dir: Path, number: int, files: dict[str, bytes], meta: Version) -> Path:
    """Write a version's copy of every data file (hard links to the previous copy when equal)."""
    versions = _versions_dir(data_dir)
    versions.mkdir(parents=True, exist_ok=True)
    staged = versions / f".{number:06d}.tmp"
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir()
    previous = _version_dir(data_dir, number - 1)
    for name, data in files.items():
        earlier = previous / name
        if (
            earlier.exists()
            and earlier.stat().st_size == len(data)
            and earlier.read_bytes() == data
        ):
            try:
                os.link(earlier, staged / name)
                continue
            except OSError:
                pass  # a file system without hard links: store a copy
        _write_durably(staged / name, data)
    _write_durably(staged / META_NAME, json.dumps(asdict(meta), indent=2).encode("utf-8"))
    _fsync_dir(staged)
    return staged


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def current_files(data_dir: Path, contract: Contract) -> dict[str, bytes]:
    """The bytes of every table file that exists in `data_dir`, by file name."""
    files = {}
    for table in contract.tables:
        path = Path(data_dir) / table.filename
        if path.exists():
            files[table.filename] = path.read_bytes()
    return files


def _record_initial(data_dir: Path, contract: Contract) -> None:
    """Before the first change, keep the files as they are, so a rollback can return to them."""
    if history(data_dir):
        return
    files = current_files(data_dir, contract)
    meta = Version(
        number=1,
        who="",
        when=_now(),
        note="The data as it was before the first change made here.",
        kind="initial",
        files={name: digest(data) for name, data in files.items()},
    )
    staged = _stage_version(data_dir, 1, files, meta)
    staged.replace(_version_dir(data_dir, 1))
    _fsync_dir(_versions_dir(data_dir))


def _publish_locked(
    data_dir: Path,
    changed: dict[str, bytes],
    who: str,
    note: str,
    kind: str,
    rows_changed: dict[str, dict[str, int]],
    expected: dict[str, str] | None,
    contract: Contract,
    restores: int | None = None,
) -> Version:
    _recover(data_dir)
    if expected is not None:
        now = fingerprint(data_dir, contract)
        moved = sorted(name for name, sha in expected.items() if now.get(name) != sha)
        if moved:
            raise DataChangedError(
                "The data changed after this preview was made (" + ", ".join(moved) + "). "
                "Upload or check the change again to see it against the current data."
            )
    _record_initial(data_dir, contract)
    number = history(data_dir)[-1].number + 1
    files = {**current_files(data_dir, contract), **changed}
    meta = Version(
        number=number,
        who=who,
        when=_now(),
        note=note,
        kind=kind,
        rows_changed=rows_changed,
        files={name: digest(data) for name, data in files.items()},
        restores=restores,
    )
    for name, data in changed.items():
        _write_durably(Path(data_dir) / f".{name}{NEW_SUFFIX}", data)
    _stage_version(data_dir, number, files, meta)
    _fsync_dir(Path(data_dir))
    _crash_point("after-write")

    folder = history_dir(data_dir)
    journal = folder / JOURNAL_NAME
    staged_journal = folder / f".{JOURNAL_NAME}.tmp"
    _write_durably(
        staged_journal, json.dumps({"version": number, "files": sorted(changed)}).encode()
    )
    staged_journal.replace(journal)
    _fsync_dir(folder)
    _crash_point("after-journal")

    for position, name in enumerate(sorted(changed)):
        (Path(data_dir) / f".{name}{NEW_SUFFIX}").replace(Path(data_dir) / name)
        if position == 0:
            _crash_point("mid-swap")
    _fsync_dir(Path(data_dir))
    _crash_point("after-swap")
    _recover(data_dir)  # names the version and removes the journal
    return meta


def publish(
    data_dir: Path | str,
    changed: dict[str, bytes],
    who: str,
    note: str,
    kind: str = "import",
    rows_changed: dict[str, dict[str, int]] | None = None,
    expected: dict[str, str] | None = None,
    contract: Contract | None = None,
) -> Version:
    """Replace the named data files with `changed` as one new version.

    `expected` is the fingerprint the change was checked against; when any file differs now,
    DataChangedError is raised and nothing is written.
    """
    if not changed:
        raise PublishError("The change is empty: the files are the same as the current data.")
    contract = contract or load_contract()
    known = {table.filename for table in contract.tables}
    unknown = sorted(set(changed) - known)
    if unknown:
        raise PublishError(f"Not data files of the contract: {', '.join(unknown)}.")
    data_dir = Path(data_dir)
    with data_lock(data_dir):
        return _publish_locked(
            data_dir, changed, who, note, kind, rows_changed or {}, expected, contract
        )


def rollback(
    data_dir: Path | str,
    number: int,
    who: str,
    note: str = "",
    rows_changed: dict[str, dict[str, int]] | None = None,
    expected: dict[str, str] | None = None,
    contract: Contract | None = None,
) -> Version:
    """Restore the files of version `number` byte for byte, recorded as a new version."""
    contract = contract or load_contract()
    data_dir = Path(data_dir)
    with data_lock(data_dir):
        _recover(data_dir)
        target = version_files(data_dir, number)
        current = current_files(data_dir, contract)
        changed = {name: data for name, data in target.items() if current.get(name) != data}
        if not changed:
            raise PublishError(f"The data is already the same as version {number}.")
        return _publish_locked(
            data_dir,
            changed,
            who,
            note or f"Rollback to version {number}.",
            "rollback",
            rows_changed or {},
            expected,
            contract,
            restores=number,
        )
