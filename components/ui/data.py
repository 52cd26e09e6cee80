"""The app's one cached loader, and the memory of the last valid dataset."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.loader import Dataset, LoadResult, default_data_dir, file_signature, load_dataset
from components.problems import Problem
from components.publishing import BusyError, needs_recovery, recover


@dataclass(frozen=True)
class DataState:
    """What the pages get: the dataset to show, and what is wrong with the files on disk."""

    # The dataset to show: the current files when valid, else the last valid load (or None).
    dataset: Dataset | None
    problems: list[Problem]
    # True when the files on disk are invalid and `dataset` is an earlier, valid load.
    showing_last_valid: bool


# cache_resource, not cache_data: cache_data would pickle and copy every frame on every rerun,
# which at a million indicator values costs more than the whole rerun budget. The frames are
# shared by every session and treated as read-only (pandas copy-on-write protects derived frames).
# The key is the files' signature, so an edited or swapped file is read again on the next rerun.
@st.cache_resource(max_entries=4, show_spinner=False)
def _load(signature: tuple, data_dir: str) -> LoadResult:
    return load_dataset(Path(data_dir))


class _LastValid:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.dataset: Dataset | None = None

    def remember(self, dataset: Dataset) -> None:
        with self._lock:
            self.dataset = dataset


@st.cache_resource(show_spinner=False)
def _last_valid(data_dir: str) -> _LastValid:
    """One memory per data folder, shared by every session."""
    return _LastValid()


def current_data() -> DataState:
    data_dir = default_data_dir()
    if needs_recovery(data_dir):
        # An apply was interrupted between swapping its files: finish it before reading, so no
        # page shows a mix of old and new files. If an apply holds the lock right now, it will
        # finish the job itself; do not keep the viewer waiting for it.
        with contextlib.suppress(BusyError):
            recover(data_dir, timeout=0.5)
    result = _load(file_signature(data_dir), str(data_dir))
    memory = _last_valid(str(data_dir))
    if result.ok:
        memory.remember(result.dataset)
        return DataState(result.dataset, result.problems, showing_last_valid=False)
    return DataState(memory.dataset, result.problems, showing_last_valid=memory.dataset is not None)
