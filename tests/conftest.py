"""Shared fixtures: copies of the shipped data in a temporary folder, edited cell by cell, and a
real PostgreSQL with a fresh database per test."""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from scripts.local_postgres import LocalPostgres

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DATA = REPO / "data"


class DataDir:
    """A copy of a data folder that a test can break one cell at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, table: str) -> list[dict[str, str]]:
        with (self.path / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def header(self, table: str) -> list[str]:
        with (self.path / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))

    def write(
        self, table: str, rows: list[dict[str, str]], header: list[str] | None = None
    ) -> None:
        header = header or self.header(table)
        with (self.path / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def set_cell(self, table: str, line: int, column: str, value: str) -> None:
        """Change one cell; `line` counts as a spreadsheet does (header is line 1)."""
        rows = self.rows(table)
        rows[line - 2][column] = value
        self.write(table, rows)

    def append(self, table: str, row: dict[str, str]) -> int:
        """Add a row (missing columns empty) and return the line it is on."""
        rows = self.rows(table)
        rows.append({name: row.get(name, "") for name in self.header(table)})
        self.write(table, rows)
        return len(rows) + 1

    def line_of(self, table: str, column: str, value: str) -> int:
        for line, row in enumerate(self.rows(table), start=2):
            if row[column] == value:
                return line
        raise LookupError(f"{value!r} not in {table}.{column}")

    def write_bytes(self, table: str, data: bytes) -> None:
        (self.path / f"{table}.csv").write_bytes(data)


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    """A fresh copy of the shipped data (never the real data/ folder)."""
    target = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, target)
    return DataDir(target)


def toml_text(tables: dict, prefix: str = "") -> str:
    """Nested tables of strings and lists of strings as TOML (JSON's strings are TOML's)."""
    values = {key: value for key, value in tables.items() if not isinstance(value, dict)}
    lines = [f"[{prefix}]"] if prefix else []
    lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in values.items()]
    for key, value in tables.items():
        if isinstance(value, dict):
            name = f"{prefix}.{json.dumps(key)}" if prefix else json.dumps(key)
            lines.append(toml_text(value, name))
    return "\n".join(lines) + "\n"


def open_app(
    monkeypatch: pytest.MonkeyPatch,
    data: Path = SHIPPED_DATA,
    page: str | None = None,
    secrets: dict | None = None,
    **query: str,
):
    """A fresh AppTest session of the whole app, as a browser opening a link starts one: on
    `data`, with `query` in the link and `secrets` in Streamlit's secrets, then on `page`
    (a file under pages/) when given. Every AppTest of the app starts here."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PARTNERSHIP_DATA_DIR", str(data))
    if secrets:
        # The app reads its editors from the file PARTNERSHIP_SECRETS_FILE names (the one
        # `partnership add-editor` writes); Streamlit's own secrets give it only [auth].
        assert Path(data) != SHIPPED_DATA, "give secrets only with a copy of the data"
        secrets_file = Path(data).parent / "secrets.toml"
        secrets_file.write_text(toml_text(secrets), encoding="utf-8")
        monkeypatch.setenv("PARTNERSHIP_SECRETS_FILE", str(secrets_file))
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for name, value in (secrets or {}).items():
        app.secrets[name] = value
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    return app


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`partnership ARGS` in a process of its own, as an analyst runs it."""
    return subprocess.run(
        [sys.executable, "-m", "components.cli", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """A real PostgreSQL from Debian's packages, on 127.0.0.1, for the whole test run."""
    with LocalPostgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: LocalPostgres) -> str:
    """A new, empty database of its own for each test."""
    name = f"test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return postgres.url.rsplit("/", 1)[0] + "/" + name
