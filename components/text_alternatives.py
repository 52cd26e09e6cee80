"""Text alternatives for charts and maps: a short summary, in the reader's language, of what each
picture shows ("3 of 5 initiatives completed; 1 planned milestone overdue"), built from the same
rows the picture draws. The screen shows it beside each chart with the rows as a table; the
briefing pack prints it under each picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa

from components.charting import Chart, translated
from components.i18n import (
    Translate,
    country_name,
    format_date,
    format_number,
    join,
    joined,
    translator,
)
from components.map_model import MapModel, place_names, places_table
from components.table_views import as_arrow

# How many named items a summary lists before it says "and N more".
MAX_NAMED = 4

# Chart names (as the pages pass them to draw_chart) and the summary each kind of chart gets.
TIMELINE, STATUS_BY_AREA, BURN_UP, BULLETS, VALUES, PLACES = (
    "timeline",
    "status_by_focus_area",
    "burn_up",
    "bullets",
    "values",
    "places",
)
CHART_KINDS = {
    "timeline": TIMELINE,
    "status_by_focus_area": STATUS_BY_AREA,
    "progress-by-focus-area": STATUS_BY_AREA,
    "burn_up": BURN_UP,
    "bullets": BULLETS,
    "values": VALUES,
    "places": PLACES,
}


def chart_kind(name: str) -> str:
    """What kind of chart a page's chart name is (each indicator's chart is a values chart)."""
    if name.startswith("indicator_"):
        return VALUES
    return CHART_KINDS.get(name, "")


def _listed(items: list[str], language: str, total: int | None = None) -> str:
    """The first MAX_NAMED items, then how many more of `total` (default: all of `items`)."""
    t = translator(language)
    total = len(items) if total is None else total
    text = join(items[:MAX_NAMED], language, "clauses")
    if total > MAX_NAMED:
        text = joined("", [text, t("alt.and_more", count=total - MAX_NAMED)])
    return text


def _day(value: object, language: str, precision: str | None = "day") -> str:
    return format_date(value if pd.notna(value) else None, language, precision or "day")


def _span(data: pd.DataFrame, language: str) -> tuple[str, str]:
    """The first and the last date of a timeline, each no more precise than the data knows it
    ("August 2018" for a month-precision date, never "1 August 2018")."""
    dates = pd.concat(
        [
            data[["start", "start_precision"]].set_axis(["date", "precision"], axis=1),
            data[["end", "end_precision"]].set_axis(["date", "precision"], axis=1),
        ]
    ).dropna(subset=["date"])
    if dates.empty:
        return _day(None, language), _day(None, language)
    ordered = dates.sort_values("date", kind="stable")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    return _day(first["date"], language, first["precision"]), _day(
        last["date"], language, last["precision"]
    )


def initiatives_summary(
    initiatives: pd.DataFrame, milestones: pd.DataFrame, today: date, t: Translate
) -> str:
    """How many initiatives are completed and how many planned milestones are overdue."""
    completed = int((initiatives["status"] == "completed").sum())
    planned = milestones[milestones["status"] == "planned"]
    overdue = int((planned["date"] < pd.Timestamp(today)).sum())
    return t("alt.initiatives", completed=completed, total=len(initiatives), overdue=overdue)


def _status_by_area(data: pd.DataFrame, language: str) -> str:
    t = translator(language)
    parts = []
    for _, rows in data.groupby("focus_area_id", sort=False):
        counts = join(
            (
                t("figures.status_count", count=int(n), status=t("status." + s))
                for s, n in zip(rows["status"], rows["initiatives"], strict=True)
                if n
            ),
            language,
        )
        if not counts:
            counts = t("alt.no_initiatives_in_area")
        parts.append(t("alt.area_counts", area=rows["focus_area"].iloc[0], counts=counts))
    return t("alt.status_by_area", areas=len(parts), parts=_listed(parts, language))


def _timeline(data: pd.DataFrame, today: date, language: str) -> str:
    t = translator(language)
    initiatives = data[data["item"] == "initiative"]
    milestones = data[data["item"] != "initiative"]
    start, end = _span(data, language)
    done = int((milestones["status"] == "done").sum())
    overdue = int(
        ((milestones["status"] == "planned") & (milestones["start"] < pd.Timestamp(today))).sum()
    )
    return t(
        "alt.timeline",
        initiatives=len(initiatives),
        milestones=len(milestones),
        done=done,
        overdue=overdue,
        start=start,
        end=end,
    )


def _burn_up(data: pd.DataFrame, language: str) -> str:
    t = translator(language)
    last = data.iloc[-1]
    return t(
        "alt.burn_up",
        done=int(last["milestones_done"]),
        planned=int(last["milestones_planned"]),
        # To the month: the last step may be a milestone known only to its month.
        date=_day(last["date"], language, "month"),
    )


def _bullets(data: pd.DataFrame, language: str) -> str:
    t = translator(language)
    parts = [
        t(
            "alt.bullet",
            name=row.name,
            value=format_number(row.latest_value, language),
            target=format_number(row.target, language)
            if pd.notna(row.target)
            else t("briefing.no_target"),
            verdict=t("progress.verdict." + row.verdict),
        )
        for row in data.itertuples()
    ]
    return _listed(parts, language)


def _values(data: pd.DataFrame, language: str) -> str:
    t = translator(language)
    ordered = data.sort_values("date")
    last = ordered.iloc[-1]
    return t(
        "alt.values",
        count=len(ordered),
        start=_day(ordered["date"].iloc[0], language),
        end=_day(last["date"], language),
        value=format_number(last["value"], language),
    )


def _places(data: pd.DataFrame, language: str) -> str:
    t = translator(language)
    return t("alt.places", count=len(data), names=_listed(list(data["name"]), language))


def describe_chart(name: str, chart: Chart, today: date | None, language: str = "en") -> str:
    """The text alternative of a page's chart (`name` as the page draws it)."""
    t = translator(language)
    data = chart.data
    if chart.figure is None or data.empty:
        return t("alt.nothing_drawn")
    kind = chart_kind(name)
    if kind == STATUS_BY_AREA:
        return _status_by_area(data, language)
    if kind == TIMELINE:
        return _timeline(data, today, language)
    if kind == BURN_UP:
        return _burn_up(data, language)
    if kind == BULLETS:
        return _bullets(data, language)
    if kind == VALUES:
        return _values(data, language)
    if kind == PLACES:
        return _places(data, language)
    return t("alt.rows", count=len(data))


