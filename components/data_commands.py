"""The `partnership import`, `history`, `rollback` and `add-editor` commands.

They run the same code as the Data page: `components.upload.check_upload` reads and checks a
file, `components.publishing` applies it under the lock every process shares, and
`components.history` checks a version before it is restored.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from components import upload
from components.changes import row_counts
from components.contract import load_contract
from components.loader import DATA_DIR_VARIABLE, default_data_dir
from components.problems import counted, format_report

COMMANDS = ("import", "history", "rollback", "add-editor")
EXIT_DONE = 0
EXIT_REJECTED = 1
# The data changed under us or another apply held the lock: nothing was written; try again.
EXIT_CONFLICT = 3


def add_commands(commands: argparse._SubParsersAction) -> None:
    data_dir_help = f"the data folder (default: ${DATA_DIR_VARIABLE} or data/)"
    importing = commands.add_parser(
        "import",
        help="check a CSV, XLSX or ZIP file and publish it as a new version",
        description="Check FILE against the contract and the rest of the dataset, as the Data "
        "page does, and publish it when it is valid. Exit status: 0 applied (or nothing to "
        "change), 1 rejected (the report says why), 3 the data changed or was locked "
        "meanwhile (nothing written).",
    )
    importing.add_argument("file", type=Path, help="a CSV or XLSX table, or a ZIP of tables")
    importing.add_argument("--table", help="which table the file holds (default: recognised)")
    importing.add_argument("--note", default="", help="why the change is made (for the history)")
    importing.add_argument("--data-dir", type=Path, help=data_dir_help)
    commands.add_parser(
        "history", help="list every published version", description="List published versions."
    ).add_argument("--data-dir", type=Path, help=data_dir_help)
    rolling = commands.add_parser(
        "rollback",
        help="restore the files of an earlier version (recorded as a new version)",
        description="Restore the data files byte for byte as they were in VERSION. Exit "
        "status: 0 restored (or already the same), 1 refused (no such version, or it fails "
        "today's checks), 3 the data changed or was locked meanwhile (nothing written).",
    )
    rolling.add_argument("version", type=int)
    rolling.add_argument("--note", default="", help="why (for the history)")
    rolling.add_argument("--data-dir", type=Path, help=data_dir_help)
    adding = commands.add_parser(
        "add-editor",
        help="let NAME sign in to the Data page with a password",
        description="Ask for a password and store its salted scrypt hash for NAME in "
        ".streamlit/secrets.toml (or $PARTNERSHIP_SECRETS_FILE). The password itself is "
        "never stored. When input is not a terminal, the password is read from its first line.",
    )
    adding.add_argument("name")
    adding.add_argument("--secrets", type=Path, help="the secrets file to write")


def _who() -> str:
    return f"{getpass.getuser()} (command line)"


def _recover(data_dir: Path, command: str) -> int | None:
    """Complete an interrupted apply first; the exit status when that cannot be done."""
    from components.publishing import BusyError, PublishError, recover

    try:
        recover(data_dir)
    except BusyError as error:
        print(f"partnership {command}: {error} Nothing was changed; try again.", file=sys.stderr)
        return EXIT_CONFLICT
    except PublishError as error:
        print(f"partnership {command}: {error}", file=sys.stderr)
        return EXIT_REJECTED
    return None


def import_file(path: Path, table: str | None, note: str, data_dir: Path) -> int:
    from components.publishing import PublishError, publish

    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"partnership import: cannot read {path}: {error.strerror}", file=sys.stderr)
        return EXIT_REJECTED
    contract = load_contract()
    if table and table not in contract.table_names:
        print(f"partnership import: no table {table!r}; tables: {', '.join(contract.table_names)}")
        return EXIT_REJECTED
    if (refused := _recover(data_dir, "import")) is not None:
        return refused
    proposal = upload.check_upload(data, path.name, data_dir, table=table, contract=contract)
    if proposal.problems:
        print(format_report(proposal.problems))
        print()
    if not proposal.ok:
        errors = counted(len(proposal.errors), "error")
        print(f"{path.name}: REJECTED, {errors}; nothing was changed.")
        return EXIT_REJECTED
    if not proposal.has_changes:
        print(f"{path.name}: the data already holds exactly this; nothing to apply.")
        return EXIT_DONE
    try:
        version = publish(
            data_dir,
            proposal.files,
            who=_who(),
            note=note,
            kind="import",
            rows_changed=row_counts(proposal.changes),
            expected=proposal.base,
            contract=contract,
        )
    except PublishError as error:
        print(f"{path.name}: NOT APPLIED. {error}")
        return EXIT_CONFLICT
    print(f"{path.name}: applied as version {version.number} ({_describe(version)}).")
    return EXIT_DONE


def _describe(version) -> str:
    parts = []
    for table, counts in version.rows_changed.items():
        shown = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        parts.append(f"{table}: {shown}")
    return "; ".join(parts) or "no rows changed"


def show_history(data_dir: Path) -> int:
    from components.publishing import history, history_warnings

    if (refused := _recover(data_dir, "history")) is not None:
        return refused
    for warning in history_warnings(data_dir):
        print(f"partnership history: warning: {warning}", file=sys.stderr)
    versions = history(data_dir)
    if not versions:
        print("No version has been published here yet.")
        return EXIT_DONE
    for version in versions:
        who = version.who or "-"
        print(
            f"{version.number:>4}  {version.when}  {who:<28} {version.kind:<9} {_describe(version)}"
        )
        if version.note:
            print(f"      note: {version.note}")
    return EXIT_DONE


def roll_back(number: int, note: str, data_dir: Path) -> int:
    from components.history import prepare_rollback
    from components.publishing import BusyError, DataChangedError, PublishError, rollback

    if (refused := _recover(data_dir, "rollback")) is not None:
        return refused
    try:
        plan = prepare_rollback(data_dir, number)
    except PublishError as error:
        print(f"partnership rollback: {error}", file=sys.stderr)
        return EXIT_REJECTED
    if plan.errors:
        print(format_report(plan.errors))
        print(f"Version {number} does not pass today's checks; nothing was changed.")
        return EXIT_REJECTED
    if not plan.changes:
        print(f"The data is already the same as version {number}; nothing to restore.")
        return EXIT_DONE
    try:
        version = rollback(
            data_dir,
            number,
            who=_who(),
            note=note,
            rows_changed=plan.rows_changed,
            expected=plan.base,
        )
    except (DataChangedError, BusyError) as error:
        print(f"partnership rollback: NOT APPLIED. {error}")
        return EXIT_CONFLICT
    except PublishError as error:
        print(f"partnership rollback: {error}")
        return EXIT_REJECTED
    print(f"Version {number} restored, recorded as version {version.number}.")
    return EXIT_DONE


def add_editor_command(name: str, secrets_path: Path | None) -> int:
    from components.editors import EditorError, add_editor

    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            print("partnership add-editor: the two passwords differ.", file=sys.stderr)
            return EXIT_REJECTED
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        path = add_editor(name, password, secrets_path)
    except EditorError as error:
        print(f"partnership add-editor: {error}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"{name} can now sign in to the Data page (hash stored in {path.name}).")
    return EXIT_DONE


def run(args: argparse.Namespace) -> int:
    data_dir = getattr(args, "data_dir", None) or default_data_dir()
    if args.command == "import":
        return import_file(args.file, args.table, args.note, data_dir)
    if args.command == "history":
        return show_history(data_dir)
    if args.command == "rollback":
        return roll_back(args.version, args.note, data_dir)
    return add_editor_command(args.name, args.secrets)
