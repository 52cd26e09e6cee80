"""The briefing pack's content and its "what changed since" lists, and the charts' text
alternatives, from small datasets built in tmp_path."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import pytest

from components import briefing, briefing_changes, progress
from components.charting import Chart
from components.filters import Filters, select
from components.i18n import translate
from components.loader import load_dataset
from components.publishing import history, publish
from components.text_alternatives import describe_chart, initiatives_summary

AGREEMENT = "oxford-hebei-mou-2018"
TODAY = date(2026, 11, 28)


def _t(language: str = "en"):
    return partial(translate, language=language)


def _load(data_dir):
    result = load_dataset(data_dir.path)
    assert result.dataset is not None, result.problems
    return result.dataset


def test_initiatives_summary_counts_completed_and_date_passed():
    """The summary counts completed initiatives and planned milestones whose date has passed."""
    initiatives = pd.DataFrame({"status": ["completed", "completed", "active", "completed", "x"]})
    milestones = pd.DataFrame(
        {
            "status": ["planned", "planned", "done", "planned"],
            "date": pd.to_datetime(["2020-01-01", "2030-01-01", "2019-01-01", None]),
        }
    )
    text = initiatives_summary(initiatives, milestones, date(2025, 1, 1), _t())
    assert text == _t()("alt.initiatives", completed=3, total=5, overdue=1)


def test_status_chart_summary_names_each_area_and_count(data_dir):
    """The status-by-focus-area text alternative names each area with its counts by status."""
    dataset = _load(data_dir)
    selection = select(dataset, Filters(AGREEMENT))
    chart = progress.status_by_focus_area(dataset, selection, "en")
    text = describe_chart("status_by_focus_area", chart, TODAY)
    first = chart.data.iloc[0]
    assert f"{first['focus_area']} (planned: {int(first['initiatives'])})" in text
    # An area with no initiative is named too, with none recorded.
    assert "Internships and apprenticeships (none recorded)" in text
    assert describe_chart("timeline", Chart(None, chart.data, (), None), TODAY) == (
        "Nothing is drawn."
    )


def test_briefing_of_shipped_data_has_every_section(data_dir):
    """The pack's content names the agreement, parties, figures, sections and sources."""
    dataset = _load(data_dir)
    pack = briefing.build_briefing(dataset, Filters(AGREEMENT), TODAY, "en")
    assert pack.agreement_title.startswith("Memorandum of Understanding")
    assert "4 July 2018" in pack.signed_line and "**" not in pack.signed_line
    assert [side for side, _ in pack.parties.sides] == ["UK side", "Chinese side"]
    figures = {row.label: row.value for row in pack.figures}
    assert figures["Initiatives"] == str(len(dataset["initiatives"]))
    assert figures["Milestones done"] == str(int((dataset["milestones"]["status"] == "done").sum()))
    assert pack.focus.chart.figure is not None and pack.map.chart.figure is not None
    assert "countries: 2" in pack.map.summary
    assert [p.initiative_id for p in pack.initiatives] == list(
        dataset["initiatives"]["initiative_id"]
    )
    assert any("City and County councils" in line for line in pack.sources)
    assert pack.as_of == "20 July 2018"
    assert not pack.illustrative
    assert pack.selection_line == "Selection: every initiative of the agreement."


def test_briefing_follows_the_filters(data_dir):
    """Filtered by status, the figures and initiative pages cover only the chosen initiatives."""
    data_dir.set_cell("initiatives", 3, "status", "active")
    dataset = _load(data_dir)
    active = Filters(AGREEMENT, statuses=("active",))
    pack = briefing.build_briefing(dataset, active, TODAY, "en")
    assert {row.label: row.value for row in pack.figures}["Initiatives"] == "1"
    assert [p.initiative_id for p in pack.initiatives] == ["student-project-2018"]
    assert pack.selection_line == "Selection: statuses active."


def test_illustrative_initiative_is_marked(data_dir):
    """An initiative citing an illustrative source is marked on its page and the pack flagged."""
    data_dir.append(
        "sources",
        {"source_id": "made-up", "kind": "illustrative", "title": "Generated", "published_on": ""},
    )
    data_dir.set_cell("initiatives", 2, "source_id", "made-up")
    dataset = _load(data_dir)
    pack = briefing.build_briefing(dataset, Filters(AGREEMENT), TODAY, "zh")
    assert pack.illustrative
    marked = {p.initiative_id for p in pack.initiatives if p.illustrative}
    assert marked == {"joint-working-group"}


def test_changes_since_a_version_lists_new_done_status_and_values(data_dir):
    """Against an earlier version: new and completed milestones, status changes, new values."""
    before = {p.name: p.read_bytes() for p in data_dir.path.glob("*.csv")}
    publish(data_dir.path, before, "tester", "first")  # version 1 keeps the files as they were
    line = data_dir.line_of("milestones", "milestone_id", "joint-working-group-set-up")
    data_dir.set_cell("milestones", line, "status", "done")
    data_dir.set_cell("milestones", line, "date", "2019-03-01")
    data_dir.set_cell("milestones", line, "date_precision", "day")
    data_dir.append(
        "milestones",
        {
            "milestone_id": "first-meeting",
            "agreement_id": AGREEMENT,
            "initiative_id": "joint-working-group",
            "date": "2019-05-01",
            "date_precision": "day",
            "title_en": "First meeting",
            "title_zh": "第一次会议",
            "kind": "meeting",
            "status": "planned",
            "source_id": "press-release-2018-07-20",
        },
    )
    data_dir.set_cell("initiatives", 2, "status", "active")
    dataset = _load(data_dir)
    versions = [v.number for v in history(data_dir.path)]
    changes = briefing_changes.changes_since(dataset, AGREEMENT, str(versions[0]), "en")
    assert changes.since.startswith(f"data version {versions[0]}")
    assert changes.new_milestones == ("First meeting: planned for 1 May 2019",)
    assert changes.completed_milestones == ("1 March 2019 · Joint working group set up · done",)
    assert changes.status_changes == ("Joint working group: planned → active",)
    assert changes.new_values == ()


def test_changes_since_a_date_without_history_use_the_data_dates(data_dir):
    """With no version from before the date, done milestones and confirmations since it count."""
    dataset = _load(data_dir)
    changes = briefing_changes.changes_since(dataset, AGREEMENT, "2018-07-10", "en")
    announced = "20 July 2018 · Press release announces the memorandum · done"
    assert changes.completed_milestones == (announced,)
    assert changes.new_milestones == ()
    assert "No data version from before 10 July 2018" in changes.note
    assert any(line.startswith("Joint working group: planned") for line in changes.status_changes)


@pytest.mark.parametrize("since", ["next week", "99"])
def test_unusable_since_is_refused(data_dir, since):
    """A --since that is neither a known version nor a date is refused with a reason."""
    dataset = _load(data_dir)
    with pytest.raises(ValueError, match="version|date"):
        briefing_changes.changes_since(dataset, AGREEMENT, since, "en")


def test_focus_area_summary_names_every_area_and_counts_only_focus_areas(data_dir):
    """The pack's status summary names every focus area (the pack has no table beside it) and
    does not count the agreement as a whole as a focus area."""
    dataset = _load(data_dir)
    selection = select(dataset, Filters(AGREEMENT))
    chart = progress.status_by_focus_area(dataset, selection, "en")
    text = briefing._counts_by_area(chart, "en")
    areas = dataset["focus_areas"]
    assert f"(focus areas: {len(areas)})" in text
    assert all(name in text for name in areas["name_en"])
    assert "more" not in text
