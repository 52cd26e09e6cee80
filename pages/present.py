"""Presentation mode: the partnership as full-screen slides for a projector (?slide=N). Guests see
the agreement, what it set out, where, and what is recorded; ?assessments=1 (the presenter's
switch) adds the councillors' slides."""

import streamlit as st

from components import map_decks, map_model
from components.ui import cached, map_view_ui
from components.ui import presentation_view as present
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
st.html(present.PROJECTOR_CSS)
position = present.slide_position(t)
# Slides show the whole agreement, whatever the sidebar's filters say on the other pages.
everything = present.unfiltered(ctx)

if position.name == "agreement":
    present.agreement_slide(ctx)
elif position.name == "focus_areas":
    present.focus_areas_slide(ctx)
elif position.name == "map":
    present.slide_title(t("present.map_title"), level=2)
    with present.body():
        # Never tiles on a slide: a tile service's base map draws national borders, which a
        # delegation must not be shown (the operator's setting still applies to the Map page).
        no_tiles = map_decks.basemap(map_decks.TILES_OFF)
        map_view_ui.maps(ctx, None, map_model.ENDS, None, no_tiles, name_outside=False)
elif position.name == "timeline":
    present.slide_title(t("present.timeline_title"), level=2)
    chart = cached.timeline_chart(ctx.dataset, everything, ctx.today, ctx.language)
    present.slide_chart(ctx, chart, "timeline")
elif position.name == "progress":
    present.slide_title(t("present.progress_title"), level=2)
    chart = cached.status_chart(ctx.dataset, everything, ctx.language)
    present.slide_chart(ctx, chart, "progress-by-focus-area")
elif position.name == "milestones":
    present.milestones_slide(ctx, assessments=position.slides != present.GUEST_SLIDES)
else:
    present.closing_slide(ctx)

present.controls(position, t)
