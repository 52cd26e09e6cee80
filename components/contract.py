"""The data contract: what `datapackage.json` says every table and column must be.

Everything that needs to know a table's columns (the loader, the validator, templates, docs)
asks this module; nothing else restates the column list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DESCRIPTOR_NAME = "datapackage.json"


@dataclass(frozen=True)
class Reference:
    """A column whose values must be ids of another table."""

    table: str
    column: str


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, number, integer, date or list
    description: str
    required: bool = False
    # The description in Simplified Chinese (`x-description-zh`), for the zh template and report.
    description_zh: str = ""
    # When the contract gained this column (`x-added`, e.g. "2026-12"). A file written before
    # may lack it: the column is read as empty. Only an optional column can be added later.
    added: str | None = None
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    example: str = ""
    # For a `;`-separated list of ids and for a foreign key: which table's ids it holds.
    references: Reference | None = None

    @property
    def is_list(self) -> bool:
        return self.type == "list"

    @property
    def may_be_absent(self) -> bool:
        """Whether a file's header may leave the column out (it was added to the contract
        after files were written; such a file reads it as empty)."""
        return self.added is not None and not self.required


@dataclass(frozen=True)
class NotBefore:
    """A date column that must not be earlier than another date column of the same row."""

    column: str
    other: str


@dataclass(frozen=True)
class NotAfterToday:
    """A date column that cannot lie in the future (something measured, confirmed or done), on
    every row or only where `when` holds (column -> value). A later date is warned about."""

    column: str
    problem: str
    fix: str
    when: tuple[tuple[str, str], ...] = ()
    problem_zh: str = ""
    fix_zh: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    filename: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    not_before: tuple[NotBefore, ...] = field(default=())
    not_after_today: tuple[NotAfterToday, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def header_names(self) -> list[str]:
        """The columns every file's header must have: all but those added later."""
        return [column.name for column in self.columns if not column.may_be_absent]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


@dataclass(frozen=True)
class Contract:
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"the contract has no table {name!r}")

    @property
    def table_names(self) -> list[str]:
        return [table.name for table in self.tables]


def default_descriptor_path() -> Path:
    """The contract shipped with the app, in the repository's `data/` folder."""
    return Path(__file__).resolve().parent.parent / "data" / DESCRIPTOR_NAME


def _column(raw: dict, foreign_keys: dict[str, Reference]) -> Column:
    constraints = raw.get("constraints", {})
    references = None
    if "x-references" in raw:
        references = Reference(raw["x-references"]["resource"], raw["x-references"]["field"])
    elif raw["name"] in foreign_keys:
        references = foreign_keys[raw["name"]]
    return Column(
        name=raw["name"],
        type=raw.get("type", "string"),
        description=raw.get("description", ""),
        required=bool(constraints.get("required", False)),
        description_zh=raw.get("x-description-zh", ""),
        added=raw.get("x-added"),
        enum=tuple(constraints.get("enum", ())),
        pattern=constraints.get("pattern"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        max_length=constraints.get("maxLength"),
        example=str(raw.get("example", "")),
        references=references,
    )


def _table(raw: dict) -> Table:
    schema = raw["schema"]
    foreign_keys = {}
    for key in schema.get("foreignKeys", []):
        (column,) = key["fields"]
        (target_column,) = key["reference"]["fields"]
        # Table Schema writes a reference to the same table as an empty resource name.
        target_table = key["reference"]["resource"] or raw["name"]
        foreign_keys[column] = Reference(target_table, target_column)
    return Table(
        name=raw["name"],
        title=raw.get("title", raw["name"]),
        description=raw.get("description", ""),
        filename=raw["path"],
        columns=tuple(_column(column, foreign_keys) for column in schema["fields"]),
        primary_key=tuple(schema.get("primaryKey", [])),
        not_before=tuple(
            NotBefore(check["field"], check["other"])
            for check in schema.get("x-checks", [])
            if check.get("check") == "not-before"
        ),
        not_after_today=tuple(
            NotAfterToday(
                check["field"],
                check["problem"],
                check["fix"],
                tuple(sorted(check.get("when", {}).items())),
                check.get("problem_zh", ""),
                check.get("fix_zh", ""),
            )
            for check in schema.get("x-checks", [])
            if check.get("check") == "not-after-today"
        ),
    )


def parse_contract(descriptor: dict) -> Contract:
    return Contract(tables=tuple(_table(resource) for resource in descriptor["resources"]))


@cache
def load_contract(path: Path | None = None) -> Contract:
    """Read the contract from a `datapackage.json` (the shipped one by default)."""
    path = path or default_descriptor_path()
    return parse_contract(json.loads(Path(path).read_text(encoding="utf-8")))
