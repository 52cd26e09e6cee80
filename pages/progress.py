"""Progress: indicators against their targets, initiatives by status in each focus area,
milestones done against planned, and the commitments that have gone quiet."""

import streamlit as st

from components import progress
from components.markdown_text import paragraphs
from components.ui import progress_view
from components.ui.aggregates import selection, view
from components.ui.charts import draw_chart
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
chosen = selection(ctx)

st.title(t("progress.title"))
st.caption(paragraphs(t("progress.intro")))
filter_summary(chosen, ctx.dataset, t)

st.header(t("progress.indicators_heading"))
progress_view.indicators(ctx, chosen)

st.header(t("progress.status_heading"))
status_chart = view(
    ctx, "status", lambda: progress.status_by_focus_area(ctx.dataset, chosen, ctx.language, t)
)
if draw_chart(ctx, status_chart, "status_by_focus_area"):
    st.caption(paragraphs(t("progress.status_help")))

st.header(t("progress.burnup_heading"))
burn_up = view(
    ctx, "burn_up", lambda: progress.burn_up(ctx.dataset, chosen, ctx.today, ctx.language, t)
)
if draw_chart(ctx, burn_up, "burn_up"):
    st.caption(paragraphs(t("progress.burnup_help")))

st.header(t("progress.quiet_heading"))
progress_view.gone_quiet(ctx, chosen)
