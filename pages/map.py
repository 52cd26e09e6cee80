"""Map: where the partnership's places are, what happens at each, and how the two ends link."""

import streamlit as st

from components.markdown_text import paragraphs
from components.ui import aggregates
from components.ui import map_view_ui as view
from components.ui.chart_access import map_alternative
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
# The sidebar's filters decide which initiatives the markers, arcs and lists count.
selection = aggregates.selection(ctx)

st.title(t("map.title"))
filter_summary(selection, ctx.dataset, t)
model = view.model(ctx, selection.initiatives)
if model.places.empty:
    st.info(paragraphs(t("map.no_places")))
    st.stop()

basemap = view.configured_basemap(t)
chosen_view = view.view_choice(t)
place = view.place_choice(model, t)
view.maps(model, chosen_view, place, basemap, t)
map_alternative(ctx, model)
view.legend(model, chosen_view, t)
view.sources(model, ctx.dataset, selection.initiatives, chosen_view, basemap, t, ctx.language)

if place:
    view.initiatives_at(model, place, t, ctx.language)
