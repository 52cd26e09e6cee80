"""What the councillors' briefing pack says: the content of every page for the current selection
(agreement, filters, language). What changed since an earlier version or date, its last page, is
`components.briefing_changes`.

Nothing here draws or prints; `components.pdf_pack` lays this content out as a PDF. Every figure
is counted by the same builders the dashboard uses, so the paper and the screen agree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from components import overview, progress, timeline
from components.charting import Chart, as_of, localised_column, names
from components.filters import Filters, Selection, select
from components.i18n import (
    BILINGUAL,
    Translate,
    composed,
    country_name,
    each_half,
    format_date,
    format_number,
    join,
    translator,
)
from components.illustrative import has_illustrative_rows, illustrative_source_ids
from components.initiatives import dates_line, details
from components.loader import Dataset
from components.map_model import build_model, places_table
from components.static_charts import map_figure

if TYPE_CHECKING:
    from components.briefing_changes import Changes

# More initiative pages than this would make a pack nobody reads; the rest are listed by name.
MAX_INITIATIVE_PAGES = 60
MAX_MILESTONES_PER_INITIATIVE = 12
# The pack stands alone: a chart's note that points to a page or list of the dashboard is printed
# in the pack's own words instead.
PACK_NOTES = {
    "timeline.undated_initiatives": "briefing.note_undated_initiatives",
    "timeline.undated_milestones": "briefing.note_undated_milestones",
    "timeline.milestones_not_drawn": "briefing.note_milestones_not_drawn",
    "timeline.rows_cut": "briefing.note_rows_cut",
    "timeline.row_marks_cut": "briefing.note_row_marks_cut",
}
# Past this many days without a newer source, the summary says since when nothing is recorded.
NO_UPDATE_AFTER_DAYS = 180


@dataclass(frozen=True)
class ChartSection:
    heading: str
    chart: Chart
    # The chart's text alternative, printed under the picture (and instead of it if none).
    summary: str
    caption: str


@dataclass(frozen=True)
class FigureRow:
    """A row of the headline figures: a label and its value, or (`note`) a line under the row
    above that explains it."""

    label: str
    value: str = ""
    # 1 for a row that breaks down the row above it (initiatives by status).
    level: int = 0
    note: bool = False


@dataclass(frozen=True)
class InitiativePage:
    initiative_id: str
    title: str
    status_line: str
    facts: tuple[str, ...]
    summary: str
    milestones: tuple[str, ...]
    indicators: tuple[str, ...]
    sources: tuple[str, ...]
    illustrative: bool


@dataclass(frozen=True)
class Briefing:
    language: str
    t: Translate
    title: str
    agreement_title: str
    # The footnote of a title the source does not give (None for a formal title).
    title_note: str | None
    signed_line: str
    summary: str
    # The signatories by side (英方 / 中方), and every other organisation with what it did.
    parties: overview.PartiesText
    # The people the sources name, in order of precedence, each "title, name" in the
    # language's own style, and one note on their order and names.
    people: tuple[str, ...]
    people_note: str
    selection_line: str
    figures: tuple[FigureRow, ...]
    overall: str
    focus: ChartSection
    timeline: ChartSection
    map: ChartSection
    initiatives: tuple[InitiativePage, ...]
    initiatives_left_out: tuple[str, ...]
    sources: tuple[str, ...]
    as_of: str
    generated_on: str
    illustrative: bool
    changes: Changes | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _text(row: pd.Series, base: str, language: str) -> str:
    """A name or title in the pack's language (a proper name in one language is shown as is)."""
    t = translator(language)
    text = overview.localised(row, base, language)[0]
    return text or t("common.not_recorded")


def _prose(row: pd.Series, base: str, language: str) -> str:
    """Data prose in the pack's language, saying so when only the other language's exists."""
    t = translator(language)
    text, is_fallback = overview.localised(row, base, language)
    if not text:
        return t("common.not_recorded")
    return t("briefing.untranslated", text=text) if is_fallback else text


def _plain(text: str) -> str:
    """Catalogue text written for the screen's Markdown, without its emphasis marks."""
    return each_half(lambda part: part.replace("**", ""), text)


