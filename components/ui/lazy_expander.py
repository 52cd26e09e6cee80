"""An expander whose content is built only while it is open.

A collapsed `st.expander` still has its content computed, sent and drawn by the browser, hidden.
Text alternatives and "where from" tables sit under every chart, so on most pages those hidden
tables were the larger part of what a visit drew. Tracking the expander's state (a key and
`on_change="rerun"`) lets the page skip them until someone opens one; opening it reruns the page
and the content appears in place, and it stays open for the rest of the visit.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# Session-state keys of these expanders start with this, so tests can find and open them.
KEY_PREFIX = "open_"


def lazy_expander(label: str, name: str) -> tuple[DeltaGenerator, bool]:
    """The expander and whether it is open; draw its content only when it is."""
    expander = st.expander(label, key=KEY_PREFIX + name, on_change="rerun")
    return expander, bool(expander.open)
