"""Streamlit's floor for our pages: the same pages, each drawing the same elements as ours (read
from a real run of the page by floor_spec.py, in `BENCH_FLOOR_SPEC`) from trivial data, and
nothing of ours: no data read, no code of the app.

It is routed like ours (the same titles and addresses in the sidebar's navigation), so the bench
can click from page to page in it exactly as in the app.
"""

import json
import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pydeck
import streamlit as st

SPEC = json.loads(Path(os.environ["BENCH_FLOOR_SPEC"]).read_text(encoding="utf-8"))
TABLE = pd.DataFrame({"Name": ["one", "two", "three"], "Value": [1, 3, 2]})
POINTS = pd.DataFrame({"lon": [-1.26, 116.68, 114.5], "lat": [51.75, 39.54, 38.0]})
CHOICES = ["one", "two", "three"]


def bar_chart() -> go.Figure:
    return go.Figure(go.Bar(x=TABLE["Name"], y=TABLE["Value"]))


def deck() -> pydeck.Deck:
    # No base map: the app draws none either unless an operator turns tiles on.
    layer = pydeck.Layer("ScatterplotLayer", POINTS, get_position="[lon, lat]", get_radius=50_000)
    view = pydeck.ViewState(longitude=60, latitude=45, zoom=1)
    return pydeck.Deck(layers=[layer], initial_view_state=view, map_style=None)


def draw_element(place, kind: str, key: str, title: str) -> None:
    simple = {
        "header": lambda: place.header("Section"),
        "subheader": lambda: place.subheader("Part"),
        "markdown": lambda: place.markdown("A line of **text**."),
        "caption": lambda: place.caption("A caption."),
        "html": lambda: place.html("<p>Text.</p>"),
        "divider": lambda: place.divider(),
        "metric": lambda: place.metric("Count", 3),
        "dataframe": lambda: place.dataframe(TABLE),
        "info": lambda: place.info("A note."),
        "warning": lambda: place.warning("A warning."),
        "error": lambda: place.error("An error."),
        "success": lambda: place.success("Done."),
    }
    widgets = {
        "download_button": lambda: place.download_button(
            "Download", b"Name,Value\none,1\n", file_name="floor.csv", key=key
        ),
        "text_input": lambda: place.text_input("Search", key=key),
        "number_input": lambda: place.number_input("Number", value=1, key=key),
        "selectbox": lambda: place.selectbox("Choose", CHOICES, key=key),
        "multiselect": lambda: place.multiselect("Choose some", CHOICES, key=key),
        "radio": lambda: place.radio("Pick", CHOICES[:2], horizontal=True, key=key),
        "date_input": lambda: place.date_input("Date", value=None, key=key),
        "button": lambda: place.button("Press", key=key),
        "button_group": lambda: place.segmented_control(
            "View", CHOICES[:2], default=CHOICES[0], key=key
        ),
        "toggle": lambda: place.toggle("Switch", key=key),
        "checkbox": lambda: place.checkbox("Tick", key=key),
        "plotly_chart": lambda: place.plotly_chart(bar_chart(), key=key),
        "deck_gl_json_chart": lambda: place.pydeck_chart(deck(), height=460, key=key),
    }
    if kind == "title":
        place.title(title)
    elif kind in simple:
        simple[kind]()
    elif kind in widgets:
        widgets[kind]()
    else:
        place.markdown(f"({kind})")  # floor_spec.undrawn_kinds names these in the report


def draw(place, items: list[dict], key: str, title: str) -> None:
    for index, item in enumerate(items):
        here = f"{key}.{index}"
        if "element" in item:
            draw_element(place, item["element"], here, title)
        elif "columns" in item:
            for n, (column, children) in enumerate(
                zip(place.columns(item["weights"]), item["columns"], strict=True)
            ):
                draw(column, children, f"{here}.{n}", title)
        elif "expander" in item:
            draw(place.expander("More", expanded=item["expanded"]), item["expander"], here, title)
        elif "tabs" in item:
            names = [f"Tab {n + 1}" for n in range(len(item["tabs"]))]
            for n, (tab, children) in enumerate(zip(place.tabs(names), item["tabs"], strict=True)):
                draw(tab, children, f"{here}.{n}", title)
        else:
            draw(place.container(), item["container"], here, title)


def page_function(page: dict):
    def run() -> None:
        draw(st, page.get("main", []), page["url_path"], page["title"])

    # st.Page names a callable page by its function's name unless given url_path; give both.
    run.__name__ = page["url_path"]
    return run


st.set_page_config(layout="wide")
pages = {
    page["url_path"]: st.Page(
        page_function(page),
        title=page["title"],
        url_path=page["url_path"],
        default=page["default"],
    )
    for page in SPEC["pages"]
}
navigation = st.navigation(list(pages.values()))
# The default page answers with an empty url_path: match on the title, unique per page.
current = next(p for p in SPEC["pages"] if p["title"] == navigation.title)
draw(st.sidebar, current.get("sidebar", []), "sidebar", current["title"])
navigation.run()
