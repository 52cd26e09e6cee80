"""Beside every chart and map: its text alternative (a short summary with the data as a table one
click away) and a PNG download of the chart itself."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from components.markdown_text import escape_markdown, paragraphs
from components.static_charts import browser_path, png_bytes
from components.table_views import as_arrow
from components.text_alternatives import MapAlternative, readable_table
from components.ui.lazy_expander import lazy_expander
from components.ui.shell import PageContext

PNG_KEY_PREFIX = "png_"


def text_alternative(
    ctx: PageContext,
    name: str,
    summary: str,
    data: pd.DataFrame,
    readable: pa.Table | pd.DataFrame | None = None,
) -> None:
    """`readable` is `data` already made readable and neutralised (table_views.as_arrow), when
    the caller keeps it across reruns. The summary and table are drawn only while the expander
    is open."""
    expander, is_open = lazy_expander(ctx.t("alt.heading"), f"alt_{name}")
    if not is_open:
        return
    with expander:
        st.markdown(paragraphs(escape_markdown(ctx.t("alt.summary", summary=summary))))
        if len(data):
            if readable is None:
                readable = as_arrow(readable_table(data, ctx.language))
            st.dataframe(readable, hide_index=True, width="stretch")


def png_download(ctx: PageContext, figure: go.Figure, name: str) -> None:
    """A PNG of the figure, drawn on the server only when the button is pressed."""
    if browser_path() is None:  # no Chromium on this server: say so rather than offer a broken file
        st.caption(paragraphs(ctx.t("charts.png_failed")))
        return
    st.download_button(
        ctx.t("charts.png"),
        data=partial(png_bytes, figure),
        file_name=f"{name}.png",
        mime="image/png",
        key=f"{PNG_KEY_PREFIX}{name}",
        on_click="ignore",
    )


def map_alternative(ctx: PageContext, alternative: MapAlternative) -> None:
    """The map's text alternative: where the places are and how many initiatives each has."""
    text_alternative(ctx, "map", alternative.summary, alternative.table, alternative.readable)
