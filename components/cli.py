"""The `partnership` command: work on the data outside the browser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components import brief_command, data_commands, store_commands
from components.loader import DATA_DIR_VARIABLE, default_data_dir, load_dataset
from components.problems import Severity, counted, format_report, has_errors, has_fatal

EXIT_VALID = 0
EXIT_PROBLEMS = 1
EXIT_UNREADABLE = 2


def validate(data_dir: Path) -> int:
    # An apply killed mid-swap leaves a mix of old and new files: finish it first, as the
    # dashboard does, so the report is about the data every page shows.
    from components.publishing import PublishError, recover_if_needed

    try:
        recover_if_needed(data_dir)
    except PublishError as error:
        print(f"partnership validate: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    result = load_dataset(data_dir)
    problems = result.problems
    if problems:
        print(format_report(problems))
        print()
    errors = sum(p.severity is not Severity.WARNING for p in problems)
    warnings = len(problems) - errors
    if has_fatal(problems):
        print(
            f"{data_dir}: cannot be read "
            f"({counted(errors, 'error')}, {counted(warnings, 'warning')})."
        )
        return EXIT_UNREADABLE
    if has_errors(problems):
        print(
            f"{data_dir}: INVALID, {counted(errors, 'error')} and {counted(warnings, 'warning')}."
        )
        return EXIT_PROBLEMS
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in result.dataset.tables.items())
    print(f"{data_dir}: valid ({counts}); {counted(warnings, 'warning')}.")
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
    sample = commands.add_parser(
        "sample",
        help="write an illustrative dataset of any size (every row marked as not real)",
        description="Write a complete, valid illustrative dataset: about SCALE times the shipped "
        "number of initiatives, with milestones, indicators and indicator values in proportion. "
        "The same seed always gives the same files. --scale 2500 is the benchmarks' large size.",
    )
    sample.add_argument("--scale", type=int, required=True, help="multiple of the shipped size")
    sample.add_argument("--out", type=Path, required=True, help="folder to write the CSV files to")
    sample.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sample.add_argument(
        "--indicator-values",
        type=int,
        default=None,
        help="number of indicator values to write (default: 200 per indicator)",
    )
    data_commands.add_commands(commands)
    brief_command.add_command(commands)
    store_commands.add_command(commands)
    return parser


def write_sample(args: argparse.Namespace) -> int:
    # Imported here so `partnership validate` does not pay for numpy's start-up.
    from components.sample import RefusedToOverwrite
    from components.sample import write_sample as write

    try:
        summary = write(
            args.out, args.scale, seed=args.seed, indicator_values=args.indicator_values
        )
    except (ValueError, RefusedToOverwrite) as error:
        print(f"partnership sample: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    counts = ", ".join(f"{count} {name}" for name, count in summary.rows.items())
    print(f"{summary.out_dir}: illustrative dataset written ({counts}).")
    return EXIT_VALID


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return validate(args.data_dir or default_data_dir())
    if args.command == "sample":
        return write_sample(args)
    if args.command == "brief":
        return brief_command.run(args)
    if args.command == "store":
        return store_commands.run(args)
    if args.command in data_commands.COMMANDS:
        return data_commands.run(args)
    return EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