def map_summary(model: MapModel, t: Translate) -> str:
    """How many places the map shows on each side, and where the initiatives are."""
    places = model.places
    busy = places[places["count"] > 0].sort_values("count", ascending=False)
    named = [
        t("alt.place_count", place=place_names(row, model.language), count=n)
        for row, n in zip(
            busy.head(MAX_NAMED).to_dict("records"), busy["count"].head(MAX_NAMED), strict=True
        )
    ]
    return t(
        "alt.map",
        places=len(places),
        countries=places["country"].replace("", pd.NA).nunique(),
        busy=len(busy),
        names=_listed(named, model.language, total=len(busy))
        if named
        else t("alt.no_initiatives_on_map"),
    )


# The table beside a chart is for reading: ids and drawing details stay in the CSV download.
_NOT_READ = {
    "id",
    "source_id",
    "latest_source_id",
    "lead_party_id",
    "focus_area_id",
    "indicator_id",
    "initiative_id",
    "place_id",
    "drawn_as",
    "start_precision",
    "end_precision",
}
# Columns whose values are the contract's codes, and the catalogue prefix of their names.
_CODES = {
    "status": "status.",
    "main_status": "status.",
    "verdict": "progress.verdict.",
    "direction": "direction.",
    "item": "alt.item.",
    "kind": "place_kind.",
}
# A table under a summary shows at most this many rows (the CSV download has them all).
MAX_TABLE_ROWS = 500


def readable_table(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """A chart's rows as a reader sees them: headings in the reader's language, codes by their
    names, dates written out, countries named, lists of ids as text, and no internal ids."""
    t = translator(language)
    shown = frame.head(MAX_TABLE_ROWS)
    table = {}
    for name in shown.columns:
        if name in _NOT_READ:
            continue
        column = shown[name]
        if name in _CODES:
            known = column.where(column != "", None)
            column = translated(known.dropna(), _CODES[name], t).reindex(column.index).fillna("")
        elif name == "country":
            column = column.map(lambda code: country_name(code, language) if code else "")
        elif pd.api.types.is_datetime64_any_dtype(column):
            column = column.map(lambda day: format_date(day, language) if pd.notna(day) else "")
        elif column.dtype == "object":
            column = column.map(
                lambda value: "; ".join(value) if isinstance(value, tuple) else value
            )
        table[t(f"columns.{name}")] = column.astype("str") if column.dtype == "object" else column
    return pd.DataFrame(table)


@dataclass(frozen=True)
class ChartView:
    """A chart with its text alternative: the summary (also the chart's accessible name) and its
    rows made readable, built together so they live as long as the chart."""

    chart: Chart
    summary: str
    # As its data grid sends it (see table_views.as_arrow); None when nothing is drawn: there is
    # no picture to stand in for.
    readable: pa.Table | pd.DataFrame | None


def chart_view(chart: Chart, name: str, language: str, today: date | None = None) -> ChartView:
    """`chart` as chart `name` of CHART_KINDS; only a timeline reads `today`."""
    summary = describe_chart(name, chart, today, language)
    drawn = chart.figure is not None
    readable = as_arrow(readable_table(chart.data, language)) if drawn else None
    return ChartView(chart, summary, readable)


@dataclass(frozen=True)
class MapAlternative:
    summary: str
    # The places as a table (what the CSV gives), and the same made readable, as its data grid
    # sends it (see table_views.as_arrow).
    table: pd.DataFrame
    readable: pa.Table | pd.DataFrame


def map_alternative(model: MapModel, language: str) -> MapAlternative:
    table = places_table(model)
    summary = map_summary(model, translator(language))
    return MapAlternative(summary, table, as_arrow(readable_table(table, language)))
