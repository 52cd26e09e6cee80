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
    label_lines,
    place_names,
    records,
    seat_note,
)
from components.overview import localised
from components.status_palette import initiative_style

# Layer ids: the tests and pydeck's selection events refer to layers by these.
LAND_LAYER = "land"
REGIONS_LAYER = "regions"
PLACES_LAYER = "places"
SELECTION_LAYER = "selection"
LINKS_LAYER = "links"
# Every label (regions' and places') in one text layer, drawn last so that no marker, outline
# or arc covers a label. Each text layer costs a tab without a GPU seconds of shader work.
LABELS_LAYER = "labels"

# Without tiles no base map at all: pydeck's default style with no provider tells Streamlit to
# start no MapLibre map (whose own WebGL context and shaders cost a tab without a GPU seconds);
# the land is a deck.gl layer drawn from data/geo/, so nothing is fetched.
NO_BASEMAP_STYLE = pdk.Deck(map_provider=None).map_style
TILES_VARIABLE = settings.MAP_TILES.name
TILES_OFF = "off"
TILES_CARTO = "carto"

# Colours that are not statuses: the land, its coastline, outlines, labels, the links.
LAND = [238, 236, 228]
COASTLINE = [150, 160, 172]
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
# Pixels between a marker's edge and its label, and kept free around a label's box.
LABEL_GAP = 5
# A place closer than this many pixels to a place already labelled (a venue in its city, a city
# in its province at world scale) is left to its tooltip.
CROWDED = 18
PLACE_LABEL_SIZE, REGION_LABEL_SIZE = 13, 15
# Estimated label box, for placing labels clear of markers and of each other: a Latin character
# is about this share of the font size wide, a Chinese one the full size; lines are the size
# tall; the background adds LABEL_PADDING on each side.
LATIN_WIDTH = 0.6
LABEL_PADDING = (3, 1)
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
    return Basemap(TILES_OFF, None, NO_BASEMAP_STYLE, tiles=False, unknown=unknown)


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
    note = seat_note(place, language)
    if note:
        lines.append(translate("map.tooltip_seat_of", language, note=note))
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
    """A map label, each language whole on its own line(s) (see map_model.label_lines)."""
    return "\n".join(label_lines(row, language))


# --- Layers and decks ---------------------------------------------------------------------------


def _colour(status: str, alpha: int = 235) -> list[int]:
    if not status:
        return [*NO_INITIATIVE_FILL, alpha]
    return [*initiative_style(status).rgb, alpha]


def _land_layer(features: list[dict], basemap_: Basemap) -> pdk.Layer:
    """The world's land, filled, with its coastline; with tiles, the coastline only (the tiles
    draw land and sea). The land carries no national borders: there are none in the data."""
    return pdk.Layer(
        "GeoJsonLayer",
        id=LAND_LAYER,
        data={"type": "FeatureCollection", "features": features},
        filled=not basemap_.tiles,
        stroked=True,
        get_fill_color=LAND,
        get_line_color=COASTLINE,
        line_width_min_pixels=1,
        pickable=False,
    )


