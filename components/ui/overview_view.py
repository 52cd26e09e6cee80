"""Drawing the Overview's sections. The figures themselves come from `components.overview`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import streamlit as st
from babel import Locale

from components import overview
from components.i18n import BABEL_LOCALES, FORMAT_LANGUAGE, format_date, format_number
from components.markdown_text import escape_markdown as md
from components.overview import Figure, localised
from components.ui.aggregates import per_agreement
from components.ui.charts import as_arrow
from components.ui.lazy_expander import lazy_expander
from components.ui.shell import PageContext

# Statuses older than this are shown with a reminder that they are the last known position.
STALE_AFTER_DAYS = 365
# Past these, long lists are cut with a note: at ten thousand initiatives, sending every row to
# the browser on each rerun costs seconds (see docs/benchmarks.md); the Initiatives page lists all.
MAX_TRACE_ROWS = 200
MAX_LISTED_PER_AREA = 10


def _text(row: pd.Series | dict, base: str, ctx: PageContext) -> str:
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


@dataclass(frozen=True)
class AgreementCard:
    """The agreement card's text, composed once per agreement and language."""

    title: str
    signed_line: str
    summary: str
    # (country heading, list of its parties) for each side.
    sides: tuple[tuple[str, str], ...]
    people_heading: str | None
    people: str
    source_line: str


def _compose_card(ctx: PageContext) -> AgreementCard:
    dataset, t = ctx.dataset, ctx.t
    agreement = overview.agreement_row(dataset, ctx.agreement_id)
    sides = tuple(
        (
            f"**{md(_country_name(country, ctx))}**",
            "\n".join(
                f"- {_text(party, 'name', ctx)} · {t('party_role.' + party['role'])}"
                for party in parties.to_dict("records")
            ),
        )
        for country, parties in overview.parties_by_side(dataset, ctx.agreement_id).items()
    )
    people = overview.people_for_agreement(dataset, ctx.agreement_id)
    return AgreementCard(
        title=_text(agreement, "title", ctx),
        signed_line=t(
            "overview.signed_line",
            kind=t(f"agreement_kind.{agreement['kind']}"),
            date=format_date(agreement["signed_on"], ctx.language),
            place=md(
                overview.place_name(dataset, agreement["place_id"], ctx.language)
                or t("common.not_recorded")
            ),
        ),
        summary=_text(agreement, "summary", ctx),
        sides=sides,
        people_heading=t("overview.people_named", count=len(people)) if len(people) else None,
        people="\n".join(
            f"- **{_text(person, 'name', ctx)}**, {_text(person, 'title', ctx)} "
            f"({_text(person, 'party_name', ctx)}). {_text(person, 'note', ctx)}"
            for person in people.to_dict("records")
        ),
        source_line=_source_line(dataset, agreement["source_id"], ctx),
    )


def agreement_card(ctx: PageContext) -> None:
    card = per_agreement(ctx, "overview_card", lambda: _compose_card(ctx))
    with st.container(border=True):
        st.subheader(card.title)
        st.markdown(card.signed_line)
        st.markdown(card.summary)
        for column, (heading, parties) in zip(st.columns(len(card.sides)), card.sides, strict=True):
            with column:
                st.markdown(heading)
                st.markdown(parties)
        if card.people_heading:
            with st.expander(card.people_heading):
                st.markdown(card.people)
        st.caption(card.source_line)


def _compose_figures(ctx: PageContext) -> tuple[list[Figure], dict[str, pa.Table | pd.DataFrame]]:
    """The headline figures, and the rows behind each as the Arrow table the browser is sent
    (converted once, not on every rerun)."""
    figures = overview.headline_figures(ctx.dataset, ctx.agreement_id, ctx.today)
    return figures, {figure.key: as_arrow(figure.rows.head(MAX_TRACE_ROWS)) for figure in figures}


def _figure(figures: list[Figure], key: str) -> Figure | None:
    return next((figure for figure in figures if figure.key == key), None)


def headline_figures(ctx: PageContext) -> None:
    t = ctx.t
    figures, traces = per_agreement(ctx, "overview_figures", lambda: _compose_figures(ctx))
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
    expander, is_open = lazy_expander(t("figures.where_from"), "overview_where_from")
    if not is_open:
        return
    with expander:
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
                if len(figure.rows) > MAX_TRACE_ROWS:
                    st.caption(t("charts.rows_cut", shown=MAX_TRACE_ROWS, total=len(figure.rows)))
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
        st.info(
            ctx.t(
                "figures.stale_status", date=format_date(as_of, ctx.language), years=age_days // 365
            )
        )


@dataclass(frozen=True)
class FocusAreaBlock:
    """One focus area's box on the Overview, composed once per agreement and language."""

    heading: str
    caption: str
    # The initiatives as a Markdown list; empty when the area has none.
    listed: str
    # How many initiatives the list leaves out (they are on the Initiatives page).
    left_out: int


def _compose_focus_areas(ctx: PageContext) -> list[FocusAreaBlock]:
    t = ctx.t
    blocks = []
    for area, initiatives in overview.focus_areas_with_initiatives(ctx.dataset, ctx.agreement_id):
        if area is None:
            heading = f"**{t('overview.whole_agreement')}**"
            caption = t("overview.whole_agreement_help")
        else:
            heading = f"**{_text(area, 'name', ctx)}**"
            caption = _text(area, "description", ctx)
        listed = "\n".join(
            f"- {_text(row, 'title', ctx)}: **{t('status.' + row['status'])}** "
            + t("overview.as_of", date=format_date(row["status_as_of"], ctx.language))
            + f" · {t('overview.source_short', title=md(row['source_title']))}"
            for row in initiatives.head(MAX_LISTED_PER_AREA).to_dict("records")
        )
        left_out = max(len(initiatives) - MAX_LISTED_PER_AREA, 0)
        blocks.append(FocusAreaBlock(heading, caption, listed, left_out))
    return blocks


def focus_areas(ctx: PageContext) -> None:
    t = ctx.t
    for block in per_agreement(ctx, "overview_focus_areas", lambda: _compose_focus_areas(ctx)):
        with st.container(border=True):
            st.markdown(block.heading)
            st.caption(block.caption)
            if not block.listed:
                st.markdown(t("overview.no_initiatives_in_area"))
                continue
            st.markdown(block.listed)
            if block.left_out:
                st.caption(t("briefing.more_lines", count=block.left_out))


def _compose_sources(ctx: PageContext) -> pd.DataFrame:
    t = ctx.t
    table = overview.sources_cited(ctx.dataset)
    return pd.DataFrame(
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


def sources(ctx: PageContext) -> None:
    st.dataframe(
        per_agreement(ctx, "overview_sources", lambda: _compose_sources(ctx)),
        hide_index=True,
        width="stretch",
        column_config={ctx.t("columns.url"): st.column_config.LinkColumn()},
    )
