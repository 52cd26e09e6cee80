"""The app's memory of what it has built, bounded by the bytes its entries hold (no Streamlit).

One `Memo` holds every view the pages reuse across reruns and sessions. An entry is keyed on the
builder that made it, the dataset version it was built from and every other input the builder
reads, so two views that differ in any input never share an entry, and a new version of the data
never meets an old entry. What an entry holds is measured when it is stored (`approximate_size`),
and the least recently used entries are forgotten once the total passes the budget: a count of
entries alone would let ten views of a million rows each through as easily as ten captions.

Each key is built once even when several sessions ask for it at the same moment: the others wait
for the first and get its value.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

Value = TypeVar("Value")

# How many values of a text column are measured to estimate the whole column.
TEXT_SAMPLE = 64


@dataclass(frozen=True)
class MemoKey:
    builder: str
    version: str
    inputs: tuple[Hashable, ...]


@dataclass
class _Entry:
    value: Any
    size: int


@dataclass(frozen=True)
class MemoStats:
    entries: int
    bytes_held: int
    budget_bytes: int
    # Values built but not kept, each larger than the whole budget.
    too_large: int
    builds: int


class Memo:
    """Least recently used entries go first once `budget_bytes` is passed."""

    def __init__(self, budget_bytes: int, size_of: Callable[[Any], int] | None = None) -> None:
        self.budget_bytes = budget_bytes
        self._size_of = size_of or approximate_size
        self._entries: OrderedDict[MemoKey, _Entry] = OrderedDict()
        self._building: dict[MemoKey, threading.Lock] = {}
        self._lock = threading.Lock()
        self._bytes = 0
        self._too_large = 0
        self._builds = 0

    def get(self, key: MemoKey, build: Callable[[], Value]) -> Value:
        with self._lock:
            found = self._lookup(key)
            if found is not None:
                return found.value
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                found = self._lookup(key)
                if found is not None:
                    return found.value
            try:
                value = build()
                size = self._size_of(value)
                with self._lock:
                    self._builds += 1
                    self._store(key, value, size)
            finally:
                with self._lock:
                    self._building.pop(key, None)
        return value

    def forget_version(self, version: str) -> None:
        """Drop every entry built from `version` (the data it was built from is gone)."""
        with self._lock:
            for key in [key for key in self._entries if key.version == version]:
                self._bytes -= self._entries.pop(key).size

    def versions(self) -> set[str]:
        """The dataset versions the entries were built from."""
        with self._lock:
            return {key.version for key in self._entries}

    def stats(self) -> MemoStats:
        with self._lock:
            return MemoStats(
                len(self._entries),
                self._bytes,
                self.budget_bytes,
                self._too_large,
                self._builds,
            )

    def _lookup(self, key: MemoKey) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def _store(self, key: MemoKey, value: Any, size: int) -> None:
        if size > self.budget_bytes:
            # Kept by nobody but its caller: storing it would evict everything else and still
            # pass the bound.
            self._too_large += 1
            return
        self._entries[key] = _Entry(value, size)
        self._bytes += size
        while self._bytes > self.budget_bytes:
            _, oldest = self._entries.popitem(last=False)
            self._bytes -= oldest.size


def approximate_size(value: Any) -> int:
    """The bytes `value` holds, counting each object once: exact for arrays and Arrow tables,
    estimated from a sample for columns of Python text. Objects marked as shared (a class
    attribute `memo_shared = True`, as the dataset has) are not counted: the entry does not
    own them."""
    seen: set[int] = set()
    pending = [value]
    total = 0
    while pending:
        item = pending.pop()
        if id(item) in seen or getattr(type(item), "memo_shared", False):
            continue
        seen.add(id(item))
        size, inside = _own_size(item)
        total += size
        pending.extend(inside)
    return total


def _own_size(item: Any) -> tuple[int, list[Any]]:
    """The bytes `item` holds itself, and the objects inside it still to count."""
    if isinstance(item, str | bytes | int | float | bool) or item is None:
        return sys.getsizeof(item), []
    if isinstance(item, pd.DataFrame):
        return _frame_size(item), []
    if isinstance(item, pd.Series | pd.Index):
        return _frame_size(item.to_frame()), []
    if isinstance(item, np.ndarray):
        if item.dtype == object and item.size:
            sample = item.ravel()[:TEXT_SAMPLE]
            return item.nbytes + int(_mean_size(sample) * item.size), []
        return item.nbytes, []
    if isinstance(item, pa.Table | pa.Array | pa.ChunkedArray | pa.RecordBatch):
        return item.nbytes, []
    if isinstance(item, dict):
        return sys.getsizeof(item), [*item.keys(), *item.values()]
    if isinstance(item, list | tuple | set | frozenset):
        return sys.getsizeof(item), list(item)
    if hasattr(item, "_data") and hasattr(item, "_layout"):  # a plotly figure: its data only
        return sys.getsizeof(item), [item._data, item._layout]
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return sys.getsizeof(item), [getattr(item, f.name) for f in dataclasses.fields(item)]
    if hasattr(item, "__dict__") and not isinstance(item, type):
        return sys.getsizeof(item), list(vars(item).values())
    return sys.getsizeof(item), []


def _mean_size(sample: Any) -> float:
    """The mean size of a sample of plain values (texts, numbers, dates)."""
    return sum(sys.getsizeof(value) for value in sample) / len(sample)


def _frame_size(frame: pd.DataFrame) -> int:
    """Exact for numbers and Arrow-backed columns; for columns of Python objects, the sample's
    mean size times the number of rows."""
    total = int(frame.memory_usage(index=True, deep=False).sum())
    rows = len(frame)
    if not rows:
        return total
    for name in frame.columns:
        column = frame[name]
        if column.dtype != object:
            continue
        total += int(_mean_size(column.iloc[:TEXT_SAMPLE]) * rows)
    return total