def _selection_line(dataset: Dataset, filters: Filters, language: str) -> str:
    t = translator(language)
    parts = []
    if filters.focus_area_ids:
        area_names = names(dataset, "focus_areas", "focus_area_id", language)
        chosen = join((area_names.get(a, a) for a in filters.focus_area_ids), language)
        parts.append(t("briefing.filter_focus", names=chosen))
    if filters.statuses:
        chosen = join((t("status." + s) for s in filters.statuses), language)
        parts.append(t("briefing.filter_status", names=chosen))
    if filters.place_ids:
        place_names = names(dataset, "places", "place_id", language)
        chosen = join((place_names.get(p, p) for p in filters.place_ids), language)
        parts.append(t("briefing.filter_place", names=chosen))
    if filters.has_date_range:
        parts.append(
            t(
                "briefing.filter_dates",
                start=format_date(filters.date_from, language) if filters.date_from else "…",
                end=format_date(filters.date_to, language) if filters.date_to else "…",
            )
        )
    if not parts:
        return t("briefing.selection_all")
    return t("briefing.selection", filters=join(parts, language, "clauses"))


def _figures(
    dataset: Dataset, selection: Selection, agreement_id: str, today: date, language: str
) -> tuple[tuple[FigureRow, ...], str]:
    """The Overview's headline figures, counted over the selection's initiatives and milestones,
    and a summary of what they record."""
    t = translator(language)
    selected = dataclasses.replace(
        dataset,
        tables={
            **dataset.tables,
            "initiatives": selection.initiatives,
            "milestones": selection.milestones,
        },
    )
    figures = {f.key: f for f in overview.headline_figures(selected, agreement_id, today)}
    number = lambda value: format_number(value, language)  # noqa: E731
    rows = [FigureRow(t("figures.initiatives"), number(figures["initiatives_total"].value))]
    by_status = []
    for key, figure in figures.items():
        if key.startswith("initiatives_") and key != "initiatives_total":
            status = t("status." + key.removeprefix("initiatives_"))
            rows.append(FigureRow(status, number(figure.value), level=1))
            by_status.append(t("figures.status_count", status=status, count=figure.value))
    done, planned = figures["milestones_done"], figures["milestones_planned"]
    rows.append(FigureRow(t("figures.milestones_done"), number(done.value)))
    rows.append(FigureRow(t("figures.milestones_planned"), number(planned.value)))
    passed = planned.detail.get("overdue", 0)
    if passed:
        rows.append(FigureRow(t("figures.overdue", count=passed), level=1, note=True))
    days = figures["days_since_signing"]
    if days.value is not None:
        rows.append(FigureRow(t("figures.days_since_signing"), number(days.value)))
    upcoming = figures["next_milestone"]
    if upcoming.value is None:
        rows.append(FigureRow(t("figures.next_milestone"), t("figures.none_scheduled")))
    else:
        milestone = upcoming.detail["milestone"]
        value = t(
            "briefing.next_milestone_value",
            date=format_date(upcoming.detail["date"], language, milestone["date_precision"]),
            title=_text(milestone, "title", language),
        )
        rows.append(FigureRow(t("figures.next_milestone"), value))
    total = figures["initiatives_total"].value
    recorded = [
        t("briefing.recorded_initiatives", count=total, statuses=join(by_status, language))
        if total
        else t("briefing.recorded_no_initiatives"),
        t(
            "briefing.recorded_milestones",
            count=done.value + planned.value,
            done=done.value,
            planned=planned.value,
        ),
    ]
    if passed:
        recorded.append(t("briefing.recorded_date_passed", count=passed))
    newest = data_as_of(dataset, agreement_id)
    if newest is not None and (pd.Timestamp(today) - newest).days > NO_UPDATE_AFTER_DAYS:
        recorded.append(t("briefing.no_update_since", date=format_date(newest, language, "month")))
    return tuple(rows), join(recorded, language, "sentences")


def _source_titles(dataset: Dataset, cited: tuple[str, ...], language: str) -> str:
    titles = overview.source_titles(dataset, language)
    return join((title for source_id, title in titles.items() if source_id in cited), language)


def _section(
    dataset: Dataset, heading: str, chart: Chart, summary: str, language, extra: str = ""
) -> ChartSection:
    t = translator(language)
    caption = (
        t(
            "charts.caption",
            sources=_source_titles(dataset, chart.source_ids, language),
            date=format_date(chart.as_of, language),
        )
        if chart.source_ids
        else t("charts.caption_no_sources")
    )
    notes = [t(PACK_NOTES.get(note.key, note.key), **note.values) for note in chart.notes]
    caption = join([caption, extra], language, "sentences") if extra else caption
    return ChartSection(heading, chart, join([summary, *notes], language, "sentences"), caption)


