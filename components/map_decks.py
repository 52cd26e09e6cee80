"""The Map page's pydeck decks, drawn from a `components.map_model.MapModel`: outlines,
regions, markers, labels, tooltips and the arcs of The link. No Streamlit here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components import settings
from components.fonts import font_family
from components.geo import Bounds, View, feature_bounds, fit
from components.i18n import joined, stacked, translate
from components.map_model import (
    LINK_HEIGHT,
    LINK_WIDTH,
    PANEL_HEIGHT,
    PANEL_WIDTH,
    THROUGH_PARTIES,
    End,
    MapModel,
    names_in_order,
    place_names,
    records,
)
from components.overview import localised
from components.status_palette import initiative_style

# Layer ids: the tests and pydeck's selection events refer to layers by these.
COUNTRIES_LAYER = "countries"
REGIONS_LAYER = "regions"
REGION_LABELS_LAYER = "region-labels"
PLACES_LAYER = "places"
PLACE_LABELS_LAYER = "place-labels"
SELECTION_LAYER = "selection"
LINKS_LAYER = "links"

# Map background without tiles: a blank MapLibre style served by the app itself (static/).
LOCAL_STYLE = "/app/static/map-style.json"
TILES_VARIABLE = settings.MAP_TILES.name
TILES_OFF = "off"
TILES_CARTO = "carto"

# Colours that are not statuses: the land, borders, outlines, labels, the links.
LAND = [244, 243, 238]
BORDER = [176, 182, 190]
REGION_LINE = [31, 78, 121]
REGION_FILL = [31, 78, 121, 28]
# A region's tint when it has initiatives: its main status's colour, faint enough to read through.
REGION_STATUS_ALPHA = 70
LABEL = [27, 31, 36]
LABEL_BACKGROUND = [255, 255, 255, 215]
MARKER_LINE = [27, 31, 36]
NO_INITIATIVE_FILL = [255, 255, 255]
SELECTION_LINE = [27, 31, 36]
LINK_COLOUR = [31, 78, 121, 200]
# Labels of places closer than this many pixels would print over each other.
LABEL_GAP = 18
# A tooltip lists at most this many initiatives and counts the rest: a place with hundreds of
# initiatives would otherwise fill the screen, and every tooltip travels with the map.
TOOLTIP_INITIATIVES = 8
TOOLTIP = {
    "text": "{tooltip}",
    "style": {
        "backgroundColor": "#ffffff",
        "color": "#1b1f24",
        "border": "1px solid #b0b6be",
        "fontSize": "13px",
        "maxWidth": "360px",
        "whiteSpace": "pre-line",
    },
}


@dataclass(frozen=True)
class Basemap:
    """What lies under the layers: the app's blank style, or an operator-enabled tile service."""

    setting: str
    provider: str | None
    style: str
    tiles: bool
    # The configured value when it was not understood (the page says so; tiles stay off).
    unknown: str = ""


def basemap(setting: str | None = None) -> Basemap:
    """The basemap for PARTNERSHIP_MAP_TILES (or `setting`): `off` (default) or `carto`."""
    value = (settings.value(settings.MAP_TILES) if setting is None else setting).strip().lower()
    if value == TILES_CARTO:
        return Basemap(TILES_CARTO, "carto", pdk.map_styles.LIGHT, tiles=True)
    unknown = value if value not in ("", TILES_OFF) else ""
    return Basemap(TILES_OFF, None, LOCAL_STYLE, tiles=False, unknown=unknown)


# Tooltips are plain text ({"text": ...}): deck.gl and Streamlit put it in the page with
# innerText, so data text can never become markup. (Streamlit escapes values substituted into
# an {"html": ...} tooltip itself, so escaping them here too would show "&amp;" to users.)


def _initiative_lines(
    records: list[dict], total: int, language: str, show_via: bool = True
) -> list[str]:
    """A line per initiative, the first TOOLTIP_INITIATIVES of `records`, then how many more of
    `total` there are."""
    lines = []
    for row in records[:TOOLTIP_INITIATIVES]:
        title = localised(row, "title", language)[0]
        status = translate(f"status.{row['status']}", language)
        key = (
            "map.tooltip_through_parties"
            if show_via and row["via"] == THROUGH_PARTIES
            else "map.tooltip_initiative"
        )
        lines.append(translate(key, language, title=title, status=status))
    if total > TOOLTIP_INITIATIVES:
        lines.append(translate("map.tooltip_more", language, count=total - TOOLTIP_INITIATIVES))
    return lines


