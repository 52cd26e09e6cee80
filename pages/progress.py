"""Progress: indicators against their targets, initiatives by status in each focus area,
milestones done against planned, and the commitments that have gone quiet."""

import streamlit as st

from components import progress
from components.filters import select
from components.ui import progress_view as view
from components.ui.charts import draw_chart
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
selection = select(ctx.dataset, ctx.filters)

st.title(t("progress.title"))
st.caption(t("progress.intro"))
filter_summary(selection, ctx.dataset, t)

st.header(t("progress.indicators_heading"))
view.indicators(ctx, selection)

st.header(t("progress.status_heading"))
status_chart = progress.status_by_focus_area(ctx.dataset, selection, ctx.language, t)
if draw_chart(ctx, status_chart, "status_by_focus_area"):
    st.caption(t("progress.status_help"))

st.header(t("progress.burnup_heading"))
if draw_chart(ctx, progress.burn_up(ctx.dataset, selection, ctx.today, t), "burn_up"):
    st.caption(t("progress.burnup_help"))

st.header(t("progress.quiet_heading"))
view.gone_quiet(ctx, selection)
