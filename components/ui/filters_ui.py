"""The sidebar's filter widgets, kept in step with the link's query string.

A session's first run reads the filters from the link (dropping unknown or malformed values with
a notice); from then on the widgets are the truth and every run writes them back to the link, so a
copied address reopens the same view.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.filters import (
    EARLIEST,
    FILTER_PARAMS,
    FROM_PARAM,
    LATEST,
    TO_PARAM,
    FilterOptions,
    Filters,
    Selection,
    from_query,
)
from components.i18n import format_date, translator
from components.loader import Dataset
from components.markdown_text import escape_markdown, paragraphs
from components.ui import cached, headings

# Widget keys (session state), one per filter.
FOCUS_KEY = "filter_focus"
STATUS_KEY = "filter_status"
PLACE_KEY = "filter_place"
FROM_KEY = "filter_from"
TO_KEY = "filter_to"
# The agreement whose filters the widgets hold; a different agreement starts from no filters.
FILTERS_FOR_KEY = "filters_for_agreement"
# What was wrong with the link, and the filters it gave: the notices stay until the user changes
# a filter (a rerun alone should not hide them).
LINK_NOTICES_KEY = "filters_link_notices"


def _set_widgets(filters: Filters) -> None:
    st.session_state[FOCUS_KEY] = list(filters.focus_area_ids)
    st.session_state[STATUS_KEY] = list(filters.statuses)
    st.session_state[PLACE_KEY] = list(filters.place_ids)
    st.session_state[FROM_KEY] = filters.date_from
    st.session_state[TO_KEY] = filters.date_to


def _clear(agreement_id: str) -> None:
    _set_widgets(Filters(agreement_id))


def _from_link(agreement_id: str, options: FilterOptions, t: Callable[..., str]) -> None:
    params = {name: st.query_params.get_all(name) for name in FILTER_PARAMS}
    filters, notices = from_query(params, agreement_id, options)
    texts = []
    for notice in notices:
        values = {name: escape_markdown(value) for name, value in notice.values.items()}
        texts.append(t(notice.key, **values))
    st.session_state[LINK_NOTICES_KEY] = (filters, texts)
    _set_widgets(filters)


def _link_notices(filters: Filters) -> None:
    link_filters, texts = st.session_state.get(LINK_NOTICES_KEY, (None, []))
    if filters != link_filters:
        st.session_state.pop(LINK_NOTICES_KEY, None)
        return
    for text in texts:
        st.sidebar.info(text)


def current_filters(agreement_id: str) -> Filters:
    """The filters the sidebar's widgets hold (no filters before the sidebar has run)."""
    if st.session_state.get(FILTERS_FOR_KEY) != agreement_id:
        return Filters(agreement_id)
    date_from, date_to = st.session_state.get(FROM_KEY), st.session_state.get(TO_KEY)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return Filters(
        agreement_id=agreement_id,
        focus_area_ids=tuple(st.session_state.get(FOCUS_KEY) or ()),
        statuses=tuple(st.session_state.get(STATUS_KEY) or ()),
        place_ids=tuple(st.session_state.get(PLACE_KEY) or ()),
        date_from=date_from,
        date_to=date_to,
    )


def _write_link(filters: Filters) -> None:
    query = filters.to_query()
    for name in FILTER_PARAMS:
        if name in query:
            if st.query_params.get(name) != query[name]:
                st.query_params[name] = query[name]
        elif name in st.query_params:
            del st.query_params[name]


def draw_filters(dataset: Dataset, agreement_id: str, language: str) -> Filters:
    """Draw the filter widgets in the sidebar and return what they select."""
    t = translator(language)
    options = cached.options(dataset, agreement_id)
    if FILTERS_FOR_KEY not in st.session_state:
        _from_link(agreement_id, options, t)
    elif st.session_state[FILTERS_FOR_KEY] != agreement_id:
        _clear(agreement_id)
    st.session_state[FILTERS_FOR_KEY] = agreement_id
    # Drop choices the data no longer offers (an analyst may have edited the files meanwhile).
    for key, allowed in (
        (FOCUS_KEY, options.focus_area_ids),
        (STATUS_KEY, options.statuses),
        (PLACE_KEY, options.place_ids),
    ):
        chosen = st.session_state.get(key) or []
        st.session_state[key] = [value for value in chosen if value in allowed]

    area_names, place_names = cached.option_names(dataset, language)
    sidebar = st.sidebar
    headings.subheader(t("filters.heading"), sidebar)
    sidebar.multiselect(
        t("filters.focus"),
        options.focus_area_ids,
        key=FOCUS_KEY,
        format_func=lambda area: area_names.get(area, area),
        placeholder=t("filters.all"),
    )
    sidebar.multiselect(
        t("filters.status"),
        options.statuses,
        key=STATUS_KEY,
        format_func=lambda status: t("status." + status),
        placeholder=t("filters.all"),
    )
    sidebar.multiselect(
        t("filters.place"),
        options.place_ids,
        key=PLACE_KEY,
        format_func=lambda place: place_names.get(place, place),
        placeholder=t("filters.all"),
    )
    start, end = sidebar.columns(2)
    start.date_input(
        t("filters.from"), key=FROM_KEY, min_value=EARLIEST, max_value=LATEST, format="YYYY-MM-DD"
    )
    end.date_input(
        t("filters.to"), key=TO_KEY, min_value=EARLIEST, max_value=LATEST, format="YYYY-MM-DD"
    )
    filters = current_filters(agreement_id)
    _link_notices(filters)
    if filters.date_from != st.session_state[FROM_KEY]:
        sidebar.caption(
            paragraphs(
                t(
                    "filters.reversed_dates",
                    **{
                        FROM_PARAM: format_date(filters.date_to, language),
                        TO_PARAM: format_date(filters.date_from, language),
                    },
                )
            )
        )
    sidebar.button(t("filters.clear"), on_click=_clear, args=(agreement_id,), width="stretch")
    _write_link(filters)
    return filters


def filter_summary(selection: Selection, dataset: Dataset, t: Callable[..., str]) -> bool:
    """Say how many initiatives the filters leave; False (with a hint) when they leave none."""
    filters = selection.filters
    initiatives = dataset["initiatives"]
    total = int((initiatives["agreement_id"] == filters.agreement_id).sum())
    shown = len(selection.initiatives)
    if shown == 0 and total:
        st.info(paragraphs(t("filters.no_match")))
        return False
    if shown < total:
        st.caption(paragraphs(t("filters.active_summary", count=shown, total=total)))
    return True
