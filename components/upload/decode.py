"""Bytes to text: an uploaded CSV's encoding and delimiter, told from its bytes without guessing.

UTF-8 (with or without Excel's byte order mark), UTF-16 with its mark, Chinese Excel's GB18030
and English Excel's plain "CSV (Comma delimited)" (Windows-1252) are read, each noted as a
warning when it is not plain UTF-8; anything else is rejected.
"""

from __future__ import annotations

import re

from components.problems import Message, Problem, Severity, shorten_value
from components.table_files import SAVE_AS_UTF8, UTF8_BOM

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _looks_chinese(text: str) -> bool:
    """True when the text reads as Chinese Excel's, not as European letters decoded as GB18030.

    GB18030 decodes almost any bytes. Every non-ASCII character must be in GB2312, the set
    Chinese Excel text uses: Windows-1252's é, ö, £ mostly decode into rare characters outside
    it, or not at all. Two accented letters side by side (`réélu`) do make one GB2312 character,
    but a lone one inside a Latin word; Chinese text has words of two characters or more, or
    characters beside digits, spaces and punctuation, so at least one such run is asked for.
    """
    for character in {c for c in text if ord(c) > 127}:
        try:
            character.encode("gb2312")
        except UnicodeEncodeError:
            return False
    for run in NON_ASCII_RUN.finditer(text):
        before = text[run.start() - 1 : run.start()]
        after = text[run.end() : run.end() + 1]
        if len(run[0]) > 1 or not (
            ASCII_LETTER.fullmatch(before or "-") or ASCII_LETTER.fullmatch(after or "-")
        ):
            return True
    return False


# The key of the warning that a file was read as Windows-1252.
WINDOWS_1252_NOTE = "problem.windows_1252"
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
ASCII_LETTER = re.compile(r"[A-Za-z]")
LOST_LETTERS = re.compile(r"\?\?+")


def read_as_windows_1252(problems: list[Problem]) -> bool:
    """Whether `decode_text` read the file as Windows-1252 (so its letters may have been lost)."""
    return any(getattr(problem.problem, "key", None) == WINDOWS_1252_NOTE for problem in problems)


def _windows_1252(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    """English Excel's plain CSV, when every byte is a Windows-1252 character."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, []
    first = NON_ASCII_RUN.search(text)
    line = text.count("\n", 0, first.start()) + 1 if first else None
    start = first.start() if first else 0
    word = re.search(r"[^\s,;\t\"]*$", text[:start])
    sample = text[word.start() if word else start : start + 40].split("\n")[0]
    return text, [
        Problem(
            severity=Severity.WARNING,
            file=label,
            line=line,
            value=shorten_value(sample.split(",")[0]),
            problem=Message(WINDOWS_1252_NOTE),
            fix=Message("problem.fix_windows_1252"),
        )
    ]


def lost_letters(records: list[list[str]], label: str) -> list[Problem]:
    """Cells where Excel's Windows-1252 CSV wrote '?' for letters it could not store.

    One error per column, at its first such line: the letters are gone from the file, so the
    fix is to save the sheet again, not to edit the cells.
    """
    header = records[0] if records else []
    found: dict[int, list[int]] = {}
    for index, record in enumerate(records[1:], start=2):
        for position, cell in enumerate(record):
            if LOST_LETTERS.search(cell):
                found.setdefault(position, []).append(index)
    problems = []
    for position, lines in found.items():
        column = header[position] if position < len(header) else f"({position + 1})"
        problems.append(
            Problem(
                severity=Severity.ERROR,
                file=label,
                line=lines[0],
                column=column,
                value=shorten_value(records[lines[0] - 1][position]),
                problem=Message("problem.lost_letters", count=len(lines)),
                fix=Message("problem.fix_lost_letters"),
            )
        )
    return problems


def decode_text(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, Chinese Excel's GB18030, or
    Windows-1252 when the bytes are neither of the first (each a warning but plain UTF-8)."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), [
                Problem(
                    severity=Severity.WARNING,
                    file=label,
                    problem=Message("problem.bom_csv_utf8"),
                    fix="",
                )
            ]
        except UnicodeDecodeError:
            pass
    elif data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), [
                Problem(
                    severity=Severity.WARNING,
                    file=label,
                    problem=Message("problem.utf16"),
                    fix=Message("problem.fix_utf16"),
                )
            ]
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_chinese(text):
        return text, [
            Problem(
                severity=Severity.WARNING,
                file=label,
                problem=Message("problem.gb18030"),
                fix=Message("problem.fix_gb18030"),
            )
        ]
    text, problems = _windows_1252(data, label)
    if text is not None:
        return text, problems
    line = data.count(b"\n", 0, utf8_error.start) + 1
    bad = data[utf8_error.start : utf8_error.start + 4].hex(" ")
    return None, [
        Problem(
            severity=Severity.FATAL,
            file=label,
            line=line,
            value=shorten_value(f"bytes {bad}"),
            problem=Message("problem.unknown_encoding"),
            fix=Message(SAVE_AS_UTF8),
        )
    ]


def find_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of , ; tab that splits it into most names."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","
