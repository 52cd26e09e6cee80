"""The store the settings name, and how often a server asks a shared store what is current."""

from __future__ import annotations

import pytest

from components import settings
from components.publishing import PublishError
from components.store import FolderStore, StoreSettingError, VersionWatch, open_store


class Asked:
    """A store's current number, counting the questions; `fails` makes the next ones fail."""

    def __init__(self) -> None:
        self.number, self.questions, self.fails = 1, 0, False

    def __call__(self) -> int:
        self.questions += 1
        if self.fails:
            raise PublishError("not answering")
        return self.number


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_current_version_is_asked_at_most_once_per_interval():
    asked, clock = Asked(), Clock()
    watch = VersionWatch(asked, interval=2.0, clock=clock)
    assert [watch.current() for _ in range(50)] == [1] * 50
    assert asked.questions == 1
    asked.number = 2
    clock.now += 1.9
    assert watch.current() == 1
    clock.now += 0.1
    assert watch.current() == 2
    assert asked.questions == 2


def test_a_failure_is_remembered_for_the_interval_then_asked_again():
    asked, clock = Asked(), Clock()
    watch = VersionWatch(asked, interval=2.0, clock=clock)
    asked.fails = True
    for _ in range(10):
        with pytest.raises(PublishError, match="not answering"):
            watch.current()
    assert asked.questions == 1
    asked.fails = False
    clock.now += 2.0
    assert watch.current() == 1
    assert asked.questions == 2


def test_without_the_setting_the_store_is_the_data_folder(monkeypatch, data_dir):
    monkeypatch.setenv(settings.DATA_DIR.name, str(data_dir.path))
    monkeypatch.delenv(settings.STORE.name, raising=False)
    store = open_store()
    assert isinstance(store, FolderStore) and store.data_dir == data_dir.path
    assert store.current_files()["places.csv"] == (data_dir.path / "places.csv").read_bytes()


@pytest.mark.parametrize("value", ["mysql://db/partnership", "data/", "sqlite:///x.db"])
def test_a_setting_that_names_no_postgresql_database_is_refused(monkeypatch, value):
    monkeypatch.setenv(settings.STORE.name, value)
    with pytest.raises(StoreSettingError, match="postgresql://"):
        open_store()