def _tooltip(lines: list[str]) -> str:
    """Tooltip lines as one text; in the bilingual layout the English lines, then the Chinese."""
    return stacked(joined("\n", lines), "\n\n")


def place_tooltip(model: MapModel, place_id: str) -> str:
    place = model.place(place_id)
    language = model.language
    lines = [
        place_names(place, language),
        translate(f"place_kind.{place['kind']}", language),
    ]
    total = model.count_at(place_id)
    if not total:
        lines.append(translate("map.tooltip_no_initiatives", language))
    else:
        lines.append(translate("map.tooltip_initiatives", language, count=total))
        lines += _initiative_lines(model.records_at(place_id, TOOLTIP_INITIATIVES), total, language)
    return _tooltip(lines)


def link_tooltip(model: MapModel, link: pd.Series | dict) -> str:
    language = model.language
    shared = model.shared_records(link["initiative_ids"], TOOLTIP_INITIATIVES)
    lines = [
        translate(
            "map.tooltip_link",
            language,
            source=place_names(model.place(link["source_id"]), language),
            target=place_names(model.place(link["target_id"]), language),
        ),
        translate("map.tooltip_shared", language, count=link["count"]),
        *_initiative_lines(shared, link["count"], language, show_via=False),
    ]
    return _tooltip(lines)


def label(row: pd.Series | dict, language: str) -> str:
    """A map label: the name in the page's language, with the Chinese or English under it."""
    return "\n".join(names_in_order(row, "zh" if language == "zh" else "en"))


# --- Layers and decks ---------------------------------------------------------------------------


def _colour(status: str, alpha: int = 235) -> list[int]:
    if not status:
        return [*NO_INITIATIVE_FILL, alpha]
    return [*initiative_style(status).rgb, alpha]


def _country_layer(features: list[dict], basemap_: Basemap) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id=COUNTRIES_LAYER,
        data={"type": "FeatureCollection", "features": features},
        filled=not basemap_.tiles,  # tiles draw the land themselves
        stroked=True,
        get_fill_color=LAND,
        get_line_color=BORDER,
        line_width_min_pixels=1,
        pickable=False,
    )


def _region_layers(model: MapModel, place_ids: Iterable[str], selected: str | None) -> list:
    features, labels = [], []
    for place_id in place_ids:
        if place_id not in model.outlines:
            continue
        outline = model.outlines[place_id]
        place = model.place(place_id)
        box = feature_bounds(outline)
        status = place["main_status"]
        features.append(
            {
                "type": "Feature",
                "geometry": outline["geometry"],
                "properties": {
                    "place_id": place_id,
                    "tooltip": place_tooltip(model, place_id),
                    "line_width": 3 if place_id == selected else 1.5,
                    "fill_color": _colour(status, REGION_STATUS_ALPHA) if status else REGION_FILL,
                },
            }
        )
        # The outline's name sits above its northern edge, clear of the markers inside it.
        labels.append(
            {
                "place_id": place_id,
                "label": label(place, model.language),
                "lon": (box.west + box.east) / 2,
                "lat": box.north,
            }
        )
    outlines = pdk.Layer(
        "GeoJsonLayer",
        id=REGIONS_LAYER,
        data={"type": "FeatureCollection", "features": features},
        filled=True,
        stroked=True,
        get_fill_color="properties.fill_color",
        get_line_color=REGION_LINE,
        get_line_width="properties.line_width",
        line_width_units="'pixels'",
        pickable=True,
        auto_highlight=True,
        highlight_color=[31, 78, 121, 60],
    )
    names = _text_layer(REGION_LABELS_LAYER, labels, anchor="middle", baseline="bottom", size=15)
    return [outlines, names]


