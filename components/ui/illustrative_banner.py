"""The "illustrative data" banner and the CSV download that carries the same mark."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.exports import csv_bytes
from components.illustrative import has_illustrative_rows
from components.loader import Dataset


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
        st.warning(t("shell.illustrative_banner"))


def csv_download(
    label: str, frame: pd.DataFrame, file_name: str, dataset: Dataset, key: str | None = None
) -> None:
    """A CSV download of `frame`, formulas neutralised and marked when the data is illustrative."""
    st.download_button(
        label,
        data=csv_bytes(frame, illustrative=shows_illustrative(dataset)),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
    )