def _region_layer(model: MapModel, place_ids: Iterable[str], selected: str | None) -> pdk.Layer:
    features = []
    for place_id in place_ids:
        if place_id not in model.outlines:
            continue
        place = model.place(place_id)
        status = place["main_status"]
        features.append(
            {
                "type": "Feature",
                "geometry": model.outlines[place_id]["geometry"],
                "properties": {
                    "place_id": place_id,
                    "tooltip": place_tooltip(model, place_id),
                    "line_width": 3 if place_id == selected else 1.5,
                    "fill_color": _colour(status, REGION_STATUS_ALPHA) if status else REGION_FILL,
                },
            }
        )
    return pdk.Layer(
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


# --- Labels: placed clear of every marker and of each other ------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels (y grows downward)."""

    left: float
    top: float
    right: float
    bottom: float

    def meets(self, other: Box, gap: float = 0) -> bool:
        return not (
            other.left >= self.right + gap
            or other.right <= self.left - gap
            or other.top >= self.bottom + gap
            or other.bottom <= self.top - gap
        )

    def meets_circle(self, x: float, y: float, radius: float) -> bool:
        nearest_x = min(max(x, self.left), self.right)
        nearest_y = min(max(y, self.top), self.bottom)
        return math.hypot(x - nearest_x, y - nearest_y) < radius

    def within(self, other: Box) -> bool:
        return (
            self.left >= other.left
            and self.right <= other.right
            and self.top >= other.top
            and self.bottom <= other.bottom
        )


def label_extent(text: str, size: float) -> tuple[float, float]:
    """An estimate of a label's box, background included, in pixels: (width, height)."""
    lines = text.split("\n")
    widths = [sum(size if ord(c) >= 0x2E80 else size * LATIN_WIDTH for c in ln) for ln in lines]
    pad_x, pad_y = LABEL_PADDING
    return max(widths) + 2 * pad_x, len(lines) * size + 2 * pad_y


def label_box(row: dict, view: View) -> Box:
    """Where a label row (lon, lat, pixel_offset, text_anchor, baseline, size) lands."""
    x, y = view.pixels(row["lon"], row["lat"])
    x, y = x + row["pixel_offset"][0], y + row["pixel_offset"][1]
    width, height = label_extent(row["label"], row["size"])
    left = {"start": x, "middle": x - width / 2, "end": x - width}[row["text_anchor"]]
    top = {"top": y, "center": y - height / 2, "bottom": y - height}[row["baseline"]]
    return Box(left, top, left + width, top + height)


def marker_circles(rows: list[dict], view: View) -> list[tuple[float, float, float]]:
    """The drawn markers as (x, y, radius) in pixels, their outline included."""
    circles = []
    for row in rows:
        if not row["has_outline"]:
            x, y = view.pixels(row["lon"], row["lat"])
            circles.append((x, y, row["radius"] + 1.5))
    return circles


def _frame(view: View, width: int, height: int) -> Box:
    x, y = view.pixels(view.longitude, view.latitude)
    return Box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _positions(clearance: float) -> list[tuple[str, str, list[float]]]:
    """Where a label may sit around its point, in order of preference: right, left, above,
    below, each `clearance` pixels from the point."""
    return [
        ("start", "center", [clearance, 0]),
        ("end", "center", [-clearance, 0]),
        ("middle", "bottom", [0, -clearance]),
        ("middle", "top", [0, clearance]),
    ]


def place_labels(
    model: MapModel,
    rows: list[dict],
    view: View,
    size: tuple[int, int],
    outlined_above: Iterable[str] = (),
) -> list[dict]:
    """The labels that fit, each placed so that its box covers no marker and no other label and
    stays inside the map (`size` in pixels). Outer places and busier places are placed first; a
    place whose label fits nowhere (a venue inside its city) is left to its tooltip. Regions in
    `outlined_above` are named above their outline's northern edge when that fits."""
    depth = dict(zip(model.places["place_id"], model.places["depth"], strict=True))
    circles = marker_circles(rows, view)
    frame = _frame(view, *size)
    placed: list[dict] = []
    boxes: list[Box] = []
    labelled: list[tuple[float, float]] = []
    above = set(outlined_above)
    for row in sorted(rows, key=lambda r: (depth[r["place_id"]], -r["count"])):
        text = label(model.place(row["place_id"]), model.language)
        x, y = view.pixels(row["lon"], row["lat"])
        if any(math.hypot(x - lx, y - ly) < CROWDED for lx, ly in labelled):
            continue
        # Clear of every marker drawn at this spot (a city and its venue share one).
        clearance = max(
            [row["radius"] + 1.5 if not row["has_outline"] else 0.0]
            + [
                r + math.hypot(cx - x, cy - y)
                for cx, cy, r in circles
                if math.hypot(cx - x, cy - y) < r
            ]
        )
        candidates = []
        if row["place_id"] in above:
            box = feature_bounds(model.outlines[row["place_id"]])
            spot = {"lon": (box.west + box.east) / 2, "lat": box.north}
            candidates.append(({**spot}, "middle", "bottom", [0, -LABEL_GAP], REGION_LABEL_SIZE))
        size_ = REGION_LABEL_SIZE if row["has_outline"] else PLACE_LABEL_SIZE
        spot = {"lon": row["lon"], "lat": row["lat"]}
        # Half a pixel more than the gap the check below asks for, against rounding.
        for anchor, baseline, offset in _positions(clearance + LABEL_GAP + 0.5):
            candidates.append((spot, anchor, baseline, offset, size_))
        for where, anchor, baseline, offset, text_size in candidates:
            candidate = {
                "place_id": row["place_id"],
                **where,
                "label": text,
                "pixel_offset": offset,
                "text_anchor": anchor,
                "baseline": baseline,
                "size": text_size,
            }
            box = label_box(candidate, view)
            if (
                box.within(frame)
                and not any(box.meets_circle(cx, cy, r + LABEL_GAP) for cx, cy, r in circles)
                and not any(box.meets(other, LABEL_GAP) for other in boxes)
            ):
                placed.append(candidate)
                boxes.append(box)
                labelled.append((x, y))
                break
    return placed


def _labels_layer(rows: list[dict]) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer",
        id=LABELS_LAYER,
        data=rows,
        get_position=["lon", "lat"],
        get_text="label",
        get_size="size",
        get_color=LABEL,
        get_text_anchor="text_anchor",
        get_alignment_baseline="baseline",
        get_pixel_offset="pixel_offset",
        # Chinese names need glyphs beyond deck.gl's default ASCII atlas.
        character_set=pdk.types.String("auto"),
        font_family=pdk.types.String(font_family("Source Sans", "Noto Sans")),
        background=True,
        get_background_color=LABEL_BACKGROUND,
        background_padding=list(LABEL_PADDING),
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
                "has_outline": place["has_outline"],
            }
        )
    return rows


