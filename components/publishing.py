"""Publishing versions of the data files: atomically, under one lock, with history and rollback.

How an apply keeps the data whole, whatever happens to the process:

1. Take an exclusive `fcntl` lock on a file in the data folder itself. The web app and the
   command line take the same lock, so two applies never interleave, whatever history folder
   each was given. The data folder records its history folder, and refuses another one.
2. Check that every data file still has the content the preview was made from (no lost update).
3. Write the new files beside the old ones (`.name.csv.new`) and the version's copy in the
   history (`versions/.N.tmp/`), flushing each to disk.
4. Write a journal naming the swaps, and flush it: from here the change is decided.
5. Swap each new file over the old one with `os.replace` (atomic per file), flush the folder,
   then name the history version and remove the journal.

A process killed before step 4 leaves the old files untouched (the leftovers are removed by the
next operation); killed after it, the next operation completes the swaps from the journal. Either
way every data file ends byte-identical to before or to after, never a mixture.

A damaged history version (its `version.json` unreadable, a copy missing) is left out of the
history with a warning (`history_warnings`) and its number is never given again.
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
# Both live in the data folder, so every process working on it meets the same lock and the same
# record of where its history is, whatever PARTNERSHIP_HISTORY_DIR each one was started with.
LOCK_NAME = ".partnership.lock"
HOME_NAME = ".partnership-history"
# In a history folder outside the data folder: which data folder it belongs to.
OWNER_NAME = "data-folder"
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


class HistoryElsewhereError(PublishError):
    """The data folder's history is not the folder this process was told to use."""


class DamagedHistoryError(PublishError):
    """A file of the history cannot be read as written."""


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


def crash_point(step: str) -> None:
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
    """The one lock every process takes before touching the data files or the history.

    The lock is a file in the data folder, so two processes given different history folders
    still exclude each other; once held, the history folder is checked to be the data folder's
    own (HistoryElsewhereError otherwise). An flock dies with its process: a lock file left by a
    killed process holds nothing.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise PublishError(f"The data folder {data_dir} does not exist.")
    # A new open file per acquisition: flock then also excludes other threads of this process.
    with (data_dir / LOCK_NAME).open("a+b") as handle:
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
            _claim_history(data_dir)
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _elsewhere(data_dir: Path, recorded: Path, configured: Path, record: Path) -> str:
    return (
        f"The data folder {data_dir} keeps its history in {recorded} (recorded in {record}), "
        f"but {HISTORY_DIR_VARIABLE} points to {configured}. One data folder has one history, "
        f"so nothing was changed. Set {HISTORY_DIR_VARIABLE} to {recorded}"
        + (" (or leave it unset)" if recorded == data_dir / HISTORY_DIR_NAME else "")
        + f"; to move the history, move {recorded} to {configured} and write the new path in "
        f"{record}."
    )


def _claim_history(data_dir: Path) -> None:
    """Check, under the lock, that the configured history is this data folder's own; on first
    use, record it in the data folder (and, for a history outside it, record the data folder
    in the history), so a second history or a second data folder is refused."""
    data_dir = data_dir.resolve()
    configured = history_dir(data_dir).resolve()
    default = data_dir / HISTORY_DIR_NAME
    home = data_dir / HOME_NAME
    if home.exists():
        written = home.read_text(encoding="utf-8").strip()
        recorded = (data_dir / written).resolve() if written else default
        if recorded != configured:
            raise HistoryElsewhereError(_elsewhere(data_dir, recorded, configured, home))
    elif configured != default and (default / VERSIONS_DIR).is_dir():
        # A history kept here before the folder recorded its home.
        raise HistoryElsewhereError(_elsewhere(data_dir, default, configured, home))
    owner = configured / OWNER_NAME
    # A history inside the data folder moves with it and belongs to no other folder.
    if not configured.is_relative_to(data_dir) and owner.exists():
        recorded_owner = Path(owner.read_text(encoding="utf-8").strip())
        if recorded_owner.resolve() != data_dir:
            raise HistoryElsewhereError(
                f"The history folder {configured} ({HISTORY_DIR_VARIABLE}) belongs to the data "
                f"folder {recorded_owner} (recorded in {owner}), not to {data_dir}, so nothing "
                f"was changed. Give each data folder a history folder of its own; if the data "
                f"folder was moved, write its new path in {owner}."
            )
    configured.mkdir(parents=True, exist_ok=True)
    inside = configured.is_relative_to(data_dir)
    if not inside and not owner.exists():
        _replace_durably(owner, f"{data_dir}\n".encode())
    if not home.exists():
        # Relative when inside, so a data folder moved with its history keeps working.
        written = configured.relative_to(data_dir) if inside else configured
        _replace_durably(home, f"{written}\n".encode())


def _replace_durably(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a crash leaves the old content or none)."""
    staged = path.with_name(f".{path.name}.tmp")
    _write_durably(staged, data)
    staged.replace(path)
    _fsync_dir(path.parent)


