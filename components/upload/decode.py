"""Bytes to text: an uploaded CSV's encoding and delimiter, told from its bytes without guessing.

UTF-8 (with or without Excel's byte order mark), UTF-16 with its mark and Chinese Excel's GB18030
are read, each noted as a warning when it is not plain UTF-8; anything else is rejected.
"""

from __future__ import annotations

from components.problems import Problem, Severity, shorten_value
from components.table_files import SAVE_AS_UTF8, UTF8_BOM

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _looks_chinese(text: str) -> bool:
    """True when every non-ASCII character is in GB2312, the set Chinese Excel text uses.

    Windows-1252 bytes (é, ö, £) also decode as GB18030, but into rare characters outside
    GB2312, so this tells the two apart without guessing at what the analyst meant.
    """
    for character in {c for c in text if ord(c) > 127}:
        try:
            character.encode("gb2312")
        except UnicodeEncodeError:
            return False
    return True


def decode_text(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, or Chinese Excel's GB18030."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), [
                Problem(
                    severity=Severity.WARNING,
                    file=label,
                    problem="The file starts with a byte order mark (Excel's 'CSV UTF-8' adds "
                    "one); it was ignored.",
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
                    problem="The file is saved as UTF-16 ('Unicode Text'); it was read as such.",
                    fix="Next time save it as 'CSV UTF-8 (Comma delimited)'.",
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
                problem="The file is saved in the Chinese GB18030/GBK encoding (Chinese Excel's "
                "'CSV'); it was read as such and will be stored as UTF-8.",
                fix="Next time choose 'CSV UTF-8 (Comma delimited)' (CSV UTF-8（逗号分隔）).",
            )
        ]
    line = data.count(b"\n", 0, utf8_error.start) + 1
    bad = data[utf8_error.start : utf8_error.start + 4].hex(" ")
    return None, [
        Problem(
            severity=Severity.FATAL,
            file=label,
            line=line,
            value=shorten_value(f"bytes {bad}"),
            problem="The file is not in an encoding that can be read safely (it looks like "
            "Windows-1252 or another 'ANSI' encoding, which would garble accented and Chinese "
            "letters).",
            fix=SAVE_AS_UTF8,
        )
    ]


def find_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of , ; tab that splits it into most names."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","
