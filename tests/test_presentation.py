"""Presentation mode: the guests' and the full slide sets, slide positions from links, what the
milestones slide lists, slide 1's signatories, the local QR code."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import translate
from components.loader import load_dataset
from components.presentation import (
    FULL_SLIDES,
    GUEST_SLIDES,
    SlidePosition,
    agreement_slide,
    milestone_lists,
    next_after_auto_advance,
    qr_code_png,
    slide_from_link,
)
from tests.conftest import SHIPPED_DATA, DataDir, open_app

SLIDES = GUEST_SLIDES


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


def test_guests_see_no_assessment_slides_unless_the_presenter_turns_them_on():
    """The guests' set is the agreement, what it set out, where, what is recorded and the close;
    the timeline and the statuses come only with the presenter's switch (?assessments=1)."""
    assert GUEST_SLIDES == ("agreement", "focus_areas", "map", "milestones", "closing")
    assert {"timeline", "progress"} <= set(FULL_SLIDES) and set(GUEST_SLIDES) < set(FULL_SLIDES)
    assert slide_from_link("7", FULL_SLIDES).name == "closing"
    assert slide_from_link("7", GUEST_SLIDES).ignored_request


def test_milestones_done_in_order_and_every_planned_one_announced(data_dir: DataDir):
    """Done milestones in the order they happened; every planned milestone is listed as
    announced (soonest first, undated last), and those whose date has passed are known, for the
    presenter only."""
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
    lists = milestone_lists(dataset, "oxford-hebei-mou-2018", date(2026, 11, 28))
    assert list(lists.done["milestone_id"])[-1] == "mou-announced"
    assert list(lists.done["date"]) == sorted(lists.done["date"])
    assert list(lists.planned["milestone_id"]) == [
        "student-project-begins",
        "review-2027",
        "joint-working-group-set-up",
    ]
    assert lists.date_passed == {"student-project-begins"}


def test_slide_one_lists_only_the_signatories_under_their_sides():
    """Slide 1: the UK side and the Chinese side (英方 / 中方), signatories only, the province
    before its city; the title carries no "descriptive" tag (a footnote says it once)."""
    shipped = load_dataset(SHIPPED_DATA).dataset
    slide = agreement_slide(shipped, "oxford-hebei-mou-2018", "zh")
    assert [heading for heading, _ in slide.sides] == ["英方", "中方"]
    chinese_side = slide.sides[1][1]
    assert chinese_side.index("河北省") < chinese_side.index("廊坊市人民政府")
    shown = slide.title + "".join(names for _, names in slide.sides)
    for not_a_party in ("牛津大学", "保定市人民政府", "电子科技大学", "描述性标题"):
        assert not_a_party not in shown
    assert slide.title_note and "正式名称" in slide.title_note
    english = agreement_slide(shipped, "oxford-hebei-mou-2018", "en")
    assert [heading for heading, _ in english.sides] == ["UK side", "Chinese side"]
    assert "descriptive" not in english.title


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


def test_the_presenter_turns_the_assessments_on_and_off(monkeypatch):
    """The switch on the slides adds the councillors' slides (kept in the link) and keeps the
    slide shown; the milestones slide then marks a passed date, and only then."""
    app = _present(monkeypatch, slide=GUEST_SLIDES.index("milestones") + 1, lang="en")
    marked = translate("present.date_passed", "en", line="")[2:]
    assert not any(marked in m.value for m in app.markdown)
    app.toggle[0].set_value(True).run()
    assert app.query_params.get("assessments") == "1"
    assert app.query_params["slide"] == str(FULL_SLIDES.index("milestones") + 1)
    app.run()
    assert any(marked in m.value for m in app.markdown)


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
