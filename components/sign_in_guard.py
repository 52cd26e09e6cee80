"""Wrong passwords counted on the server, per editor name and per client, for every process.

A browser session forgets everything on a reload, and a script needs no browser, so the counts
live in a small SQLite database in the data folder's history (`sign-in.sqlite3`), shared by
every server process on the machine. Each change is one `BEGIN IMMEDIATE` transaction, so two
servers counting at once never lose a failure.

The policy (numbers in `components/limits.py`): after `SIGN_IN_NAME_FAILURES` failures for one
name, or `SIGN_IN_CLIENT_FAILURES` from one client, within `SIGN_IN_WINDOW_SECONDS`, that name
or client is refused, whatever the password, for a pause that starts at
`SIGN_IN_FIRST_LOCKOUT_SECONDS`. Until a whole window has passed quietly after a pause, each
further failure pauses again for twice as long, up to `SIGN_IN_MAX_LOCKOUT_SECONDS`. A success
clears the name's counts (not the client's: one valid account must not reset a guesser's
address).

Anything wrong with the database refuses the try (`Verdict.unavailable`): a guess never gets
through unchecked. `SignInGuard` is the interface a shared store in another database can
implement; `SqliteGuard` is the one used today.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from components import limits
from components.publishing import history_dir

DATABASE_NAME = "sign-in.sqlite3"
# The key of clients whose address the server does not know (a local connection, or a proxy
# that does not pass the address on): they share one count.
UNKNOWN_CLIENT = "unknown"

_log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_by_key ON failures (key, at);
CREATE TABLE IF NOT EXISTS lockouts (
    key TEXT PRIMARY KEY, until REAL NOT NULL, level INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Verdict:
    """Whether a try may be checked at all, and if not, for how long it is refused."""

    allowed: bool
    wait_seconds: float = 0.0
    unavailable: bool = False  # the counters could not be read or written

    @property
    def wait_minutes(self) -> int:
        """The pause rounded up to whole minutes, as the sign-in form says it."""
        return max(1, math.ceil(self.wait_seconds / 60))


ALLOWED = Verdict(True)
UNAVAILABLE = Verdict(False, unavailable=True)


class SignInGuard(Protocol):
    """Where sign-in failures are counted: one store for every server that shares editors."""

    def check_allowed(self, name: str, client: str | None) -> Verdict: ...

    def record_failure(self, name: str, client: str | None) -> Verdict: ...

    def record_success(self, name: str, client: str | None) -> None: ...


def name_key(name: str) -> str:
    """The key a name is counted under: spaces and case do not make a new name. It is stored as
    a digest, so a password typed into the name box by mistake is not kept on disk."""
    normalised = name.strip().casefold()
    return "name:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def client_key(client: str | None) -> str:
    address = client.strip()[:100] if isinstance(client, str) else ""
    return "client:" + (address or UNKNOWN_CLIENT)


def wait_after_failure(
    delay: float | None = None,
    jitter: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Hold back the answer to a refused try, so a script gets only a few guesses a second.

    The limits are read when called (not when imported), so a test can shorten them. Returns
    the time waited."""
    delay = limits.SIGN_IN_FAILURE_DELAY_SECONDS if delay is None else delay
    jitter = limits.SIGN_IN_FAILURE_JITTER_SECONDS if jitter is None else jitter
    seconds = delay + random.uniform(0, jitter)
    sleep(seconds)
    return seconds


