"""Hostile text in every text field of the data: no page makes a link of it, and no data grid
sends a cell that a spreadsheet would run as a formula (the grid's own download writes cells
as they are sent)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict

from components.contract import load_contract
from components.exports import FORMULA_STARTS
from components.i18n import translate
from components.loader import load_dataset
from components.markdown_text import all_linkable
from components.overview_text import sources_table
from components.table_views import as_arrow, neutralised
from tests.conftest import SHIPPED_DATA, DataDir, open_app

# Bare addresses of every kind the autolinker knows, and formula starts of every kind.
ADDRESSES = "re-confirm at https://evil.example/login, see www.evil.example, write to a@b.example"
FORMULAS = ("=cmd|' /C calc'!A0 ", '=HYPERLINK("https://evil.example","x") ', "@SUM(1+1) ", "+1 ")
# The sources' own addresses: the only links the data may make.
SOURCE_URL = "https://good.example/"
# What Streamlit's Markdown starts a link from, in the text as read once escapes are undone.
AUTOLINK_STARTS = re.compile(r"https?://|www\.|[-.\w+]@", re.IGNORECASE)
# Elements whose text is not Markdown: grids and charts are checked apart, and a select box's
# options are drawn as plain text (tests/browser/test_hostile_text.py looks at them in a browser).
NOT_MARKDOWN = {"dataframe", "deck_gl_json_chart", "plotly_chart"}
PLAIN_FIELDS = {".options", ".rawValue", ".default", ".value", ".id", ".formId"}
HOSTILE_INDICATOR = {
    "indicator_id": "hostile-indicator",
    "initiative_id": "student-project-2018",
    "direction": "increase",
    "baseline": "0",
    "baseline_date": "2018-08-01",
    "target": "10",
    "target_date": "2019-08-01",
    "source_id": "press-release-2018-07-20",
}


def free_text_columns(table) -> list[str]:
    """A table's columns of free text: strings with no pattern or list of values, bar the url."""
    return [
        column.name
        for column in table.columns
        if column.type == "string" and not column.enum and not column.pattern
        if column.name != "url"
    ]


def write_hostile_data(target: Path) -> DataDir:
    """A copy of the shipped data whose every free-text cell starts with a formula and holds
    bare addresses (kept within the column's length), each source with an https address."""
    shutil.copytree(SHIPPED_DATA, target)
    data = DataDir(target)
    data.append("indicators", HOSTILE_INDICATOR)
    data.append(
        "indicator_values",
        {
            "indicator_id": "hostile-indicator",
            "date": "2019-01-01",
            "value": "5",
            "source_id": "press-release-2018-07-20",
        },
    )
    for table in load_contract().tables:
        columns = free_text_columns(table)
        rows = data.rows(table.name)
        for number, row in enumerate(rows):
            for position, name in enumerate(columns):
                start = FORMULAS[(number + position) % len(FORMULAS)]
                longest = table.column(name).max_length or 10_000
                room = max(longest - len(start + ADDRESSES) - 1, 0)
                text = f"{start}{row[name][:room]} {ADDRESSES}".replace("  ", " ")
                # A short column (a unit) gets what fits, one address at least.
                row[name] = text if len(text) <= longest else f"{start}www.evil.example"[:longest]
            if table.name == "sources":
                row["url"] = SOURCE_URL + row["source_id"]
        data.write(table.name, rows)
    return data


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> DataDir:
    return write_hostile_data(tmp_path_factory.mktemp("hostile") / "data")


def _strings(message: object, path: str = ""):
    if isinstance(message, dict):
        for name, value in message.items():
            yield from _strings(value, f"{path}.{name}")
    elif isinstance(message, list):
        for value in message:
            yield from _strings(value, path)
    elif isinstance(message, str):
        yield path, message


def _elements(node):
    if getattr(node, "proto", None) is not None and hasattr(node.proto, "DESCRIPTOR"):
        yield node
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else ():
        yield from _elements(child)


PAGES = {
    "pages/overview.py": {},
    "pages/map.py": {},
    "pages/initiatives.py": {"initiative": "student-project-2018"},
    "pages/present.py": {},
    "pages/timeline.py": {},
    "pages/progress.py": {},
}


