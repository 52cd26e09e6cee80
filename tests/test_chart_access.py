"""AppTest: every chart and the map carry a text alternative with their data one click away and a
PNG download; the Overview offers the briefing pack and checks a "changed since" value."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import translate
from components.ui.lazy_expander import KEY_PREFIX
from tests.conftest import SHIPPED_DATA, open_app


def run_page(
    monkeypatch, page: str, language: str = "en", data=SHIPPED_DATA, open_all: bool = True
) -> AppTest:
    """The page, with its text alternatives opened (as a click on each would) unless told not."""
    app = open_app(monkeypatch, data, page, lang=language)
    assert not app.exception
    if open_all:
        assert _lazy_expander_keys(app)
        for name in _lazy_expander_keys(app):
            app.session_state[name] = True
        app.run()
        assert not app.exception
    return app


def _lazy_expander_keys(app: AppTest) -> list[str]:
    return [key for key in app.session_state if key.startswith(KEY_PREFIX)]


def _buttons(app: AppTest) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("page", "charts"), [("pages/timeline.py", 1), ("pages/progress.py", 2)])
def test_each_chart_has_a_text_alternative_and_png(monkeypatch, page, charts, language):
    """Under each chart: an expander with its summary and data, and a PNG download."""
    app = run_page(monkeypatch, page, language)
    drawn = len(app.get("plotly_chart"))
    assert drawn >= charts
    heading = translate("alt.heading", language)
    alternatives = [e for e in app.expander if e.label == heading]
    assert len(alternatives) == drawn
    for expander in alternatives:
        summary = expander.markdown[0].value
        assert summary.startswith(translate("alt.summary", language, summary="")[:3])
        assert len(expander.dataframe) == 1
    assert _buttons(app).count(translate("charts.png", language)) == drawn


@pytest.mark.parametrize("page", ["pages/timeline.py", "pages/progress.py", "pages/map.py"])
def test_closed_text_alternatives_send_nothing_until_opened(monkeypatch, page):
    """A closed text alternative costs the page nothing: its summary and table are built and
    sent only once it is opened, and the summary is the chart's accessible name meanwhile."""
    app = run_page(monkeypatch, page, open_all=False)
    heading = translate("alt.heading")
    closed = [e for e in app.expander if e.label == heading]
    assert closed and all(not e.children for e in closed)
    assert all(chart.proto.alt for chart in app.get("plotly_chart"))
    for name in _lazy_expander_keys(app):
        app.session_state[name] = True
    app.run()
    opened = [e for e in app.expander if e.label == heading]
    assert len(opened) == len(closed) and all(len(e.dataframe) == 1 for e in opened)


def test_timeline_alternative_counts_what_is_drawn(monkeypatch):
    """The timeline's summary gives the numbers of initiatives and milestones drawn."""
    app = run_page(monkeypatch, "pages/timeline.py")
    heading = translate("alt.heading")
    summary = next(e for e in app.expander if e.label == heading).markdown[0].value
    summary = summary.replace("\\", "")  # the Markdown escapes of punctuation
    assert "Initiatives: 1. Milestones: 4" in summary


def test_map_has_a_text_alternative(monkeypatch):
    """The map page says in words where the places are, with the places as a table."""
    app = run_page(monkeypatch, "pages/map.py")
    heading = translate("alt.heading")
    expander = next(e for e in app.expander if e.label == heading)
    assert "countries: 2" in expander.markdown[0].value.replace("\\", "")
    assert len(expander.dataframe) == 1


def test_overview_offers_the_briefing_pack(monkeypatch):
    """The Overview has the briefing download; an unusable "since" value gets a warning."""
    app = run_page(monkeypatch, "pages/overview.py")
    assert translate("briefing.download") in _buttons(app)
    app.text_input(key="briefing_since").input("next Tuesday").run()
    assert not app.exception
    assert any("next Tuesday" in warning.value for warning in app.warning)
    app.text_input(key="briefing_since").input("2018-07-10").run()
    assert not app.warning
