"""Shared pieces of the figure builders: the Chart they return, localised labels, safe hover text
and the look every figure shares."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components.filters import Notice
from components.i18n import format_date
from components.loader import Dataset
from components.status_palette import StatusStyle

Translate = Callable[..., str]
# Characters past this in an axis label are cut (the hover shows the whole text).
LABEL_LENGTH = 48
FONT_FAMILY = "Noto Sans, Noto Sans SC, WenQuanYi Micro Hei, Arial, sans-serif"

# Dates in the table are ISO text cut to their precision ("2018-08" for August 2018): honest about
# what is known, and they still sort in time order.
_ISO_LENGTH = {"year": 4, "month": 7, "day": 10, "": 10}


def partial_iso(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    text = dates.dt.strftime("%Y-%m-%d").fillna("")
    lengths = precisions.fillna("").map(_ISO_LENGTH).fillna(10).astype("int64")
    return pd.Series(
        [value[:length] for value, length in zip(text, lengths, strict=True)],
        index=dates.index,
        dtype="str",
    )


@dataclass(frozen=True)
class Chart:
    """A figure with what its caption and download need.

    `figure` is None when there is nothing honest to draw; `notes` then say why (and, when there is
    a figure, what it leaves out).
    """

    figure: go.Figure | None
    # Exactly the rows the figure draws, in the columns the download offers.
    data: pd.DataFrame
    source_ids: tuple[str, ...]
    # The newest date the drawn data speaks for (None when nothing is drawn).
    as_of: pd.Timestamp | None
    notes: tuple[Notice, ...] = ()


def localised_column(frame: pd.DataFrame, base: str, language: str) -> pd.Series:
    """`base_<language>` for every row, falling back to the other language (vectorised)."""
    english = frame[f"{base}_en"].fillna("")
    chinese = frame[f"{base}_zh"].fillna("")
    if language == "zh":
        return chinese.where(chinese != "", english)
    if language == "both":
        # Both texts when both exist and differ; otherwise whichever one there is.
        both = (english != "") & (chinese != "") & (chinese != english)
        return (english + " · " + chinese).where(both, english.where(english != "", chinese))
    return english.where(english != "", chinese)


def translated(column: pd.Series, prefix: str, t: Translate) -> pd.Series:
    """Enum values as their translated labels (one lookup per distinct value, not per row)."""
    labels = {value: t(prefix + value) for value in column.dropna().unique()}
    return column.map(labels)


def names(dataset: Dataset, table: str, id_column: str, language: str) -> dict[str, str]:
    """id -> localised name for a small lookup table (focus areas, parties, places)."""
    frame = dataset[table]
    return dict(zip(frame[id_column], localised_column(frame, "name", language), strict=True))


def join_names(ids: Iterable[str], lookup: dict[str, str]) -> str:
    return ", ".join(lookup.get(i, i) for i in ids)


def hover_safe(text: object) -> str:
    """Data text for plotly hover labels, which read a few HTML tags: shown literally."""
    return html.escape("" if text is None or text is pd.NA else str(text), quote=False)


def short_label(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def date_text(value, precision: str, language: str) -> str:
    return format_date(value, language, precision or "day")


def source_ids(*columns: pd.Series) -> tuple[str, ...]:
    found: set[str] = set()
    for column in columns:
        found |= set(column.dropna().unique())
    return tuple(sorted(found - {""}))


def newest(*columns: pd.Series) -> pd.Timestamp | None:
    values = [column.max() for column in columns if column.notna().any()]
    return max(values) if values else None


def as_of(dataset: Dataset, cited: tuple[str, ...], *dates: pd.Series) -> pd.Timestamp | None:
    """How current the drawn data is: the newest of its sources' publication dates and of the
    given dates (such as the days the initiatives' statuses were confirmed)."""
    sources = dataset["sources"]
    published = sources.loc[sources["source_id"].isin(cited), "published_on"]
    return newest(published, *dates)


# A line with more points than this is drawn without markers: they would overlap into a solid band
# (at 9 px, a chart a thousand pixels wide has room for about a hundred), and the browser would
# draw thousands of SVG shapes for nothing. Lines keep their colour and dash, and hover still
# finds every point.
MARKER_LIMIT = 200


def line_mode(points: int) -> str:
    """Plotly's scatter mode for a line of `points` points."""
    return "lines+markers" if points <= MARKER_LIMIT else "lines"


def bar_pattern(style: StatusStyle) -> dict:
    """The status's pattern laid over its colour, so a bar says its status without colour too."""
    return {
        "shape": style.pattern,
        "fillmode": "overlay",
        "fgcolor": "#ffffff",
        "fgopacity": 0.7,
        "size": 8,
        "solidity": 0.3,
    }


def base_layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": FONT_FAMILY, "size": 13},
        # The legend sits right of the plot, clear of the labels of lines drawn across it.
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.02},
        hoverlabel={"align": "left"},
        plot_bgcolor="white",
    )
    figure.update_xaxes(showgrid=True, gridcolor="#e5e8ec", zeroline=False)
    figure.update_yaxes(showgrid=False)
    return figure


def day_line(figure: go.Figure, when: pd.Timestamp, label: str, dash: str) -> None:
    """A vertical line across the plot at a date, labelled at the top."""
    x = when.isoformat()
    figure.add_shape(
        type="line",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#1b1f24", "width": 1.5, "dash": dash},
    )
    figure.add_annotation(
        x=x, y=1, yref="paper", text=hover_safe(label), showarrow=False, yanchor="bottom"
    )