@pytest.fixture(scope="module")
def hostile_pages(hostile_data):
    """Every page of the app as AppTest ran it on the hostile data (the initiative's details
    open), with each page's elements."""
    monkeypatch = pytest.MonkeyPatch()
    shown = {}
    try:
        for page, query in PAGES.items():
            app = open_app(monkeypatch, hostile_data.path, page, **query)
            assert not app.exception, (page, app.exception)
            shown[page] = list(_elements(app._tree))
    finally:
        monkeypatch.undo()
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_no_page_leaves_a_bare_address_to_be_linked(hostile_pages, page):
    """Every Markdown text of every page (bodies, headings, captions, notices, labels, help)
    holds the data's addresses only in a form the autolinker passes over."""
    seen = 0
    for element in hostile_pages[page]:
        if element.type in NOT_MARKDOWN:
            continue
        for path, text in _strings(MessageToDict(element.proto)):
            if path in PLAIN_FIELDS:
                continue
            read = re.sub(r"\\(.)", r"\1", text)
            seen += "evil" in read
            assert not AUTOLINK_STARTS.search(read), (page, element.type, path, text)
    assert seen, "the hostile text is shown somewhere on the page"


@pytest.mark.parametrize("page", PAGES)
def test_no_grid_sends_a_formula(hostile_pages, page):
    """Every data grid's cells and headings, as sent (and so as its toolbar downloads them),
    start with no formula character."""
    grids = [element for element in hostile_pages[page] if element.type == "dataframe"]
    for grid in grids:
        frame = grid.value
        for heading in frame.columns:
            assert not str(heading).startswith(FORMULA_STARTS), (page, heading)
        for name in frame.columns:
            column = frame[name]
            if pd.api.types.is_numeric_dtype(column):
                continue
            texts = column.dropna().astype(str)
            assert not texts.str.startswith(FORMULA_STARTS).any(), (page, name, texts.tolist())
    if page in ("pages/overview.py", "pages/initiatives.py", "pages/timeline.py"):
        shown = [grid.value.astype(str).stack() for grid in grids]
        assert any(cells.str.contains("evil").any() for cells in shown), "hostile text in a grid"


def test_neutralised_grid_keeps_every_other_value():
    """Only formula-like text gets its apostrophe: numbers, dates, ordinary and Chinese text
    are sent as they are, and a formula-like heading is quoted too."""
    frame = pd.DataFrame(
        {
            "title": ["=1+1", "@SUM(A1)", "+44 1865", "-3", "\tx", "\rx", "Oxford", "廊坊", None],
            "=heading": range(9),
            "value": [-3.5] * 9,
            "day": pd.to_datetime(["2018-07-20"] * 9),
        }
    )
    sent = as_arrow(frame).to_pandas()
    assert sent.columns.tolist() == ["title", "'=heading", "value", "day"]
    assert sent["title"].tolist() == [
        "'=1+1",
        "'@SUM(A1)",
        "'+44 1865",
        "'-3",
        "'\tx",
        "'\rx",
        "Oxford",
        "廊坊",
        "",
    ]
    assert sent["value"].tolist() == [-3.5] * 9
    assert sent["day"].equals(frame["day"].astype(sent["day"].dtype))
    assert neutralised(frame)["'=heading"].tolist() == list(range(9))


@pytest.mark.parametrize(
    "bad",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "www.evil.example"],
)
def test_a_source_address_that_is_not_http_makes_no_link_column(data_dir, bad):
    """A source whose address slipped past validation with another scheme turns the sources
    table's addresses into plain text, not into a column of links."""
    dataset = load_dataset(data_dir.path).dataset
    sources = dataset["sources"].copy()
    sources["url"] = SOURCE_URL + sources["source_id"]
    good = dataclasses.replace(dataset, tables={**dataset.tables, "sources": sources})
    url = translate("columns.url")
    assert all_linkable(sources_table(good, "en")[url])
    sources.loc[sources.index[0], "url"] = bad
    bad_set = dataclasses.replace(dataset, tables={**dataset.tables, "sources": sources})
    assert not all_linkable(sources_table(bad_set, "en")[url])


def test_the_problems_grid_sends_no_formula(monkeypatch, data_dir: DataDir):
    """The report of a broken file quotes its values; its grid sends them neutralised."""
    data_dir.set_cell("milestones", 2, "date", "=cmd|' /C calc'!A0")
    app = open_app(monkeypatch, data_dir.path)
    assert not app.exception
    values = pd.concat([grid.value.astype(str).stack() for grid in app.dataframe])
    assert values.str.contains("cmd", regex=False).any()
    assert not values.str.startswith(FORMULA_STARTS).any(), values.tolist()
