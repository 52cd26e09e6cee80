"""Drawing the Map page: the view switch, the place picker, the decks, legend, sources and the
initiatives at the chosen place. The model and decks come from components.map_model and
components.map_decks, through the cache (components.ui.cached)."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from components import map_decks, map_model
from components.filters import Filters
from components.i18n import each_half, format_date, join, joined, translator
from components.loader import Dataset
from components.markdown_text import escape_markdown, markdown_list, paragraphs
from components.overview import localised, province_first, source_titles
from components.status_palette import initiative_style
from components.ui import cached
from components.ui.shell import PageContext

# Widget keys double as query-parameter names, so a shared link opens the same view.
VIEW_KEY = "map_view"
# Not "place": the shared sidebar filters already use ?place= for the place filter.
PLACE_KEY = "map_place"
PANEL_HEIGHT = map_model.PANEL_HEIGHT
LINK_HEIGHT = map_model.LINK_HEIGHT
INITIATIVES_PAGE = "initiatives"
INITIATIVE_PARAM = "initiative"
# The caption under Both ends names this many of the places outside its panels, then counts.
OUTSIDE_NAMES = 12


def configured_basemap(t: Callable[..., str]) -> map_decks.Basemap:
    """The operator's tiles setting; a value it does not understand is named, and ignored."""
    basemap = map_decks.basemap()
    if basemap.unknown:
        st.warning(paragraphs(t("map.tiles_unknown", value=escape_markdown(basemap.unknown))))
    return basemap


def view_choice(t: Callable[..., str]) -> str:
    """Both ends or The link, kept in ?map_view=."""
    if st.session_state.get(VIEW_KEY) not in map_model.MAP_VIEWS:
        requested = st.query_params.get(VIEW_KEY)
        st.session_state[VIEW_KEY] = (
            requested if requested in map_model.MAP_VIEWS else map_model.ENDS
        )
    labels = {map_model.ENDS: t("map.view_ends"), map_model.LINK: t("map.view_link")}
    view = st.segmented_control(
        t("map.view"), map_model.MAP_VIEWS, key=VIEW_KEY, format_func=labels.get, required=True
    )
    st.query_params[VIEW_KEY] = view
    return view


def place_choice(shown: cached.MapView, t: Callable[..., str]) -> str | None:
    """The chosen place, kept in ?map_place=."""
    choices = map_model.place_choices(shown.model)
    if PLACE_KEY not in st.session_state or st.session_state[PLACE_KEY] not in [None, *choices]:
        requested = st.query_params.get(PLACE_KEY)
        if requested and requested not in choices:
            st.info(paragraphs(t("map.unknown_place_in_link", value=escape_markdown(requested))))
        st.session_state[PLACE_KEY] = requested if requested in choices else None
    place = st.selectbox(
        t("map.place"),
        choices,
        key=PLACE_KEY,
        format_func=shown.place_options.get,
        index=None,
        placeholder=t("map.place_placeholder"),
    )
    if place:
        st.query_params[PLACE_KEY] = place
    elif PLACE_KEY in st.query_params:
        del st.query_params[PLACE_KEY]
    return place


def maps(
    ctx: PageContext,
    filters: Filters | None,
    view: str,
    place: str | None,
    basemap: map_decks.Basemap,
    name_outside: bool = True,
) -> None:
    """The decks of the chosen view, of the map `cached.map_view` builds for `filters` (None:
    the whole agreement). They are remembered with their JSON: rebuilding and serialising
    hundreds of markers and outlines on every rerun would cost seconds. `name_outside` names
    the places outside Both ends' panels (a slide, with no other view to point to, does not)."""
    t, language = ctx.t, ctx.language
    decks = cached.decks(ctx.dataset, ctx.agreement_id, filters, language, view, place, basemap)
    model = cached.map_view(ctx.dataset, ctx.agreement_id, filters, language).model
    # Where the outlines come from, in words a guest reads, under the map on the page and the
    # map slide alike; the packages and files they were taken from are in data/geo/README.md.
    credit = joined(
        " ",
        [
            t("map.outlines_credit", credit=escape_markdown(map_model.outlines_credit(model))),
            t("map.not_boundaries"),
        ],
    )
    if view == map_model.LINK:
        st.pydeck_chart(decks[0], height=LINK_HEIGHT)
        st.caption(paragraphs(credit))
        return
    for column, end, deck in zip(st.columns(len(decks)), model.ends, decks, strict=True):
        with column:
            # A province before its city (河北省、廊坊市), as protocol lists them.
            ordered = province_first(list(end.place_ids), ctx.dataset, "places")
            names = [map_model.place_names(model.place(p), language) for p in ordered]
            st.caption(escape_markdown(join(names, language)))
            st.pydeck_chart(deck, height=PANEL_HEIGHT)
    outside = model.outside_ends() if name_outside else []
    if outside:
        names = join(
            (map_model.place_names(model.place(p), language) for p in outside[:OUTSIDE_NAMES]),
            language,
        )
        if len(outside) > OUTSIDE_NAMES:
            names = joined("", [names, t("alt.and_more", count=len(outside) - OUTSIDE_NAMES)])
        credit = joined(" ", [t("map.outside_ends", places=escape_markdown(names)), credit])
    st.caption(paragraphs(credit))


