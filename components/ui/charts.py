"""Drawing any chart or table the same way: its notes, the figure, a caption naming its sources and
how current the data is, and a CSV download of exactly the rows shown."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components.exports import csv_bytes
from components.filters import Notice
from components.markdown_text import escape_markdown, paragraphs
from components.table_views import MAX_TABLE_ROWS, TableView
from components.text_alternatives import ChartView
from components.ui import cached
from components.ui.chart_access import png_download, text_alternative
from components.ui.shell import PageContext

# Plotly's own toolbar: keep the picture download (it works offline), drop the logo.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def notice(note: Notice, ctx: PageContext) -> None:
    values = {name: escape_markdown(value) for name, value in note.values.items()}
    st.info(paragraphs(ctx.t(note.key, **values)))


def caption(ctx: PageContext, source_ids: tuple[str, ...], as_of: pd.Timestamp | None) -> None:
    text = cached.caption(ctx.dataset, tuple(source_ids), as_of, ctx.language)
    st.caption(paragraphs(text))


def download(ctx: PageContext, frame: pd.DataFrame, source_ids: tuple[str, ...], name: str) -> None:
    """A CSV of `frame`, made only when the button is pressed (a large table costs nothing on
    reruns where nobody downloads it), marked when the data on screen is illustrative."""
    st.download_button(
        ctx.t("charts.download"),
        data=partial(csv_bytes, frame, cached.shows_illustrative(ctx.dataset)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        on_click="ignore",
    )


def draw_chart(ctx: PageContext, view: ChartView, name: str) -> bool:
    """Draw the chart with its notes, caption and download; False when there was nothing to
    draw. `name` keys its widgets and names its files."""
    chart = view.chart
    for note in chart.notes:
        notice(note, ctx)
    if chart.figure is None:
        return False
    # The summary is also the chart's accessible name, so a screen reader announces it with the
    # chart itself, without opening the text alternative below.
    st.plotly_chart(chart.figure, config=PLOTLY_CONFIG, key=f"chart_{name}", alt=view.summary)
    caption(ctx, chart.source_ids, chart.as_of)
    download(ctx, chart.data, chart.source_ids, name)
    text_alternative(ctx, name, view.summary, chart.data, view.readable)
    png_download(ctx, chart.figure, name)
    return True


def draw_table(
    ctx: PageContext,
    table: TableView,
    as_of: pd.Timestamp | None = None,
    column_config: dict | None = None,
) -> None:
    """A table with its caption and a download of the same rows and columns. Without `as_of`,
    the data is as current as the newest of its sources."""
    if table.total_rows > MAX_TABLE_ROWS:
        st.info(paragraphs(ctx.t("charts.rows_cut", shown=MAX_TABLE_ROWS, total=table.total_rows)))
    st.dataframe(table.sent, hide_index=True, width="stretch", column_config=column_config)
    if as_of is None:
        as_of = cached.newest_source(ctx.dataset, table.source_ids)
    caption(ctx, table.source_ids, as_of)
    download(ctx, table.shown, table.source_ids, table.name)
