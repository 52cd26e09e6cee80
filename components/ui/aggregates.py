"""Aggregates the pages reuse across reruns, built once per dataset (keyed on the files'
signature, never on a frame): indicator values indexed for fast lookups, each initiative's last
activity, and the initiatives table in each language."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components import initiatives, progress
from components.filters import Lookups, Selection, lookups, select
from components.i18n import translator
from components.loader import Dataset
from components.ui.shell import PageContext


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
    return initiatives.initiative_table(_dataset, language, translator(language))


def initiative_table(dataset: Dataset, language: str) -> pd.DataFrame:
    return _initiative_table(dataset.signature, language, dataset)


# Filtered views and figures, shared by every session showing the same filters: a rerun that
# does not change the filters (a click elsewhere on the page, another visitor) reuses them instead
# of filtering 10,000 initiatives and a million values again. The key is one short text made from
# the files' signature and the view's settings (Streamlit hashes a text in one step, a nested
# tuple field by field); the builder itself is not hashed.
@st.cache_resource(max_entries=64, show_spinner=False)
def _view(key: str, _build: Callable[[], Any]) -> Any:
    return _build()


def _key(name: str, dataset: Dataset, settings: tuple) -> str:
    return f"{name}|{dataset.signature!r}|{settings!r}"


def view(ctx: PageContext, name: str, build: Callable[[], Any], *settings: Hashable) -> Any:
    """`build()`, remembered for this dataset, filters, language, today and `settings`."""
    key = (ctx.filters, ctx.language, ctx.today, *settings)
    return _view(_key(name, ctx.dataset, key), build)


def per_agreement(
    ctx: PageContext, name: str, build: Callable[[], Any], *settings: Hashable
) -> Any:
    """`build()`, remembered for this dataset, agreement, language and today: for what the
    sidebar's filters do not change (the Overview's card, figures and lists)."""
    key = (ctx.agreement_id, ctx.language, ctx.today, *settings)
    return _view(_key(name, ctx.dataset, key), build)


@st.cache_resource(max_entries=4, show_spinner=False)
def _lookups(signature: str, _dataset: Dataset) -> Lookups:
    return lookups(_dataset)


def selection(ctx: PageContext) -> Selection:
    """What the sidebar's filters select, remembered per dataset and filters."""
    links = _lookups(repr(ctx.dataset.signature), ctx.dataset)
    key = _key("selection", ctx.dataset, (ctx.filters,))
    return _view(key, lambda: select(ctx.dataset, ctx.filters, links))


class _ByIdentity:
    """Values derived from an object, remembered while that very object is in use.

    The views above hand every rerun the same chart and table objects, so what is derived from
    them (a text alternative, the Arrow table the browser is sent) can be kept with them. The
    entry holds the object itself, so its id cannot be reused by another while it is remembered.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[int, str], tuple[object, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owner: object, name: str, build: Callable[[], Any]) -> Any:
        key = (id(owner), name)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] is owner:
                self._entries.move_to_end(key)
                return entry[1]
        value = build()
        with self._lock:
            self._entries[key] = (owner, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value


_derived = _ByIdentity(size=128)


def derived(owner: object, name: str, build: Callable[[], Any]) -> Any:
    """`build()`, remembered for as long as `owner` (a chart, a table) is the same object."""
    return _derived.get(owner, name, build)
