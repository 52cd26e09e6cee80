"""Which table of the contract a file holds: from its name, the analyst's choice or its header."""

from __future__ import annotations

from pathlib import PurePosixPath

from components.contract import Contract, Table
from components.problems import Listed, Message, Problem, Severity


def name_key(name: str) -> str:
    """A column name as it is compared: without surrounding spaces, in lower case."""
    return name.strip().lower()


def guess_table(header: list[str], contract: Contract) -> Table | None:
    """The table whose columns the header matches best; None when it is unclear."""
    names = {name_key(name) for name in header}
    scored = []
    for table in contract.tables:
        columns = {name.lower() for name in table.column_names}
        key = {name.lower() for name in table.primary_key}
        matched = len(names & columns)
        if key <= names and matched * 2 >= len(columns):
            # Prefer the table with most matches, then the fewest columns left unmatched.
            scored.append((matched, -len(columns - names), table))
    if not scored:
        return None
    scored.sort(key=lambda item: item[:2], reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return None
    return scored[0][2]


def table_from_name(name: str, contract: Contract) -> Table | None:
    """The table a file, sheet or archive member is named after (`places.csv`, `Places`)."""
    stem = PurePosixPath(name).stem.strip().lower()
    for table in contract.tables:
        if stem in (table.name, PurePosixPath(table.filename).stem):
            return table
    return None


def which_table(
    header: list[str], label: str, contract: Contract, chosen: str | None, name_hint: str
) -> tuple[Table | None, list[Problem]]:
    """The analyst's `chosen` table, else the one named by `name_hint` or told from `header`;
    a fatal problem when it cannot be told."""
    if chosen:
        return contract.table(chosen), []
    table = table_from_name(name_hint, contract) or guess_table(header, contract)
    if table is not None:
        return table, []
    return None, [
        Problem(
            severity=Severity.FATAL,
            file=label,
            line=1,
            problem=Message("problem.which_table"),
            fix=Message("problem.fix_which_table", tables=Listed(tuple(contract.table_names))),
        )
    ]
