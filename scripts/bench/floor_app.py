"""Streamlit's floor for pages like ours: the title-only reference plus what every page of ours
carries, built from Streamlit elements alone (no data, no code of ours).

`BENCH_FLOOR=sidebar`: a sidebar with the same kinds of widget as ours (a radio, a select box,
three multiselects, two date inputs, a button, captions). `BENCH_FLOOR=plotly`: that sidebar and
one small plotly chart, the most a chart page could hope for. Section 1 of the report measures
both against the title-only page, to show how much of a page's ratio Streamlit itself sets.
"""

import os

import plotly.graph_objects as go
import streamlit as st

floor = os.environ.get("BENCH_FLOOR", "sidebar")
st.set_page_config(layout="wide")
st.title("Reference")

sidebar = st.sidebar
sidebar.radio("Language", ["English", "中文"], horizontal=True)
sidebar.selectbox("Agreement", ["First agreement", "Second agreement"])
sidebar.caption("Data as of 1 January 2026")
sidebar.subheader("Filters")
for label in ("Focus area", "Status", "Place"):
    sidebar.multiselect(label, ["one", "two", "three"])
start, end = sidebar.columns(2)
start.date_input("From", value=None)
end.date_input("To", value=None)
sidebar.button("Clear filters", width="stretch")

if floor == "plotly":
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