def _swatch(colour: str, text: str, hollow: bool = False) -> str:
    # Only palette colours and catalogue text here; no data text reaches this HTML.
    fill = "#ffffff" if hollow else colour
    return (
        '<span style="display:inline-flex;align-items:center;margin-right:1.2em">'
        f'<span style="width:0.9em;height:0.9em;border-radius:50%;background:{fill};'
        'border:1.5px solid #1b1f24;display:inline-block;margin-right:0.4em"></span>'
        f"{html.escape(text)}</span>"
    )


def legend(model: map_model.MapModel, view: str, t: Callable[..., str]) -> None:
    st.markdown(f"**{t('map.legend_heading')}**")
    swatches = [
        _swatch(initiative_style(status).colour, t(f"status.{status}"))
        for status in map_model.legend_statuses(model)
    ]
    if (model.places["count"] == 0).any():
        swatches.append(_swatch("#ffffff", t("map.legend_none"), hollow=True))
    st.caption(paragraphs(t("map.legend_colour")))
    st.html("<div>" + "".join(swatches) + "</div>")
    lines = [t("map.legend_size"), t("map.legend_outline")]
    if view == map_model.LINK:
        lines.append(t("map.legend_arc"))
    st.caption(paragraphs(joined("  \n", lines)))


def sources(
    model: map_model.MapModel,
    dataset: Dataset,
    initiatives: pd.DataFrame,
    view: str,
    basemap: map_decks.Basemap,
    language: str,
) -> None:
    """Where the places and statuses come from, and how current they are."""
    t = translator(language)
    titles = source_titles(dataset, language)
    cited = [titles.get(s, s) for s in dict.fromkeys(model.places["source_id"])]
    lines = [
        t("map.sources", sources=escape_markdown(join(cited, language, "clauses"))),
        t("map.counting_rule"),
    ]
    if view == map_model.LINK:
        lines.append(t("map.link_rule"))
    if initiatives["status_as_of"].notna().any():
        newest = initiatives["status_as_of"].max()
        lines.append(t("map.status_as_of", date=format_date(newest, language)))
    if basemap.tiles:
        lines.append(t("map.tiles_credit"))
    st.caption(paragraphs(joined("  \n", lines)))


def initiatives_at(model: map_model.MapModel, place: str, language: str) -> None:
    """The initiatives at the chosen place, each linking to its details."""
    t = translator(language)
    names = map_model.place_names(model.place(place), language)
    st.subheader(t("map.selected_heading", place=escape_markdown(names)))
    rows = model.initiatives_at(place)
    if rows.empty:
        st.info(paragraphs(t("map.no_initiatives_at")))
        return
    items = []
    for row in rows.to_dict("records"):
        title = escape_markdown(localised(row, "title", language)[0])
        # Ids are checked against the contract's slug pattern, so they are safe in a link.
        address = f"{INITIATIVES_PAGE}?{INITIATIVE_PARAM}={row['initiative_id']}"
        link = each_half(lambda text, address=address: f"[{text}]({address})", title)
        key = (
            "map.initiative_item_through"
            if row["via"] == map_model.THROUGH_PARTIES
            else "map.initiative_item"
        )
        item = t(key, title=link, status=t(f"status.{row['status']}"))
        items.append(item)
    st.markdown(markdown_list(items))
