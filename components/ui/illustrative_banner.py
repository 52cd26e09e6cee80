"""The "illustrative data" banner, drawn once above every page when the data is generated.

(CSV downloads carry the same mark through components.ui.charts.download.)"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.loader import Dataset
from components.markdown_text import paragraphs
from components.ui import cached


def shows_illustrative(dataset: Dataset | None) -> bool:
    """True when the dataset on screen holds rows that cite an illustrative source."""
    return dataset is not None and cached.shows_illustrative(dataset)


def illustrative_banner(dataset: Dataset | None, t: Callable[..., str]) -> None:
    """Draw the banner once, in the shared frame above every page, when the data is generated."""
    if shows_illustrative(dataset):
        st.warning(paragraphs(t("shell.illustrative_banner")))
