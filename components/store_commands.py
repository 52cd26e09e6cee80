"""`partnership store`: move a data folder into PostgreSQL, and write any version back out.

The database is named by a `postgresql://` URL. Its password is best left out of the URL (which
other users of the machine can see in the process list): PostgreSQL's own `PGPASSWORD` or
`~/.pgpass` supply it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.loader import DATA_DIR_VARIABLE, default_data_dir, load_dataset
from components.problems import format_report, has_errors
from components.publishing import PublishError

EXIT_DONE, EXIT_REFUSED, EXIT_UNREACHABLE = 0, 1, 2


def add_command(commands: argparse._SubParsersAction) -> None:
    store = commands.add_parser(
        "store",
        help="move the data into PostgreSQL, or write a version of it back out as a folder",
        description="Work with the data kept in PostgreSQL, the shared store for several "
        "servers. Exit status: 0 done, 1 refused (nothing written), 2 the database or the "
        "folder cannot be read.",
    )
    actions = store.add_subparsers(dest="store_action", required=True, metavar="ACTION")
    into = actions.add_parser(
        "import",
        help="move a data folder's files and history into an empty database",
        description="Copy every version of a data folder's history, and its current files, "
        "into an empty database, keeping each version's number, author, time and note. The "
        "folder is only read. The data must be valid.",
    )
    into.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        help=f"the data folder (default: ${DATA_DIR_VARIABLE} or data/)",
    )
    out = actions.add_parser(
        "export",
        help="write a version (the current one by default) as a data folder",
        description="Write the table files of one version byte for byte, beside the "
        "contract's datapackage.json: a Frictionless data package that any tool can open "
        "and that `partnership validate` checks.",
    )
    out.add_argument("out", type=Path, help="the folder to write (new, or empty)")
    out.add_argument("--version", type=int, default=None, help="version number (default: current)")
    for action in (into, out):
        action.add_argument(
            "--database",
            required=True,
            metavar="URL",
            help="the PostgreSQL database, as postgresql://USER@HOST:PORT/NAME",
        )


def run(args: argparse.Namespace) -> int:
    # Imported here: psycopg is needed only by these commands (and only when installed).
    try:
        from components.postgres_store import PostgresStore, StoreUnavailableError
    except ImportError:
        print(
            "partnership store: PostgreSQL support is not installed. Install it with "
            "pip install 'partnership-dashboard[postgres]'.",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    store = PostgresStore(args.database)
    try:
        if args.store_action == "import":
            return _import(store, args.data_dir or default_data_dir())
        return _export(store, args.version, args.out)
    except StoreUnavailableError as error:
        print(f"partnership store: cannot reach the database. {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except PublishError as error:
        print(f"partnership store: {error}", file=sys.stderr)
        return EXIT_REFUSED


def _import(store, data_dir: Path) -> int:
    if not Path(data_dir).is_dir():
        print(f"partnership store: {data_dir} is not a folder.", file=sys.stderr)
        return EXIT_UNREACHABLE
    result = load_dataset(data_dir)
    if result.dataset is None or has_errors(result.problems):
        print(format_report(result.problems), file=sys.stderr)
        print(
            f"partnership store: {data_dir} has errors; fix them first "
            "(partnership validate). Nothing was written.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    versions = store.import_folder(data_dir)
    print(
        f"{data_dir}: moved into the database as {len(versions)} version(s); "
        f"the current one is version {versions[-1].number}."
    )
    return EXIT_DONE


def _export(store, number: int | None, out: Path) -> int:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(
            f"partnership store: {out} already exists and is not an empty folder; "
            "choose a new one (nothing is overwritten).",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    written = store.export_version(number, out)
    print(f"{out}: version {written} written as a data folder.")
    return EXIT_DONE
