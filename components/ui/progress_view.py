"""Drawing the Progress page's sections; the figures come from `components.progress`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import progress
from components.charting import source_ids
from components.filters import Selection
from components.i18n import format_date
from components.markdown_text import paragraphs
from components.ui.aggregates import indicator_values, last_activity, view
from components.ui.charts import draw_chart, draw_table
from components.ui.lazy_expander import lazy_expander
from components.ui.shell import PageContext

# Widget keys and the query parameter that keeps the "gone quiet" threshold in a shared link.
INDICATORS_KEY = "progress_indicators"
INDICATOR_KEY = "progress_indicator"
QUIET_KEY = "quiet"
QUIET_LIMITS = (1, 120)


def _indicator_table(ctx: PageContext, table: pd.DataFrame) -> None:
    t = ctx.t
    shown, cited = view(
        ctx,
        "indicator_rows",
        lambda: (
            progress.readable_indicators(table, t),
            source_ids(table["source_id"], table["latest_source_id"]),
        ),
    )
    draw_table(
        ctx,
        shown,
        "indicators_table",
        cited,
        labels={
            "name": t("columns.indicator"),
            "initiative": t("columns.initiative"),
            "unit": t("columns.unit"),
            "direction": t("columns.direction"),
            "baseline": t("columns.baseline"),
            "target": t("columns.target"),
            "target_date": t("columns.target_date"),
            "latest_value": t("columns.latest_value"),
            "latest_date": t("columns.latest_date"),
            "values_count": t("columns.values_count"),
            "verdict": t("columns.assessment"),
        },
    )


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


def indicators(ctx: PageContext, selection: Selection) -> None:
    """Bullets of the chosen indicators, one indicator's values over time, and the full table;
    with no indicator or no values, say so instead of drawing empty axes (how to add them is the
    Data page's business, not the viewers')."""
    t = ctx.t
    values = indicator_values(ctx.dataset)
    table = view(
        ctx,
        "indicator_table",
        lambda: progress.indicator_table(ctx.dataset, selection, values, ctx.language),
    )
    if table.empty:
        st.info(paragraphs(t("progress.no_indicators")))
        return
    measured = table[table["latest_value"].notna()]
    if measured.empty:
        st.info(paragraphs(t("progress.no_indicator_values")))
        _indicator_table(ctx, table)
        return
    labels = dict(zip(measured["indicator_id"], measured["name"], strict=True))
    _keep_valid(INDICATORS_KEY, set(labels))
    _keep_valid(INDICATOR_KEY, set(labels))
    chosen = st.multiselect(
        t("progress.choose_indicators"),
        list(labels),
        default=None
        if INDICATORS_KEY in st.session_state
        else list(labels)[: progress.MAX_BULLETS],
        max_selections=progress.MAX_BULLETS,
        format_func=labels.get,
        key=INDICATORS_KEY,
    )
    bullets = view(
        ctx,
        "bullets",
        lambda: progress.bullet_chart(ctx.dataset, table, chosen, ctx.language, t),
        tuple(chosen),
    )
    if draw_chart(ctx, bullets, "bullets"):
        st.caption(paragraphs(t("progress.bullets_help")))

    st.subheader(t("progress.values_heading"))
    one = st.selectbox(
        t("progress.choose_indicator"), list(labels), format_func=labels.get, key=INDICATOR_KEY
    )
    row = table[table["indicator_id"] == one].iloc[0]
    filters = selection.filters
    series = values.series(one, filters.date_from, filters.date_to)
    chart = view(
        ctx, "values", lambda: progress.values_chart(ctx.dataset, row, series, ctx.language, t), one
    )
    draw_chart(ctx, chart, "values")
    expander, is_open = lazy_expander(t("progress.indicator_table"), "progress_indicators")
    if is_open:
        with expander:
            _indicator_table(ctx, table)


def _quiet_months(ctx: PageContext) -> int:
    """The threshold, from the widget, else from ?quiet= in the link (a bad value gets a
    notice), else the default; kept in the link so a shared view keeps it."""
    low, high = QUIET_LIMITS
    if QUIET_KEY not in st.session_state:
        raw = st.query_params.get(QUIET_KEY)
        months = progress.DEFAULT_QUIET_MONTHS
        if raw is not None:
            if raw.isdigit() and low <= int(raw) <= high:
                months = int(raw)
            else:
                st.info(paragraphs(ctx.t("filters.unknown_value", param=QUIET_KEY, value=raw)))
        st.session_state[QUIET_KEY] = months
    months = st.number_input(
        ctx.t("progress.quiet_months"), min_value=low, max_value=high, step=1, key=QUIET_KEY
    )
    if months == progress.DEFAULT_QUIET_MONTHS:
        st.query_params.pop(QUIET_KEY, None)
    else:
        st.query_params[QUIET_KEY] = str(months)
    return int(months)


def gone_quiet(ctx: PageContext, selection: Selection) -> None:
    t = ctx.t
    months = _quiet_months(ctx)
    activity = last_activity(ctx.dataset, ctx.today)
    quiet = view(
        ctx,
        "quiet",
        lambda: progress.gone_quiet(ctx.dataset, selection, activity, ctx.today, months),
        months,
    )
    initiatives, areas = view(
        ctx, "quiet_rows", lambda: progress.readable_quiet(quiet, ctx.language, t), months
    )
    st.caption(paragraphs(t("progress.quiet_help", date=format_date(quiet.cutoff, ctx.language))))
    initiatives_column, areas_column = st.columns(2)
    with initiatives_column:
        st.subheader(t("progress.quiet_initiatives"))
        if initiatives.empty:
            st.success(paragraphs(t("progress.quiet_none_initiatives")))
        else:
            labels = {
                "title": t("columns.initiative"),
                "status": t("columns.status"),
                "last_activity": t("columns.last_activity"),
                "quiet_since": t("columns.quiet_since"),
            }
            cited = source_ids(initiatives["source_id"])
            draw_table(ctx, initiatives, "quiet_initiatives", cited, labels)
    with areas_column:
        st.subheader(t("progress.quiet_areas"))
        if areas.empty:
            st.success(paragraphs(t("progress.quiet_none_areas")))
        else:
            labels = {
                "name": t("columns.focus_area"),
                "last_activity": t("columns.last_activity"),
                "quiet_since": t("columns.quiet_since"),
            }
            draw_table(ctx, areas, "quiet_areas", source_ids(areas["source_id"]), labels)
