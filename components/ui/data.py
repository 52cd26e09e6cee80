"""The data the pages show: the current files when valid, else the last valid version."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from components.loader import Dataset, default_data_dir, file_signature
from components.problems import Problem
from components.publishing import BusyError, PublishError, needs_recovery, recover
from components.ui import cached


@dataclass(frozen=True)
class DataState:
    """What the pages get: the dataset to show, and what is wrong with the files on disk."""

    # The dataset to show: the current files when valid, else the last valid load (or None).
    dataset: Dataset | None
    problems: list[Problem]
    # True when the files on disk are invalid and `dataset` is an earlier, valid load.
    showing_last_valid: bool


def current_data() -> DataState:
    data_dir = default_data_dir()
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
            logging.getLogger(__name__).warning("not recovered: %s", error)
    folder = str(data_dir)
    result = cached.load(file_signature(data_dir), folder)
    if result.ok:
        cached.shown.remember(folder, result.dataset)
        return DataState(result.dataset, result.problems, showing_last_valid=False)
    last_valid = cached.shown.last_valid(folder)
    return DataState(last_valid, result.problems, showing_last_valid=last_valid is not None)
