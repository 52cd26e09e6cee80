"""Entry point: page config, the shared sidebar, and routing. No page content lives here."""

from pathlib import Path

import streamlit as st

from components.ui.illustrative_banner import illustrative_banner
from components.ui.shell import draw_sidebar, presenting, problems_panel, translator

t = translator()
st.set_page_config(
    page_title=t("app.title"),
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting() else "expanded",
)
# ?present=1 on the dashboard's address opens the slides instead of the Overview.
present = st.Page(
    "pages/present.py", title=t("present.nav"), url_path="present", default=presenting()
)

# st.navigation turns off Streamlit's automatic discovery of pages/, so every page is listed here.
navigation = st.navigation(
    [
        st.Page(
            "pages/overview.py",
            title=t("overview.nav"),
            url_path="overview",
            default=not presenting(),
        ),
        st.Page("pages/map.py", title=t("map.nav"), url_path="map"),
        st.Page("pages/timeline.py", title=t("timeline.nav"), url_path="timeline"),
        st.Page("pages/progress.py", title=t("progress.nav"), url_path="progress"),
        st.Page("pages/initiatives.py", title=t("initiatives.nav"), url_path="initiatives"),
        present,
        st.Page("pages/data.py", title=t("data.nav"), url_path="data"),
    ]
)

state = draw_sidebar()
problems_panel(state, t)
illustrative_banner(state.dataset, t)
# The Data page runs even on broken files: it is where an editor uploads the fix.
if navigation.url_path == "data":
    navigation.run()
    st.stop()
if state.dataset is None:
    st.stop()
if state.dataset["agreements"].empty:
    st.info(t("app.no_agreements"))
    st.stop()

navigation.run()
