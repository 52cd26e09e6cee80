"""Timeline: what happened when. Initiatives from start to end by focus area, milestones as
markers, then the milestones as a dated list."""

import streamlit as st

from components.markdown_text import paragraphs
from components.ui import cached, headings
from components.ui.charts import draw_chart, draw_table
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t

headings.title(t("timeline.title"))
st.caption(paragraphs(t("timeline.intro")))
filter_summary(cached.selection(ctx.dataset, ctx.filters), ctx.dataset, t)

headings.header(t("timeline.chart_heading"))
chart = cached.timeline_chart(ctx.dataset, ctx.filters, ctx.today, ctx.language)
if draw_chart(ctx, chart, "timeline"):
    st.caption(paragraphs(t("timeline.legend_help")))

headings.header(t("timeline.milestones_heading"))
milestones = cached.milestone_table(ctx.dataset, ctx.filters, ctx.language)
if milestones.empty:
    st.info(paragraphs(t("timeline.no_milestones")))
else:
    draw_table(ctx, milestones)
