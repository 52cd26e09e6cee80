"""Shared pieces of the figure builders: the Chart they return, localised labels, safe hover text
and the look every figure shares.

Text drawn inside a figure goes through `chart_text`: data text is shown literally, and in the
bilingual layout the two languages are stacked, so legends, axis titles and labels stay narrow.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components.filters import Notice
from components.fonts import font_family
from components.i18n import (
    BILINGUAL,
    Bilingual,
    Translate,
    each_half,
    format_date,
    join,
    joined,
    stacked,
    translator,
)
from components.loader import Dataset
from components.markdown_text import escape_markdown
from components.overview import source_titles
from components.status_palette import StatusStyle

# Characters past this in an axis label are cut (the hover shows the whole text).
LABEL_LENGTH = 48
FONT_FAMILY = font_family("Source Sans", "Noto Sans", "Arial")

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


def bilingual_series(values: Iterable[object], index: pd.Index) -> pd.Series:
    """Texts as a column that keeps bilingual texts whole (pandas would flatten them to their
    one-line form in a text column)."""
    return pd.Series(list(values), index=index, dtype=object)


def localised_column(frame: pd.DataFrame, base: str, language: str) -> pd.Series:
    """`base_<language>` for every row, falling back to the other language (vectorised); in the
    bilingual layout, each row's English and Chinese."""
    english = frame[f"{base}_en"].fillna("")
    chinese = frame[f"{base}_zh"].fillna("")
    if language == "zh":
        return chinese.where(chinese != "", english)
    if language == BILINGUAL:
        return bilingual_series(map(Bilingual, english, chinese), frame.index)
    return english.where(english != "", chinese)


def translated(column: pd.Series, prefix: str, t: Translate) -> pd.Series:
    """Enum values as their translated labels (one lookup per distinct value, not per row)."""
    labels = {value: t(prefix + value) for value in column.dropna().unique()}
    if any(isinstance(label, Bilingual) for label in labels.values()):
        return bilingual_series((labels.get(value) for value in column), column.index)
    return column.map(labels)


def names(dataset: Dataset, table: str, id_column: str, language: str) -> dict[str, str]:
    """id -> localised name for a small lookup table (focus areas, parties, places)."""
    frame = dataset[table]
    return dict(zip(frame[id_column], localised_column(frame, "name", language), strict=True))


def join_names(ids: Iterable[str], lookup: dict[str, str], language: str) -> str:
    return join((lookup.get(i, i) for i in ids), language)


EDITORIAL = "editorial"


def focus_area_names(initiative: pd.Series | dict, lookup: dict[str, str], language: str) -> str:
    """An initiative's focus areas by name, marked as our reading when no source names them
    (focus_area_basis 'editorial')."""
    named = join_names(initiative["focus_area_ids"], lookup, language)
    if named and initiative.get("focus_area_basis") == EDITORIAL:
        return translator(language)("initiatives.focus_areas_editorial", areas=named)
    return named


def hover_safe(text: object) -> str:
    """Data text for plotly hover labels, which read a few HTML tags: shown literally."""
    if text is None or text is pd.NA:
        return ""
    return each_half(lambda part: html.escape(str(part), quote=False), text)


def chart_text(text: object) -> str:
    """Text for a figure's labels, legend, axes and annotations: literal, and in the bilingual
    layout the English above the Chinese."""
    return stacked(hover_safe(text), "<br>")


def chart_lines(text: object) -> str:
    """A text already made safe for a figure (catalogue words, data passed through hover_safe),
    its languages stacked in the bilingual layout."""
    return stacked(text, "<br>")


def emphasised(text: object) -> str:
    """Bold in a figure's hover label (each language of a bilingual text on its own)."""
    return each_half("<b>{}</b>".format, text)


def hover_block(lines: Iterable[object]) -> str:
    """Hover lines as one label: in the bilingual layout all the English lines, then all the
    Chinese ones, so each reader reads one language top to bottom."""
    return stacked(joined("<br>", lines), "<br><br>")


# Date axes in each language's own words: plotly writes English month names unless told.
# (day, month, year) formats for ticks a day to a month apart, a month to a year, and wider.
_DATE_TICKS = {
    "zh": ("%Y年%-m月%-d日", "%Y年%-m月", "%Y年"),
    BILINGUAL: ("%-d %b %Y<br>%Y年%-m月%-d日", "%b %Y<br>%Y年%-m月", "%Y"),
}
_DATE_HOVER = {"en": "%-d %B %Y", "zh": "%Y年%-m月%-d日", BILINGUAL: "%-d %B %Y · %Y年%-m月%-d日"}


def date_axis(figure: go.Figure, language: str, title: str, **axis: object) -> None:
    """The x axis as dates, labelled in the page's language (ticks and hover)."""
    ticks = {}
    if language in _DATE_TICKS:
        day, month, year = _DATE_TICKS[language]
        ticks["tickformatstops"] = [
            {"dtickrange": [None, "M1"], "value": day},
            {"dtickrange": ["M1", "M12"], "value": month},
            {"dtickrange": ["M12", None], "value": year},
        ]
    figure.update_xaxes(
        type="date",
        title_text=chart_text(title),
        hoverformat=_DATE_HOVER[language],
        **ticks,
        **axis,
    )


def short_label(text: str) -> str:
    def cut(part: str) -> str:
        return part if len(part) <= LABEL_LENGTH else part[: LABEL_LENGTH - 1].rstrip() + "…"

    return each_half(cut, text)


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
        x=x, y=1, yref="paper", text=chart_text(label), showarrow=False, yanchor="bottom"
    )


def source_caption(
    dataset: Dataset, cited: tuple[str, ...], newest: pd.Timestamp | None, language: str
) -> str:
    """Under a chart or table on screen (Markdown): the sources it cites and how current the
    newest is."""
    t = translator(language)
    if not cited:
        return t("charts.caption_no_sources")
    titles = [
        escape_markdown(title)
        for source_id, title in source_titles(dataset, language).items()
        if source_id in cited
    ]
    return t(
        "charts.caption",
        sources=join(titles, language, "clauses"),
        date=format_date(newest, language),
    )


def month_text(column: pd.Series, language: str, missing: str) -> pd.Series:
    """Dates to the month, as a reader of `language` writes them ("July 2018", "2018年7月"), or
    as "2018-07" in the bilingual layout, where one cell cannot hold both languages whole;
    `missing` where there is none."""
    if language == BILINGUAL:
        return _filled(column.dt.strftime("%Y-%m"), missing)
    return _filled(
        column.map(lambda day: None if pd.isna(day) else format_date(day, language, "month")),
        missing,
    )


def _filled(texts: pd.Series, missing: str) -> pd.Series:
    """`texts` with `missing` where there is none, kept whole when it is bilingual (a text
    column would flatten it to its one-line form)."""
    return bilingual_series((missing if pd.isna(t) else t for t in texts), texts.index)


def day_text(column: pd.Series, missing: str) -> pd.Series:
    """Dates as ISO days (YYYY-MM-DD), `missing` where there is none."""
    return _filled(column.dt.strftime("%Y-%m-%d"), missing)
