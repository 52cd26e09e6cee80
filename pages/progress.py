"""Progress: indicators against their targets, initiatives by status in each focus area,
milestones done against planned, and the commitments that have gone quiet."""

import streamlit as st

from components.markdown_text import paragraphs
from components.ui import cached, headings, progress_view
from components.ui.charts import draw_chart
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t

headings.title(t("progress.title"))
st.caption(paragraphs(t("progress.intro")))
filter_summary(cached.selection(ctx.dataset, ctx.filters), ctx.dataset, t)

headings.header(t("progress.indicators_heading"))
progress_view.indicators(ctx)

headings.header(t("progress.status_heading"))
status_chart = cached.status_chart(ctx.dataset, ctx.filters, ctx.language)
if draw_chart(ctx, status_chart, "status_by_focus_area"):
    st.caption(paragraphs(t("progress.status_help")))

headings.header(t("progress.burnup_heading"))
burn_up = cached.burn_up(ctx.dataset, ctx.filters, ctx.today, ctx.language)
if draw_chart(ctx, burn_up, "burn_up"):
    st.caption(paragraphs(t("progress.burnup_help")))

headings.header(t("progress.quiet_heading"))
progress_view.gone_quiet(ctx)
