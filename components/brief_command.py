"""`partnership brief`: write the councillors' briefing pack (PDF) from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.clock import today
from components.i18n import LANGUAGES
from components.loader import DATA_DIR_VARIABLE, default_data_dir, load_dataset
from components.problems import format_report, has_errors
from components.publishing import PublishError, recover_if_needed

EXIT_WRITTEN, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def add_command(commands: argparse._SubParsersAction) -> None:
    brief = commands.add_parser(
        "brief",
        help="write the councillors' briefing pack (PDF)",
        description="Write a PDF briefing of one agreement: cover, headline figures, progress by "
        "focus area, timeline, map of both ends, a page per initiative and the sources, with "
        "what the data is as of on every page.",
    )
    brief.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    brief.add_argument("--lang", choices=LANGUAGES, default="en", help="en, zh or both")
    brief.add_argument(
        "--since",
        default="",
        help="also list what changed since this data version (a number) or date (YYYY-MM-DD)",
    )
    brief.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"the data folder (default: ${DATA_DIR_VARIABLE} or data/)",
    )
    brief.add_argument("--agreement", default="", help="agreement id (default: the newest)")


def run(args: argparse.Namespace) -> int:
    # Imported here: plotly, fpdf2 and kaleido would slow every other `partnership` command.
    from components.briefing import build_briefing
    from components.briefing_changes import changes_since
    from components.filters import Filters
    from components.overview import agreements
    from components.pdf_pack import FontMissingError, pack_pdf

    data_dir = args.data or default_data_dir()
    try:
        recover_if_needed(data_dir)  # a crash mid-swap: finish it, as every command does
    except PublishError as error:
        print(f"partnership brief: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    result = load_dataset(data_dir)
    if result.dataset is None or has_errors(result.problems):
        print(format_report(result.problems), file=sys.stderr)
        print(f"partnership brief: {data_dir} has errors; no pack written.", file=sys.stderr)
        return EXIT_UNREADABLE
    dataset = result.dataset
    known = agreements(dataset)["agreement_id"]
    if known.empty:
        print("partnership brief: the data has no agreement.", file=sys.stderr)
        return EXIT_PROBLEMS
    agreement_id = args.agreement or known.iloc[0]
    if agreement_id not in set(known):
        print(f"partnership brief: no agreement {agreement_id!r} in the data.", file=sys.stderr)
        return EXIT_PROBLEMS
    changes = None
    if args.since:
        try:
            changes = changes_since(dataset, agreement_id, args.since, args.lang)
        except ValueError as error:
            print(f"partnership brief: --since: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
    briefing = build_briefing(dataset, Filters(agreement_id), today(), args.lang, changes)
    try:
        pdf = pack_pdf(briefing)
    except FontMissingError as error:
        print(f"partnership brief: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    # Written beside the target and renamed over it, so a reader never opens half a file.
    partial_file = args.out.with_name(f".{args.out.name}.part")
    partial_file.write_bytes(pdf)
    partial_file.replace(args.out)
    print(f"{args.out}: briefing pack written ({len(pdf) // 1024} KB).")
    return EXIT_WRITTEN
