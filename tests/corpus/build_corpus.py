"""Writes the corpus of analysts' files and its manifest (run once; the output is committed).

Each file is a mistake or a quirk seen in files saved from Excel. The manifest says, for each,
what must happen: accepted (with which warnings) or rejected (naming which line and column).
The expectations below are written by hand from the issue, not taken from the code's output.
The files are made from `base/`, a frozen copy of the dataset, so the corpus does not move when
the shipped data does.

    .venv/bin/python tests/corpus/build_corpus.py
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE / "base"
FILES = HERE / "files"
MANIFEST: list[dict] = []


def rows(table: str) -> list[dict[str, str]]:
    with (BASE / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(table: str) -> list[str]:
    with (BASE / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def to_csv(names: list[str], records: list[dict], delimiter: str = ",", ending: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=names, delimiter=delimiter, lineterminator=ending, extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def table_text(table: str, change=None, **kwargs) -> str:
    records = rows(table)
    if change:
        change(records)
    return to_csv(header(table), records, **kwargs)


def write(name: str, data: bytes | str, expect: dict, table: str | None = None) -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    (FILES / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    entry = {"file": name, **expect}
    if table:
        entry["table"] = table
    MANIFEST.append(entry)


def accepted(*warnings: tuple) -> dict:
    return {
        "outcome": "accepted",
        "warnings": [{"line": w[0], "column": w[1], "says": w[2]} for w in warnings],
    }


def rejected(*errors: tuple) -> dict:
    return {
        "outcome": "rejected",
        "errors": [
            {"file": e[3] if len(e) > 3 else None, "line": e[0], "column": e[1], "says": e[2]}
            for e in errors
        ],
    }


def set_cell(table_rows: list[dict], key: str, value: str, column: str, new: str) -> None:
    for row in table_rows:
        if row[key] == value:
            row[column] = new
            return
    raise LookupError(value)


def line_of(table: str, key: str, value: str) -> int:
    for line, row in enumerate(rows(table), start=2):
        if row[key] == value:
            return line
    raise LookupError(value)


def xlsx(sheets: dict[str, list[list]], formats: dict | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, records in sheets.items():
        sheet = book.create_sheet(title)
        for record in records:
            sheet.append(record)
        for (row, column), number_format in (formats or {}).get(title, {}).items():
            sheet.cell(row=row, column=column).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build() -> None:  # noqa: PLR0915 - one case after another, on purpose
    langfang = line_of("places", "place_id", "langfang")
    student = line_of("initiatives", "initiative_id", "student-project-2018")

    # --- Accepted, with warnings for what was normalised -----------------------------------------
    write(
        "utf8-bom.csv",
        b"\xef\xbb\xbf" + table_text("places").encode(),
        accepted((None, None, "byte order mark")),
    )
    write(
        "gb18030-chinese-excel.csv",
        table_text("places").encode("gb18030"),
        accepted((None, None, "GB18030")),
    )
    write(
        "utf16-unicode-text.txt",
        table_text("places", delimiter="\t").encode("utf-16"),
        accepted((None, None, "UTF-16"), (None, None, "tab")),
    )
    write(
        "semicolons.csv", table_text("places", delimiter=";"), accepted((None, None, "semicolon"))
    )
    write("tabs.tsv", table_text("people", delimiter="\t"), accepted((None, None, "tab")))
    write("crlf-line-ends.csv", table_text("sources", ending="\r\n"), accepted())
    names = header("places")
    shouty = [" Place_ID", "NAME_EN ", *names[2:]]
    write(
        "header-case-and-spaces.csv",
        table_text("places").replace(",".join(names), ",".join(shouty), 1),
        accepted((1, "place_id", "read as 'place_id'"), (1, "name_en", "read as 'name_en'")),
    )
    write(
        "enum-capitals.csv",
        table_text("places", lambda r: set_cell(r, "place_id", "langfang", "kind", "City")),
        accepted((langfang, "kind", "capitals")),
    )

    def uk_dates(records):
        for row in records:
            if row["date"]:
                year, month, day = row["date"].split("-")
                row["date"] = f"{day}/{month}/{year}"

    milestones = [line for line, row in enumerate(rows("milestones"), 2) if row["date"]]
    write(
        "uk-dates-dd-mm-yyyy.csv",
        table_text("milestones", uk_dates),
        accepted(*[(line, "date", "day-first") for line in milestones]),
    )

    indicator = {
        "indicator_id": "share-of-students",
        "initiative_id": "student-project-2018",
        "name_en": "Share of places taken",
        "unit": "%",
        "direction": "increase",
        "baseline": "45%",
        "baseline_date": "2018-07-04",
        "target": "60 %",
        "target_date": "2019-07-04",
        "source_id": "press-release-2018-07-20",
    }
    write(
        "percent-in-percent-column.csv",
        to_csv(header("indicators"), [indicator]),
        accepted((2, "baseline", "% sign was removed"), (2, "target", "% sign was removed")),
    )
    visitors = {
        **indicator,
        "indicator_id": "visitors",
        "unit": "visitors",
        "baseline": "1,200",
        "target": "2,500.5",
    }
    write(
        "thousands-separators.csv",
        to_csv(header("indicators"), [visitors]),
        accepted((2, "baseline", "thousands"), (2, "target", "thousands")),
    )
    write(
        "blank-trailing-rows.csv",
        table_text("sources") + ",,,,,,,\n\n,,\n",
        accepted((None, None, "blank line")),
    )
    write(
        "extra-column-kept.csv",
        to_csv(
            [*header("sources"), "checked_by"],
            [{**row, "checked_by": "Ann"} for row in rows("sources")],
        ),
        accepted((1, "checked_by", "not part of the contract")),
    )

    def formula_text(records):
        records[0]["notes"] = '=HYPERLINK("http://example.org","click")'
        records[0]["reference"] = "'=SUM(A1:A3)"

    write(
        "formula-like-text.csv",
        table_text("sources", formula_text),
        accepted((2, "reference", "apostrophe")),
    )
    agreement = rows("agreements")
    agreement_names = header("agreements")
    sheet = (
        [agreement_names]
        + [
            [date(2018, 7, 4) if name == "signed_on" else row[name] for name in agreement_names]
            for row in agreement
        ]
        + [[None] * len(agreement_names)] * 3
    )
    write("agreements-with-date-cells.xlsx", xlsx({"agreements": sheet}), accepted())
    percent_sheet = [
        header("indicators"),
        [0.45 if name == "baseline" else indicator.get(name, "") for name in header("indicators")],
    ]
    percent_sheet[1][header("indicators").index("target")] = 60
    write(
        "percent-formatted-cell.xlsx",
        xlsx(
            {"indicators": percent_sheet},
            {"indicators": {(2, header("indicators").index("baseline") + 1): "0%"}},
        ),
        accepted((2, "baseline", "% sign was removed")),
    )
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("places.csv", table_text("places"))
        archive.writestr(
            "people.csv",
            table_text(
                "people", lambda r: set_cell(r, "person_id", "colin-cook", "note_en", "Checked.")
            ),
        )
    write("two-tables.zip", bundle.getvalue(), accepted())

    # --- Rejected, naming the line and column -----------------------------------------------------
    write(
        "pdf-named-as.csv",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        rejected((None, None, "PDF")),
    )
    write("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), rejected((None, None, "PNG")))
    write(
        "old-excel.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        rejected((None, None, ".xls")),
    )
    write("empty.csv", b"", rejected((None, None, "empty")))
    write("only-spaces.csv", b"  \r\n \r\n", rejected((None, None, "empty")))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (70 * 1024 * 1024))
    write("unpacks-too-large.xlsx", bomb.getvalue(), rejected((None, None, "unpacks to")))
    cp1252 = table_text("people").replace("Colin Cook", "Colin Cöok").encode("cp1252", "replace")
    write("windows-1252.csv", cp1252, rejected((2, None, "encoding")))
    text = table_text("focus_areas").splitlines()
    text.insert(3, "broken-row,oxford-hebei-mou-2018,Name, with a comma,,,,,,press-release")
    write("wrong-number-of-fields.csv", "\n".join(text) + "\n", rejected((4, None, "cells")))
    names = header("sources")
    write(
        "duplicate-column.csv",
        table_text("sources").replace(",".join(names), ",".join([*names[:-1], "title"]), 1),
        rejected((1, "title", "more than once"), (1, "notes", "missing")),
    )
    write(
        "missing-required-column.csv",
        to_csv([n for n in header("parties") if n != "source_id"], rows("parties")),
        rejected((1, "source_id", "missing")),
    )
    places = rows("places")
    places.append({**places[0], "name_en": "Oxford again"})
    write(
        "duplicate-id.csv",
        to_csv(header("places"), places),
        rejected((len(places) + 1, "place_id", "used again")),
    )
    write(
        "unknown-id.csv",
        table_text(
            "parties",
            lambda r: set_cell(r, "party_id", "langfang-government", "place_id", "langfnag"),
        ),
        rejected((line_of("parties", "party_id", "langfang-government"), "place_id", "langfang")),
    )
    write(
        "removes-a-referenced-row.csv",
        to_csv(header("places"), [r for r in rows("places") if r["place_id"] != "langfang"]),
        rejected(
            (
                line_of("parties", "party_id", "langfang-government"),
                "place_id",
                "removes",
                "parties.csv",
            )
        ),
    )

    def swap(records):
        set_cell(records, "place_id", "langfang", "lat", "116.7036")
        set_cell(records, "place_id", "langfang", "lon", "39.5234")

    write("lat-lon-swapped.csv", table_text("places", swap), rejected((langfang, "lat", "swapped")))
    write(
        "end-before-start.csv",
        table_text(
            "initiatives",
            lambda r: set_cell(
                r, "initiative_id", "student-project-2018", "end_date", "2018-07-31"
            ),
        ),
        rejected((student, "end_date", "before start_date")),
    )
    write(
        "infinite-number.csv",
        table_text("places", lambda r: set_cell(r, "place_id", "oxford", "lon", "inf")),
        rejected((2, "lon", "infinite")),
    )
    write(
        "excel-serial-date.csv",
        table_text(
            "agreements",
            lambda r: set_cell(r, "agreement_id", "oxford-hebei-mou-2018", "signed_on", "43285"),
        ),
        rejected((2, "signed_on", "Excel day number")),
    )
    write(
        "two-digit-year.csv",
        table_text(
            "agreements",
            lambda r: set_cell(r, "agreement_id", "oxford-hebei-mou-2018", "signed_on", "4/7/18"),
        ),
        rejected((2, "signed_on", "Two-digit years")),
    )

    def mixed(records):
        uk_dates(records)
        records[0]["date"] = "2018-07-04"

    write(
        "mixed-date-formats.csv",
        table_text("milestones", mixed),
        rejected((2, "date", "mixes date formats")),
    )

    def us_dates(records):
        for row in records:
            if row["date"]:
                year, month, day = row["date"].split("-")
                row["date"] = f"{month}/{day}/{year}"

    write(
        "us-month-first-dates.csv",
        table_text("milestones", us_dates),
        rejected((line_of("milestones", "milestone_id", "mou-announced"), "date", "month-first")),
    )
    write(
        "nul-character.csv",
        table_text(
            "people",
            lambda r: set_cell(r, "person_id", "ian-hudspeth", "note_en", "pasted\x00text"),
        ),
        rejected((3, "note_en", "control character")),
    )
    write(
        "escape-character.csv",
        table_text(
            "people",
            lambda r: set_cell(r, "person_id", "colin-cook", "title_en", "Lord Mayor\x1b[31m"),
        ),
        rejected((2, "title_en", "control character")),
    )
    write(
        "cell-over-column-limit.csv",
        table_text(
            "places", lambda r: set_cell(r, "place_id", "oxford", "name_en", "Oxford " * 40)
        ),
        rejected((2, "name_en", "200 characters")),
    )
    write(
        "huge-cell-in-extra-column.csv",
        to_csv([*header("sources"), "pasted"], [{**rows("sources")[0], "pasted": "x" * 20_000}]),
        rejected((2, "pasted", "no cell may hold")),
    )
    write(
        "percent-where-unit-is-not-percent.csv",
        to_csv(header("indicators"), [{**visitors, "baseline": "45%", "target": ""}]),
        rejected((2, "baseline", "unit is not %")),
    )
    write(
        "values-under-an-unnamed-column.csv",
        table_text("sources")
        .replace("\n", ",\n", 1)
        .replace("\n", ",stray\n", 2)
        .replace(",stray\n", "\n", 1),
        rejected((2, "(10)", "no name")),
    )
    write("unrecognisable-columns.csv", "a,b,c\n1,2,3\n", rejected((1, None, "cannot be told")))
    write(
        "unclosed-quote.csv",
        table_text("sources") + 'x,report,"never closed\n',
        rejected((len(rows("sources")) + 2, None, "cannot be split")),
    )
    write(
        "status-not-allowed.csv",
        table_text(
            "initiatives",
            lambda r: set_cell(r, "initiative_id", "student-project-2018", "status", "in progress"),
        ),
        rejected((student, "status", "not one of those allowed")),
    )
    formula_sheet = [header("sources"), list(rows("sources")[0].values())]
    formula_sheet[1][header("sources").index("publisher")] = "=UPPER(B2)"
    write(
        "formula-without-saved-value.xlsx",
        xlsx({"sources": formula_sheet}),
        rejected((2, "publisher", "never saved")),
    )
    notes = io.BytesIO()
    with zipfile.ZipFile(notes, "w") as archive:
        archive.writestr("readme.txt", "Notes from the meeting, not a table.\n")
    write("zip-without-tables.zip", notes.getvalue(), rejected((1, None, "cannot be told")))

    (HERE / "manifest.json").write_text(
        json.dumps(MANIFEST, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    build()
    print(f"{len(MANIFEST)} files written to {FILES}")
