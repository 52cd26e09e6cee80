"""The Progress page's figures: indicators against their targets, initiatives by status in each
focus area and milestones done against planned (a burn-up). What has gone quiet is
`components.quiet`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charting import (
    Chart,
    as_of,
    bar_pattern,
    base_layout,
    bilingual_series,
    chart_lines,
    chart_text,
    date_axis,
    date_text,
    day_line,
    day_text,
    emphasised,
    hover_block,
    hover_safe,
    line_mode,
    localised_column,
    names,
    short_label,
    source_ids,
    translated,
)
from components.filters import Notice, Selection
from components.i18n import BILINGUAL, Bilingual, half, translator
from components.loader import Dataset
from components.overview import focus_areas_in_order
from components.status_palette import (
    INITIATIVE_STATUS_STYLES,
    MILESTONE_STATUS_STYLES,
    StatusStyle,
    initiative_style,
)

# How an indicator stands against its target (the direction decides which way is good).
TARGET_MET, ON_TRACK, BEHIND, WRONG_WAY, NO_TARGET, NO_VALUES = (
    "target_met",
    "on_track",
    "behind",
    "wrong_direction",
    "no_target",
    "no_values",
)
# Verdicts borrow the shared palette's styles, so a colour means the same thing on every page.
VERDICT_STYLES: dict[str, StatusStyle] = {
    TARGET_MET: MILESTONE_STATUS_STYLES["done"],
    ON_TRACK: INITIATIVE_STATUS_STYLES["active"],
    BEHIND: INITIATIVE_STATUS_STYLES["paused"],
    WRONG_WAY: MILESTONE_STATUS_STYLES["missed"],
    NO_TARGET: INITIATIVE_STATUS_STYLES["unknown"],
    NO_VALUES: INITIATIVE_STATUS_STYLES["unknown"],
}
# More bullets than this on one chart cannot be read; the page lets the user choose which.
MAX_BULLETS = 8
# The indicator pickers offer at most this many: every option is sent to the browser on each
# visit (5,000 names weighed 100 KB a picker), and a longer list is searched, not scrolled.
MAX_PICKER_OPTIONS = 500
# A burn-up of more days than this is drawn at the last day of each week (or month, or year):
# a ten-year portfolio has thousands of days, one pixel each at best, and each costs the page.
MAX_BURN_UP_POINTS = 600
BURN_UP_PERIODS = {
    "W": "progress.burn_up_by_week",
    "M": "progress.burn_up_by_month",
    "Y": "progress.burn_up_by_year",
}
BAND_COLOUR = "#d9dee5"
NEUTRAL = "#1b1f24"
# Dates as whole days, offset so they sort after the indicator's number in one int64 key.
_DAY_BITS = 24
_DAY_OFFSET = 1 << 23


def picker_options(
    labels: dict[str, str], text: str, chosen: Iterable[str] = ()
) -> tuple[list[str], int]:
    """The indicators a picker offers, in `labels`' order, and how many match `text` (any case,
    in the label or the id): the first MAX_PICKER_OPTIONS matches, and the `chosen` ones even if
    they do not match, so searching again never drops a choice already made."""
    needle = text.strip().casefold()
    matches = [
        key
        for key, label in labels.items()
        if needle in label.casefold() or needle in key.casefold()
    ]
    offered = matches[:MAX_PICKER_OPTIONS]
    kept = set(offered) | {key for key in chosen if key in labels}
    return [key for key in labels if key in kept], len(matches)


def _days(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[D]").astype("int64") + _DAY_OFFSET


class IndicatorValues:
    """All indicator values sorted by indicator and date, built once per dataset, so that the
    latest value of thousands of indicators, or one indicator's series, costs a binary search and
    not a pass over a million rows on every rerun."""

    def __init__(self, values: pd.DataFrame) -> None:
        ordered = values.sort_values(["indicator_id", "date"], kind="stable").reset_index(drop=True)
        self.frame = ordered
        ids = ordered["indicator_id"].to_numpy(dtype="object")
        self.ids, starts = np.unique(ids, return_index=True)
        self.starts = starts.astype("int64")
        self.ends = np.append(self.starts[1:], len(ordered)).astype("int64")
        self.position = {indicator: i for i, indicator in enumerate(self.ids)}
        codes = np.repeat(np.arange(len(self.ids), dtype="int64"), self.ends - self.starts)
        self.dates = ordered["date"].to_numpy()
        self.values = ordered["value"].to_numpy()
        self.keys = (codes << _DAY_BITS) | _days(self.dates)

    def _bounds(self, codes: np.ndarray, date_from: date | None, date_to: date | None):
        low = self.starts[codes]
        high = self.ends[codes]
        if date_from is not None:
            day = _days(np.array([np.datetime64(date_from, "D")]))[0]
            low = np.searchsorted(self.keys, (codes << _DAY_BITS) | day, side="left")
        if date_to is not None:
            day = _days(np.array([np.datetime64(date_to, "D")]))[0]
            high = np.searchsorted(self.keys, (codes << _DAY_BITS) | day, side="right")
        return low, high

    def series(
        self, indicator_id: str, date_from: date | None = None, date_to: date | None = None
    ) -> pd.DataFrame:
        """One indicator's values in the date range, oldest first."""
        code = self.position.get(indicator_id)
        if code is None:
            return self.frame.iloc[0:0]
        low, high = self._bounds(np.array([code]), date_from, date_to)
        return self.frame.iloc[int(low[0]) : int(high[0])]

    def summary(
        self, indicator_ids: pd.Series, date_from: date | None = None, date_to: date | None = None
    ) -> pd.DataFrame:
        """First and latest value (in the range) and how many values each indicator has."""
        position = self.position
        all_codes = np.array([position.get(i, -1) for i in indicator_ids.tolist()], dtype="int64")
        known = indicator_ids[all_codes >= 0]
        codes = all_codes[all_codes >= 0]
        low, high = self._bounds(codes, date_from, date_to)
        count = np.maximum(high - low, 0)
        has = count > 0
        first = np.where(has, low, 0)
        last = np.where(has, high - 1, 0)
        result = pd.DataFrame(
            {
                "indicator_id": known.to_numpy(),
                "values_count": count,
                "first_date": self.dates[first],
                "first_value": self.values[first],
                "latest_date": self.dates[last],
                "latest_value": self.values[last],
                # Taken row by row: turning the whole text column into Python strings would
                # cost more than the rest of the summary.
                "latest_source_id": self.frame["source_id"].take(last).to_numpy(),
            }
        )
        for column in ("first_date", "latest_date"):
            result[column] = result[column].where(has)
        for column in ("first_value", "latest_value"):
            result[column] = result[column].where(has)
        result["latest_source_id"] = result["latest_source_id"].where(has, "")
        return result[has].reset_index(drop=True)

    def last_dates(self, today: date) -> pd.Series:
        """Each indicator's newest value dated today or earlier."""
        codes = np.arange(len(self.ids), dtype="int64")
        low, high = self._bounds(codes, None, today)
        has = high > low
        dates = self.dates[np.where(has, high - 1, 0)]
        return pd.Series(dates, index=self.ids).where(has).dropna()