def _counts_by_area(chart: Chart, language: str) -> str:
    """What the status chart draws, every focus area named (the pack has no table beside it)."""
    t = translator(language)
    if chart.figure is None or chart.data.empty:
        return t("alt.nothing_drawn")
    parts = []
    for _, rows in chart.data.groupby("focus_area_id", sort=False):
        counts = join(
            (
                t("figures.status_count", count=int(n), status=t("status." + s))
                for s, n in zip(rows["status"], rows["initiatives"], strict=True)
                if n
            ),
            language,
        )
        area = rows["focus_area"].iloc[0]
        parts.append(
            t("alt.area_counts", area=area, counts=counts or t("alt.no_initiatives_in_area"))
        )
    # The row of initiatives that serve the agreement as a whole is not a focus area.
    areas = chart.data.loc[chart.data["focus_area_id"] != "", "focus_area_id"].nunique()
    return t("briefing.alt_status_by_area", areas=areas, parts=join(parts, language, "clauses"))


def _dated(row, column: str, language: str) -> str:
    """A date of a chart row at its own precision: 2018年8月 for a month, never a made-up day."""
    value = row[column]
    precision = row.get(f"{column}_precision") or "day"
    return format_date(value if pd.notna(value) else None, language, precision)


def _timeline_summary(chart: Chart, today: date, language: str) -> str:
    """What the timeline draws: initiatives and milestones, and the dates it spans."""
    t = translator(language)
    data = chart.data
    if chart.figure is None or data.empty:
        return t("alt.nothing_drawn")
    milestones = data[data["item"] != "initiative"]
    planned = milestones["status"] == "planned"
    ends = [
        (row[column], _dated(row, column, language))
        for row in data.to_dict("records")
        for column in ("start", "end")
        if pd.notna(row[column])
    ]
    first = min(ends, key=lambda end: end[0])[1] if ends else t("common.unknown_date")
    last = max(ends, key=lambda end: end[0])[1] if ends else t("common.unknown_date")
    return t(
        "briefing.alt_timeline",
        initiatives=int((data["item"] == "initiative").sum()),
        milestones=len(milestones),
        done=int((milestones["status"] == "done").sum()),
        planned=int(planned.sum()),
        passed=int((planned & (milestones["start"] < pd.Timestamp(today))).sum()),
        start=first,
        end=last,
    )


def _map_section(
    dataset: Dataset, selection: Selection, agreement_id: str, language: str
) -> ChartSection:
    t = translator(language)
    model = build_model(dataset, agreement_id, selection.initiatives, language)
    titles = [_country_name(end.country, language) for end in model.ends]
    status_names = {s: t("status." + s) for s in overview.initiative_statuses()}
    figure: go.Figure | None = map_figure(model, titles, status_names) if model.ends else None
    data = places_table(model)
    cited = tuple(sorted(set(model.places["source_id"]) - {""}))
    chart = Chart(figure, data, cited, as_of(dataset, cited))
    places = model.places
    # Each place by its name in the pack's language only: the pack is read, not matched to a map
    # label (in 中文 "牛津市", not "牛津市 · Oxford").
    own_name = {p["place_id"]: _text(p, "name", language) for p in places.to_dict("records")}
    busy = places[places["count"] > 0].sort_values("count", ascending=False, kind="stable")
    named = [
        t("alt.place_count", place=own_name[place_id], count=count)
        for place_id, count in zip(busy["place_id"], busy["count"], strict=True)
    ]
    summary = t(
        "alt.map",
        places=len(places),
        countries=places["country"].replace("", pd.NA).nunique(),
        busy=len(busy),
        names=join(named, language, "clauses") if named else t("alt.no_initiatives_on_map"),
    )
    regions = [own_name[p] for p in places.loc[places["has_outline"], "place_id"]]
    outlines = (
        t("briefing.map_outlines", regions=join(regions, language))
        if regions
        else t("briefing.map_points")
    )
    return _section(dataset, t("briefing.map_heading"), chart, summary, language, extra=outlines)


def _country_name(code: str, language: str) -> str:
    t = translator(language)
    if not code or code == "unknown":
        return t("overview.country_unknown")
    return country_name(code, language)


def _milestone_line(row: pd.Series, language: str) -> str:
    """A milestone with its date at the precision the source gives; a planned one is told as a
    plan ("planned for August 2018"), not as done."""
    t = translator(language)
    title = _text(row, "title", language)
    if row["status"] == "planned":
        if pd.isna(row["date"]):
            return t("briefing.milestone_planned_undated", title=title)
        date_text = format_date(row["date"], language, row["date_precision"] or "day")
        return t("briefing.milestone_planned_line", date=date_text, title=title)
    return t(
        "briefing.milestone_line",
        date=format_date(row["date"], language, row["date_precision"] or "day"),
        title=title,
        status=t("status." + row["status"]),
    )


