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
    Translate,
    country_name,
    each_half,
    format_date,
    format_number,
    join,
    translator,
)
from components.illustrative import has_illustrative_rows, illustrative_source_ids
from components.initiatives import details
from components.loader import Dataset
from components.map_model import build_model, places_table
from components.static_charts import map_figure
from components.text_alternatives import (
    describe_chart,
    initiatives_summary,
    map_summary,
)

if TYPE_CHECKING:
    from components.briefing_changes import Changes

# More initiative pages than this would make a pack nobody reads; the rest are listed by name.
MAX_INITIATIVE_PAGES = 60
MAX_MILESTONES_PER_INITIATIVE = 12


@dataclass(frozen=True)
class ChartSection:
    heading: str
    chart: Chart
    # The chart's text alternative, printed under the picture (and instead of it if none).
    summary: str
    caption: str


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
    signed_line: str
    summary: str
    # (side heading, party lines) per country, host side first.
    sides: tuple[tuple[str, tuple[str, ...]], ...]
    selection_line: str
    figures: tuple[tuple[str, str], ...]
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


def _country_name(code: str, language: str) -> str:
    t = translator(language)
    if not code or code == "unknown":
        return t("overview.country_unknown")
    return country_name(code, language)


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
) -> tuple[tuple[tuple[str, str], ...], str]:
    """The Overview's headline figures, counted over the selection's initiatives and milestones."""
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
    rows = [(t("figures.initiatives"), number(figures["initiatives_total"].value))]
    for key, figure in figures.items():
        if key.startswith("initiatives_") and key != "initiatives_total":
            status = key.removeprefix("initiatives_")
            rows.append((each_half("  {}".format, t("status." + status)), number(figure.value)))
    planned = figures["milestones_planned"]
    rows.append((t("figures.milestones_done"), number(figures["milestones_done"].value)))
    rows.append((t("figures.milestones_planned"), number(planned.value)))
    if planned.detail.get("overdue"):
        rows.append(("", t("figures.overdue", count=planned.detail["overdue"])))
    days = figures["days_since_signing"]
    if days.value is not None:
        rows.append((t("figures.days_since_signing"), number(days.value)))
    upcoming = figures["next_milestone"]
    if upcoming.value is None:
        rows.append((t("figures.next_milestone"), t("figures.none_scheduled")))
    else:
        milestone = upcoming.detail["milestone"]
        value = t(
            "briefing.next_milestone_value",
            date=format_date(upcoming.detail["date"], language),
            title=_text(milestone, "title", language),
        )
        rows.append((t("figures.next_milestone"), value))
    overall = initiatives_summary(selection.initiatives, selection.milestones, today, t)
    return tuple(rows), overall


def _source_titles(dataset: Dataset, cited: tuple[str, ...], language: str) -> str:
    titles = overview.source_titles(dataset, language)
    return join((title for source_id, title in titles.items() if source_id in cited), language)


def _section(dataset: Dataset, heading: str, chart: Chart, summary: str, language) -> ChartSection:
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
    notes = [t(note.key, **note.values) for note in chart.notes]
    return ChartSection(heading, chart, join([summary, *notes], language, "sentences"), caption)


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
    return _section(dataset, t("briefing.map_heading"), chart, map_summary(model, t), language)


def _milestone_line(row: pd.Series, language: str) -> str:
    t = translator(language)
    return t(
        "briefing.milestone_line",
        date=format_date(row["date"], language, row["date_precision"] or "day"),
        title=_text(row, "title", language),
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
        unit = indicator["unit"] or ""
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
            t(
                "briefing.dates_line",
                start=format_date(
                    row["start_date"], language, row["start_date_precision"] or "day"
                ),
                end=format_date(row["end_date"], language, row["end_date_precision"] or "day"),
            ),
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
    t = translator(language)
    cited = overview.sources_cited(dataset)
    cited = cited[cited["rows_citing"] > 0]
    lines = []
    for _, source in cited.iterrows():
        where = source["url"] or source["reference"] or t("common.not_recorded")
        lines.append(
            t(
                "briefing.source_entry",
                title=overview.source_title(source, language, with_original=True),
                publisher=source["publisher"] or t("common.not_recorded"),
                date=format_date(source["published_on"], language),
                where=where,
            )
        )
    return tuple(lines)


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
    sides = tuple(
        (
            _country_name(country, language),
            tuple(
                t(
                    "overview.party_line",
                    name=_text(party, "name", language),
                    role=t("party_role." + party["role"]),
                )
                for _, party in parties.iterrows()
            ),
        )
        for country, parties in overview.parties_by_side(dataset, agreement_id).items()
    )
    figures, overall = _figures(dataset, selection, agreement_id, today, language)
    status_chart = progress.status_by_focus_area(dataset, selection, language)
    timeline_chart = timeline.timeline_chart(dataset, selection, today, language)
    pages, left_out = _initiative_pages(dataset, selection, language)
    return Briefing(
        language=language,
        t=t,
        title=t("briefing.title"),
        agreement_title=overview.agreement_title(agreement, language),
        signed_line=signed_line,
        summary=_prose(agreement, "summary", language),
        sides=sides,
        selection_line=_selection_line(dataset, filters, language),
        figures=figures,
        overall=overall,
        focus=_section(
            dataset,
            t("briefing.focus_heading"),
            status_chart,
            describe_chart("status_by_focus_area", status_chart, today, language),
            language,
        ),
        timeline=_section(
            dataset,
            t("briefing.timeline_heading"),
            timeline_chart,
            describe_chart("timeline", timeline_chart, today, language),
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
