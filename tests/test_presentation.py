"""Presentation mode: slide positions from links, milestone highlights, the local QR code."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import translate
from components.loader import load_dataset
from components.presentation import (
    SLIDES,
    SlidePosition,
    milestone_highlights,
    next_after_auto_advance,
    qr_code_png,
    slide_from_link,
)
from tests.conftest import DataDir, open_app


@pytest.mark.parametrize(
    ("value", "index", "ignored"),
    [
        (None, 0, False),
        ("", 0, False),
        ("1", 0, False),
        ("3", 2, False),
        (str(len(SLIDES)), len(SLIDES) - 1, False),
        ("0", 0, True),
        ("99", 0, True),
        ("two", 0, True),
        ("-1", 0, True),
    ],
)
def test_slide_from_link(value, index, ignored):
    """?slide=N counts from 1; a missing slide starts at the first and says the link was off."""
    position = slide_from_link(value)
    assert (position.index, position.ignored_request) == (index, ignored)


def test_moving_stops_at_the_ends_and_auto_advance_wraps():
    first, last = SlidePosition(0), SlidePosition(len(SLIDES) - 1)
    assert first.moved(-1) == first
    assert last.moved(1) == last
    assert next_after_auto_advance(last) == first
    assert next_after_auto_advance(first).number == 2


def test_highlights_newest_done_first_and_only_future_planned(data_dir: DataDir):
    """Done milestones newest first; only planned milestones dated today or later are upcoming."""
    data_dir.append(
        "milestones",
        {
            "milestone_id": "review-2027",
            "agreement_id": "oxford-hebei-mou-2018",
            "date": "2027-03-01",
            "date_precision": "day",
            "title_en": "Review",
            "kind": "meeting",
            "status": "planned",
            "source_id": "press-release-2018-07-20",
        },
    )
    dataset = load_dataset(data_dir.path).dataset
    done, upcoming = milestone_highlights(dataset, "oxford-hebei-mou-2018", date(2026, 11, 28))
    assert list(done["milestone_id"])[0] == "mou-announced"
    assert list(done["date"]) == sorted(done["date"], reverse=True)
    assert list(upcoming["milestone_id"]) == ["review-2027"]


def test_qr_code_is_a_png_made_locally():
    png = qr_code_png("https://example.org/dashboard")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 200


@pytest.mark.parametrize("number", range(1, len(SLIDES) + 1))
@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_every_slide_runs(monkeypatch, number, language):
    """Each slide renders in each language with no exception."""
    monkeypatch.setenv("PARTNERSHIP_PUBLIC_URL", "https://example.org/dashboard")
    app = open_app(monkeypatch, present="1", slide=str(number), lang=language)
    assert not app.exception
    counter = translate("present.counter", language, number=number, count=len(SLIDES))
    assert counter in [m.value for m in app.markdown]


def _present(monkeypatch, slide: int = 1, **params: str) -> AppTest:
    monkeypatch.delenv("PARTNERSHIP_PUBLIC_URL", raising=False)
    app = open_app(monkeypatch, present="1", slide=str(slide), **params)
    assert not app.exception
    return app


def test_the_slides_switch_language_themselves(monkeypatch):
    """The slides carry their own language switch (the sidebar is hidden on a projector), and
    English + 中文 gives each slide title in both languages, the Chinese under the English."""
    app = _present(monkeypatch)
    (switch,) = app.button_group
    switch.set_value("both").run()
    assert not app.exception
    assert app.query_params["lang"] == "both"
    heading = next(m.value for m in app.markdown if m.value.startswith("# "))
    english, chinese = heading.split("\n")
    assert english.startswith("# Memorandum of Understanding") and chinese.startswith("## 牛津市")


def test_the_closing_slide_shows_no_operator_setting(monkeypatch):
    """Without a public address there is no QR code, and nothing about configuring one: the
    room sees where the figures come from."""
    for language in ("en", "zh"):
        app = _present(monkeypatch, slide=len(SLIDES), lang=language)
        shown = " ".join(m.value for m in [*app.markdown, *app.caption, *app.info])
        assert "PARTNERSHIP_PUBLIC_URL" not in shown and "QR" not in shown
        assert translate("present.closing_text", language) in shown