def _text_layer(layer_id: str, rows: list[dict], anchor: str, baseline: str, size: int):
    return pdk.Layer(
        "TextLayer",
        id=layer_id,
        data=rows,
        get_position=["lon", "lat"],
        get_text="label",
        get_size=size,
        get_color=LABEL,
        get_text_anchor=f"'{anchor}'",
        get_alignment_baseline=f"'{baseline}'",
        get_pixel_offset="pixel_offset" if rows and "pixel_offset" in rows[0] else [0, -4],
        # Chinese names need glyphs beyond deck.gl's default ASCII atlas.
        character_set=pdk.types.String("auto"),
        font_family=pdk.types.String(font_family("Source Sans", "Noto Sans")),
        background=True,
        get_background_color=LABEL_BACKGROUND,
        background_padding=[3, 1],
        pickable=False,
    )


def _place_rows(model: MapModel, place_ids: Iterable[str]) -> list[dict]:
    rows = []
    wanted = set(place_ids)
    # Bigger markers first, so smaller ones stay on top and can be pointed at.
    for place in records(model.places.sort_values("radius", ascending=False)):
        if place["place_id"] not in wanted:
            continue
        rows.append(
            {
                "place_id": place["place_id"],
                "lon": place["lon"],
                "lat": place["lat"],
                "radius": place["radius"],
                "count": place["count"],
                "status": place["main_status"],
                "fill_color": _colour(place["main_status"]),
                "tooltip": place_tooltip(model, place["place_id"]),
                "label": label(place, model.language),
                # A region is drawn as its outline, not a marker: its label sits on its point.
                "pixel_offset": [0, 0] if place["has_outline"] else [place["radius"] + 4, 0],
                "has_outline": place["has_outline"],
            }
        )
    return rows


def uncluttered(model: MapModel, rows: list[dict], view: View, gap: float = LABEL_GAP) -> set:
    """Places whose labels fit: a place closer than `gap` pixels to one already labelled (a venue
    in its city, a city in its county at world scale) is left to its tooltip. Outer places and
    places with more initiatives are labelled first."""
    depth = dict(zip(model.places["place_id"], model.places["depth"], strict=True))
    ordered = sorted(rows, key=lambda r: (depth[r["place_id"]], -r["count"]))
    kept: list[tuple[float, float]] = []
    labelled = set()
    for row in ordered:
        x, y = view.pixels(row["lon"], row["lat"])
        if all(math.hypot(x - kx, y - ky) >= gap for kx, ky in kept):
            kept.append((x, y))
            labelled.add(row["place_id"])
    return labelled


def _place_layers(model: MapModel, rows: list[dict], labelled: set[str], selected: str | None):
    markers = pdk.Layer(
        "ScatterplotLayer",
        id=PLACES_LAYER,
        # A county or province with an outline is drawn as its outline: a dot at its
        # representative point would read as one more city beside the real ones.
        data=[row for row in rows if not row["has_outline"]],
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_units="'pixels'",
        get_fill_color="fill_color",
        get_line_color=MARKER_LINE,
        stroked=True,
        filled=True,
        line_width_units="'pixels'",
        get_line_width=1.5,
        pickable=True,
        auto_highlight=True,
    )
    labels = [
        {k: row[k] for k in ("place_id", "lon", "lat", "label", "pixel_offset")}
        for row in rows
        if row["place_id"] in labelled
    ]
    layers = [markers, _text_layer(PLACE_LABELS_LAYER, labels, "start", "center", size=13)]
    chosen = [row for row in rows if row["place_id"] == selected and not row["has_outline"]]
    if chosen:
        ring = {**chosen[0], "radius": chosen[0]["radius"] + 5}
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id=SELECTION_LAYER,
                data=[ring],
                get_position=["lon", "lat"],
                get_radius="radius",
                radius_units="'pixels'",
                filled=False,
                stroked=True,
                get_line_color=SELECTION_LINE,
                line_width_units="'pixels'",
                get_line_width=3,
                pickable=False,
            )
        )
    return layers


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is written without indentation.

    pydeck indents its JSON, which makes Python's encoder fall back to its slow pure-Python path
    and doubles the size sent to the browser on every rerun (the outlines are thousands of
    coordinates). The content is the same.
    """

    _written: str | None = None  # the JSON, once written

    def written(self) -> CompactDeck:
        """Write the JSON now and keep it with the deck: the app remembers its decks across
        reruns and never changes one after building it, and serialising hundreds of outlines
        and tooltips is the map's biggest cost. Returns the deck."""
        self._written = self._write()
        return self

    def to_json(self) -> str:
        return self._written if self._written is not None else self._write()

    def _write(self) -> str:
        # Before `_written` is set on the deck, so it never appears in what pydeck writes.
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def _deck(layers: list, view: View, basemap_: Basemap, pitch: float = 0) -> pdk.Deck:
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            latitude=view.latitude, longitude=view.longitude, zoom=view.zoom, pitch=pitch
        ),
        map_provider=basemap_.provider,
        map_style=basemap_.style,
        tooltip=TOOLTIP,
    )


