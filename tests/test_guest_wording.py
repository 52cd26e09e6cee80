"""What a guest reads, on every page and slide in every language, states what is recorded and
never a verdict the sources do not make (see the glossary's Protocol): no "stalled" or
"overdue", dates no more precise than the data knows them, no "(descriptive title)" tag."""

from __future__ import annotations

import json
import re

import pytest
from google.protobuf.json_format import MessageToDict

from components.app_pages import APP_PAGES
from components.presentation import FULL_SLIDES
from tests.conftest import open_app

TODAY = "2026-12-01"
# Words that tell a partner its cooperation stalled or is late, in either language.
VERDICTS = re.compile(
    r"\b(stalled|overdue|gone quiet|no progress|behind schedule)\b"
    r"|久无进展|停滞|无进展|搁浅|逾期|沉寂",
    re.IGNORECASE,
)
# The student project's date is known to the month only ("This August", 2018).
FALSE_PRECISION = re.compile(r"\b1 August 2018\b|2018年8月1日|2018-08-01")
TITLE_TAG = re.compile(r"descriptive title\)|描述性标题）")
COORDINATES = {"x", "y", "base", "x0", "x1", "range"}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        try:
            parsed = json.loads(value) if value[:1] in "[{" else None
        except ValueError:
            parsed = None
        return _strings(parsed) if parsed is not None else [value]
    if isinstance(value, dict):
        # A chart's coordinates are positions, not text a reader sees.
        return [s for k, v in value.items() if k not in COORDINATES for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def shown_text(app) -> list[str]:
    """Every text of every element of the app's tree: Markdown, labels, captions, options, the
    cells of tables, and the texts inside charts' and maps' JSON."""
    texts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.extend(_strings(MessageToDict(proto)))
        if type(node).__name__ == "Dataframe":
            texts.extend(str(cell) for cell in node.value.to_numpy().ravel())
            texts.extend(str(column) for column in node.value.columns)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return texts


def _views(monkeypatch, language: str):
    monkeypatch.setenv("PARTNERSHIP_TODAY", TODAY)
    for page in APP_PAGES:
        if page.url_path in ("present", "data"):
            continue
        yield page.script, open_app(monkeypatch, page=page.script, lang=language)
    for number, name in enumerate(FULL_SLIDES, start=1):
        yield (
            f"slide {name}",
            open_app(monkeypatch, present="1", assessments="1", slide=str(number), lang=language),
        )


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_no_page_or_slide_asserts_a_verdict_or_false_precision(monkeypatch, language):
    """No page or slide (the councillors' slides included) says the cooperation stalled or a
    milestone is overdue, dates the August 2018 student project to a day, or tags the title."""
    found = []
    for where, app in _views(monkeypatch, language):
        assert not app.exception, (where, app.exception)
        for text in shown_text(app):
            for rule in (VERDICTS, FALSE_PRECISION, TITLE_TAG):
                match = rule.search(text)
                if match:
                    found.append(f"{where}: {match[0]!r} in {text[:160]!r}")
    assert found == [], "\n".join(found)
