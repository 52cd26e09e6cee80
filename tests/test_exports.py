"""Exports cannot carry spreadsheet formulas and keep their figures."""

import pandas as pd

from components.exports import ILLUSTRATIVE_MARK, csv_bytes, neutralise_formulas


def test_formula_text_is_neutralised_and_numbers_kept():
    """Text starting with = + - @ gets a leading apostrophe; numbers stay numbers."""
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "plain", None],
            "value": [-3.5, 1, 2, 3, 4, 5],
        }
    )
    safe = neutralise_formulas(frame)
    assert list(safe["title"]) == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-cmd",
        "'@SUM(A1)",
        "plain",
        "",
    ]
    assert list(safe["value"]) == [-3.5, 1, 2, 3, 4, 5]
    assert frame["title"].iloc[0].startswith("=")  # the original is untouched


def test_csv_is_utf8_with_bom_and_marks_illustrative_data():
    """Chinese survives the round trip and illustrative exports say so on line 1."""
    frame = pd.DataFrame({"name_zh": ["廊坊市"]})
    data = csv_bytes(frame, illustrative=True)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ILLUSTRATIVE_MARK
    assert "廊坊市" in text
    assert not csv_bytes(frame).decode("utf-8-sig").startswith(ILLUSTRATIVE_MARK)
