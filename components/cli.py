"""The `partnership` command: work on the data outside the browser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.loader import DATA_DIR_VARIABLE, default_data_dir, load_dataset
from components.problems import Severity, format_report, has_errors, has_fatal

EXIT_VALID = 0
EXIT_PROBLEMS = 1
EXIT_UNREADABLE = 2


def validate(data_dir: Path) -> int:
    result = load_dataset(data_dir)
    problems = result.problems
    if problems:
        print(format_report(problems))
        print()
    errors = sum(p.severity is not Severity.WARNING for p in problems)
    warnings = len(problems) - errors
    if has_fatal(problems):
        print(f"{data_dir}: cannot be read ({errors} error(s), {warnings} warning(s)).")
        return EXIT_UNREADABLE
    if has_errors(problems):
        print(f"{data_dir}: INVALID, {errors} error(s) and {warnings} warning(s).")
        return EXIT_PROBLEMS
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in result.dataset.tables.items())
    print(f"{data_dir}: valid ({counts}); {warnings} warning(s).")
    return EXIT_VALID


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnership",
        description="Work with the partnership dashboard's data outside the browser.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "validate",
        help="check a data folder against the contract",
        description="Check every table of a data folder against data/datapackage.json. "
        "Exit status: 0 valid, 1 problems found, 2 a file cannot be read at all.",
    )
    check.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        help=f"the folder of CSV files (default: ${DATA_DIR_VARIABLE} or data/)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return validate(args.data_dir or default_data_dir())
    return EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
