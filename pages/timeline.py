"""Timeline: what happened when. Initiatives from start to end by focus area, milestones as
markers, then the milestones as a dated list."""

import streamlit as st

from components import timeline
from components.markdown_text import paragraphs
from components.ui.aggregates import derived, selection, view
from components.ui.charts import draw_chart, draw_table
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
chosen = selection(ctx)

st.title(t("timeline.title"))
st.caption(paragraphs(t("timeline.intro")))
filter_summary(chosen, ctx.dataset, t)

st.header(t("timeline.chart_heading"))
chart = view(
    ctx,
    "timeline",
    lambda: timeline.timeline_chart(ctx.dataset, chosen, ctx.today, ctx.language, t),
)
if draw_chart(ctx, chart, "timeline"):
    st.caption(paragraphs(t("timeline.legend_help")))

st.header(t("timeline.milestones_heading"))
milestones = view(
    ctx, "milestones", lambda: timeline.milestone_list(ctx.dataset, chosen, ctx.language, t)
)
if milestones.empty:
    st.info(paragraphs(t("timeline.no_milestones")))
else:
    sources = derived(
        milestones, "sources", lambda: tuple(sorted(milestones["source_id"].unique()))
    )
    draw_table(
        ctx,
        milestones,
        "milestones",
        sources,
        labels={
            "date": t("columns.date"),
            "title": t("columns.title"),
            "status": t("columns.status"),
            "kind": t("columns.milestone_kind"),
            "initiative": t("columns.initiative"),
            "note": t("columns.note"),
            "source": t("columns.source"),
        },
    )
