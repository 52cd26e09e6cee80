"""A copy of a valid dataset with known mistakes; we must report every one Frictionless does.

Frictionless numbers rows as a spreadsheet does (header = row 1), like our problems' `line`, so
the two reports can be compared by file, row and field.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from components.contract import load_contract
from components.loader import load_dataset
from components.problems import Severity


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def seed_errors(valid_dir: Path, out_dir: Path) -> list[str]:
    """Copy `valid_dir` and break it in one place per kind of mistake; return what was done."""
    shutil.copytree(valid_dir, out_dir)
    contract = load_contract()
    done = []

    def edit(table: str, line: int, column: str | None, value, what: str) -> None:
        path = out_dir / contract.table(table).filename
        rows = _rows(path)
        row = rows[line - 1]
        if column is None:
            rows[line - 1] = value(row)
        else:
            row[rows[0].index(column)] = value
        _write(path, rows)
        done.append(f"{path.name} line {line}: {what}")

    edit("initiatives", 2, "status", "finished", "status outside its allowed values")
    edit("places", 3, "lat", "north", "text in a number column")
    edit("places", 4, "lon", "200", "longitude above its maximum")
    edit("milestones", 2, "date", "2019-13-40", "a date that does not exist")
    edit("milestones", 3, "title_en", "", "a required cell left empty")
    edit("parties", 3, "place_id", "Not An Id", "an id that breaks the id pattern")
    edit("indicators", 2, "initiative_id", "no-such-initiative", "an unknown foreign key")
    edit("milestones", 4, "source_id", "no-such-source", "an unknown source")
    edit("agreements", 2, "title_en", "x" * 301, "text longer than its maximum length")
    edit("focus_areas", 2, "sort_order", "1.5", "a fraction in an integer column")
    edit("places", 5, "parent_place_id", "no-such-place", "an unknown parent (self-reference)")
    edit("indicator_values", 3, "value", "", "a required number left empty")
    edit("initiatives", 3, None, lambda row: [*row, "surplus"], "a row with an extra cell")
    edit("people", 2, None, lambda row: row[:4], "a row with cells missing")
    values = _rows(out_dir / "indicator_values.csv")
    edit("indicator_values", 6, None, lambda row: list(values[4]), "a repeated primary key")
    return done


@dataclass(frozen=True)
class Coverage:
    seeded: list[str]
    frictionless: list[tuple[str, int | None, str | None, str]]
    ours: list[tuple[str, int | None, str | None]]
    missed: list[tuple[str, int | None, str | None, str]]


def frictionless_errors(descriptor: Path) -> list[tuple[str, int | None, str | None, str]]:
    """(file, row, field, error type) for every error `frictionless validate` reports."""
    command = [str(Path(sys.executable).parent / "frictionless"), "validate", "--json"]
    result = subprocess.run([*command, str(descriptor)], capture_output=True, text=True)
    report = json.loads(result.stdout)
    found = []
    for task in report["tasks"]:
        file = Path(task.get("place") or task["name"]).name
        for error in task["errors"]:
            fields = error.get("fieldNames") or [error.get("fieldName") or None]
            for name in fields:
                found.append((file, error.get("rowNumber"), name or None, error["type"]))
    return found


def check_coverage(valid_dir: Path, work_dir: Path) -> Coverage:
    seeded_dir = work_dir / "seeded-errors"
    if seeded_dir.exists():
        shutil.rmtree(seeded_dir)
    seeded = seed_errors(valid_dir, seeded_dir)
    theirs = frictionless_errors(seeded_dir / "datapackage.json")
    ours = [
        (p.file, p.line, p.column)
        for p in load_dataset(seeded_dir).problems
        if p.severity is not Severity.WARNING
    ]
    exact = set(ours)
    rows = {(file, line) for file, line, _ in ours}
    whole_rows = {(file, line) for file, line, column in ours if column is None}
    missed = []
    for file, row, name, kind in theirs:
        # A problem with the whole row (e.g. its cell count) covers every cell of that row.
        covered = (
            (file, row, name) in exact
            or (file, row) in whole_rows
            # Frictionless names no field for a row-level error (such as a repeated key).
            or (name is None and (file, row) in rows)
            # A composite key is reported once, on its joined column name.
            or any(f == file and r == row and name in (c or "").split("+") for f, r, c in ours)
        )
        if not covered:
            missed.append((file, row, name, kind))
    return Coverage(seeded, theirs, ours, missed)
