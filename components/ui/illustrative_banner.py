"""The "illustrative data" banner, drawn once above every page when the data is generated.

(CSV downloads carry the same mark through components.ui.charts.download.)"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.illustrative import has_illustrative_rows
from components.loader import Dataset
from components.markdown_text import paragraphs


# Decided once per dataset, not on every rerun: at a million indicator values the check costs
# tens of milliseconds. The signature identifies the files; the dataset itself is not hashed.
@st.cache_resource(max_entries=4, show_spinner=False)
def _illustrative(signature: tuple, _dataset: Dataset) -> bool:
    return has_illustrative_rows(_dataset)


def shows_illustrative(dataset: Dataset | None) -> bool:
    """True when the dataset on screen holds rows that cite an illustrative source."""
    return dataset is not None and _illustrative(dataset.signature, dataset)


def illustrative_banner(dataset: Dataset | None, t: Callable[..., str]) -> None:
    """Draw the banner once, in the shared frame above every page, when the data is generated."""
    if shows_illustrative(dataset):
        st.warning(paragraphs(t("shell.illustrative_banner")))