def verdicts(table: pd.DataFrame) -> pd.Series:
    """How each indicator stands. The reference is the baseline, or the first value when there is
    none; progress is the share of the way from there to the target, in the indicator's direction.
    On track means at least as far along as the time elapsed between the reference date and the
    target date (or, without a target date, any progress the right way)."""
    reference = table["baseline"].where(table["baseline"].notna(), table["first_value"])
    reference_date = table["baseline_date"].where(
        table["baseline_date"].notna(), table["first_date"]
    )
    latest = table["latest_value"]
    sign = np.where(table["direction"] == "decrease", -1.0, 1.0)
    met = (latest - table["target"]) * sign >= 0
    gap = table["target"] - reference
    progress = (latest - reference) / gap.where(gap != 0)
    span = (table["target_date"] - reference_date).dt.days
    elapsed = (table["latest_date"] - reference_date).dt.days
    expected = (elapsed / span.where(span > 0)).clip(0, 1).fillna(0)
    wrong = (latest - reference) * sign < 0
    verdict = pd.Series(BEHIND, index=table.index, dtype="str")
    verdict = verdict.where(~(progress >= expected), ON_TRACK)
    verdict = verdict.where(~wrong, WRONG_WAY)
    verdict = verdict.where(~met.fillna(False).astype(bool), TARGET_MET)
    verdict = verdict.where(table["target"].notna(), NO_TARGET)
    return verdict.where(latest.notna(), NO_VALUES)


