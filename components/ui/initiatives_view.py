"""Drawing the Initiatives page: the searchable table and one initiative's details view, which a
link opens with `?initiative=<id>`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import initiatives, progress
from components.charting import localised_column, partial_iso, source_ids, translated
from components.filters import Selection
from components.i18n import each_half, format_date, joined
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_list, paragraphs
from components.overview import source_title
from components.ui.aggregates import indicator_values, initiative_table, view
from components.ui.charts import caption, draw_chart, draw_table
from components.ui.shell import PageContext

INITIATIVE_PARAM = "initiative"
SEARCH_KEY = "initiatives_search"
OPEN_KEY = "initiatives_open"


def chosen_initiative(ctx: PageContext) -> initiatives.Details | None:
    """The initiative the link asks for; an unknown id gets a notice and the list instead."""
    wanted = st.query_params.get(INITIATIVE_PARAM)
    if not wanted:
        return None
    values = indicator_values(ctx.dataset)
    indicators = ctx.dataset["indicators"]
    value_sources = {
        source
        for indicator in indicators.loc[indicators["initiative_id"] == wanted, "indicator_id"]
        for source in values.series(indicator)["source_id"].unique()
    }
    found = initiatives.details(ctx.dataset, wanted, ctx.language, tuple(value_sources))
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


def table(ctx: PageContext, selection: Selection) -> None:
    t = ctx.t
    text = st.text_input(t("initiatives.search"), key=SEARCH_KEY)
    every = initiative_table(ctx.dataset, ctx.language)
    rows = view(
        ctx,
        "initiative_rows",
        lambda: initiatives.search(every, selection.initiatives["initiative_id"], text),
        text,
    )
    if rows.empty:
        st.info(paragraphs(t("initiatives.no_match")))
        return
    st.caption(paragraphs(t("initiatives.count", count=len(rows))))
    labels = {
        "title": t("columns.title"),
        "focus_areas": t("columns.focus_areas"),
        "lead": t("columns.lead"),
        "places": t("columns.places"),
        "start": t("columns.start"),
        "end": t("columns.end"),
        "status": t("columns.status"),
        "status_as_of": t("columns.status_as_of"),
        "source": t("columns.source"),
    }
    draw_table(ctx, rows, "initiatives", source_ids(rows["source_id"]), labels)
    titles = dict(zip(rows["initiative_id"], rows["title"], strict=True))
    st.selectbox(
        t("initiatives.open"),
        list(titles),
        index=None,
        format_func=titles.get,
        placeholder=t("initiatives.open_placeholder"),
        key=OPEN_KEY,
        on_change=lambda: _open(st.session_state.get(OPEN_KEY)),
    )


def details(ctx: PageContext, found: initiatives.Details) -> None:
    t, row = ctx.t, found.initiative
    st.button(t("initiatives.back"), on_click=_close)
    st.header(md(found.title))
    start = format_date(row["start_date"], ctx.language, row["start_date_precision"] or "day")
    end = (
        format_date(row["end_date"], ctx.language, row["end_date_precision"] or "day")
        if pd.notna(row["end_date"])
        else t("timeline.end_unknown")
    )
    st.markdown(
        t(
            "initiatives.dates_line",
            start=start,
            end=end,
            status=t("status." + row["status"]),
            as_of=format_date(row["status_as_of"], ctx.language),
        )
    )
    st.subheader(t("initiatives.summary_heading"))
    st.markdown(paragraphs(md(found.summary)) if found.summary else t("initiatives.no_summary"))
    not_recorded = t("common.not_recorded")
    facts = [
        t("initiatives.focus_line", areas=md(found.focus_areas) or not_recorded),
        t("initiatives.lead_line", lead=md(found.lead) or not_recorded),
        t("initiatives.partners_line", partners=md(found.partners) or not_recorded),
    ]
    st.markdown(paragraphs(joined("  \n", facts)))
    caption(ctx, (row["source_id"],), row["status_as_of"])

    st.subheader(t("initiatives.places_heading"))
    if not draw_chart(ctx, initiatives.places_chart(ctx.dataset, found, ctx.language, t), "places"):
        st.info(paragraphs(t("initiatives.no_places")))
    else:
        st.caption(paragraphs(t("initiatives.map_help")))

    st.subheader(t("initiatives.milestones_heading"))
    milestones = found.milestones
    if milestones.empty:
        st.info(paragraphs(t("initiatives.no_milestones")))
    else:
        shown = milestones.assign(
            date=partial_iso(milestones["date"], milestones["date_precision"]),
            title=localised_column(milestones, "title", ctx.language),
            status=translated(milestones["status"], "status.", t),
            note=localised_column(milestones, "note", ctx.language),
        )
        labels = {
            "date": t("columns.date"),
            "title": t("columns.title"),
            "status": t("columns.status"),
            "note": t("columns.note"),
        }
        draw_table(ctx, shown, "initiative_milestones", source_ids(milestones["source_id"]), labels)

    st.subheader(t("initiatives.indicators_heading"))
    _indicators(ctx, found)

    st.subheader(t("initiatives.sources_heading"))
    lines = [
        t(
            "initiatives.source_item",
            title=md(source_title(source, ctx.language, with_original=True)),
            date=format_date(source["published_on"], ctx.language),
        )
        for _, source in found.sources.iterrows()
    ]
    st.markdown(markdown_list(lines))


def _indicators(ctx: PageContext, found: initiatives.Details) -> None:
    if found.indicators.empty:
        st.info(paragraphs(ctx.t("initiatives.no_indicators")))
        return
    values = indicator_values(ctx.dataset)
    indicators = found.indicators.assign(
        name=localised_column(found.indicators, "name", ctx.language)
    )
    for _, indicator in indicators.iterrows():
        st.markdown(each_half("**{}**".format, md(indicator["name"])))
        series = values.series(indicator["indicator_id"])
        chart = progress.values_chart(ctx.dataset, indicator, series, ctx.language, ctx.t)
        draw_chart(ctx, chart, f"indicator_{indicator['indicator_id']}")
