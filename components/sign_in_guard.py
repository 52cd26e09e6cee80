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
through unchecked. `SignInGuard` is the interface; `SqliteGuard` keeps the counts beside a data
folder, `PostgresGuard` in the PostgreSQL store that several servers share.
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
CREATE TABLE IF NOT EXISTS {failures} (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS {failures}_by_key ON {failures} (key, at);
CREATE TABLE IF NOT EXISTS {lockouts} (
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


class _CountingGuard:
    """The policy above, over an SQL database that a subclass opens.

    The SQL is written once, with `?` for parameters and `{failures}` / `{lockouts}` for the
    two tables; `_sql` gives it in the database's own dialect."""

    placeholder = "?"
    failures_table = "failures"
    lockouts_table = "lockouts"
    errors: tuple[type[BaseException], ...] = ()

    def __init__(self, clock: Callable[[], float], timeout: float | None) -> None:
        self.clock = clock  # wall-clock seconds: the counts outlive a process
        self.timeout = limits.SIGN_IN_STORE_TIMEOUT_SECONDS if timeout is None else timeout

    def _transaction(self, write: bool) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def _where(self) -> str:
        raise NotImplementedError

    def _sql(self, text: str) -> str:
        tables = text.format(failures=self.failures_table, lockouts=self.lockouts_table)
        return tables.replace("?", self.placeholder)

    def _execute(self, connection, text: str, parameters: tuple = ()):
        return connection.execute(self._sql(text), parameters)

    def _unavailable(self, error: BaseException) -> Verdict:
        _log.error("sign-in counters unavailable at %s: %s", self._where(), error)
        return UNAVAILABLE

    def _locked_for(self, connection, keys: tuple[str, ...], now: float) -> float:
        placeholders = ",".join("?" * len(keys))
        row = self._execute(
            connection, f"SELECT MAX(until) FROM {{lockouts}} WHERE key IN ({placeholders})", keys
        ).fetchone()
        until = row[0] if row and row[0] is not None else 0.0
        return until - now if until > now else 0.0

    def check_allowed(self, name: str, client: str | None) -> Verdict:
        try:
            with self._transaction(write=False) as connection:
                wait = self._locked_for(
                    connection, (name_key(name), client_key(client)), self.clock()
                )
        except self.errors as error:
            return self._unavailable(error)
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
                self._execute(connection, "DELETE FROM {failures} WHERE at <= ?", (since,))
                self._execute(connection, "DELETE FROM {lockouts} WHERE until <= ?", (since,))
                for key, threshold in keys:
                    self._execute(connection, "INSERT INTO {failures} VALUES (?, ?)", (key, now))
                    (count,) = self._execute(
                        connection,
                        "SELECT COUNT(*) FROM {failures} WHERE key = ? AND at > ?",
                        (key, since),
                    ).fetchone()
                    # A key paused less than a window ago is paused again by one failure;
                    # otherwise only by reaching its threshold.
                    paused_before = self._execute(
                        connection, "SELECT 1 FROM {lockouts} WHERE key = ?", (key,)
                    ).fetchone()
                    if paused_before or count >= threshold:
                        self._lock(connection, key, now)
                wait = self._locked_for(connection, tuple(key for key, _ in keys), now)
        except self.errors as error:
            return self._unavailable(error)
        return Verdict(False, wait) if wait > 0 else ALLOWED

    def _lock(self, connection, key: str, now: float) -> None:
        # A lockout that ended less than a window ago makes this one twice as long; the row of
        # an older one was deleted above, so after a quiet window the count and the pause start
        # again from nothing.
        row = self._execute(
            connection, "SELECT level FROM {lockouts} WHERE key = ?", (key,)
        ).fetchone()
        level = row[0] + 1 if row else 0
        seconds = min(
            limits.SIGN_IN_FIRST_LOCKOUT_SECONDS * 2 ** min(level, 30),
            limits.SIGN_IN_MAX_LOCKOUT_SECONDS,
        )
        self._execute(
            connection,
            "INSERT INTO {lockouts} VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET until = excluded.until, level = excluded.level",
            (key, now + seconds, level),
        )

    def record_success(self, name: str, client: str | None) -> None:
        key = name_key(name)
        try:
            with self._transaction(write=True) as connection:
                self._execute(connection, "DELETE FROM {failures} WHERE key = ?", (key,))
                self._execute(connection, "DELETE FROM {lockouts} WHERE key = ?", (key,))
        except self.errors as error:
            # The password was right and was checked while the store worked; the name's old
            # failures simply stay until they leave the window.
            self._unavailable(error)


class SqliteGuard(_CountingGuard):
    """The counts in one SQLite file in WAL mode, shared by every process on the machine."""

    errors = (sqlite3.Error, OSError)

    def __init__(
        self,
        path: Path,
        clock: Callable[[], float] = time.time,
        timeout: float | None = None,
    ) -> None:
        super().__init__(clock, timeout)
        self.path = Path(path)
        self._schema_ready = False

    def _where(self) -> str:
        return str(self.path)

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        # WAL is a property of the file, set once. The tables are made inside one write
        # transaction, so a second process starting at the same moment waits for it (with
        # the busy timeout) instead of failing on a half-made schema.
        self._set_wal(connection)
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(str.strip, self._sql(_SCHEMA).split(";")):
                connection.execute(statement)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        self._schema_ready = True

    def _set_wal(self, connection: sqlite3.Connection) -> None:
        """Switch the file to WAL, waiting up to the timeout for another process doing the same:
        SQLite answers a concurrent change of journal mode with "database is locked" at once,
        without its busy handler (seen when two servers started on a new file together)."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: this code says where each transaction begins and ends.
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            if not self._schema_ready:
                self._create_schema(connection)
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()


class PostgresGuard(_CountingGuard):
    """The counts in the PostgreSQL store, shared by every server of a deployment.

    Writes take one transaction-scoped advisory lock, so two servers counting at once never
    lose a failure (as `BEGIN IMMEDIATE` does for SQLite)."""

    placeholder = "%s"
    failures_table = "partnership_sign_in_failures"
    lockouts_table = "partnership_sign_in_lockouts"
    # Any fixed number: the key of the advisory lock that serialises the counting.
    WRITE_LOCK = 0x7369_676E  # "sign"

    def __init__(
        self,
        url: str,
        clock: Callable[[], float] = time.time,
        timeout: float | None = None,
    ) -> None:
        import psycopg  # only a deployment on PostgreSQL has it installed

        super().__init__(clock, timeout)
        self.url = url
        self._psycopg = psycopg
        self.errors = (psycopg.Error, OSError)
        self._schema_ready = False

    def _where(self) -> str:
        # The URL without its password, if it carries one.
        return self._psycopg.conninfo.make_conninfo(self.url, password="") if self.url else ""

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator:
        seconds = max(1, math.ceil(self.timeout))
        with self._psycopg.connect(self.url, connect_timeout=seconds) as connection:
            milliseconds = int(self.timeout * 1000)
            if not self._schema_ready:
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (self.WRITE_LOCK,))
                    connection.execute(self._sql(_SCHEMA.replace("REAL", "DOUBLE PRECISION")))
                self._schema_ready = True
            with connection.transaction():
                connection.execute(f"SET LOCAL lock_timeout = '{milliseconds}ms'")
                connection.execute(f"SET LOCAL statement_timeout = '{milliseconds}ms'")
                if write:
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (self.WRITE_LOCK,))
                yield connection


def guard_for(data_dir: Path, clock: Callable[[], float] = time.time) -> SqliteGuard:
    """The guard of a data folder: its database sits in that folder's history."""
    return SqliteGuard(history_dir(Path(data_dir)) / DATABASE_NAME, clock=clock)


class _Closed:
    """A guard that refuses every try: the configured store cannot be used at all."""

    def check_allowed(self, name: str, client: str | None) -> Verdict:
        return UNAVAILABLE

    def record_failure(self, name: str, client: str | None) -> Verdict:
        return UNAVAILABLE

    def record_success(self, name: str, client: str | None) -> None:
        pass


def configured_guard(data_dir: Path, store_url: str) -> SignInGuard:
    """The guard of the store the settings name: the shared PostgreSQL store's when there is
    one (so the counts hold across servers), else the data folder's."""
    if not store_url:
        return guard_for(data_dir)
    try:
        return PostgresGuard(store_url)
    except ImportError:
        _log.error("sign-in refused: the store is PostgreSQL, but psycopg is not installed")
        return _Closed()