def indicator_unit(indicator: pd.Series | dict, language: str) -> str:
    """An indicator's unit as a reader of `language` sees it: in 中文 its `unit_zh`, else the
    unit only when it is a symbol such as %, never an English word; both in English + 中文."""
    english = str(half(indicator.get("unit"), "en") or "")
    chinese = str(indicator.get("unit_zh") or "")
    if not chinese and not any(letter.isascii() and letter.isalpha() for letter in english):
        chinese = english
    if language == BILINGUAL:
        return Bilingual(english, chinese) if chinese else english
    return chinese if language == "zh" else english


def unit_column(indicators: pd.DataFrame, language: str) -> pd.Series:
    """`indicator_unit` of every row."""
    units = [indicator_unit(row, language) for row in indicators.to_dict("records")]
    if language == BILINGUAL:
        return bilingual_series(units, indicators.index)
    return pd.Series(units, index=indicators.index, dtype="object")


def indicator_table(
    dataset: Dataset, selection: Selection, values: IndicatorValues, language: str
) -> pd.DataFrame:
    """Every indicator in scope with its baseline, target, latest value in the date range and
    verdict; indicators with no values in the range are kept (verdict "no_values")."""
    filters = selection.filters
    indicators = selection.indicators
    summary = values.summary(indicators["indicator_id"], filters.date_from, filters.date_to)
    table = indicators.merge(summary, on="indicator_id", how="left")
    initiatives = dataset["initiatives"]
    titles = dict(
        zip(
            initiatives["initiative_id"],
            localised_column(initiatives, "title", language),
            strict=True,
        )
    )
    table["name"] = localised_column(table, "name", language)
    table["unit"] = unit_column(table, language)
    table["initiative"] = table["initiative_id"].map(titles)
    table["values_count"] = table["values_count"].fillna(0).astype("int64")
    table["latest_source_id"] = table["latest_source_id"].fillna("")
    table["verdict"] = verdicts(table)
    return table[
        [
            "indicator_id",
            "name",
            "initiative_id",
            "initiative",
            "unit",
            "direction",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "first_value",
            "first_date",
            "latest_value",
            "latest_date",
            "values_count",
            "verdict",
            "source_id",
            "latest_source_id",
        ]
    ]


def _number(value: float) -> str:
    return f"{value:,.10g}" if pd.notna(value) else "–"