def milestone_lines(milestones: pd.DataFrame, language: str) -> tuple[str, ...]:
    ordered = milestones.sort_values("date", na_position="last")
    return tuple(_milestone_line(m, language) for _, m in ordered.iterrows())


def _indicator_lines(indicators: pd.DataFrame, values: progress.IndicatorValues, language):
    t = translator(language)
    summary = values.summary(indicators["indicator_id"])
    latest = dict(zip(summary["indicator_id"], summary.itertuples(), strict=True))
    lines = []
    for _, indicator in indicators.iterrows():
        found = latest.get(indicator["indicator_id"])
        unit = progress.indicator_unit(indicator, language)
        value = (
            t(
                "briefing.latest_value",
                value=format_number(found.latest_value, language),
                unit=unit,
                date=format_date(found.latest_date, language),
            )
            if found is not None
            else t("briefing.no_value")
        )
        target = (
            t(
                "briefing.target_value",
                value=format_number(indicator["target"], language),
                unit=unit,
                date=format_date(indicator["target_date"], language),
            )
            if pd.notna(indicator["target"])
            else t("briefing.no_target")
        )
        name = _text(indicator, "name", language)
        lines.append(t("briefing.indicator_line", name=name, latest=value, target=target))
    return tuple(lines)


def _initiative_pages(
    dataset: Dataset, selection: Selection, language: str
) -> tuple[tuple[InitiativePage, ...], tuple[str, ...]]:
    t = translator(language)
    illustrative = illustrative_source_ids(dataset)
    values = progress.IndicatorValues(dataset["indicator_values"])
    initiatives = selection.initiatives
    pages = []
    for initiative_id in initiatives["initiative_id"].head(MAX_INITIATIVE_PAGES):
        found = details(dataset, initiative_id, language)
        if found is None:
            continue
        row = found.initiative
        status_line = t(
            "briefing.status_line",
            status=t("status." + row["status"]),
            date=format_date(row["status_as_of"], language),
        )
        facts = [
            dates_line(row, language),
            t("initiatives.focus_line", areas=found.focus_areas or t("timeline.whole_agreement")),
            t("initiatives.lead_line", lead=found.lead or t("common.not_recorded")),
        ]
        if found.partners:
            facts.append(t("initiatives.partners_line", partners=found.partners))
        milestones = tuple(
            _milestone_line(m, language)
            for _, m in found.milestones.head(MAX_MILESTONES_PER_INITIATIVE).iterrows()
        )
        value_sources = set(
            dataset["indicator_values"]
            .loc[
                dataset["indicator_values"]["indicator_id"].isin(found.indicators["indicator_id"]),
                "source_id",
            ]
            .unique()
        )
        cited = set(found.sources["source_id"]) | value_sources
        sources = dataset["sources"]
        pages.append(
            InitiativePage(
                initiative_id=initiative_id,
                title=found.title or t("common.not_recorded"),
                status_line=status_line,
                facts=tuple(facts),
                summary=found.summary or t("initiatives.no_summary"),
                milestones=milestones,
                indicators=_indicator_lines(found.indicators, values, language),
                sources=tuple(
                    overview.source_title(source, language)
                    for _, source in sources[sources["source_id"].isin(cited)].iterrows()
                ),
                illustrative=bool(cited & illustrative),
            )
        )
    left_out = tuple(
        localised_column(initiatives.iloc[MAX_INITIATIVE_PAGES:], "title", language).tolist()
    )
    return tuple(pages), left_out


def _source_lines(dataset: Dataset, language: str) -> tuple[str, ...]:
    """Each cited source by its title, its publisher when known and its date: what a reader needs
    to find it. Where the team keeps its copy (a folder, a file) is not for a pack's reader."""
    t = translator(language)
    cited = overview.sources_cited(dataset)
    cited = cited[cited["rows_citing"] > 0]
    lines = []
    for _, source in cited.iterrows():
        values = {
            "title": overview.source_title(source, language, with_original=True),
            "date": format_date(source["published_on"], language),
        }
        if source["publisher"]:
            lines.append(t("briefing.source_entry", publisher=source["publisher"], **values))
        else:
            lines.append(t("briefing.source_entry_no_publisher", **values))
    return tuple(lines)


