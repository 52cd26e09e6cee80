"""Initiatives: a searchable, sortable table of the filtered initiatives, and one initiative's
details (summary, people, places, milestones, indicators, sources), opened by ?initiative=<id>."""

import streamlit as st

from components.markdown_text import paragraphs
from components.ui import cached, headings, initiatives_view
from components.ui.filters_ui import filter_summary
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t

found = initiatives_view.chosen_initiative(ctx)
if found is not None:
    headings.title(t("initiatives.title"))
    initiatives_view.details(ctx, found)
    st.stop()

headings.title(t("initiatives.title"))
st.caption(paragraphs(t("initiatives.intro")))
if filter_summary(cached.selection(ctx.dataset, ctx.filters), ctx.dataset, t):
    initiatives_view.table(ctx)
