"""Presentation mode: the partnership as full-screen slides for a projector (?slide=N)."""

import streamlit as st

from components import map_view, progress, timeline
from components.ui import charts, map_view_ui
from components.ui import presentation_view as present
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
st.html(present.PROJECTOR_CSS)
position = present.slide_position(t)

if position.name == "agreement":
    present.agreement_slide(ctx)
elif position.name == "map":
    present.slide_title(t("present.map_title"), level=2)
    model = map_view_ui.model(ctx)
    basemap = map_view_ui.configured_basemap(t)
    map_view_ui.maps(model, map_view.ENDS, None, basemap, t)
    map_view_ui.legend(model, map_view.ENDS, t)
elif position.name == "timeline":
    present.slide_title(t("present.timeline_title"), level=2)
    chart = timeline.timeline_chart(ctx.dataset, present.selection(ctx), ctx.today, ctx.language, t)
    charts.draw_chart(ctx, chart, "timeline")
elif position.name == "progress":
    present.slide_title(t("present.progress_title"), level=2)
    chart = progress.status_by_focus_area(ctx.dataset, present.selection(ctx), ctx.language, t)
    charts.draw_chart(ctx, chart, "progress-by-focus-area")
elif position.name == "milestones":
    present.milestones_slide(ctx)
else:
    present.closing_slide(ctx)

st.divider()
present.controls(position, t)
