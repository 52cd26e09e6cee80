"""Aggregates the pages reuse across reruns, built once per dataset (keyed on the files'
signature, never on a frame): indicator values indexed for fast lookups, each initiative's last
activity, and the initiatives table in each language."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import initiatives, progress
from components.i18n import translate
from components.loader import Dataset


@st.cache_resource(max_entries=4, show_spinner=False)
def _indicator_values(signature: tuple, _dataset: Dataset) -> progress.IndicatorValues:
    return progress.IndicatorValues(_dataset["indicator_values"])


def indicator_values(dataset: Dataset) -> progress.IndicatorValues:
    return _indicator_values(dataset.signature, dataset)


@st.cache_resource(max_entries=4, show_spinner=False)
def _last_activity(signature: tuple, today: date, _dataset: Dataset) -> pd.Series:
    return progress.last_activity(_dataset, indicator_values(_dataset), today)


def last_activity(dataset: Dataset, today: date) -> pd.Series:
    return _last_activity(dataset.signature, today, dataset)


@st.cache_resource(max_entries=8, show_spinner=False)
def _initiative_table(signature: tuple, language: str, _dataset: Dataset) -> pd.DataFrame:
    def t(key: str, **values: object) -> str:
        return translate(key, language, **values)

    return initiatives.initiative_table(_dataset, language, t)


def initiative_table(dataset: Dataset, language: str) -> pd.DataFrame:
    return _initiative_table(dataset.signature, language, dataset)
