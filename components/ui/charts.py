"""Drawing any chart or table the same way: its notes, the figure, a caption naming its sources and
how current the data is, and a CSV download of exactly the rows shown."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pyarrow as pa
import streamlit as st

from components.charting import Chart, as_of
from components.exports import csv_bytes
from components.filters import Notice
from components.i18n import format_date, join
from components.illustrative import has_illustrative_rows
from components.markdown_text import escape_markdown, paragraphs
from components.overview import source_titles
from components.ui.aggregates import derived
from components.ui.chart_access import chart_summary, png_download, text_alternative
from components.ui.shell import PageContext

# A table longer than this is cut (with a note): sending tens of thousands of rows to the browser
# on every rerun costs more than the rerun budget, and nobody reads them on screen.
MAX_TABLE_ROWS = 1000
# Plotly's own toolbar: keep the picture download (it works offline), drop the logo.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The table as Arrow, the form Streamlit sends, converted once by whoever keeps it; a
    frame with mixed types is left to Streamlit, which knows how to fix them."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return frame


def notice(note: Notice, ctx: PageContext) -> None:
    values = {name: escape_markdown(value) for name, value in note.values.items()}
    st.info(paragraphs(ctx.t(note.key, **values)))


def newest_source(ctx: PageContext, source_ids: tuple[str, ...]) -> pd.Timestamp | None:
    return as_of(ctx.dataset, source_ids)


# Captions and the illustrative mark are looked up once per dataset (keyed on the signature as one
# text, which Streamlit hashes in one step): a page draws a dozen of them on every rerun.
@st.cache_resource(max_entries=512, show_spinner=False)
def _caption_text(
    key: str, source_ids: tuple[str, ...], as_of: pd.Timestamp | None, _ctx: PageContext
) -> str:
    if not source_ids:
        return _ctx.t("charts.caption_no_sources")
    titles = [
        escape_markdown(title)
        for source_id, title in source_titles(_ctx.dataset, _ctx.language).items()
        if source_id in source_ids
    ]
    return _ctx.t(
        "charts.caption",
        sources=join(titles, _ctx.language, "clauses"),
        date=format_date(as_of, _ctx.language),
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def _illustrative(key: str, _ctx: PageContext) -> bool:
    return has_illustrative_rows(_ctx.dataset)


def caption(ctx: PageContext, source_ids: tuple[str, ...], as_of: pd.Timestamp | None) -> None:
    key = f"{ctx.dataset.signature!r}|{ctx.language}"
    st.caption(paragraphs(_caption_text(key, tuple(source_ids), as_of, ctx)))


def download(ctx: PageContext, frame: pd.DataFrame, source_ids: tuple[str, ...], name: str) -> None:
    """A CSV of `frame`, made only when the button is pressed (a large table costs nothing on
    reruns where nobody downloads it), marked when the data on screen is illustrative."""
    st.download_button(
        ctx.t("charts.download"),
        data=partial(csv_bytes, frame, _illustrative(repr(ctx.dataset.signature), ctx)),
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
    # The summary is also the chart's accessible name, so a screen reader announces it with the
    # chart itself, without opening the text alternative below.
    summary, readable = chart_summary(ctx, chart, name)
    st.plotly_chart(chart.figure, config=PLOTLY_CONFIG, key=f"chart_{name}", alt=summary)
    caption(ctx, chart.source_ids, chart.as_of)
    download(ctx, chart.data, chart.source_ids, name)
    text_alternative(ctx, name, summary, chart.data, readable)
    png_download(ctx, chart.figure, name)
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
    its caption and a download of the same rows and columns. Without `as_of`, the data is as
    current as the newest of its sources."""
    if len(frame) > MAX_TABLE_ROWS:
        st.info(paragraphs(ctx.t("charts.rows_cut", shown=MAX_TABLE_ROWS, total=len(frame))))

    def build() -> tuple[pd.DataFrame, pa.Table | pd.DataFrame]:
        shown = frame.head(MAX_TABLE_ROWS)[list(labels)].rename(columns=labels)
        return shown, as_arrow(shown)

    # The frame usually comes from a remembered view: the same object on every rerun.
    shown, sent = derived(frame, f"table|{name}|{sorted(labels.items())!r}", build)
    st.dataframe(sent, hide_index=True, width="stretch", column_config=column_config)
    if as_of is None:
        as_of = newest_source(ctx, source_ids)
    caption(ctx, source_ids, as_of)
    download(ctx, shown, source_ids, name)
