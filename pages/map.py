"""Map: where the partnership's places are, what happens at each, and how the two ends link."""

import streamlit as st

from components.markdown_text import paragraphs
from components.ui import cached
from components.ui import map_view_ui as view
from components.ui.chart_access import map_alternative
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t
# The sidebar's filters decide which initiatives the markers, arcs and lists count.
selection = cached.selection(ctx.dataset, ctx.filters)

st.title(t("map.title"))
filter_summary(selection, ctx.dataset, t)
shown = cached.map_view(ctx.dataset, ctx.agreement_id, ctx.filters, ctx.language)
if shown.model.places.empty:
    st.info(paragraphs(t("map.no_places")))
    st.stop()

basemap = view.configured_basemap(t)
chosen_view = view.view_choice(t)
place = view.place_choice(shown, t)
view.maps(ctx, ctx.filters, chosen_view, place, basemap)
map_alternative(ctx, shown.alternative)
view.legend(shown.model, chosen_view, t)
view.sources(shown.model, ctx.dataset, selection.initiatives, chosen_view, basemap, ctx.language)

if place:
    view.initiatives_at(shown.model, place, ctx.language)