def _place_layers(rows: list[dict], selected: str | None) -> list[pdk.Layer]:
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
    layers = [markers]
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


def _deck(layers: list, view: View, basemap_: Basemap) -> pdk.Deck:
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            latitude=view.latitude, longitude=view.longitude, zoom=view.zoom
        ),
        map_provider=basemap_.provider,
        map_style=basemap_.style,
        tooltip=TOOLTIP,
    )


def end_deck(
    model: MapModel, end: End, selected: str | None = None, basemap_: Basemap | None = None
) -> pdk.Deck:
    """One panel of Both ends: the land it shows, regions, places and labels."""
    basemap_ = basemap_ or basemap()
    visible = end.view.visible_bounds(PANEL_WIDTH, PANEL_HEIGHT)
    shown = [
        row.place_id for row in model.places.itertuples() if visible.contains(row.lon, row.lat)
    ]
    regions_shown = [
        p for p in model.outlines if feature_bounds(model.outlines[p]).intersects(visible)
    ]
    rows = _place_rows(model, shown)
    labels = place_labels(
        model, rows, end.view, (PANEL_WIDTH, PANEL_HEIGHT), outlined_above=regions_shown
    )
    layers = [
        _land_layer(model.land.within(visible), basemap_),
        _region_layer(model, regions_shown, selected),
        *_place_layers(rows, selected),
        _labels_layer(labels),
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


def link_view(model: MapModel) -> View:
    """The link view's framing: every linked place (every place when none is linked)."""
    places = model.places.set_index("place_id")
    linked = set(model.links["source_id"]) | set(model.links["target_id"])
    framed = linked or set(places.index)
    return fit(
        Bounds.around([(places.at[p, "lon"], places.at[p, "lat"]) for p in framed]),
        LINK_WIDTH,
        LINK_HEIGHT,
        padding=0.18,  # room for the labels beside the markers
        max_zoom=5,
    )


def link_deck(
    model: MapModel, selected: str | None = None, basemap_: Basemap | None = None
) -> pdk.Deck:
    """The link view: the land between the two ends, with an arc for each pair of places that
    share initiatives. Seen from straight above (the labels' placement is exact), the arcs
    are laid flat so that they curve on the map."""
    basemap_ = basemap_ or basemap()
    view = link_view(model)
    visible = view.visible_bounds(LINK_WIDTH, LINK_HEIGHT)
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
        get_tilt=90,
        get_source_color=LINK_COLOUR,
        get_target_color=LINK_COLOUR,
        pickable=True,
        auto_highlight=True,
    )
    rows = _place_rows(model, list(model.places["place_id"]))
    layers = [
        _land_layer(model.land.within(visible), basemap_),
        _region_layer(model, model.outlines, selected),
        arc_layer,
        *_place_layers(rows, selected),
        _labels_layer(place_labels(model, rows, view, (LINK_WIDTH, LINK_HEIGHT))),
    ]
    return _deck(layers, view, basemap_)
