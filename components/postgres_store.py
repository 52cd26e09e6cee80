"""The data's versions kept in PostgreSQL, for several servers that cannot share a folder lock.

The same model as the folder (`components.publishing`): immutable versions of the contract's
files, a history, and a pointer to the current version. A version is the table files' bytes, as
the folder would hold them, so the contract, the validator and every page read them exactly as
they read a folder. Each distinct file is stored once (by its sha256): a version that changes one
table adds one file.

    partnership_file          sha256 -> content (the file's bytes)
    partnership_version       number, who, when, note, kind, rows changed, what it restores
    partnership_version_file  (version, file name) -> sha256
    partnership_current       the one row naming the current version

Publishing is one transaction: lock the pointer row, check that the data the editor previewed
is still the current version's (otherwise DataChangedError, and nothing is written), write the
new version, move the pointer. PostgreSQL makes it all or nothing, also when the process is
killed half-way. A rollback is a publish of an old version's files.

A server notices a new version with one cheap query (`current_number`) and then reads that
version's files in one query (`version_files`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from components import publishing
from components.contract import Contract, default_descriptor_path, load_contract
from components.loader import LoadResult, load_files
from components.publishing import (
    BusyError,
    DataChangedError,
    PublishError,
    Version,
    digest,
)
from components.store import StoreUnavailableError

SCHEMA_VERSION = 1
CONNECT_TIMEOUT_SECONDS = 5
# An advisory lock key (any fixed number) held while the tables are created, so that two
# servers starting at once do not both create them.
SCHEMA_LOCK = 0x7061_7274  # "part"

SCHEMA = """
CREATE TABLE IF NOT EXISTS partnership_schema (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version integer NOT NULL
);
CREATE TABLE IF NOT EXISTS partnership_file (
    sha256 text PRIMARY KEY,
    content bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS partnership_version (
    number integer PRIMARY KEY CHECK (number > 0),
    who text NOT NULL,
    published_at timestamptz NOT NULL,
    note text NOT NULL,
    kind text NOT NULL,
    rows_changed jsonb NOT NULL,
    restores integer REFERENCES partnership_version
);
CREATE TABLE IF NOT EXISTS partnership_version_file (
    version integer NOT NULL REFERENCES partnership_version,
    name text NOT NULL,
    sha256 text NOT NULL REFERENCES partnership_file,
    PRIMARY KEY (version, name)
);
CREATE TABLE IF NOT EXISTS partnership_current (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version integer REFERENCES partnership_version
);
"""


# The databases whose tables this process has made sure of: a page opens a store on every
# rerun, and the check (an advisory lock and the CREATE IF NOT EXISTS) is needed once.
_SCHEMA_READY: set[str] = set()


class EmptyStoreError(PublishError):
    """The store holds no version yet: a folder's data must be moved into it first."""


class StoreNotEmptyError(PublishError):
    """Data can be moved only into a store that holds none."""


class PostgresStore:
    """The versions of one dashboard's data in one PostgreSQL database."""

    def __init__(self, url: str, contract: Contract | None = None) -> None:
        self.url = url
        self.contract = contract or load_contract()

    # Connections ------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """One transaction on a new connection. The database's own failures become this
        app's: BusyError for a lock held too long, StoreUnavailableError for a database that
        does not answer (or stops answering), each with a message for the page."""
        try:
            with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
                if self.url not in _SCHEMA_READY:
                    self._create_schema(connection)
                with connection.transaction():
                    yield connection
        except psycopg.errors.LockNotAvailable:
            raise BusyError(
                "Another change was being published for longer than we wait. Try again in a minute."
            ) from None
        except psycopg.OperationalError as error:
            lines = str(error).strip().splitlines()
            reason = lines[-1] if lines else type(error).__name__
            raise StoreUnavailableError(
                f"The data's database is not answering ({reason})."
            ) from error

    def _create_schema(self, connection: psycopg.Connection) -> None:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            connection.execute(SCHEMA)
            found = connection.execute("SELECT version FROM partnership_schema").fetchone()
            if found is None:
                connection.execute(
                    "INSERT INTO partnership_schema (version) VALUES (%s)", (SCHEMA_VERSION,)
                )
                connection.execute("INSERT INTO partnership_current (version) VALUES (NULL)")
            elif found[0] > SCHEMA_VERSION:
                raise PublishError(
                    f"The database was set up by a newer version of the dashboard (schema "
                    f"{found[0]}, this one knows {SCHEMA_VERSION}). Upgrade this server."
                )
        _SCHEMA_READY.add(self.url)

    # Reading ----------------------------------------------------------------------------------

    def current_number(self) -> int | None:
        """The current version's number (None while the store is empty): one cheap query."""
        with self._transaction() as connection:
            return connection.execute("SELECT version FROM partnership_current").fetchone()[0]

    def version_files(self, number: int) -> dict[str, bytes]:
        """The file name -> bytes of version `number`, in one query."""
        with self._transaction() as connection:
            return self._files(connection, number)

    def current_version(self) -> tuple[int, dict[str, bytes]]:
        """The current version's number and files, read in one transaction."""
        with self._transaction() as connection:
            number = self._current(connection)
            return number, self._files(connection, number)

    def current_files(self) -> dict[str, bytes]:
        return self.current_version()[1]

    def file(self, filename: str) -> bytes | None:
        with self._transaction() as connection, connection.cursor(binary=True) as cursor:
            cursor.execute(
                "SELECT f.content FROM partnership_current c "
                "JOIN partnership_version_file v ON v.version = c.version "
                "JOIN partnership_file f USING (sha256) WHERE v.name = %s",
                (filename,),
            )
            row = cursor.fetchone()
        return bytes(row[0]) if row else None

    def has_file(self, filename: str) -> bool:
        with self._transaction() as connection:
            return (
                connection.execute(
                    "SELECT 1 FROM partnership_current c JOIN partnership_version_file v "
                    "ON v.version = c.version WHERE v.name = %s",
                    (filename,),
                ).fetchone()
                is not None
            )

    def load(self, number: int) -> LoadResult:
        """Version `number` read and checked as the pages use it (`loader.load_files`)."""
        with self._transaction() as connection:
            files = self._files(connection, number)
            (published_at,) = connection.execute(
                "SELECT published_at FROM partnership_version WHERE number = %s", (number,)
            ).fetchone()
        published_at = published_at.astimezone(UTC)
        return load_files(files, published_at, f"{self.name}#{number}", self.contract)

    @property
    def name(self) -> str:
        """The database's address without its password."""
        return psycopg.conninfo.make_conninfo(self.url, password="")

    def state(self) -> tuple:
        return ("postgres", self.name, self.current_number())

    def history_warnings(self) -> list[str]:
        return []  # the database's constraints keep every version whole

    def recover_if_needed(self) -> None:
        """Nothing to finish: a publish that did not commit left nothing behind."""

    def fingerprint(self) -> dict[str, str]:
        """sha256 of every table file of the current version (of empty content when it has
        none), as `publishing.fingerprint` gives for a folder: what a preview is made from."""
        with self._transaction() as connection:
            number = self._current(connection)
            return self._fingerprint(connection, number)

    def history(self) -> list[Version]:
        """Every version, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT number, who, published_at, note, kind, rows_changed, restores "
                "FROM partnership_version ORDER BY number"
            ).fetchall()
            files: dict[int, dict[str, str]] = {}
            for version, name, sha in connection.execute(
                "SELECT version, name, sha256 FROM partnership_version_file"
            ):
                files.setdefault(version, {})[name] = sha
        return [
            Version(
                number=number,
                who=who,
                when=published_at.astimezone(UTC).replace(microsecond=0).isoformat(),
                note=note,
                kind=kind,
                rows_changed=rows_changed,
                files=dict(sorted(files.get(number, {}).items())),
                restores=restores,
            )
            for number, who, published_at, note, kind, rows_changed, restores in rows
        ]

    def _current(self, connection: psycopg.Connection, lock: bool = False) -> int:
        query = "SELECT version FROM partnership_current" + (" FOR UPDATE" if lock else "")
        number = connection.execute(query).fetchone()[0]
        if number is None:
            raise EmptyStoreError(
                "The database holds no data yet. Move a data folder into it first: "
                "partnership store import DATA_FOLDER --database URL."
            )
        return number

    def _files(self, connection: psycopg.Connection, number: int) -> dict[str, bytes]:
        with connection.cursor(binary=True) as cursor:
            cursor.execute(
                "SELECT v.name, f.content FROM partnership_version_file v "
                "JOIN partnership_file f USING (sha256) WHERE v.version = %s",
                (number,),
            )
            files = {name: bytes(content) for name, content in cursor}
        if not files:
            known = connection.execute(
                "SELECT 1 FROM partnership_version WHERE number = %s", (number,)
            ).fetchone()
            if known is None:
                raise PublishError(f"There is no version {number}.")
        return files

    def _fingerprint(
        self, connection: psycopg.Connection, number: int, stored: dict[str, str] | None = None
    ) -> dict[str, str]:
        """Every contract file's digest in version `number` (of empty content when it has
        none); `stored` is that version's own digests when already read."""
        stored = self._stored_digests(connection, number) if stored is None else stored
        empty = digest(b"")
        return {table.filename: stored.get(table.filename, empty) for table in self.contract.tables}

    # Writing ----------------------------------------------------------------------------------

    def publish(
        self,
        changed: dict[str, bytes],
        who: str,
        note: str,
        kind: str = "import",
        rows_changed: dict[str, dict[str, int]] | None = None,
        expected: dict[str, str] | None = None,
        restores: int | None = None,
    ) -> Version:
        """Make the current files with `changed` replacing theirs the new current version.

        `expected` is the fingerprint the change was checked against; when the current version's
        files differ from it, DataChangedError is raised and nothing is written.
        """
        publishing.check_change(changed, self.contract)
        with self._transaction() as connection:
            connection.execute(
                f"SET LOCAL lock_timeout = '{int(publishing.LOCK_TIMEOUT_SECONDS * 1000)}ms'"
            )
            base = self._current(connection, lock=True)
            files = self._stored_digests(connection, base)
            if expected is not None:
                now = self._fingerprint(connection, base, files)
                moved = sorted(name for name, sha in expected.items() if now.get(name) != sha)
                if moved:
                    raise DataChangedError(
                        "The data changed after this preview was made ("
                        + ", ".join(moved)
                        + f", now version {base}). Upload or check the change again to "
                        "see it against the current data."
                    )
            new = {name: digest(data) for name, data in changed.items()}
            if all(files.get(name) == sha for name, sha in new.items()):
                raise PublishError(
                    "The change is empty: the files are the same as the current data."
                )
            self._store_files(connection, changed)
            number = self._next_number(connection)
            meta = Version(
                number=number,
                who=who,
                when=publishing.now_text(),
                note=note,
                kind=kind,
                rows_changed=rows_changed or {},
                files=dict(sorted({**files, **new}.items())),
                restores=restores,
            )
            self._insert_version(connection, meta)
            connection.execute("UPDATE partnership_current SET version = %s", (number,))
            publishing.crash_point("before-commit")
            return meta

    def rollback(
        self,
        number: int,
        who: str,
        *,
        note: str = "",
        rows_changed: dict[str, dict[str, int]] | None = None,
        expected: dict[str, str] | None = None,
    ) -> Version:
        """Publish the files of version `number` again, as a new version (see `publish`)."""
        target = self.version_files(number)
        current_number, current = self.current_version()
        changed = {name: data for name, data in target.items() if current.get(name) != data}
        if not changed:
            raise PublishError(f"The data is already the same as version {number}.")
        if expected is None:
            from components.changes import diff_files, row_counts

            rows_changed = row_counts(diff_files(current, target, self.contract))
            # The changes were counted against this version: refuse if another lands meanwhile.
            with self._transaction() as connection:
                expected = self._fingerprint(connection, current_number)
        return self.publish(
            changed,
            who,
            note or f"Rollback to version {number}.",
            kind="rollback",
            rows_changed=rows_changed,
            expected=expected,
            restores=number,
        )

    def _stored_digests(self, connection: psycopg.Connection, number: int) -> dict[str, str]:
        """File name -> sha256 of the files version `number` has."""
        return dict(
            connection.execute(
                "SELECT name, sha256 FROM partnership_version_file WHERE version = %s", (number,)
            ).fetchall()
        )

    def _store_files(self, connection: psycopg.Connection, files: dict[str, bytes]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO partnership_file (sha256, content) VALUES (%s, %s) "
                "ON CONFLICT (sha256) DO NOTHING",
                [(digest(data), data) for data in files.values()],
            )

    def _next_number(self, connection: psycopg.Connection) -> int:
        return connection.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM partnership_version"
        ).fetchone()[0]

    def _insert_version(self, connection: psycopg.Connection, meta: Version) -> None:
        connection.execute(
            "INSERT INTO partnership_version "
            "(number, who, published_at, note, kind, rows_changed, restores) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                meta.number,
                meta.who,
                datetime.fromisoformat(meta.when),
                meta.note,
                meta.kind,
                json.dumps(meta.rows_changed),
                meta.restores,
            ),
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO partnership_version_file (version, name, sha256) VALUES (%s, %s, %s)",
                [(meta.number, name, sha) for name, sha in meta.files.items()],
            )

    # Moving data in and out -------------------------------------------------------------------

    def import_folder(self, data_dir: Path) -> list[Version]:
        """Move a data folder's history and current files into this empty store, keeping every
        version's number, author, time and note. The folder is only read."""
        data_dir = Path(data_dir)
        publishing.recover_if_needed(data_dir)
        versions = publishing.history(data_dir)
        current = publishing.current_files(data_dir, self.contract)
        with self._transaction() as connection:
            if connection.execute("SELECT 1 FROM partnership_version LIMIT 1").fetchone():
                raise StoreNotEmptyError(
                    "The database already holds data; data is moved only into an empty one. "
                    "Write its current version out with `partnership store export` if you need "
                    "it, then use a new database."
                )
            for meta in versions:
                files = publishing.version_files(data_dir, meta.number)
                self._store_files(connection, files)
                # The digests of the bytes actually moved, whatever the folder's record says.
                moved = {name: digest(data) for name, data in sorted(files.items())}
                self._insert_version(connection, replace(meta, files=moved))
            latest = versions[-1].files if versions else None
            if latest != {name: digest(data) for name, data in current.items()}:
                # Files changed by hand after the last version (or no history at all): they
                # become a version of their own, so what the folder shows is what is current.
                meta = Version(
                    number=(versions[-1].number + 1) if versions else 1,
                    who="",
                    when=publishing.now_text(),
                    note="The data folder's files as they were when moved into the database.",
                    kind="initial",
                    files={name: digest(data) for name, data in sorted(current.items())},
                )
                self._store_files(connection, current)
                self._insert_version(connection, meta)
                versions = [*versions, meta]
            connection.execute(
                "UPDATE partnership_current SET version = %s", (versions[-1].number,)
            )
        return versions

    def export_version(self, number: int | None, out_dir: Path) -> int:
        """Write version `number` (the current one when None) as a data folder: the table files
        byte for byte, beside the contract's datapackage.json. Returns the version's number."""
        with self._transaction() as connection:
            number = number if number is not None else self._current(connection)
            files = self._files(connection, number)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out_dir / name).write_bytes(data)
        (out_dir / "datapackage.json").write_bytes(default_descriptor_path().read_bytes())
        return number
