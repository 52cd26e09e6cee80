"""Drawing the Overview's sections. The figures come from `components.overview`, their text from
`components.overview_text`."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.i18n import (
    BILINGUAL,
    format_date,
    format_number,
    join,
    stacked,
)
from components.markdown_text import all_linkable, paragraphs
from components.markdown_text import escape_markdown as md
from components.overview import Figure
from components.overview_text import MAX_TRACE_ROWS, bold, name_text
from components.ui import cached, headings
from components.ui.lazy_expander import lazy_expander
from components.ui.shell import PageContext

# Statuses older than this are shown with a reminder that they are the last known position.
STALE_AFTER_DAYS = 365


def agreement_card(ctx: PageContext) -> None:
    card = cached.agreement_card(ctx.dataset, ctx.agreement_id, ctx.language)
    with st.container(border=True):
        headings.subheader(card.title)
        if card.title_note:
            st.caption(paragraphs(card.title_note))
        st.markdown(paragraphs(card.signed_line))
        st.markdown(paragraphs(card.summary))
        st.markdown(one_above_other(bold(card.signatories_heading)))
        for column, (heading, parties) in zip(st.columns(len(card.sides)), card.sides, strict=True):
            with column:
                st.markdown(one_above_other(heading))
                st.markdown(parties)
        if card.others_heading:
            st.markdown(one_above_other(bold(card.others_heading)))
            st.markdown(card.others)
        if card.people_heading:
            with st.expander(card.people_heading):
                st.markdown(card.people)
                st.caption(paragraphs(card.people_note))
        st.caption(paragraphs(card.source_line))


def one_above_other(text: str) -> str:
    """Markdown for a short label (a bold heading inside a card): in the bilingual layout its
    English on one line and its Chinese under it, each whole."""
    return stacked(text, "  \n")


def _metric(column: DeltaGenerator, label: str, value: str, ctx: PageContext) -> None:
    """A headline figure. In the bilingual layout its label is stacked above it, English over
    Chinese, rather than cut to fit one line of a narrow column."""
    if ctx.language == BILINGUAL:
        column.markdown(one_above_other(bold(md(label))))
        column.metric(label, value, label_visibility="collapsed")
    else:
        column.metric(label, value)


def _figure(figures: list[Figure], key: str) -> Figure | None:
    return next((figure for figure in figures if figure.key == key), None)


def headline_figures(ctx: PageContext) -> None:
    t, language = ctx.t, ctx.language
    headline = cached.headline_figures(ctx.dataset, ctx.agreement_id, ctx.today, ctx.language)
    figures, traces = headline.figures, headline.traces
    total = _figure(figures, "initiatives_total")
    by_status = [f for f in figures if f.key.startswith("initiatives_") and f is not total]
    done = _figure(figures, "milestones_done")
    planned = _figure(figures, "milestones_planned")
    days = _figure(figures, "days_since_signing")
    upcoming = _figure(figures, "next_milestone")

    columns = st.columns(5)
    _metric(columns[0], t("figures.initiatives"), format_number(total.value, language), ctx)
    counts = [
        t(
            "figures.status_count",
            count=f.value,
            status=t("status." + f.key.removeprefix("initiatives_")),
        )
        for f in by_status
    ]
    columns[0].caption(
        paragraphs(join(counts, language)) if counts else t("figures.no_initiatives")
    )
    _metric(columns[1], t("figures.milestones_done"), format_number(done.value, language), ctx)
    _metric(
        columns[2], t("figures.milestones_planned"), format_number(planned.value, language), ctx
    )
    if planned.detail["overdue"]:
        columns[2].caption(paragraphs(t("figures.overdue", count=planned.detail["overdue"])))
    unknown = t("common.unknown_value")
    days_value = unknown if days.value is None else format_number(days.value, language)
    _metric(columns[3], t("figures.days_since_signing"), days_value, ctx)
    signed = format_date(days.detail["signed_on"], language)
    columns[3].caption(paragraphs(t("figures.signed_on", date=signed)))
    # The next milestone as a number of days, like the signing: a written-out date does not fit
    # a fifth of the page at a headline's size, least of all in two languages.
    if upcoming.value is None:
        _metric(columns[4], t("figures.days_to_next"), t("figures.none_scheduled"), ctx)
        undated = upcoming.detail["undated"]
        note = t("figures.undated", count=undated) if undated else t("figures.no_date_yet")
    else:
        _metric(columns[4], t("figures.days_to_next"), format_number(upcoming.value, language), ctx)
        note = t(
            "figures.next_milestone_on",
            date=format_date(upcoming.detail["date"], language),
            title=name_text(upcoming.detail["milestone"], "title", language),
        )
    columns[4].caption(paragraphs(note))

    _stale_status_notice(ctx)
    expander, is_open = lazy_expander(t("figures.where_from"), "overview_where_from")
    if not is_open:
        return
    with expander:
        st.caption(paragraphs(t("figures.where_from_help")))
        for figure in [total, *by_status, done, planned, days, upcoming]:
            heading = t("figures.trace." + _trace_key(figure.key))
            if figure in by_status:
                status = t("status." + figure.key.removeprefix("initiatives_"))
                heading = t("figures.trace_status", heading=heading, status=status)
            st.markdown(one_above_other(bold(heading)))
            if figure.rows.empty:
                st.caption(paragraphs(t("figures.no_rows")))
            else:
                if len(figure.rows) > MAX_TRACE_ROWS:
                    st.caption(
                        paragraphs(
                            t("charts.rows_cut", shown=MAX_TRACE_ROWS, total=len(figure.rows))
                        )
                    )
                st.dataframe(traces[figure.key], hide_index=True, width="stretch")


def _trace_key(key: str) -> str:
    return (
        "initiatives_by_status"
        if key.startswith("initiatives_") and key != "initiatives_total"
        else key
    )


def _stale_status_notice(ctx: PageContext) -> None:
    as_of = ctx.dataset.status_as_of
    if as_of is None:
        return
    age_days = (pd.Timestamp(ctx.today) - as_of).days
    if age_days > STALE_AFTER_DAYS:
        notice = ctx.t(
            "figures.stale_status", date=format_date(as_of, ctx.language), count=age_days // 365
        )
        st.info(paragraphs(notice))


def focus_areas(ctx: PageContext) -> None:
    t = ctx.t
    for block in cached.focus_area_blocks(ctx.dataset, ctx.agreement_id, ctx.language):
        with st.container(border=True):
            st.markdown(one_above_other(block.heading))
            if block.caption:
                st.caption(paragraphs(block.caption))
            if not block.listed:
                st.markdown(t("overview.no_initiatives_in_area"))
                continue
            st.markdown(block.listed)
            if block.left_out:
                st.caption(paragraphs(t("briefing.more_lines", count=block.left_out)))


def sources(ctx: PageContext) -> None:
    frame = cached.sources_table(ctx.dataset, ctx.language)
    url = ctx.t("columns.url")
    config = None
    if frame[url].eq("").all():  # no address to link to: the column says so in words
        frame = frame.assign(**{url: ctx.t("common.not_recorded")})
    elif all_linkable(frame[url]):
        config = {url: st.column_config.LinkColumn()}
    # Otherwise some address is not http or https (or not an address at all): every address
    # is shown as text, since a link column would make that one a link too.
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