def bullet_chart(
    dataset: Dataset, table: pd.DataFrame, indicator_ids: list[str], language: str
) -> Chart:
    """Baseline, target and latest value of each chosen indicator, each on its own scale."""
    t = translator(language)
    shown = table[table["indicator_id"].isin(indicator_ids[:MAX_BULLETS])]
    shown = shown[shown["latest_value"].notna()]
    if shown.empty:
        return Chart(None, shown, (), None, (Notice("progress.no_values_for_bullets"),))
    figure = make_subplots(rows=len(shown), cols=1, vertical_spacing=min(0.12, 0.5 / len(shown)))
    legend_done: set[str] = set()
    for number, row in enumerate(shown.itertuples(index=False), start=1):
        reference = row.baseline if pd.notna(row.baseline) else row.first_value
        name = short_label(row.name)
        label = chart_text(
            t("progress.bullet_label", name=name, unit=row.unit) if row.unit else name
        )
        if pd.notna(row.target):
            low, high = sorted((reference, row.target))
            figure.add_bar(
                row=number,
                col=1,
                orientation="h",
                base=[low],
                x=[high - low if high > low else 0],
                y=[label],
                width=0.8,
                marker={"color": BAND_COLOUR},
                name=chart_text(t("progress.band")),
                legendgroup="band",
                showlegend=number == 1,
                hoverinfo="skip",
            )
        style = VERDICT_STYLES[row.verdict]
        verdict = t("progress.verdict." + row.verdict)
        hover = hover_block(
            [
                emphasised(hover_safe(row.name)),
                t(
                    "progress.hover_latest",
                    value=_number(row.latest_value),
                    unit=hover_safe(row.unit),
                    date=date_text(row.latest_date, "day", language),
                ),
                t("progress.hover_baseline", value=_number(row.baseline)),
                t(
                    "progress.hover_target",
                    value=_number(row.target),
                    date=date_text(row.target_date, "day", language),
                ),
                t("progress.hover_verdict", verdict=verdict),
            ]
        )
        figure.add_bar(
            row=number,
            col=1,
            orientation="h",
            base=[reference],
            x=[row.latest_value - reference],
            y=[label],
            width=0.35,
            marker={
                "color": style.colour,
                "pattern": bar_pattern(style),
            },
            name=chart_text(verdict),
            legendgroup=row.verdict,
            showlegend=row.verdict not in legend_done,
            hovertext=[hover],
            hovertemplate="%{hovertext}<extra></extra>",
        )
        legend_done.add(row.verdict)
        for value, key, size, width in (
            (row.target, "progress.target", 26, 3),
            (row.baseline, "progress.baseline", 16, 2),
        ):
            if pd.notna(value):
                name = t(key)
                hover = t("common.label_value", label=name, value=_number(value))
                figure.add_scatter(
                    row=number,
                    col=1,
                    x=[value],
                    y=[label],
                    mode="markers",
                    marker={
                        "color": NEUTRAL,
                        "symbol": "line-ns-open",
                        "size": size,
                        "line": {"width": width, "color": NEUTRAL},
                    },
                    name=chart_text(name),
                    legendgroup=key,
                    showlegend=number == 1,
                    hovertemplate=f"{chart_lines(hover)}<extra></extra>",
                )
        figure.update_xaxes(
            row=number,
            col=1,
            title_text=chart_text(t("progress.axis_value", unit=row.unit or "–")),
        )
    # Two lines of axis title per row in the bilingual layout need the room of a third.
    row_height = 140 if language == BILINGUAL else 110
    base_layout(figure, height=90 + row_height * len(shown))
    figure.update_layout(barmode="overlay")
    data = shown[
        [
            "indicator_id",
            "name",
            "unit",
            "direction",
            "baseline",
            "target",
            "target_date",
            "latest_value",
            "latest_date",
            "verdict",
            "source_id",
            "latest_source_id",
        ]
    ]
    cited = source_ids(data["source_id"], data["latest_source_id"])
    return Chart(figure, data, cited, as_of(dataset, cited, data["latest_date"]))


def values_chart(
    dataset: Dataset,
    indicator: pd.Series,
    series: pd.DataFrame,
    language: str,
) -> Chart:
    """One indicator's values over time, with its baseline, its target and the straight path
    between them (when both dates are known)."""
    t = translator(language)
    if series.empty:
        return Chart(None, series, (), None, (Notice("progress.no_values_for_indicator"),))
    figure = go.Figure()
    unit = indicator_unit(indicator, language)
    hover = [
        chart_lines(
            t(
                "progress.hover_value",
                value=_number(v),
                unit=hover_safe(unit),
                date=date_text(d, "day", language),
            )
        )
        for v, d in zip(series["value"], series["date"], strict=True)
    ]
    figure.add_scatter(
        x=series["date"].dt.strftime("%Y-%m-%d").tolist(),
        y=series["value"].tolist(),
        mode=line_mode(len(series)),
        name=chart_text(t("progress.actual")),
        line={"color": NEUTRAL},
        marker={"symbol": "circle", "size": 7},
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
    )
    if pd.notna(indicator["target"]):
        # The target runs across the whole period drawn: the values and the target date.
        ends = [series["date"].min(), series["date"].max(), indicator["target_date"]]
        ends = [end for end in ends if pd.notna(end)]
        target_hover = t(
            "common.label_value", label=t("progress.target"), value=_number(indicator["target"])
        )
        figure.add_scatter(
            x=[min(ends).strftime("%Y-%m-%d"), max(ends).strftime("%Y-%m-%d")],
            y=[indicator["target"]] * 2,
            mode="lines",
            name=chart_text(t("progress.target")),
            line={"color": VERDICT_STYLES[TARGET_MET].colour, "dash": "dash", "width": 2},
            hovertemplate=f"{chart_lines(target_hover)}<extra></extra>",
        )
    if (
        pd.notna(indicator["baseline"])
        and pd.notna(indicator["baseline_date"])
        and pd.notna(indicator["target"])
        and pd.notna(indicator["target_date"])
    ):
        figure.add_scatter(
            x=[
                indicator["baseline_date"].strftime("%Y-%m-%d"),
                indicator["target_date"].strftime("%Y-%m-%d"),
            ],
            y=[indicator["baseline"], indicator["target"]],
            mode="lines+markers",
            name=chart_text(t("progress.expected_path")),
            line={"color": "#7F7F7F", "dash": "dot"},
            marker={"symbol": ["square", "star"], "size": 10},
            hoverinfo="skip",
        )
    base_layout(figure, height=320)
    date_axis(figure, language, t("progress.axis_date"))
    figure.update_yaxes(
        title_text=chart_text(t("progress.axis_value", unit=unit or "–")),
        showgrid=True,
        gridcolor="#e5e8ec",
    )
    data = series[["indicator_id", "date", "value", "note", "source_id"]]
    cited = source_ids(data["source_id"], pd.Series([indicator["source_id"]]))
    return Chart(figure, data, cited, as_of(dataset, cited, data["date"]))


