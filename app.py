"""Entry point: page config, the shared sidebar, and routing. No page content lives here."""

from pathlib import Path

import streamlit as st

from components.app_pages import APP_PAGES, DATA, PRESENT
from components.ui.illustrative_banner import illustrative_banner
from components.ui.shell import draw_sidebar, presenting, problems_panel, translator

t = translator()
st.set_page_config(
    page_title=t("app.title"),
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting() else "expanded",
)

# st.navigation turns off Streamlit's automatic discovery of pages/, so every page is listed
# (in components/app_pages.py). ?present=1 on the dashboard's address opens the slides instead
# of the Overview.
navigation = st.navigation(
    [
        st.Page(
            page.script,
            title=t(page.title_key),
            url_path=page.url_path,
            default=(page is PRESENT) if presenting() else page.default,
        )
        for page in APP_PAGES
    ]
)

state = draw_sidebar()
problems_panel(state, t)
illustrative_banner(state.dataset, t)
# The Data page runs even on broken files: it is where an editor uploads the fix.
if navigation.url_path == DATA.url_path:
    navigation.run()
    st.stop()
if state.dataset is None:
    st.stop()
if state.dataset["agreements"].empty:
    st.info(t("app.no_agreements"))
    st.stop()

navigation.run()