def end_deck(
    model: MapModel, end: End, selected: str | None = None, basemap_: Basemap | None = None
) -> pdk.Deck:
    """One panel of Both ends: the end's country outlines, regions, places and labels."""
    basemap_ = basemap_ or basemap()
    visible = end.view.visible_bounds(PANEL_WIDTH, PANEL_HEIGHT)
    shown = [
        row.place_id for row in model.places.itertuples() if visible.contains(row.lon, row.lat)
    ]
    regions_shown = [
        p for p in model.outlines if feature_bounds(model.outlines[p]).intersects(visible)
    ]
    rows = _place_rows(model, shown)
    # A region is named by its outline's label; its marker needs no second label.
    labelled = uncluttered(model, [r for r in rows if r["place_id"] not in regions_shown], end.view)
    layers = [
        _country_layer(model.countries.within(visible), basemap_),
        *_region_layers(model, regions_shown, selected),
        *_place_layers(model, rows, labelled, selected),
    ]
    return _deck(layers, end.view, basemap_)


def ends_decks(
    model: MapModel, selected: str | None = None, basemap_: Basemap | None = None
) -> list[pdk.Deck]:
    """The Both ends view: one deck per end, in the order the agreement lists its sides."""
    return [end_deck(model, end, selected, basemap_) for end in model.ends]


def arc_width(count: int) -> float:
    """Pixels: thicker with more shared initiatives, on a log scale so that a pair sharing
    dozens (illustrative data at scale) does not cover its neighbours."""
    return round(2 + 4 * math.log2(1 + count), 1)


def link_deck(
    model: MapModel, selected: str | None = None, basemap_: Basemap | None = None
) -> pdk.Deck:
    """The link view: the world, with an arc for each pair of places that share initiatives."""
    basemap_ = basemap_ or basemap()
    places = model.places.set_index("place_id")
    linked = set(model.links["source_id"]) | set(model.links["target_id"])
    framed = linked or set(places.index)
    view = fit(
        Bounds.around([(places.at[p, "lon"], places.at[p, "lat"]) for p in framed]),
        LINK_WIDTH,
        LINK_HEIGHT,
        padding=0.18,  # room for the labels east of the markers
        max_zoom=5,
    )
    arcs = []
    for link in records(model.links):
        source, target = model.place(link["source_id"]), model.place(link["target_id"])
        arcs.append(
            {
                "source_id": link["source_id"],
                "target_id": link["target_id"],
                "count": link["count"],
                "source": [source["lon"], source["lat"]],
                "target": [target["lon"], target["lat"]],
                "width": arc_width(link["count"]),
                # Levels of the hierarchy get arcs of different heights, so that parallel links
                # (city to city above county to province) stay apart.
                "height": 0.3 + 0.2 * min(source["depth"], target["depth"]),
                "tooltip": link_tooltip(model, link),
            }
        )
    arc_layer = pdk.Layer(
        "ArcLayer",
        id=LINKS_LAYER,
        data=arcs,
        get_source_position="source",
        get_target_position="target",
        get_width="width",
        width_units="'pixels'",
        get_height="height",
        get_source_color=LINK_COLOUR,
        get_target_color=LINK_COLOUR,
        pickable=True,
        auto_highlight=True,
    )
    rows = _place_rows(model, list(places.index))
    layers = [
        _country_layer(list(model.countries.features), basemap_),
        _region_layers(model, model.outlines, selected)[0],
        arc_layer,
        *_place_layers(model, rows, uncluttered(model, rows, view), selected),
    ]
    return _deck(layers, view, basemap_, pitch=30)
