"""Where the data's versions live: a data folder (the default) or a PostgreSQL database.

Both keep immutable versions of the contract's files, a history and the current version, and
both offer the same operations, so the pages, the upload check and the Data page work the same
on either. `PARTNERSHIP_STORE` chooses: unset, the folder of `PARTNERSHIP_DATA_DIR` with its
history (`components.publishing`); a `postgresql://` URL, that database
(`components.postgres_store`), which several servers can share.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from components import publishing, settings
from components.contract import Contract, load_contract
from components.loader import LoadResult, default_data_dir, file_signature
from components.publishing import PublishError, Version

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# How often each server process asks a shared store which version is current: a new version
# shows on every server within this (plus a page's next rerun).
WATCH_SECONDS = 2.0


class StoreUnavailableError(PublishError):
    """A shared store does not answer; nothing was written."""


class StoreSettingError(PublishError):
    """`PARTNERSHIP_STORE` names no store this app can use."""


class Store(Protocol):
    contract: Contract

    @property
    def name(self) -> str:
        """What the store is, for messages and keys (never a password)."""
        ...

    def state(self) -> tuple:
        """Changes whenever the current data does: what built files are keyed on."""
        ...

    def current_files(self) -> dict[str, bytes]: ...

    def file(self, filename: str) -> bytes | None:
        """One table file of the current version (None when it has none)."""
        ...

    def has_file(self, filename: str) -> bool: ...

    def version_files(self, number: int) -> dict[str, bytes]: ...

    def fingerprint(self) -> dict[str, str]: ...

    def history(self) -> list[Version]: ...

    def history_warnings(self) -> list[str]: ...

    def recover_if_needed(self) -> None: ...

    def publish(
        self,
        changed: dict[str, bytes],
        who: str,
        note: str,
        kind: str = "import",
        rows_changed: dict[str, dict[str, int]] | None = None,
        expected: dict[str, str] | None = None,
    ) -> Version: ...

    def rollback(
        self,
        number: int,
        who: str,
        *,
        note: str = "",
        rows_changed: dict[str, dict[str, int]] | None = None,
        expected: dict[str, str] | None = None,
    ) -> Version: ...


class SharedStore(Store, Protocol):
    """A store several servers share, whose current version has a number."""

    def current_number(self) -> int | None: ...

    def load(self, number: int) -> LoadResult: ...


@dataclass(frozen=True)
class FolderStore:
    """A data folder and its history, under the folder's own lock (`components.publishing`)."""

    data_dir: Path
    contract: Contract = field(default_factory=load_contract, compare=False)

    @property
    def name(self) -> str:
        return str(self.data_dir)

    def state(self) -> tuple:
        return ("folder", str(self.data_dir), file_signature(self.data_dir, self.contract))

    def current_files(self) -> dict[str, bytes]:
        return publishing.current_files(self.data_dir, self.contract)

    def file(self, filename: str) -> bytes | None:
        path = self.data_dir / filename
        return path.read_bytes() if path.exists() else None

    def has_file(self, filename: str) -> bool:
        return (self.data_dir / filename).exists()

    def version_files(self, number: int) -> dict[str, bytes]:
        return publishing.version_files(self.data_dir, number)

    def fingerprint(self) -> dict[str, str]:
        return publishing.fingerprint(self.data_dir, self.contract)

    def history(self) -> list[Version]:
        return publishing.history(self.data_dir)

    def history_warnings(self) -> list[str]:
        return publishing.history_warnings(self.data_dir)

    def recover_if_needed(self) -> None:
        publishing.recover_if_needed(self.data_dir)

    def publish(
        self,
        changed: dict[str, bytes],
        who: str,
        note: str,
        kind: str = "import",
        rows_changed: dict[str, dict[str, int]] | None = None,
        expected: dict[str, str] | None = None,
    ) -> Version:
        return publishing.publish(
            self.data_dir, changed, who, note, kind, rows_changed, expected, self.contract
        )

    def rollback(
        self,
        number: int,
        who: str,
        *,
        note: str = "",
        rows_changed: dict[str, dict[str, int]] | None = None,
        expected: dict[str, str] | None = None,
    ) -> Version:
        return publishing.rollback(
            self.data_dir,
            number,
            who,
            note=note,
            rows_changed=rows_changed,
            expected=expected,
            contract=self.contract,
        )


def store_url() -> str:
    """`PARTNERSHIP_STORE` ("" for the folder)."""
    return settings.value(settings.STORE)


def open_store(contract: Contract | None = None) -> Store:
    """The store `PARTNERSHIP_STORE` names. Raises StoreSettingError when it names none that
    can be used (not a PostgreSQL URL, or PostgreSQL support not installed)."""
    contract = contract or load_contract()
    url = store_url()
    if not url:
        return FolderStore(default_data_dir(), contract)
    if not url.startswith(POSTGRES_SCHEMES):
        raise StoreSettingError(
            f"{settings.STORE.name} must be empty (the data folder) or a PostgreSQL URL "
            "starting postgresql://; it is something else. Correct it and restart the server."
        )
    try:
        from components.postgres_store import PostgresStore
    except ImportError:
        raise StoreSettingError(
            f"{settings.STORE.name} names a PostgreSQL database, but PostgreSQL support is not "
            "installed on this server: pip install 'partnership-dashboard[postgres]'."
        ) from None
    return PostgresStore(url, contract)


def as_store(source: Path | str | Store, contract: Contract | None = None) -> Store:
    """A store for `source`: a data folder's path, or a store already."""
    if isinstance(source, Path | str):
        return FolderStore(Path(source), contract or load_contract())
    return source


class VersionWatch:
    """A shared store's current version number, asked at most once every `interval` seconds
    per process, however many sessions rerun: one cheap query, not one per rerun.

    A failed question is remembered for the same interval (and raised again), so a database
    that is down costs each rerun nothing, and is asked again soon after it is back."""

    def __init__(
        self,
        ask: Callable[[], int | None],
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ask, self._clock = ask, clock
        self._interval = WATCH_SECONDS if interval is None else interval
        self._lock = threading.Lock()
        self._asked_at: float | None = None
        self._answer: int | None = None
        self._failure: Exception | None = None

    def current(self) -> int | None:
        with self._lock:
            now = self._clock()
            if self._asked_at is None or now - self._asked_at >= self._interval:
                try:
                    self._answer, self._failure = self._ask(), None
                except PublishError as error:
                    self._failure = error
                self._asked_at = self._clock()
            if self._failure is not None:
                raise self._failure
            return self._answer
