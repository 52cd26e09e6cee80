"""The Overview's "Briefing pack (PDF)" download: the current agreement, filters and language."""

from __future__ import annotations

import dataclasses
from functools import partial

import streamlit as st

from components.briefing import build_briefing
from components.briefing_changes import Changes, changes_since
from components.markdown_text import escape_markdown, paragraphs
from components.pdf_pack import pack_pdf
from components.ui.shell import PageContext

SINCE_KEY = "briefing_since"
DOWNLOAD_KEY = "briefing_download"


def _pack(ctx: PageContext, changes: Changes | None) -> bytes:
    filters = dataclasses.replace(ctx.filters, agreement_id=ctx.agreement_id)
    briefing = build_briefing(ctx.dataset, filters, ctx.today, ctx.language, changes)
    return pack_pdf(briefing)


def briefing_download(ctx: PageContext) -> None:
    """The download button (the PDF is made only when it is pressed) and the optional "what
    changed since" version or date."""
    t = ctx.t
    st.caption(paragraphs(t("briefing.download_help")))
    since = st.text_input(t("briefing.since_label"), key=SINCE_KEY, help=t("briefing.since_help"))
    changes = None
    if since.strip():
        try:
            changes = changes_since(ctx.dataset, ctx.agreement_id, since, ctx.language)
        except ValueError as error:
            st.warning(paragraphs(t("briefing.since_invalid", reason=escape_markdown(str(error)))))
    st.download_button(
        t("briefing.download"),
        data=partial(_pack, ctx, changes),
        file_name=f"briefing-{ctx.agreement_id}-{ctx.language}.pdf",
        mime="application/pdf",
        key=DOWNLOAD_KEY,
        on_click="ignore",
        type="primary",
    )
