"""The view memo: one entry per exact key, bounded by the bytes its entries hold."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from components.loader import load_dataset
from components.memo import Memo, MemoKey, approximate_size
from tests.conftest import SHIPPED_DATA


def key(*inputs, version="v1", builder="view") -> MemoKey:
    return MemoKey(builder, version, inputs)


def test_a_key_is_built_once_and_any_other_input_builds_again():
    memo = Memo(budget_bytes=10_000_000)
    built = []

    def build(tag):
        return lambda: built.append(tag) or [tag]

    first = memo.get(key("en", "filters-a"), build("a"))
    assert memo.get(key("en", "filters-a"), build("again")) is first
    memo.get(key("en", "filters-b"), build("b"))
    memo.get(key("zh", "filters-a"), build("zh"))
    memo.get(key("en", "filters-a", version="v2"), build("v2"))
    memo.get(key("en", "filters-a", builder="other"), build("other"))
    assert built == ["a", "b", "zh", "v2", "other"]


def test_the_bytes_held_never_pass_the_budget_and_the_oldest_go_first():
    budget = 3 * 8_000_000 + 1_000_000
    memo = Memo(budget_bytes=budget)
    for number in range(10):
        memo.get(key(number), lambda: np.zeros(1_000_000))  # 8 MB each
        assert memo.stats().bytes_held <= budget
    stats = memo.stats()
    assert stats.entries == 3
    rebuilt = []
    memo.get(key(9), lambda: rebuilt.append(9))  # the newest is still there
    memo.get(key(0), lambda: rebuilt.append(0) or np.zeros(1))  # the oldest is not
    assert rebuilt == [0]


def test_a_value_larger_than_the_whole_budget_is_returned_but_not_kept():
    memo = Memo(budget_bytes=1_000_000)
    memo.get(key("small"), lambda: "kept")
    big = memo.get(key("big"), lambda: np.zeros(1_000_000))
    assert len(big) == 1_000_000
    stats = memo.stats()
    assert (stats.entries, stats.too_large) == (1, 1)


def test_sessions_asking_at_once_wait_for_one_build():
    memo = Memo(budget_bytes=10_000_000)
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.2)
        return ["view"]

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(memo.get(key("x"), build))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert all(result is results[0] for result in results)


def test_a_failed_build_is_not_kept_and_the_next_caller_tries_again():
    memo = Memo(budget_bytes=10_000_000)

    def broken():
        raise ValueError("bad data")

    with pytest.raises(ValueError):
        memo.get(key("x"), broken)
    assert memo.get(key("x"), lambda: "built") == "built"


def test_forgetting_a_version_drops_its_entries_only():
    memo = Memo(budget_bytes=10_000_000)
    memo.get(key(1, version="old"), lambda: "a")
    memo.get(key(1, version="new"), lambda: "b")
    memo.forget_version("old")
    assert memo.versions() == {"new"}
    assert memo.stats().entries == 1


def test_sizes_count_arrays_frames_and_text_and_not_the_shared_dataset():
    numbers = np.zeros(100_000)
    assert 800_000 <= approximate_size(numbers) < 900_000
    text = pd.DataFrame({"title": ["x" * 100] * 10_000})
    # A text column holds 100 bytes a value, plus its offsets.
    assert 1_000_000 <= approximate_size(text) < 1_300_000
    python_objects = pd.DataFrame({"title": pd.Series(["x" * 100] * 10_000, dtype=object)})
    # A Python text of 100 letters takes about 150 bytes, plus the column's pointer to it.
    assert 1_400_000 < approximate_size(python_objects) < 2_000_000
    # A value counted once however often it is referred to.
    assert approximate_size([numbers, numbers, {"again": numbers}]) < 900_000
    dataset = load_dataset(SHIPPED_DATA).dataset
    # Only the list's own pointer to it is counted.
    assert approximate_size(["a view", dataset]) - approximate_size(["a view"]) < 100
