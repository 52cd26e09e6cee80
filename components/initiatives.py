"""The Initiatives page: a searchable table of initiatives and the details of one initiative
(its people, places, milestones, indicators and sources)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components import progress
from components.charting import (
    Chart,
    as_of,
    base_layout,
    bilingual_series,
    chart_text,
    emphasised,
    focus_area_names,
    hover_block,
    hover_safe,
    join_names,
    localised_column,
    names,
    partial_iso,
    source_ids,
    translated,
)
from components.i18n import format_date, translator
from components.loader import Dataset
from components.overview import province_first, source_titles
from components.status_palette import initiative_style
from components.table_views import TableView, table_view
from components.text_alternatives import ChartView, chart_view


def initiative_table(dataset: Dataset, language: str) -> pd.DataFrame:
    """Every initiative of the dataset as the table shows it (filter it by `initiative_id`).

    Built once per dataset and language by the page's cache, not on every rerun.
    """
    t = translator(language)
    initiatives = dataset["initiatives"]
    areas = names(dataset, "focus_areas", "focus_area_id", language)
    parties = names(dataset, "parties", "party_id", language)
    places = names(dataset, "places", "place_id", language)
    sources = source_titles(dataset, language)
    return pd.DataFrame(
        {
            "initiative_id": initiatives["initiative_id"],
            "title": localised_column(initiatives, "title", language),
            "focus_areas": bilingual_series(
                (
                    focus_area_names(row, areas, language)
                    for row in initiatives[["focus_area_ids", "focus_area_basis"]].to_dict(
                        "records"
                    )
                ),
                initiatives.index,
            ),
            "lead": initiatives["lead_party_id"].map(lambda i: parties.get(i, "")),
            "places": initiatives["place_ids"].map(
                lambda ids: join_names(province_first(ids, dataset, "places"), places, language)
            ),
            "start": partial_iso(initiatives["start_date"], initiatives["start_date_precision"]),
            "end": partial_iso(initiatives["end_date"], initiatives["end_date_precision"]),
            "status": translated(initiatives["status"], "status.", t),
            "status_as_of": initiatives["status_as_of"].dt.strftime("%Y-%m-%d").fillna(""),
            "source": initiatives["source_id"].map(sources),
            "source_id": initiatives["source_id"],
            # Searched, not shown: the summaries in both languages.
            "_search": (
                initiatives["title_en"]
                + " "
                + initiatives["title_zh"]
                + " "
                + initiatives["summary_en"]
                + " "
                + initiatives["summary_zh"]
            ).str.casefold(),
        }
    )


def search(table: pd.DataFrame, ids: pd.Series, text: str) -> pd.DataFrame:
    """The rows of `table` whose initiative is in `ids` and whose title or summary contains
    `text` (any case, either language), without the search column."""
    rows = table[table["initiative_id"].isin(ids)]
    needle = text.strip().casefold()
    if needle:
        rows = rows[rows["_search"].str.contains(needle, regex=False)]
    return rows.drop(columns="_search")


@dataclass(frozen=True)
class Details:
    initiative: pd.Series
    title: str
    summary: str
    focus_areas: str
    lead: str
    partners: str
    places: pd.DataFrame
    milestones: pd.DataFrame
    indicators: pd.DataFrame
    # The sources every part of the details view cites.
    sources: pd.DataFrame


def dates_line(initiative: pd.Series, language: str) -> str:
    """An initiative's dates at their precision, a planned one's as a plan, and what the data
    does not record said in words (not "date unknown to date unknown")."""
    t = translator(language)
    known = {
        side: format_date(
            initiative[f"{side}_date"], language, initiative[f"{side}_date_precision"] or "day"
        )
        for side in ("start", "end")
        if pd.notna(initiative[f"{side}_date"])
    }
    planned = initiative["status"] == "planned"
    if len(known) == 2:
        return t("initiatives.span_planned" if planned else "initiatives.span_line", **known)
    if "start" in known:
        return t("initiatives.span_planned_start" if planned else "initiatives.span_from", **known)
    if "end" in known:
        return t("initiatives.span_until", **known)
    return t("initiatives.span_none")


def details(
    dataset: Dataset, initiative_id: str, language: str, value_source_ids: tuple[str, ...] = ()
) -> Details | None:
    """Everything the details view shows about one initiative (None for an unknown id)."""
    initiatives = dataset["initiatives"]
    match = initiatives[initiatives["initiative_id"] == initiative_id]
    if match.empty:
        return None
    row = match.iloc[0]
    parties = names(dataset, "parties", "party_id", language)
    areas = names(dataset, "focus_areas", "focus_area_id", language)
    places = dataset["places"]
    places = places[places["place_id"].isin(row["place_ids"])].assign(
        name=lambda frame: localised_column(frame, "name", language)
    )
    milestones = dataset["milestones"]
    milestones = milestones[milestones["initiative_id"] == initiative_id].sort_values(
        "date", ascending=False, na_position="last"
    )
    indicators = dataset["indicators"]
    indicators = indicators[indicators["initiative_id"] == initiative_id]
    cited = source_ids(
        pd.Series([row["source_id"]]),
        places["source_id"],
        milestones["source_id"],
        indicators["source_id"],
        pd.Series(list(value_source_ids), dtype="str"),
    )
    sources = dataset["sources"]
    return Details(
        initiative=row,
        title=localised_column(match, "title", language).iloc[0],
        summary=localised_column(match, "summary", language).iloc[0],
        focus_areas=focus_area_names(row, areas, language),
        lead=parties.get(row["lead_party_id"], ""),
        partners=join_names(
            province_first(row["partner_party_ids"], dataset, "parties"), parties, language
        ),
        places=places,
        milestones=milestones,
        indicators=indicators,
        sources=sources[sources["source_id"].isin(cited)],
    )


def places_chart(dataset: Dataset, found: Details, language: str) -> Chart:
    """A small offline map of the initiative's places: points by longitude and latitude, named,
    with no tiles or outlines to fetch."""
    t = translator(language)
    places = found.places
    if places.empty:
        return Chart(None, places, (), None)
    style = initiative_style(found.initiative["status"])
    figure = go.Figure()
    figure.add_scatter(
        x=places["lon"].tolist(),
        y=places["lat"].tolist(),
        mode="markers+text",
        text=[chart_text(name) for name in places["name"]],
        textposition="top center",
        marker={"symbol": style.symbol, "size": 13, "color": style.colour},
        hovertext=[
            hover_block([emphasised(hover_safe(name)), hover_safe(note)])
            for name, note in zip(places["name"], places["coordinates_note"], strict=True)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    )
    base_layout(figure, height=300)
    # Keep a degree of longitude and of latitude the same length, so distances look right
    # near the places (an equirectangular view); pad single points so they are not on an edge.
    pad = 1.0
    figure.update_xaxes(
        title_text=chart_text(t("initiatives.axis_lon")),
        range=[places["lon"].min() - pad * 3, places["lon"].max() + pad * 3],
    )
    figure.update_yaxes(
        title_text=chart_text(t("initiatives.axis_lat")),
        range=[places["lat"].min() - pad, places["lat"].max() + pad],
        scaleanchor="x",
        showgrid=True,
        gridcolor="#e5e8ec",
    )
    data = places[["place_id", "name", "kind", "country", "lat", "lon", "source_id"]]
    cited = source_ids(data["source_id"])
    return Chart(figure, data, cited, as_of(dataset, cited))


@dataclass(frozen=True)
class IndicatorView:
    indicator_id: str
    name: str
    values: ChartView


@dataclass(frozen=True)
class DetailsView:
    """The details view of one initiative, with its charts and table ready to draw."""

    details: Details
    places: ChartView
    milestones: TableView
    indicators: tuple[IndicatorView, ...]


def details_view(
    dataset: Dataset, initiative_id: str, language: str, values: progress.IndicatorValues
) -> DetailsView | None:
    """Everything the details view draws for one initiative (None for an unknown id)."""
    indicators = dataset["indicators"]
    own = indicators.loc[indicators["initiative_id"] == initiative_id, "indicator_id"]
    value_sources = {source for i in own for source in values.series(i)["source_id"].unique()}
    found = details(dataset, initiative_id, language, tuple(sorted(value_sources)))
    if found is None:
        return None
    t = translator(language)
    milestones = found.milestones
    shown = milestones.assign(
        date=partial_iso(milestones["date"], milestones["date_precision"]),
        title=localised_column(milestones, "title", language),
        status=translated(milestones["status"], "status.", t),
        note=localised_column(milestones, "note", language),
    )
    named = found.indicators.assign(name=localised_column(found.indicators, "name", language))
    return DetailsView(
        found,
        chart_view(places_chart(dataset, found, language), "places", language),
        table_view(shown, "initiative_milestones", language, source_ids(milestones["source_id"])),
        tuple(
            IndicatorView(
                row["indicator_id"],
                row["name"],
                chart_view(
                    progress.values_chart(
                        dataset, row, values.series(row["indicator_id"]), language
                    ),
                    "values",
                    language,
                ),
            )
            for _, row in named.iterrows()
        ),
    )
