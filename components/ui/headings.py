"""Headings in the page's language; in the bilingual layout the English heading with the Chinese
one under it, each language whole (never "Heading · 标题" run on in one line)."""

from __future__ import annotations

import streamlit as st

from components.i18n import Bilingual

# Markdown heading levels of st.title, st.header and st.subheader.
TITLE, HEADER, SUBHEADER = 1, 2, 3


def heading_markdown(text: str, level: int) -> str:
    """Markdown for a heading at `level`; a bilingual one puts its Chinese on the next line, one
    level down (the page keeps one heading of each level per section)."""
    if isinstance(text, Bilingual) and not text.single:
        return f"{'#' * level} {text.en}\n{'#' * min(level + 1, 6)} {text.zh}"
    return f"{'#' * level} {text}"


def heading(text: str, level: int, container=st) -> None:
    """A heading in `container` (the page, a column, the sidebar)."""
    if isinstance(text, Bilingual) and not text.single:
        container.markdown(heading_markdown(text, level))
    else:
        {TITLE: container.title, HEADER: container.header, SUBHEADER: container.subheader}.get(
            level, container.subheader
        )(text)


def title(text: str) -> None:
    heading(text, TITLE)


def header(text: str) -> None:
    heading(text, HEADER)


def subheader(text: str, container=st) -> None:
    heading(text, SUBHEADER, container)