def _person_line(person: dict, language: str) -> str:
    """A person as a UK council writes it ("Councillor Colin Cook, Lord Mayor of Oxford") or a
    Chinese office does (牛津市市长 Colin Cook: title first; a romanised name as the source gives
    it, apart from the title by a space)."""
    if language == BILINGUAL:
        return composed(language, lambda side: _person_line(person, side))
    t = translator(language)
    name = overview.localised(person, "name", language)[0]
    title = overview.localised(person, "title", language)[0]
    honorific = person.get("honorific_en") or ""
    if language == "en" and honorific:
        # English styles a person before the name; Chinese puts the title first instead.
        name = f"{honorific} {name}"
    if not title:
        return name or t("common.not_recorded")
    # Latin letters beside Chinese ones are set apart by a space: 牛津市市长 Colin Cook.
    spaced = name[:1].isascii() or title[-1:].isascii()
    return t(
        "briefing.person_line" if spaced else "briefing.person_line_chinese", name=name, title=title
    )


def _people(dataset: Dataset, agreement_id: str, language: str) -> tuple[tuple[str, ...], str]:
    """The people the sources name, in order of precedence, and the one note about them."""
    t = translator(language)
    people = overview.people_for_agreement(dataset, agreement_id)
    lines = tuple(_person_line(person, language) for person in people.to_dict("records"))
    notes = []
    if "precedence" in people:
        notes.append(t("briefing.people_order"))
    if (people["name_zh"] == "").any():
        notes.append(t("briefing.names_unverified"))
    return lines, join(notes, language, "sentences")


def data_as_of(dataset: Dataset, agreement_id: str) -> pd.Timestamp | None:
    """How current the agreement's data is: its newest source and newest status confirmation."""
    cited: set[str] = set()
    for name in ("agreements", "parties", "initiatives", "milestones", "focus_areas"):
        frame = dataset[name]
        if "agreement_id" in frame:
            cited |= set(frame.loc[frame["agreement_id"] == agreement_id, "source_id"])
    initiatives = overview.for_agreement(dataset, "initiatives", agreement_id)
    return as_of(dataset, tuple(sorted(cited - {""})), initiatives["status_as_of"])


def build_briefing(
    dataset: Dataset,
    filters: Filters,
    today: date,
    language: str,
    changes: Changes | None = None,
) -> Briefing:
    """Everything the pack says about the selection, in `language` (`t` translates into it)."""
    t = translator(language)
    agreement_id = filters.agreement_id
    selection = select(dataset, filters)
    agreement = overview.agreement_row(dataset, agreement_id)
    place = overview.place_name(dataset, agreement["place_id"], language)
    signed_line = _plain(
        t(
            "overview.signed_line",
            kind=t(f"agreement_kind.{agreement['kind']}"),
            date=format_date(agreement["signed_on"], language),
            place=place or t("common.not_recorded"),
        )
    )
    # Names pass through as they are: a bilingual name keeps its halves.
    parties = overview.parties_text(dataset, agreement_id, language)
    people, people_note = _people(dataset, agreement_id, language)
    figures, overall = _figures(dataset, selection, agreement_id, today, language)
    status_chart = progress.status_by_focus_area(dataset, selection, language)
    timeline_chart = timeline.timeline_chart(dataset, selection, today, language)
    pages, left_out = _initiative_pages(dataset, selection, language)
    return Briefing(
        language=language,
        t=t,
        title=t("briefing.title"),
        agreement_title=overview.agreement_title(agreement, language),
        title_note=overview.title_footnote(agreement, language),
        signed_line=signed_line,
        summary=_prose(agreement, "summary", language),
        parties=parties,
        people=people,
        people_note=people_note,
        selection_line=_selection_line(dataset, filters, language),
        figures=figures,
        overall=overall,
        focus=_section(
            dataset,
            t("briefing.focus_heading"),
            status_chart,
            _counts_by_area(status_chart, language),
            language,
        ),
        timeline=_section(
            dataset,
            t("briefing.timeline_heading"),
            timeline_chart,
            _timeline_summary(timeline_chart, today, language),
            language,
        ),
        map=_map_section(dataset, selection, agreement_id, language),
        initiatives=pages,
        initiatives_left_out=left_out,
        sources=_source_lines(dataset, language),
        as_of=format_date(data_as_of(dataset, agreement_id), language),
        generated_on=format_date(today, language),
        illustrative=has_illustrative_rows(dataset),
        changes=changes,
    )