def status_by_focus_area(dataset: Dataset, selection: Selection, language: str) -> Chart:
    """How many initiatives of each status serve each focus area (stacked bars). An initiative
    serving several areas counts once in each. Every area the agreement names (or the filter
    keeps) has its place on the axis: one with no initiative shows 0, it does not vanish."""
    t = translator(language)
    initiatives = selection.initiatives
    if initiatives.empty:
        return Chart(None, initiatives.iloc[:, :0], (), None, (Notice("filters.no_match"),))
    areas = focus_areas_in_order(dataset, selection.filters.agreement_id)
    if selection.filters.focus_area_ids:
        areas = areas[areas["focus_area_id"].isin(selection.filters.focus_area_ids)]
    area_names = names(dataset, "focus_areas", "focus_area_id", language)
    exploded = (
        initiatives[["initiative_id", "focus_area_ids", "status", "source_id"]]
        .assign(focus_area_id=initiatives["focus_area_ids"].map(lambda ids: list(ids) or [""]))
        .explode("focus_area_id")
    )
    exploded = exploded[exploded["focus_area_id"].isin([*areas["focus_area_id"], ""])]
    counts = (
        exploded.groupby(["focus_area_id", "status"]).size().rename("initiatives").reset_index()
    )
    # Areas with no initiative get one row of 0 (and no status), so the chart and its data
    # both say so.
    empty = sorted(set(areas["focus_area_id"]) - set(counts["focus_area_id"]))
    counts = pd.concat(
        [counts, pd.DataFrame({"focus_area_id": empty, "status": "", "initiatives": 0})],
        ignore_index=True,
    )
    order = [*areas["focus_area_id"], ""]
    counts["_order"] = counts["focus_area_id"].map(order.index)
    counts = counts.sort_values(["_order", "status"], kind="stable").drop(columns="_order")
    counts = counts.reset_index(drop=True)
    area_label = {
        area: chart_text(short_label(area_names.get(area) or t("timeline.whole_agreement")))
        for area in dict.fromkeys(counts["focus_area_id"])
    }
    counts["focus_area"] = bilingual_series(
        (area_names.get(a) or t("timeline.whole_agreement") for a in counts["focus_area_id"]),
        counts.index,
    )
    figure = go.Figure()
    statuses = [s for s in INITIATIVE_STATUS_STYLES if s in set(counts["status"])]
    for status in statuses:
        part = counts[counts["status"] == status]
        style = initiative_style(status)
        label = t("status." + status)
        figure.add_bar(
            x=[area_label[a] for a in part["focus_area_id"]],
            y=part["initiatives"].tolist(),
            name=chart_text(label),
            marker={
                "color": style.colour,
                "pattern": bar_pattern(style),
            },
            hovertext=[
                chart_lines(
                    t(
                        "progress.hover_status_count",
                        area=hover_safe(area),
                        status=label,
                        count=n,
                    )
                )
                for area, n in zip(part["focus_area"], part["initiatives"], strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    zero = counts[counts["initiatives"] == 0]
    if len(zero):
        figure.add_scatter(
            x=[area_label[a] for a in zero["focus_area_id"]],
            y=[0] * len(zero),
            mode="text",
            text=["0"] * len(zero),
            textposition="top center",
            showlegend=False,
            hovertext=[
                chart_lines(t("progress.hover_no_initiatives", area=hover_safe(area)))
                for area in zero["focus_area"]
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    base_layout(figure, height=380 if language != BILINGUAL else 440)
    figure.update_layout(barmode="stack")
    figure.update_xaxes(
        title_text=chart_text(t("progress.axis_focus_area")),
        categoryorder="array",
        categoryarray=list(area_label.values()),
    )
    figure.update_yaxes(
        title_text=chart_text(t("progress.axis_initiatives")),
        showgrid=True,
        rangemode="tozero",
        dtick=1 if counts["initiatives"].max() < 10 else None,
    )
    cited = source_ids(exploded["source_id"])
    return Chart(
        figure,
        counts[["focus_area_id", "focus_area", "status", "initiatives"]],
        cited,
        as_of(dataset, cited, initiatives["status_as_of"]),
    )


def _burn_up_points(data: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The days the burn-up draws and the note that says why, if not every day: past
    MAX_BURN_UP_POINTS, the last day with a milestone in each week (or month, or year). Each
    point is still a real day's count, and the steps between them are where the daily line's are.
    """
    if len(data) <= MAX_BURN_UP_POINTS:
        return data, None
    for period, note in BURN_UP_PERIODS.items():
        drawn = data.groupby(data["date"].dt.to_period(period), sort=True).tail(1)
        if len(drawn) <= MAX_BURN_UP_POINTS:
            return drawn, note
    return drawn, note  # by year, however many: no real portfolio spans 600 years


def burn_up(dataset: Dataset, selection: Selection, today: date, language: str) -> Chart:
    """Milestones done against all milestones planned, counted up over time by their dates."""
    t = translator(language)
    milestones = selection.milestones
    dated = milestones[milestones["date"].notna()]
    notes = []
    if len(milestones) > len(dated):
        notes.append(
            Notice("progress.undated_milestones", {"count": str(len(milestones) - len(dated))})
        )
    if dated.empty:
        return Chart(
            None, dated.iloc[:, :0], (), None, (*notes, Notice("progress.no_dated_milestones"))
        )
    by_day = (
        dated.assign(done=dated["status"] == "done")
        .groupby("date")
        .agg(planned=("milestone_id", "size"), done=("done", "sum"))
    )
    data = pd.DataFrame(
        {
            "date": by_day.index,
            "milestones_planned": by_day["planned"].cumsum().to_numpy(),
            "milestones_done": by_day["done"].cumsum().astype("int64").to_numpy(),
        }
    )
    drawn, note = _burn_up_points(data)
    if note:
        notes.append(Notice(note, {"days": str(len(data))}))
    figure = go.Figure()
    # Arrays, not lists: plotly checks a list element by element (a tenth of a second for the
    # thousands of days of a large portfolio) but takes an array whole.
    x = drawn["date"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    for column, key, style in (
        ("milestones_planned", "progress.all_milestones", MILESTONE_STATUS_STYLES["planned"]),
        ("milestones_done", "progress.done_milestones", MILESTONE_STATUS_STYLES["done"]),
    ):
        figure.add_scatter(
            x=x,
            y=drawn[column].to_numpy(),
            mode=line_mode(len(drawn)),
            line={
                "shape": "hv",
                "color": style.colour,
                "dash": "dash" if style.pattern else "solid",
            },
            marker={"symbol": style.symbol, "size": 9},
            name=chart_text(t(key)),
            hovertemplate=chart_lines(
                t("progress.hover_burn_up", label=hover_safe(t(key)), count="%{y}", date="%{x}")
            )
            + "<extra></extra>",
        )
    day_line(figure, pd.Timestamp(today), t("timeline.today_line"), "dot")
    base_layout(figure, height=340)
    date_axis(figure, language, t("progress.axis_date"))
    figure.update_yaxes(
        title_text=chart_text(t("progress.axis_milestones")), showgrid=True, rangemode="tozero"
    )
    cited = source_ids(dated["source_id"])
    return Chart(figure, data, cited, as_of(dataset, cited), tuple(notes))


def readable_indicators(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """The indicator table as the page shows it: translated verdicts and directions, ISO dates."""
    t = translator(language)
    return table.assign(
        verdict=translated(table["verdict"], "progress.verdict.", t),
        direction=translated(table["direction"], "direction.", t),
        target_date=day_text(table["target_date"], ""),
        latest_date=day_text(table["latest_date"], ""),
    )
