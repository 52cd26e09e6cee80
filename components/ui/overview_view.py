"""Drawing the Overview's sections. The figures themselves come from `components.overview`."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from babel import Locale

from components import overview
from components.i18n import BABEL_LOCALES, FORMAT_LANGUAGE, format_date, format_number
from components.markdown_text import escape_markdown as md
from components.overview import Figure, localised
from components.ui.shell import PageContext

# Statuses older than this are shown with a reminder that they are the last known position.
STALE_AFTER_DAYS = 365
# Past these, long lists are cut with a note: at ten thousand initiatives, sending every row to
# the browser on each rerun costs seconds (see docs/benchmarks.md); the Initiatives page lists all.
MAX_TRACE_ROWS = 1000
MAX_LISTED_PER_AREA = 50


def _text(row: pd.Series, base: str, ctx: PageContext) -> str:
    """Data text in the page's language, escaped, marked when it is the other language's text."""
    text, is_fallback = localised(row, base, ctx.language)
    if not text:
        return md(ctx.t("common.not_recorded"))
    return md(text) + (f" *({ctx.t('common.untranslated')})*" if is_fallback else "")


def _country_name(code: str, ctx: PageContext) -> str:
    if code == "unknown":
        return ctx.t("overview.country_unknown")
    locale = Locale.parse(BABEL_LOCALES[FORMAT_LANGUAGE[ctx.language]])
    return locale.territories.get(code, code)


def _source_line(dataset, source_id: str, ctx: PageContext) -> str:
    sources = dataset["sources"]
    row = sources[sources["source_id"] == source_id].iloc[0]
    return ctx.t(
        "common.source_line",
        title=md(row["title"]),
        date=format_date(row["published_on"], ctx.language),
    )


def agreement_card(ctx: PageContext) -> None:
    dataset, t = ctx.dataset, ctx.t
    agreement = overview.agreement_row(dataset, ctx.agreement_id)
    with st.container(border=True):
        st.subheader(_text(agreement, "title", ctx))
        st.markdown(
            t(
                "overview.signed_line",
                kind=t(f"agreement_kind.{agreement['kind']}"),
                date=format_date(agreement["signed_on"], ctx.language),
                place=md(
                    overview.place_name(dataset, agreement["place_id"], ctx.language)
                    or t("common.not_recorded")
                ),
            )
        )
        st.markdown(_text(agreement, "summary", ctx))
        sides = overview.parties_by_side(dataset, ctx.agreement_id)
        for column, (country, parties) in zip(st.columns(len(sides)), sides.items(), strict=True):
            with column:
                st.markdown(f"**{md(_country_name(country, ctx))}**")
                st.markdown(
                    "\n".join(
                        f"- {_text(party, 'name', ctx)} · {t('party_role.' + party['role'])}"
                        for _, party in parties.iterrows()
                    )
                )
        people = overview.people_for_agreement(dataset, ctx.agreement_id)
        if len(people):
            with st.expander(t("overview.people_named", count=len(people))):
                st.markdown(
                    "\n".join(
                        f"- **{_text(person, 'name', ctx)}**, {_text(person, 'title', ctx)} "
                        f"({_text(person, 'party_name', ctx)}). {_text(person, 'note', ctx)}"
                        for _, person in people.iterrows()
                    )
                )
        st.caption(_source_line(dataset, agreement["source_id"], ctx))


def _figure(figures: list[Figure], key: str) -> Figure | None:
    return next((figure for figure in figures if figure.key == key), None)


def headline_figures(ctx: PageContext, figures: list[Figure]) -> None:
    t = ctx.t
    total = _figure(figures, "initiatives_total")
    by_status = [f for f in figures if f.key.startswith("initiatives_") and f is not total]
    done = _figure(figures, "milestones_done")
    planned = _figure(figures, "milestones_planned")
    days = _figure(figures, "days_since_signing")
    upcoming = _figure(figures, "next_milestone")

    columns = st.columns(5)
    columns[0].metric(t("figures.initiatives"), format_number(total.value, ctx.language))
    columns[0].caption(
        ", ".join(
            t(
                "figures.status_count",
                count=f.value,
                status=t("status." + f.key.removeprefix("initiatives_")),
            )
            for f in by_status
        )
        or t("figures.no_initiatives")
    )
    columns[1].metric(t("figures.milestones_done"), format_number(done.value, ctx.language))
    columns[2].metric(t("figures.milestones_planned"), format_number(planned.value, ctx.language))
    if planned.detail["overdue"]:
        columns[2].caption(t("figures.overdue", count=planned.detail["overdue"]))
    columns[3].metric(
        t("figures.days_since_signing"),
        format_number(days.value, ctx.language)
        if days.value is not None
        else t("common.unknown_value"),
    )
    columns[3].caption(
        t("figures.signed_on", date=format_date(days.detail["signed_on"], ctx.language))
    )
    if upcoming.value is None:
        columns[4].metric(t("figures.next_milestone"), t("figures.none_scheduled"))
        if upcoming.detail["undated"]:
            columns[4].caption(t("figures.undated", count=upcoming.detail["undated"]))
    else:
        columns[4].metric(
            t("figures.next_milestone"), format_date(upcoming.detail["date"], ctx.language)
        )
        columns[4].caption(_text(upcoming.detail["milestone"], "title", ctx))

    _stale_status_notice(ctx)
    with st.expander(t("figures.where_from")):
        st.caption(t("figures.where_from_help"))
        for figure in [total, *by_status, done, planned, days, upcoming]:
            st.markdown(
                f"**{t('figures.trace.' + _trace_key(figure.key))}**"
                + (
                    f" · {t('status.' + figure.key.removeprefix('initiatives_'))}"
                    if figure in by_status
                    else ""
                )
            )
            if figure.rows.empty:
                st.caption(t("figures.no_rows"))
            else:
                rows = figure.rows
                if len(rows) > MAX_TRACE_ROWS:
                    st.caption(t("charts.rows_cut", shown=MAX_TRACE_ROWS, total=len(rows)))
                    rows = rows.head(MAX_TRACE_ROWS)
                st.dataframe(rows, hide_index=True, width="stretch")


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
        st.info(
            ctx.t(
                "figures.stale_status", date=format_date(as_of, ctx.language), years=age_days // 365
            )
        )


def focus_areas(ctx: PageContext) -> None:
    t = ctx.t
    for area, initiatives in overview.focus_areas_with_initiatives(ctx.dataset, ctx.agreement_id):
        with st.container(border=True):
            if area is None:
                st.markdown(f"**{t('overview.whole_agreement')}**")
                st.caption(t("overview.whole_agreement_help"))
            else:
                st.markdown(f"**{_text(area, 'name', ctx)}**")
                st.caption(_text(area, "description", ctx))
            if initiatives.empty:
                st.markdown(t("overview.no_initiatives_in_area"))
                continue
            st.markdown(
                "\n".join(
                    f"- {_text(row, 'title', ctx)}: **{t('status.' + row['status'])}** "
                    + t("overview.as_of", date=format_date(row["status_as_of"], ctx.language))
                    + f" · {t('overview.source_short', title=md(row['source_title']))}"
                    for _, row in initiatives.head(MAX_LISTED_PER_AREA).iterrows()
                )
            )
            if len(initiatives) > MAX_LISTED_PER_AREA:
                st.caption(t("briefing.more_lines", count=len(initiatives) - MAX_LISTED_PER_AREA))


def sources(ctx: PageContext) -> None:
    t = ctx.t
    table = overview.sources_cited(ctx.dataset)
    shown = pd.DataFrame(
        {
            t("columns.title"): table["title"],
            t("columns.kind"): table["kind"].map(lambda kind: t("source_kind." + kind)),
            t("columns.publisher"): table["publisher"].replace("", t("common.not_recorded")),
            t("columns.published_on"): table["published_on"].map(
                lambda d: format_date(d, ctx.language)
            ),
            t("columns.url"): table["url"].replace("", None),
            t("columns.rows_citing"): table["rows_citing"],
            t("columns.notes"): table["notes"],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={t("columns.url"): st.column_config.LinkColumn()},
    )
