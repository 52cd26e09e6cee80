"""Initiatives: a searchable, sortable table of the filtered initiatives, and one initiative's
details (summary, people, places, milestones, indicators, sources), opened by ?initiative=<id>."""

import streamlit as st

from components.filters import select
from components.ui import initiatives_view as view
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t

found = view.chosen_initiative(ctx)
if found is not None:
    st.title(t("initiatives.title"))
    view.details(ctx, found)
    st.stop()

selection = select(ctx.dataset, ctx.filters)
st.title(t("initiatives.title"))
st.caption(t("initiatives.intro"))
if filter_summary(selection, ctx.dataset, t):
    view.table(ctx, selection)
