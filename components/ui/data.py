"""The data the pages show: the current version when valid, else the last valid one.

From a data folder, the files as they are now; from a shared store (PostgreSQL), the version
it names as current, asked at most every few seconds (`store.VersionWatch`). When the store
does not answer, the pages keep the version they last showed and say so."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from components import settings
from components.loader import Dataset, file_signature
from components.problems import Message, Problem, Severity
from components.publishing import BusyError, PublishError, needs_recovery, recover
from components.store import (
    FolderStore,
    SharedStore,
    StoreSettingError,
    VersionWatch,
    open_store,
)
from components.ui import cached

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataState:
    """What the pages get: the dataset to show, and what is wrong with the data."""

    # The dataset to show: the current version when valid, else the last valid load (or None).
    dataset: Dataset | None
    problems: list[Problem]
    # True when the current data is invalid or cannot be read, and `dataset` is an earlier,
    # valid load.
    showing_last_valid: bool
    # Why the shared store cannot be read right now (None when it can, or for a folder).
    store_unavailable: str | None = None


def current_data() -> DataState:
    try:
        store = open_store()
    except StoreSettingError as error:
        problem = Problem(
            severity=Severity.FATAL,
            file=settings.STORE.name,
            problem=Message("problem.store_setting", reason=str(error)),
            fix=Message("problem.fix_store_setting"),
        )
        return DataState(None, [problem], showing_last_valid=False)
    if isinstance(store, FolderStore):
        return _from_folder(store)
    return _from_shared_store(store)


def _from_folder(store: FolderStore) -> DataState:
    data_dir = store.data_dir
    if needs_recovery(data_dir):
        # An apply was interrupted between swapping its files: finish it before reading, so no
        # page shows a mix of old and new files. If an apply holds the lock right now, it will
        # finish the job itself; do not keep the viewer waiting for it.
        try:
            recover(data_dir, timeout=0.5)
        except BusyError:
            pass
        except PublishError as error:
            # The history cannot be used (e.g. a second history set up for this folder): the
            # Data page says why; the pages keep showing what the files hold.
            _log.warning("not recovered: %s", error)
    folder = str(data_dir)
    result = cached.load(file_signature(data_dir), folder)
    return _shown(folder, result)


_watches: dict[str, VersionWatch] = {}
_watches_lock = threading.Lock()


def _watch(store: SharedStore) -> VersionWatch:
    with _watches_lock:
        if store.name not in _watches:
            _watches[store.name] = VersionWatch(store.current_number)
        return _watches[store.name]


def _from_shared_store(store: SharedStore) -> DataState:
    try:
        number = _watch(store).current()
        if number is None:
            problem = Problem(
                severity=Severity.FATAL,
                file=store.name,
                problem=Message("problem.empty_database"),
                fix=Message("problem.fix_empty_database"),
            )
            return DataState(None, [problem], showing_last_valid=False)
        result = cached.load_version(store.name, number, lambda: store.load(number))
    except PublishError as error:
        _log.warning("the store cannot be read: %s", error)
        last_valid = cached.shown.last_valid(store.name)
        return DataState(
            last_valid, [], showing_last_valid=last_valid is not None, store_unavailable=str(error)
        )
    return _shown(store.name, result)


def _shown(where: str, result) -> DataState:
    if result.ok:
        cached.shown.remember(where, result.dataset)
        return DataState(result.dataset, result.problems, showing_last_valid=False)
    last_valid = cached.shown.last_valid(where)
    return DataState(last_valid, result.problems, showing_last_valid=last_valid is not None)
