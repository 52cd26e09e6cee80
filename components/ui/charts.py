"""Drawing any chart or table the same way: its notes, the figure, a caption naming its sources and
how current the data is, and a CSV download of exactly the rows shown."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components.charting import Chart, as_of
from components.exports import csv_bytes
from components.filters import Notice
from components.i18n import format_date
from components.markdown_text import escape_markdown
from components.ui.chart_access import chart_extras
from components.ui.illustrative_banner import shows_illustrative
from components.ui.shell import PageContext

# Plotly's own toolbar: keep the picture download (it works offline), drop the logo.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def notice(note: Notice, ctx: PageContext) -> None:
    values = {name: escape_markdown(value) for name, value in note.values.items()}
    st.info(ctx.t(note.key, **values))


def newest_source(ctx: PageContext, source_ids: tuple[str, ...]) -> pd.Timestamp | None:
    return as_of(ctx.dataset, source_ids)


def caption(ctx: PageContext, source_ids: tuple[str, ...], as_of: pd.Timestamp | None) -> None:
    if not source_ids:
        st.caption(ctx.t("charts.caption_no_sources"))
        return
    sources = ctx.dataset["sources"]
    titles = sources.loc[sources["source_id"].isin(source_ids), "title"]
    st.caption(
        ctx.t(
            "charts.caption",
            sources="; ".join(escape_markdown(title) for title in titles),
            date=format_date(as_of, ctx.language),
        )
    )


def download(ctx: PageContext, frame: pd.DataFrame, source_ids: tuple[str, ...], name: str) -> None:
    """A CSV of `frame`, made only when the button is pressed (a large table costs nothing on
    reruns where nobody downloads it), marked when the data on screen is illustrative."""
    st.download_button(
        ctx.t("charts.download"),
        data=partial(csv_bytes, frame, shows_illustrative(ctx.dataset)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        on_click="ignore",
    )


def draw_chart(ctx: PageContext, chart: Chart, name: str) -> bool:
    """Draw `chart` with its notes, caption and download; False when there was nothing to draw."""
    for note in chart.notes:
        notice(note, ctx)
    if chart.figure is None:
        return False
    st.plotly_chart(chart.figure, config=PLOTLY_CONFIG, key=f"chart_{name}")
    caption(ctx, chart.source_ids, chart.as_of)
    download(ctx, chart.data, chart.source_ids, name)
    chart_extras(ctx, chart, name)
    return True


def draw_table(
    ctx: PageContext,
    frame: pd.DataFrame,
    name: str,
    source_ids: tuple[str, ...],
    labels: dict[str, str],
    as_of: pd.Timestamp | None = None,
    column_config: dict | None = None,
) -> None:
    """A table with translated headings (`labels`: column -> heading; other columns hidden),
    its caption and a download of the same columns. Without `as_of`, the data is as current as
    the newest of its sources."""
    shown = frame[list(labels)].rename(columns=labels)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config)
    caption(ctx, source_ids, as_of if as_of is not None else newest_source(ctx, source_ids))
    download(ctx, shown, source_ids, name)
