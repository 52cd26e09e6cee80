"""Drawing the Initiatives page: the searchable table and one initiative's details view, which a
link opens with `?initiative=<id>`."""

from __future__ import annotations

import streamlit as st

from components import initiatives
from components.i18n import each_half, format_date, joined
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_list, paragraphs
from components.overview import source_title
from components.ui import cached, headings
from components.ui.charts import caption, draw_chart, draw_table
from components.ui.shell import PageContext

INITIATIVE_PARAM = "initiative"
SEARCH_KEY = "initiatives_search"
OPEN_KEY = "initiatives_open"


def chosen_initiative(ctx: PageContext) -> initiatives.DetailsView | None:
    """The initiative the link asks for; an unknown id gets a notice and the list instead."""
    wanted = st.query_params.get(INITIATIVE_PARAM)
    if not wanted:
        return None
    found = cached.initiative_details(ctx.dataset, wanted, ctx.language)
    if found is None:
        st.info(paragraphs(ctx.t("initiatives.unknown_in_link", value=md(wanted))))
        del st.query_params[INITIATIVE_PARAM]
    return found


def _open(initiative_id: str | None) -> None:
    if initiative_id:
        st.query_params[INITIATIVE_PARAM] = initiative_id


def _close() -> None:
    st.query_params.pop(INITIATIVE_PARAM, None)
    st.session_state.pop(OPEN_KEY, None)


def table(ctx: PageContext) -> None:
    t = ctx.t
    text = st.text_input(t("initiatives.search"), key=SEARCH_KEY)
    found = cached.initiative_rows(ctx.dataset, ctx.filters, ctx.language, text)
    if found.table.empty:
        st.info(paragraphs(t("initiatives.no_match")))
        return
    st.caption(paragraphs(t("initiatives.count", count=found.table.total_rows)))
    draw_table(ctx, found.table)
    st.selectbox(
        t("initiatives.open"),
        list(found.titles),
        index=None,
        format_func=found.titles.get,
        placeholder=t("initiatives.open_placeholder"),
        key=OPEN_KEY,
        on_change=lambda: _open(st.session_state.get(OPEN_KEY)),
    )


def details(ctx: PageContext, view: initiatives.DetailsView) -> None:
    found = view.details
    t, row = ctx.t, found.initiative
    st.button(t("initiatives.back"), on_click=_close)
    headings.header(md(found.title))
    dates = t(
        "initiatives.dates_line",
        dates=initiatives.dates_line(row, ctx.language),
        status=t("status." + row["status"]),
        as_of=format_date(row["status_as_of"], ctx.language),
    )
    st.markdown(paragraphs(dates))
    headings.subheader(t("initiatives.summary_heading"))
    st.markdown(paragraphs(md(found.summary)) if found.summary else t("initiatives.no_summary"))
    not_recorded = t("common.not_recorded")
    facts = [
        t("initiatives.focus_line", areas=md(found.focus_areas) or not_recorded),
        t("initiatives.lead_line", lead=md(found.lead) or not_recorded),
        t("initiatives.partners_line", partners=md(found.partners) or not_recorded),
    ]
    st.markdown(paragraphs(joined("  \n", facts)))
    caption(ctx, (row["source_id"],), row["status_as_of"])

    headings.subheader(t("initiatives.places_heading"))
    if not draw_chart(ctx, view.places, "places"):
        st.info(paragraphs(t("initiatives.no_places")))
    else:
        st.caption(paragraphs(t("initiatives.map_help")))

    headings.subheader(t("initiatives.milestones_heading"))
    if view.milestones.empty:
        st.info(paragraphs(t("initiatives.no_milestones")))
    else:
        draw_table(ctx, view.milestones)

    headings.subheader(t("initiatives.indicators_heading"))
    _indicators(ctx, view)

    headings.subheader(t("initiatives.sources_heading"))
    lines = [
        t(
            "initiatives.source_item",
            title=md(source_title(source, ctx.language, with_original=True)),
            date=format_date(source["published_on"], ctx.language),
        )
        for _, source in found.sources.iterrows()
    ]
    st.markdown(markdown_list(lines))


def _indicators(ctx: PageContext, view: initiatives.DetailsView) -> None:
    if not view.indicators:
        st.info(paragraphs(ctx.t("initiatives.no_indicators")))
        return
    for indicator in view.indicators:
        st.markdown(each_half("**{}**".format, md(indicator.name)))
        draw_chart(ctx, indicator.values, f"indicator_{indicator.indicator_id}")
