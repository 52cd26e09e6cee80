"""The Timeline: initiatives as a Gantt-style chart grouped by focus area, milestones as markers,
and the milestones as a dated list (newest first)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components.charting import (
    Chart,
    as_of,
    bar_pattern,
    base_layout,
    bilingual_series,
    chart_text,
    date_axis,
    date_text,
    day_line,
    emphasised,
    hover_block,
    hover_safe,
    join_names,
    localised_column,
    names,
    partial_iso,
    short_label,
    source_ids,
    translated,
)
from components.filters import Notice, Selection, period_end
from components.i18n import BILINGUAL, translator
from components.loader import Dataset
from components.overview import focus_areas_in_order, source_titles
from components.status_palette import initiative_style, milestone_style

# A chart of more rows than this cannot be read; the page says how many are left out.
MAX_ROWS = 60
# A row can mark this many milestones before they merge into a line; the agreement's own row in
# a large dataset holds thousands, and each marker costs the page its hover text.
MAX_MARKS_PER_ROW = 100
ROW_HEIGHT = 38
# A legend entry's height in pixels when it stands in two lines (English over Chinese).
LEGEND_ENTRY_BILINGUAL = 44
DAY_MS = 24 * 3600 * 1000
# How each initiative is drawn.
SPAN, ONGOING, START_ONLY, UNDATED = "span", "ongoing", "start_only", "undated"
MILESTONE = "milestone"
# Only an active initiative with no end date is drawn running on to today; any other initiative
# with no end is a single known date, drawn as a marker.
ONGOING_STATUSES = ("active",)


def drawn_as(initiatives: pd.DataFrame) -> pd.Series:
    """How each initiative is drawn: a span, ongoing to today, a start marker, or not at all."""
    has_start = initiatives["start_date"].notna()
    has_end = initiatives["end_date"].notna()
    ongoing = has_start & ~has_end & initiatives["status"].isin(ONGOING_STATUSES)
    kind = pd.Series(UNDATED, index=initiatives.index, dtype="str")
    kind = kind.where(~(has_start | has_end), START_ONLY)
    kind = kind.where(~ongoing, ONGOING)
    return kind.where(~(has_start & has_end), SPAN)


def _focus_group(
    initiatives: pd.DataFrame, dataset: Dataset, selection: Selection, language: str
) -> tuple[pd.Series, pd.Series]:
    """Each initiative's group (its first focus area, among the chosen ones when filtered) and
    the groups' order. An initiative serving several areas is drawn once; the hover names all."""
    t = translator(language)
    areas = focus_areas_in_order(dataset, selection.filters.agreement_id)
    order = {area: i for i, area in enumerate(areas["focus_area_id"])}
    chosen = set(selection.filters.focus_area_ids) or set(order)

    def first_area(ids: tuple[str, ...]) -> str:
        return next((i for i in ids if i in chosen), "")

    group = initiatives["focus_area_ids"].map(first_area).astype("str")
    area_names = names(dataset, "focus_areas", "focus_area_id", language)
    whole = t("timeline.whole_agreement")
    label = bilingual_series((area_names.get(area) or whole for area in group), group.index)
    rank = group.map(lambda area: order.get(area, len(order))).astype("int64")
    return label, rank


def timeline_chart(dataset: Dataset, selection: Selection, today: date, language: str) -> Chart:
    initiatives = selection.initiatives
    milestones = selection.milestones
    today_ts = pd.Timestamp(today)
    notes: list[Notice] = []

    kind = drawn_as(initiatives)
    undated = int((kind == UNDATED).sum())
    if undated:
        notes.append(Notice("timeline.undated_initiatives", {"count": str(undated)}))
    dated = initiatives[kind != UNDATED]
    kind = kind[kind != UNDATED]
    group, rank = _focus_group(dated, dataset, selection, language)
    rows = pd.DataFrame(
        {
            "item": "initiative",
            "id": dated["initiative_id"],
            "title": localised_column(dated, "title", language),
            "focus_area": group,
            "drawn_as": kind,
            "start": dated["start_date"].where(dated["start_date"].notna(), dated["end_date"]),
            "start_precision": dated["start_date_precision"],
            "end": dated["end_date"],
            "end_precision": dated["end_date_precision"],
            "status": dated["status"],
            "status_as_of": dated["status_as_of"],
            "lead_party_id": dated["lead_party_id"],
            "focus_area_ids": dated["focus_area_ids"],
            "source_id": dated["source_id"],
            "initiative_id": dated["initiative_id"],
            "_rank": rank,
        }
    ).sort_values(["_rank", "start", "title"])
    if len(rows) > MAX_ROWS:
        notes.append(Notice("timeline.rows_cut", {"shown": str(MAX_ROWS), "total": str(len(rows))}))
        rows = rows.head(MAX_ROWS)

    dated_milestones = milestones[milestones["date"].notna()]
    if len(milestones) > len(dated_milestones):
        notes.append(
            Notice(
                "timeline.undated_milestones",
                {"count": str(len(milestones) - len(dated_milestones))},
            )
        )
    # Milestones are drawn on their initiative's row, or on the agreement's own row; those of an
    # initiative that is not drawn (left out of a long chart, or outside the dates) are only listed.
    on_rows = dated_milestones["initiative_id"].isin(rows["id"]) | (
        dated_milestones["initiative_id"] == ""
    )
    if not on_rows.all():
        notes.append(Notice("timeline.milestones_not_drawn", {"count": str(int((~on_rows).sum()))}))
    marked = _newest_per_row(dated_milestones[on_rows])
    if (crowded := int(on_rows.sum()) - len(marked)) > 0:
        notes.append(
            Notice(
                "timeline.row_marks_cut", {"count": str(crowded), "shown": str(MAX_MARKS_PER_ROW)}
            )
        )
    marks = _milestone_rows(marked, rows, language)
    if rows.empty and marks.empty:
        notes.append(Notice("timeline.nothing_dated"))
        return Chart(None, rows.drop(columns=["_rank", "focus_area_ids"]), (), None, tuple(notes))

    figure = _figure(dataset, selection, rows, marks, today_ts, language)
    data = pd.concat(
        [rows.drop(columns=["_rank", "focus_area_ids"]), marks.drop(columns=["_row"])],
        ignore_index=True,
    )
    cited = source_ids(data["source_id"])
    return Chart(figure, data, cited, as_of(dataset, cited, rows["status_as_of"]), tuple(notes))


