"""The reference page: Streamlit's floor, a title and nothing else, served like our app."""

import streamlit as st

st.title("Reference")
