"""Data: downloads and templates; editors upload or edit, check, preview, apply, roll back."""

import streamlit as st

from components.contract import load_contract
from components.markdown_text import paragraphs
from components.ui import data_page as view
from components.ui import headings
from components.ui.auth import current_editor, sign_in, signed_in_bar
from components.ui.shell import route_through_app, translator

# Once per session, like page_context(): a later rerun must keep its button clicks.
if not st.session_state.get(view.ROUTED_KEY):
    st.session_state[view.ROUTED_KEY] = True
    route_through_app()
t = translator()
contract = load_contract()

headings.title(t("data.title"))
st.caption(paragraphs(t("data.intro")))
store = view.opened_store(t, contract)
if store is None:
    st.stop()
view.downloads(t, store, contract)

editor = current_editor()
if editor is None:
    # Viewers get the sign-in prompt and nothing that could change the data.
    headings.header(t("data.editors_heading"))
    sign_in(t)
    st.stop()

signed_in_bar(editor, t)
if not view.recovered(t, store):
    st.stop()
upload_tab, edit_tab = st.tabs([t("data.upload_heading"), t("data.edit_heading")])
with upload_tab:
    view.upload_section(t, store, contract)
with edit_tab:
    view.edit_section(t, store, contract)
view.change_section(t, store, contract)
view.history_section(t, store, contract)