def _newest_per_row(milestones: pd.DataFrame) -> pd.DataFrame:
    """At most MAX_MARKS_PER_ROW milestones of each row (an initiative's, or the agreement's),
    the newest, in their original order."""
    newest_first = milestones.sort_values("date", ascending=False, kind="stable")
    kept = newest_first.groupby("initiative_id", sort=False).head(MAX_MARKS_PER_ROW)
    return milestones.loc[milestones.index.isin(kept.index)]


def _milestone_rows(milestones: pd.DataFrame, rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """Milestones on their initiative's row; those of the agreement as a whole on one shared
    row."""
    t = translator(language)
    row_of = dict(zip(rows["id"], zip(rows["focus_area"], rows["title"], strict=True), strict=True))
    shared = (t("timeline.whole_agreement"), t("timeline.agreement_milestones"))
    return pd.DataFrame(
        {
            "item": MILESTONE,
            "id": milestones["milestone_id"],
            "title": localised_column(milestones, "title", language),
            "focus_area": "",
            "drawn_as": MILESTONE,
            "start": milestones["date"],
            "start_precision": milestones["date_precision"],
            "end": pd.NaT,
            "end_precision": "",
            "status": milestones["status"],
            "status_as_of": pd.NaT,
            "lead_party_id": "",
            "source_id": milestones["source_id"],
            "initiative_id": milestones["initiative_id"],
            "_row": milestones["initiative_id"].map(lambda i: row_of.get(i, shared)),
        }
    )


def _y(labels: pd.Series) -> list[list[str]]:
    """Two-level categories (focus area, then initiative) for plotly's multicategory axis."""
    return [
        [chart_text(short_label(group)) for group, _ in labels],
        [chart_text(short_label(title)) for _, title in labels],
    ]


def _initiative_hover(rows: pd.DataFrame, dataset: Dataset, language: str) -> list[str]:
    t = translator(language)
    parties = names(dataset, "parties", "party_id", language)
    areas = names(dataset, "focus_areas", "focus_area_id", language)
    sources = source_titles(dataset, language)
    texts = []
    for row in rows.itertuples(index=False):
        start = date_text(row.start, row.start_precision, language)
        end = (
            date_text(row.end, row.end_precision, language)
            if pd.notna(row.end)
            else t("timeline.end_unknown")
        )
        texts.append(
            hover_block(
                [
                    emphasised(hover_safe(row.title)),
                    t("timeline.hover_dates", start=start, end=end),
                    t(
                        "timeline.hover_status",
                        status=t("status." + row.status),
                        date=date_text(row.status_as_of, "day", language),
                    ),
                    t(
                        "timeline.hover_focus",
                        areas=hover_safe(join_names(row.focus_area_ids, areas, language)) or "–",
                    ),
                    t(
                        "timeline.hover_lead",
                        lead=hover_safe(parties.get(row.lead_party_id, ""))
                        or t("common.not_recorded"),
                    ),
                    t("timeline.hover_source", source=hover_safe(sources.get(row.source_id, ""))),
                ]
            )
        )
    return texts


def _figure(
    dataset: Dataset,
    selection: Selection,
    rows: pd.DataFrame,
    marks: pd.DataFrame,
    today: pd.Timestamp,
    language: str,
) -> go.Figure:
    t = translator(language)
    figure = go.Figure()
    labels = pd.Series(list(zip(rows["focus_area"], rows["title"], strict=True)), dtype="object")
    hover = pd.Series(_initiative_hover(rows, dataset, language), index=rows.index)
    rows = rows.assign(_label=labels.to_numpy(), _hover=hover)
    ends = period_end(rows["end"], rows["end_precision"])
    ends = ends.where(rows["drawn_as"] != ONGOING, today)
    for status, group in rows.groupby("status", sort=False):
        style = initiative_style(status)
        bars = group[group["drawn_as"].isin([SPAN, ONGOING])]
        if len(bars):
            figure.add_bar(
                orientation="h",
                base=bars["start"].dt.strftime("%Y-%m-%d").tolist(),
                x=((ends[bars.index] - bars["start"]).dt.days.clip(lower=1) * DAY_MS).tolist(),
                y=_y(bars["_label"]),
                name=chart_text(t("status." + status)),
                legendgroup=status,
                marker={
                    "color": style.colour,
                    "pattern": bar_pattern(style),
                    # An ongoing bar is paler: its end is today, not a known date.
                    "opacity": [0.45 if k == ONGOING else 1.0 for k in bars["drawn_as"]],
                    "line": {"color": style.colour, "width": 1},
                },
                hovertext=bars["_hover"].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        points = group[group["drawn_as"] == START_ONLY]
        if len(points):
            figure.add_scatter(
                x=points["start"].dt.strftime("%Y-%m-%d").tolist(),
                y=_y(points["_label"]),
                mode="markers",
                name=chart_text(t("status." + status)),
                legendgroup=status,
                showlegend=bars.empty,
                marker={
                    "symbol": style.symbol,
                    "size": 14,
                    "color": style.colour,
                    "line": {"width": 2, "color": style.colour},
                },
                hovertext=points["_hover"].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
            )
    ongoing = rows[rows["drawn_as"] == ONGOING]
    if len(ongoing):
        figure.add_scatter(
            x=[today.strftime("%Y-%m-%d")] * len(ongoing),
            y=_y(ongoing["_label"]),
            mode="markers",
            name=chart_text(t("timeline.ongoing")),
            marker={"symbol": "arrow-bar-right", "size": 12, "color": "#1b1f24"},
            hoverinfo="skip",
        )
    _add_milestones(figure, marks, language)
    agreement = dataset["agreements"]
    signed = agreement.loc[agreement["agreement_id"] == selection.filters.agreement_id, "signed_on"]
    if len(signed) and pd.notna(signed.iloc[0]):
        day_line(figure, signed.iloc[0], t("timeline.signed_line"), "solid")
    day_line(figure, today, t("timeline.today_line"), "dot")
    count = len(set(rows["_label"]) | set(marks["_row"]))
    # Tall enough for its rows, and for its legend, whose entries take two lines each in the
    # bilingual layout: a short chart would otherwise cut the legend and scroll it.
    entries = sum(1 for trace in figure.data if trace.showlegend is not False and trace.name)
    legend_height = 180 + entries * (LEGEND_ENTRY_BILINGUAL if language == BILINGUAL else 24)
    base_layout(figure, height=max(160 + ROW_HEIGHT * count, legend_height))
    date_axis(figure, language, t("timeline.axis_date"))
    figure.update_yaxes(autorange="reversed", title_text=chart_text(t("timeline.axis_initiative")))
    figure.update_layout(barmode="overlay")
    return figure


def _add_milestones(figure: go.Figure, marks: pd.DataFrame, language: str) -> None:
    t = translator(language)
    for status, group in marks.groupby("status", sort=False):
        style = milestone_style(status)
        hover = [
            hover_block(
                [
                    emphasised(hover_safe(row.title)),
                    t(
                        "timeline.hover_milestone_date",
                        date=date_text(row.start, row.start_precision, language),
                    ),
                    t("timeline.hover_milestone_status", status=t("status." + row.status)),
                    t("timeline.hover_source_id", source=hover_safe(row.source_id)),
                ]
            )
            for row in group.itertuples(index=False)
        ]
        figure.add_scatter(
            x=group["start"].dt.strftime("%Y-%m-%d").tolist(),
            y=_y(group["_row"]),
            mode="markers",
            name=chart_text(t("timeline.milestone_legend", status=t("status." + status))),
            marker={
                "symbol": style.symbol,
                "size": 11,
                "color": style.colour,
                "line": {"width": 2, "color": style.colour},
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )


def milestone_list(dataset: Dataset, selection: Selection, language: str) -> pd.DataFrame:
    """The filtered milestones, newest first (undated ones last), each with its source. Dates
    are ISO text cut to their precision, so "2018-08" says August 2018 and still sorts."""
    t = translator(language)
    milestones = selection.milestones.sort_values("date", ascending=False, na_position="last")
    initiatives = dataset["initiatives"]
    titles = dict(
        zip(
            initiatives["initiative_id"],
            localised_column(initiatives, "title", language),
            strict=True,
        )
    )
    sources = source_titles(dataset, language)
    return pd.DataFrame(
        {
            "milestone_id": milestones["milestone_id"],
            "date": partial_iso(milestones["date"], milestones["date_precision"]),
            "title": localised_column(milestones, "title", language),
            "status": translated(milestones["status"], "status.", t),
            "kind": translated(milestones["kind"], "milestone_kind.", t),
            "initiative": milestones["initiative_id"].map(lambda i: titles.get(i, "")),
            "note": localised_column(milestones, "note", language),
            "source_id": milestones["source_id"],
            "source": milestones["source_id"].map(sources),
        }
    )