def _versions_dir(data_dir: Path) -> Path:
    return history_dir(data_dir) / VERSIONS_DIR


def _version_dir(data_dir: Path, number: int) -> Path:
    return _versions_dir(data_dir) / f"{number:06d}"


def _read_journal(path: Path) -> dict:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        return {"version": int(journal["version"]), "files": [str(n) for n in journal["files"]]}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise DamagedHistoryError(
            f"The journal of an interrupted change, {path}, is damaged ({error}), so it cannot "
            "be completed and nothing was changed. Compare each data file with its new copy "
            f"beside it (.NAME{NEW_SUFFIX}): keep the one you want, delete the other, then "
            "delete the journal."
        ) from error


def _recover(data_dir: Path) -> None:
    """Finish an apply that passed its journal; remove the leftovers of one that did not."""
    folder = history_dir(data_dir)
    journal_path = folder / JOURNAL_NAME
    if journal_path.exists():
        journal = _read_journal(journal_path)
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
    # A journal staged but never named: the apply it belonged to had not been decided.
    (folder / f".{JOURNAL_NAME}.tmp").unlink(missing_ok=True)
    if _versions_dir(data_dir).exists():
        for leftover in _versions_dir(data_dir).glob(".*.tmp"):
            shutil.rmtree(leftover)


