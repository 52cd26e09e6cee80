"""Overview: the agreement, its headline figures, its focus areas and the sources behind them."""

import streamlit as st

from components.markdown_text import paragraphs
from components.ui import headings
from components.ui import overview_view as view
from components.ui.briefing_view import briefing_download
from components.ui.shell import page_context

ctx = page_context()
t = ctx.t

headings.title(t("overview.title"))
headings.header(t("overview.agreement_heading"))
view.agreement_card(ctx)

headings.header(t("overview.figures_heading"))
view.headline_figures(ctx)

headings.header(t("overview.focus_areas_heading"))
view.focus_areas(ctx)

headings.header(t("briefing.title"))
briefing_download(ctx)

headings.header(t("overview.sources_heading"))
st.caption(paragraphs(t("overview.sources_help")))
view.sources(ctx)