class SqliteGuard:
    """The counts in one SQLite file in WAL mode, shared by every process on the machine."""

    def __init__(
        self,
        path: Path,
        clock: Callable[[], float] = time.time,
        timeout: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.clock = clock  # wall-clock seconds: the counts outlive a process
        self.timeout = limits.SIGN_IN_STORE_TIMEOUT_SECONDS if timeout is None else timeout

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: this code says where each transaction begins and ends.
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()

    def _locked_for(self, connection: sqlite3.Connection, keys: tuple[str, ...], now: float):
        placeholders = ",".join("?" * len(keys))
        row = connection.execute(
            f"SELECT MAX(until) FROM lockouts WHERE key IN ({placeholders})", keys
        ).fetchone()
        until = row[0] if row and row[0] is not None else 0.0
        return until - now if until > now else 0.0

    def check_allowed(self, name: str, client: str | None) -> Verdict:
        try:
            with self._transaction(write=False) as connection:
                wait = self._locked_for(
                    connection, (name_key(name), client_key(client)), self.clock()
                )
        except (sqlite3.Error, OSError) as error:
            _log.error("sign-in counters unavailable at %s: %s", self.path, error)
            return UNAVAILABLE
        return Verdict(False, wait) if wait > 0 else ALLOWED

    def record_failure(self, name: str, client: str | None) -> Verdict:
        """Count a wrong password for the name and the client; the verdict for the next try."""
        keys = (
            (name_key(name), limits.SIGN_IN_NAME_FAILURES),
            (client_key(client), limits.SIGN_IN_CLIENT_FAILURES),
        )
        try:
            with self._transaction(write=True) as connection:
                now = self.clock()
                since = now - limits.SIGN_IN_WINDOW_SECONDS
                # Forget what lies outside the window, so guessed names do not pile up.
                connection.execute("DELETE FROM failures WHERE at <= ?", (since,))
                connection.execute("DELETE FROM lockouts WHERE until <= ?", (since,))
                for key, threshold in keys:
                    connection.execute("INSERT INTO failures VALUES (?, ?)", (key, now))
                    (count,) = connection.execute(
                        "SELECT COUNT(*) FROM failures WHERE key = ? AND at > ?", (key, since)
                    ).fetchone()
                    # A key paused less than a window ago is paused again by one failure;
                    # otherwise only by reaching its threshold.
                    paused_before = connection.execute(
                        "SELECT 1 FROM lockouts WHERE key = ?", (key,)
                    ).fetchone()
                    if paused_before or count >= threshold:
                        self._lock(connection, key, now)
                wait = self._locked_for(connection, tuple(key for key, _ in keys), now)
        except (sqlite3.Error, OSError) as error:
            _log.error("sign-in counters unavailable at %s: %s", self.path, error)
            return UNAVAILABLE
        return Verdict(False, wait) if wait > 0 else ALLOWED

    def _lock(self, connection: sqlite3.Connection, key: str, now: float) -> None:
        # A lockout that ended less than a window ago makes this one twice as long; the row of
        # an older one was deleted above, so after a quiet window the count and the pause start
        # again from nothing.
        row = connection.execute("SELECT level FROM lockouts WHERE key = ?", (key,)).fetchone()
        level = row[0] + 1 if row else 0
        seconds = min(
            limits.SIGN_IN_FIRST_LOCKOUT_SECONDS * 2 ** min(level, 30),
            limits.SIGN_IN_MAX_LOCKOUT_SECONDS,
        )
        connection.execute(
            "INSERT INTO lockouts VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET until = excluded.until, level = excluded.level",
            (key, now + seconds, level),
        )

    def record_success(self, name: str, client: str | None) -> None:
        key = name_key(name)
        try:
            with self._transaction(write=True) as connection:
                connection.execute("DELETE FROM failures WHERE key = ?", (key,))
                connection.execute("DELETE FROM lockouts WHERE key = ?", (key,))
        except (sqlite3.Error, OSError) as error:
            # The password was right and was checked while the store worked; the name's old
            # failures simply stay until they leave the window.
            _log.error("sign-in counters unavailable at %s: %s", self.path, error)


def guard_for(data_dir: Path, clock: Callable[[], float] = time.time) -> SqliteGuard:
    """The guard of a data folder: its database sits in that folder's history."""
    return SqliteGuard(history_dir(Path(data_dir)) / DATABASE_NAME, clock=clock)