def recover(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
    """Complete or clear an interrupted apply (every operation does this first, under the lock)."""
    with data_lock(Path(data_dir), timeout):
        _recover(Path(data_dir))


def needs_recovery(data_dir: Path) -> bool:
    return (history_dir(Path(data_dir)) / JOURNAL_NAME).exists()


def recover_if_needed(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
    """Complete an apply interrupted mid-swap before the files are read; touch nothing (no
    lock, no history folder) when none was, so reading any folder stays read-only."""
    if needs_recovery(Path(data_dir)):
        recover(Path(data_dir), timeout)


def _numbered(data_dir: Path) -> dict[int, Path]:
    """Every version folder by its number, readable or not."""
    folder = _versions_dir(Path(data_dir))
    if not folder.exists():
        return {}
    return {
        int(path.name): path
        for path in folder.iterdir()
        if path.name.isascii() and path.name.isdigit() and path.is_dir()
    }


def _damaged(path: Path, number: int, what: str) -> str:
    return (
        f"Version {number} of the history is damaged: {what}. It is left out of the history "
        "and cannot be restored; the other versions are kept, and new versions are numbered "
        f"after it. To repair it, put back {path} from a backup; to drop it, move that folder "
        "out of the history."
    )


def _read_version(path: Path) -> Version:
    number = int(path.name)
    meta = path / META_NAME
    if not meta.exists():
        raise DamagedHistoryError(_damaged(path, number, f"{meta} is missing"))
    try:
        version = Version(**json.loads(meta.read_text(encoding="utf-8")))
    except OSError as error:
        raise DamagedHistoryError(
            _damaged(path, number, f"{meta} cannot be read ({error.strerror})")
        ) from error
    except (ValueError, TypeError) as error:  # also UnicodeDecodeError, JSONDecodeError
        raise DamagedHistoryError(
            _damaged(path, number, f"{meta} is cut short or garbled")
        ) from error
    if version.number != number:
        raise DamagedHistoryError(
            _damaged(path, number, f"{meta} says it is version {version.number}")
        )
    return version


def _check_copies(path: Path, version: Version) -> None:
    missing = sorted(name for name in version.files if not (path / name).is_file())
    if missing:
        raise DamagedHistoryError(
            _damaged(path, version.number, f"its copy of {', '.join(missing)} is missing")
        )


def history(data_dir: Path) -> list[Version]:
    """Every readable published version, oldest first (`history_warnings` says what is not)."""
    versions = []
    for _, path in sorted(_numbered(data_dir).items()):
        try:
            version = _read_version(path)
            _check_copies(path, version)
        except DamagedHistoryError:
            continue
        versions.append(version)
    return versions


def history_warnings(data_dir: Path) -> list[str]:
    """What is wrong with the history: damaged versions, and numbers missing between them."""
    warnings = []
    numbered = _numbered(data_dir)
    for _, path in sorted(numbered.items()):
        try:
            _check_copies(path, _read_version(path))
        except DamagedHistoryError as error:
            warnings.append(str(error))
    gaps = sorted(set(range(1, max(numbered, default=0) + 1)) - set(numbered))
    if gaps:
        shown = ", ".join(str(number) for number in gaps[:10])
        more = f" and {len(gaps) - 10} more" if len(gaps) > 10 else ""
        which = f"Versions {shown}{more} are" if len(gaps) > 1 else f"Version {shown} is"
        warnings.append(
            f"{which} missing from the history in {_versions_dir(data_dir)} (removed by hand?). "
            "Later versions keep their numbers, and those numbers are not given again."
        )
    return warnings


def _next_number(data_dir: Path) -> int:
    """After every version folder there is, readable or not: a number is never given twice."""
    return max(_numbered(data_dir), default=0) + 1


def version_files(data_dir: Path, number: int) -> dict[str, bytes]:
    """The data files exactly as they were in version `number` (checked against its digests)."""
    path = _version_dir(Path(data_dir), number)
    if not path.is_dir():
        raise PublishError(f"There is no version {number}.")
    meta = _read_version(path)
    _check_copies(path, meta)
    files = {name: (path / name).read_bytes() for name in meta.files}
    altered = sorted(name for name, data in files.items() if digest(data) != meta.files[name])
    if altered:
        raise DamagedHistoryError(
            _damaged(path, number, f"its copy of {', '.join(altered)} was altered since")
        )
    return files


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


def now_text() -> str:
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
    if _numbered(data_dir):
        return
    files = current_files(data_dir, contract)
    meta = Version(
        number=1,
        who="",
        when=now_text(),
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
    number = _next_number(data_dir)
    files = {**current_files(data_dir, contract), **changed}
    meta = Version(
        number=number,
        who=who,
        when=now_text(),
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
    crash_point("after-write")

    folder = history_dir(data_dir)
    journal = folder / JOURNAL_NAME
    staged_journal = folder / f".{JOURNAL_NAME}.tmp"
    _write_durably(
        staged_journal, json.dumps({"version": number, "files": sorted(changed)}).encode()
    )
    staged_journal.replace(journal)
    _fsync_dir(folder)
    crash_point("after-journal")

    for position, name in enumerate(sorted(changed)):
        (Path(data_dir) / f".{name}{NEW_SUFFIX}").replace(Path(data_dir) / name)
        if position == 0:
            crash_point("mid-swap")
    _fsync_dir(Path(data_dir))
    crash_point("after-swap")
    _recover(data_dir)  # names the version and removes the journal
    return meta


def check_change(changed: dict[str, bytes], contract: Contract) -> None:
    """Refuse an empty change, or one naming files the contract does not know."""
    if not changed:
        raise PublishError("The change is empty: the files are the same as the current data.")
    known = {table.filename for table in contract.tables}
    unknown = sorted(set(changed) - known)
    if unknown:
        raise PublishError(f"Not data files of the contract: {', '.join(unknown)}.")


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
    contract = contract or load_contract()
    check_change(changed, contract)
    data_dir = Path(data_dir)
    with data_lock(data_dir):
        return _publish_locked(
            data_dir, changed, who, note, kind, rows_changed or {}, expected, contract
        )


def rollback(
    data_dir: Path | str,
    number: int,
    who: str,
    *,
    note: str = "",
    rows_changed: dict[str, dict[str, int]] | None = None,
    expected: dict[str, str] | None = None,
    contract: Contract | None = None,
) -> Version:
    """Restore the files of version `number` byte for byte, recorded as a new version.

    `expected` is the fingerprint the rollback was prepared against
    (`components.history.prepare_rollback(...).base`): when the data changed since, another
    version was published meanwhile and restoring would discard it unseen, so
    DataChangedError is raised and nothing is written. `rows_changed` is then trusted as the
    changes against the files replaced; without `expected` the changes are counted here, under
    the lock, against the files actually replaced.
    """
    contract = contract or load_contract()
    data_dir = Path(data_dir)
    with data_lock(data_dir):
        _recover(data_dir)
        current = current_files(data_dir, contract)
        if expected is not None:
            now = {t.filename: digest(current.get(t.filename, b"")) for t in contract.tables}
            moved = sorted(name for name, sha in expected.items() if now.get(name) != sha)
            if moved:
                latest = history(data_dir)
                meanwhile = f", now version {latest[-1].number}" if latest else ""
                raise DataChangedError(
                    f"The data changed after the rollback to version {number} was checked "
                    f"({', '.join(moved)}{meanwhile}). Restoring it now would discard that "
                    "change unseen, so nothing was written. Check the rollback again to see it "
                    "against the current data."
                )
        target = version_files(data_dir, number)
        changed = {name: data for name, data in target.items() if current.get(name) != data}
        if not changed:
            raise PublishError(f"The data is already the same as version {number}.")
        if expected is None:
            # Imported here: publishing is imported by every page and command, pandas is not.
            from components.changes import diff_files, row_counts

            rows_changed = row_counts(diff_files(current, target, contract))
        return _publish_locked(
            data_dir,
            changed,
            who,
            note or f"Rollback to version {number}.",
            "rollback",
            rows_changed or {},
            None,  # checked above, against the same bytes the change is computed from
            contract,
            restores=number,
        )
