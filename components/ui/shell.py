"""The frame every page shares: the sidebar (agreement, data freshness, data problems) and the
context a page reads (dataset, chosen agreement, language, today)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import streamlit as st

from components import i18n
from components.clock import today
from components.filters import Filters
from components.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_date, joined
from components.loader import Dataset
from components.markdown_text import escape_markdown, paragraphs
from components.overview import agreements
from components.problems import Severity, report_frame, report_headings
from components.table_views import neutralised
from components.ui import cached
from components.ui.data import DataState, current_data
from components.ui.filters_ui import current_filters, draw_filters

# Widget keys and query parameters: named once, so a shared link and the widgets agree.
AGREEMENT_KEY = "agreement"
LANGUAGE_KEY = "lang"
PRESENT_KEY = "present"
# How each language choice is named in the switch, in its own script.
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "both": "English + 中文"}


@dataclass(frozen=True)
class PageContext:
    dataset: Dataset
    agreement_id: str
    language: str
    today: date
    t: Callable[..., str]
    # The sidebar's shared filters (focus areas, statuses, places, dates) for this agreement.
    filters: Filters = field(default_factory=Filters)


def language() -> str:
    """The chosen language: the switch's value, else ?lang= from the link, else English."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen in LANGUAGES:
        return chosen
    requested = st.query_params.get(LANGUAGE_KEY)
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def presenting() -> bool:
    """True when the link asks for presentation mode (?present=1)."""
    return st.query_params.get(PRESENT_KEY) == "1"


def _language_switch() -> None:
    """English, 中文 or both; kept in the URL (?lang=) so it survives page changes and links."""
    if st.session_state.get(LANGUAGE_KEY) not in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = language()
    st.sidebar.radio(
        "Language · 语言",
        LANGUAGES,
        key=LANGUAGE_KEY,
        format_func=LANGUAGE_NAMES.get,
        horizontal=True,
    )
    st.query_params[LANGUAGE_KEY] = language()


def translator() -> Callable[..., str]:
    return i18n.translator(language())


@cache
def _language_script() -> str:
    return (Path(__file__).parent / "scripts" / "language.js").read_text(encoding="utf-8")


def mark_language() -> None:
    """Tell the browser which text is Chinese (lang="zh-Hans"), for screen readers and for
    Chinese glyph forms. The script is ours and fixed; no data text is part of it, and it only
    sets attributes, never text."""
    mode = language()  # one of LANGUAGES, never a value from the link as it was typed
    script = _language_script().replace("{mode}", mode)
    st.sidebar.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def _agreement_choice(dataset: Dataset, t: Callable[..., str]) -> str:
    titles = cached.agreement_titles(dataset, language())
    ids = list(titles)
    requested = st.query_params.get(AGREEMENT_KEY)
    if st.session_state.get(AGREEMENT_KEY) not in ids:
        if requested and requested not in ids:
            st.sidebar.info(
                paragraphs(t("shell.unknown_agreement_in_link", value=escape_markdown(requested)))
            )
        st.session_state[AGREEMENT_KEY] = requested if requested in ids else ids[0]
    choice = st.sidebar.selectbox(
        t("shell.agreement"),
        ids,
        key=AGREEMENT_KEY,
        format_func=titles.get,
        disabled=len(ids) == 1,
    )
    st.query_params[AGREEMENT_KEY] = choice
    return choice


def _freshness(dataset: Dataset, t: Callable[..., str]) -> None:
    lines = [
        t("shell.status_as_of", date=format_date(dataset.status_as_of, language())),
        t(
            "shell.files_changed",
            date=format_date(dataset.files_changed_at, language()),
            time=dataset.files_changed_at.strftime("%H:%M"),
        ),
    ]
    # In the bilingual layout the English lines come first, then the Chinese ones.
    st.sidebar.caption(paragraphs(joined("  \n", lines)))


def problems_panel(state: DataState, t: Callable[..., str]) -> None:
    """Tell users, in plain words, that the data files have problems (or the shared store does
    not answer) and what is shown instead."""
    if state.store_unavailable is not None:  # the reason is in the server's log
        if state.dataset is not None:
            st.warning(paragraphs(t("shell.store_unavailable_showing_last")))
        else:
            st.error(paragraphs(t("shell.store_unavailable_nothing_to_show")))
    errors = [p for p in state.problems if p.severity is not Severity.WARNING]
    if not errors:
        return
    if state.showing_last_valid:
        st.warning(paragraphs(t("shell.files_invalid_showing_last", count=len(errors))))
    else:
        st.error(paragraphs(t("shell.files_invalid_nothing_to_show", count=len(errors))))
    with st.expander(t("shell.problems_details"), expanded=not state.showing_last_valid):
        # The analysts' report, its problems, fixes and headings in the page's language.
        report = report_frame(errors, language()).rename(columns=report_headings(language()))
        # The values quoted are the files' own, formula-like text among them: neutralised for
        # the grid's own download.
        shown = neutralised(report)
        st.dataframe(shown, hide_index=True, width="stretch")


def draw_sidebar() -> DataState:
    """Draw the shared sidebar once per run (from app.py) and return the data state."""
    _language_switch()
    t = translator()
    state = current_data()
    if state.dataset is not None:
        agreement_id = _agreement_choice(state.dataset, t)
        _freshness(state.dataset, t)
        draw_filters(state.dataset, agreement_id, language())
    mark_language()
    return state


def route_through_app() -> None:
    """Make a first visit straight to a page's address run app.py, not the page alone.

    Streamlit treats an app with a `pages/` folder as an old-style multipage app until
    st.navigation has run once in the server process, so the very first request for e.g.
    /timeline would run pages/timeline.py without app.py (no sidebar, no shared frame).
    Clearing that flag and rerunning lets app.py route the request like any other.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_context() -> PageContext:
    """What a page needs; the sidebar drawn by app.py has already chosen the agreement."""
    route_through_app()
    state = current_data()
    dataset = state.dataset
    agreement_id = st.session_state.get(AGREEMENT_KEY)
    ids = set(dataset["agreements"]["agreement_id"])
    if agreement_id not in ids:
        agreement_id = agreements(dataset)["agreement_id"].iloc[0]
    return PageContext(
        dataset, agreement_id, language(), today(), translator(), current_filters(agreement_id)
    )
