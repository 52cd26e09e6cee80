"""Drawing the Progress page's sections; the figures come from `components.progress`."""

from __future__ import annotations

import streamlit as st

from components import progress, quiet
from components.i18n import format_date
from components.markdown_text import escape_markdown, paragraphs
from components.ui import cached, headings
from components.ui.charts import draw_chart, draw_table
from components.ui.lazy_expander import lazy_expander
from components.ui.shell import PageContext

# Widget keys and the query parameter that keeps the "gone quiet" threshold in a shared link.
INDICATORS_KEY = "progress_indicators"
INDICATOR_KEY = "progress_indicator"
SEARCH_KEY = "progress_indicator_search"
QUIET_KEY = "quiet"


def _keep_valid(key: str, allowed: set[str]) -> None:
    """Drop remembered choices the current filters no longer offer."""
    if key in st.session_state:
        current = st.session_state[key]
        if isinstance(current, list):
            kept = [value for value in current if value in allowed]
            if kept:
                st.session_state[key] = kept
            else:
                del st.session_state[key]
        elif current not in allowed:
            del st.session_state[key]


def indicators(ctx: PageContext) -> None:
    """Bullets of the chosen indicators, one indicator's values over time, and the full table;
    with no indicator or no values, say so instead of drawing empty axes (how to add them is the
    Data page's business, not the viewers')."""
    t = ctx.t
    table = cached.indicator_table(ctx.dataset, ctx.filters, ctx.language)
    if table.empty:
        st.info(paragraphs(t("progress.no_indicators")))
        return
    measured = table[table["latest_value"].notna()]
    if measured.empty:
        st.info(paragraphs(t("progress.no_indicator_values")))
        draw_table(ctx, cached.indicator_rows(ctx.dataset, ctx.filters, ctx.language))
        return
    labels = dict(zip(measured["indicator_id"], measured["name"], strict=True))
    _keep_valid(INDICATORS_KEY, set(labels))
    _keep_valid(INDICATOR_KEY, set(labels))
    text = ""
    if len(labels) > progress.MAX_PICKER_OPTIONS:
        text = st.text_input(t("progress.find_indicator"), key=SEARCH_KEY)
    remembered = st.session_state.get(INDICATORS_KEY, [])
    options, matches = progress.picker_options(labels, text, remembered)
    if text and not matches:
        st.caption(paragraphs(t("progress.no_indicator_found", text=escape_markdown(text))))
        text = ""
        options, matches = progress.picker_options(labels, text, remembered)
    if matches > progress.MAX_PICKER_OPTIONS:
        st.caption(
            paragraphs(t("progress.pickers_cut", shown=progress.MAX_PICKER_OPTIONS, total=matches))
        )
    chosen = st.multiselect(
        t("progress.choose_indicators"),
        options,
        default=None if INDICATORS_KEY in st.session_state else options[: progress.MAX_BULLETS],
        max_selections=progress.MAX_BULLETS,
        format_func=labels.get,
        key=INDICATORS_KEY,
    )
    bullets = cached.bullets(ctx.dataset, ctx.filters, tuple(chosen), ctx.language)
    if draw_chart(ctx, bullets, "bullets"):
        st.caption(paragraphs(t("progress.bullets_help")))

    headings.subheader(t("progress.values_heading"))
    current = st.session_state.get(INDICATOR_KEY)
    one_options, _ = progress.picker_options(labels, text, [current] if current else [])
    one = st.selectbox(
        t("progress.choose_indicator"), one_options, format_func=labels.get, key=INDICATOR_KEY
    )
    draw_chart(ctx, cached.values_chart(ctx.dataset, ctx.filters, one, ctx.language), "values")
    expander, is_open = lazy_expander(t("progress.indicator_table"), "progress_indicators")
    if is_open:
        with expander:
            draw_table(ctx, cached.indicator_rows(ctx.dataset, ctx.filters, ctx.language))


def _quiet_months(ctx: PageContext) -> int:
    """The threshold, from the widget, else from ?quiet= in the link (a bad value gets a
    notice), else the default; kept in the link so a shared view keeps it."""
    low, high = quiet.QUIET_LIMITS
    if QUIET_KEY not in st.session_state:
        written = st.query_params.get(QUIET_KEY)
        months = quiet.months_from_link(written)
        if written is not None and months is None:
            shown = escape_markdown(written)
            st.info(paragraphs(ctx.t("filters.unknown_value", param=QUIET_KEY, value=shown)))
        st.session_state[QUIET_KEY] = months or quiet.DEFAULT_QUIET_MONTHS
    months = st.number_input(
        ctx.t("progress.quiet_months"), min_value=low, max_value=high, step=1, key=QUIET_KEY
    )
    if months == quiet.DEFAULT_QUIET_MONTHS:
        st.query_params.pop(QUIET_KEY, None)
    else:
        st.query_params[QUIET_KEY] = str(months)
    return int(months)


def gone_quiet(ctx: PageContext) -> None:
    t = ctx.t
    months = _quiet_months(ctx)
    quiet = cached.gone_quiet(ctx.dataset, ctx.filters, ctx.today, months, ctx.language)
    st.caption(paragraphs(t("progress.quiet_help", date=format_date(quiet.cutoff, ctx.language))))
    initiatives_column, areas_column = st.columns(2)
    with initiatives_column:
        headings.subheader(t("progress.quiet_initiatives"))
        if quiet.initiatives.empty:
            st.success(paragraphs(t("progress.quiet_none_initiatives")))
        else:
            draw_table(ctx, quiet.initiatives)
    with areas_column:
        headings.subheader(t("progress.quiet_areas"))
        if quiet.areas.empty:
            st.success(paragraphs(t("progress.quiet_none_areas")))
        else:
            draw_table(ctx, quiet.areas)
