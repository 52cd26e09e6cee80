"""The Map page's model and decks: where the partnership's places are and what happens there.

`build_model` turns the dataset (and the initiatives left after the page's filters) into the
places, the initiatives at each place, the links between the two sides and the two ends to frame.
`ends_decks` and `link_deck` turn that model into `pydeck.Deck` objects; no Streamlit here.

Counting rule, shown on the page too: an initiative is at the places it lists; one that lists no
place is at the places of its lead and partner organisations.
"""

from __future__ import annotations

import json
import math
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components import settings
from components.fonts import font_family
from components.geo import (
    GEO_DIR,
    Bounds,
    Outlines,
    View,
    countries,
    feature_bounds,
    fit,
    regions,
)
from components.i18n import composed, joined, stacked, translate
from components.loader import Dataset
from components.overview import for_agreement, initiative_statuses, localised
from components.status_palette import initiative_style

# The two views, as they appear in the URL (?map_view=).
ENDS = "ends"
LINK = "link"
MAP_VIEWS = (ENDS, LINK)

# Layer ids: the tests and pydeck's selection events refer to layers by these.
COUNTRIES_LAYER = "countries"
REGIONS_LAYER = "regions"
REGION_LABELS_LAYER = "region-labels"
PLACES_LAYER = "places"
PLACE_LABELS_LAYER = "place-labels"
SELECTION_LAYER = "selection"
LINKS_LAYER = "links"

# How involvement was worked out (see the counting rule above).
LISTED = "listed"
THROUGH_PARTIES = "parties"

# The map panels' size in pixels, used to frame the views. The page draws them at this height;
# the width is half the main column of a 1400-pixel-wide window (framing keeps a margin).
PANEL_WIDTH, PANEL_HEIGHT = 460, 460
LINK_WIDTH, LINK_HEIGHT = 860, 520

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


@dataclass(frozen=True)
class End:
    """One end of the partnership: a country and the places its panel is framed on."""

    country: str
    place_ids: tuple[str, ...]
    view: View


@dataclass(frozen=True)
class MapModel:
    # One row per place on the map, with its initiatives and how to draw it.
    places: pd.DataFrame
    # One row per (initiative, place): the initiative's status and title, and how it is there.
    involvements: pd.DataFrame
    # One row per pair of places on different sides that share initiatives.
    links: pd.DataFrame
    ends: tuple[End, ...]
    # Outline features of the places that have one, keyed by place_id.
    outlines: dict[str, dict]
    countries: Outlines
    region_source: dict
    language: str

    # Look-ups by id, built on first use: the decks ask for each place and its initiatives,
    # and filtering the whole frame for each of 800 places would cost seconds.
    @cached_property
    def _places_by_id(self) -> dict[str, dict]:
        return {row["place_id"]: row for row in records(self.places)}

    @cached_property
    def _involvement_positions(self) -> dict[str, object]:
        return self.involvements.groupby("place_id", sort=False).indices

    @cached_property
    def _involvement_records(self) -> list[dict]:
        return records(self.involvements)

    @cached_property
    def _first_record_by_initiative(self) -> dict[str, dict]:
        first: dict[str, dict] = {}
        for record in self._involvement_records:
            first.setdefault(record["initiative_id"], record)
        return first

    def place(self, place_id: str) -> dict:
        return self._places_by_id[place_id]

    def initiatives_at(self, place_id: str) -> pd.DataFrame:
        """The initiatives at a place, in the data's order."""
        positions = self._involvement_positions.get(place_id, [])
        return self.involvements.iloc[positions]

    def records_at(self, place_id: str, limit: int) -> list[dict]:
        """The first `limit` initiatives at a place as plain records (for tooltips, built by
        the thousand, where a frame per place would cost seconds)."""
        positions = self._involvement_positions.get(place_id, [])[:limit]
        return [self._involvement_records[i] for i in positions]

    def count_at(self, place_id: str) -> int:
        return len(self._involvement_positions.get(place_id, []))

    def shared_records(self, initiative_ids: Iterable[str], limit: int) -> list[dict]:
        """The first `limit` of `initiative_ids` as plain records, in that order."""
        first = self._first_record_by_initiative
        return [first[i] for i in list(initiative_ids)[:limit]]

    def outside_ends(self) -> list[str]:
        """Places no panel of the Both ends view shows (they appear on The link)."""
        return list(self._outside_ends)

    @cached_property
    def _outside_ends(self) -> tuple[str, ...]:
        boxes = [end.view.visible_bounds(PANEL_WIDTH, PANEL_HEIGHT) for end in self.ends]
        return tuple(
            row.place_id
            for row in self.places.itertuples()
            if not any(box.contains(row.lon, row.lat) for box in boxes)
        )


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts, like `to_dict("records")` but column by column: pandas reads Arrow
    text one cell at a time there, four times slower for the thousands of rows a map holds."""
    columns = list(frame.columns)
    values = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _grouped(keys: pd.Series, values: pd.Series) -> dict[str, list]:
    """The values of each key, in the frame's order. Plain lists, not a groupby: with thousands
    of initiatives, slicing a frame per group cost more than the work done with each."""
    groups: dict[str, list] = {}
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        groups.setdefault(key, []).append(value)
    return groups


def _ancestors(place_id: str, parents: dict[str, str]) -> list[str]:
    chain, seen = [], {place_id}
    parent = parents.get(place_id, "")
    while parent and parent not in seen and parent in parents:
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent, "")
    return chain


def agreement_place_ids(dataset: Dataset, agreement_id: str) -> list[str]:
    """Places the agreement names anywhere (its own, its parties', milestones', initiatives'),
    with the places they lie in, in the order of places.csv."""
    named = set()
    agreement = for_agreement(dataset, "agreements", agreement_id)
    named.update(agreement["place_id"])
    named.update(for_agreement(dataset, "parties", agreement_id)["place_id"])
    named.update(for_agreement(dataset, "milestones", agreement_id)["place_id"])
    for place_ids in for_agreement(dataset, "initiatives", agreement_id)["place_ids"]:
        named.update(place_ids)
    places = dataset["places"]
    parents = dict(zip(places["place_id"], places["parent_place_id"], strict=True))
    for place_id in list(named):
        named.update(_ancestors(place_id, parents))
    return [place_id for place_id in places["place_id"] if place_id in named]


def initiative_places(dataset: Dataset, initiatives: pd.DataFrame) -> pd.DataFrame:
    """One row per (initiative, place) under the counting rule, with how the place was found."""
    known_places = set(dataset["places"]["place_id"])
    party_place = dict(
        zip(dataset["parties"]["party_id"], dataset["parties"]["place_id"], strict=True)
    )
    rows = []
    for initiative in initiatives.itertuples():
        listed = [p for p in initiative.place_ids if p in known_places]
        via = LISTED
        if not listed:
            parties = [initiative.lead_party_id, *initiative.partner_party_ids]
            listed = [party_place.get(party, "") for party in parties if party]
            listed = [p for p in listed if p in known_places]
            via = THROUGH_PARTIES
        for place_id in dict.fromkeys(listed):  # each place once, in the listed order
            rows.append(
                {
                    "initiative_id": initiative.initiative_id,
                    "place_id": place_id,
                    "via": via,
                    "status": initiative.status,
                    "title_en": initiative.title_en,
                    "title_zh": initiative.title_zh,
                }
            )
    columns = ["initiative_id", "place_id", "via", "status", "title_en", "title_zh"]
    return pd.DataFrame(rows, columns=columns)


def main_status(statuses: Iterable[str]) -> str:
    """The status most of a place's initiatives have; ties go to the first in the contract."""
    counts = Counter(statuses)
    if not counts:
        return ""
    order = {status: i for i, status in enumerate(initiative_statuses())}
    return min(counts, key=lambda status: (-counts[status], order.get(status, len(order))))


def marker_radius(count: int) -> float:
    """Marker radius in pixels: its area grows with the number of initiatives."""
    return round(5 + 4 * count**0.5, 1)


def _depths(places: pd.DataFrame) -> dict[str, int]:
    parents = dict(zip(places["place_id"], places["parent_place_id"], strict=True))
    return {place_id: len(_ancestors(place_id, parents)) for place_id in parents}


def _country_order(dataset: Dataset, agreement_id: str, place_countries: Iterable[str]) -> list:
    """Countries in the order the agreement's signatories, then other parties, are listed."""
    parties = for_agreement(dataset, "parties", agreement_id)
    signatories = parties[parties["role"] == "signatory"]["country"].tolist()
    order = dict.fromkeys(c for c in [*signatories, *parties["country"]] if c)
    order.update(dict.fromkeys(sorted(set(place_countries) - set(order))))
    return list(order)


def links(
    involvements: pd.DataFrame, places: pd.DataFrame, countries_order: list[str]
) -> pd.DataFrame:
    """Pairs of places on different sides that share initiatives.

    Within an initiative each place is paired with the other side's places nearest to it in the
    place hierarchy, so city meets city and county meets province when an initiative names both
    levels; a side with a single place pairs it with everything on the other side.
    """
    depth = _depths(places)
    country = dict(zip(places["place_id"], places["country"], strict=True))
    rank = {c: i for i, c in enumerate(countries_order)}
    places_of = _grouped(involvements["initiative_id"], involvements["place_id"])
    pairs: dict[tuple[str, str], list[str]] = {}
    for initiative_id, place_ids in places_of.items():
        by_country: dict[str, list[str]] = {}
        for place_id in place_ids:
            by_country.setdefault(country[place_id], []).append(place_id)
        sides = sorted(by_country, key=lambda c: rank.get(c, len(rank)))
        for i, first in enumerate(sides):
            for second in sides[i + 1 :]:
                found = set()
                for one, others in ((first, second), (second, first)):
                    for a in by_country[one]:
                        gap = min(abs(depth[a] - depth[b]) for b in by_country[others])
                        for b in by_country[others]:
                            if abs(depth[a] - depth[b]) == gap:
                                found.add((a, b) if one == first else (b, a))
                for pair in sorted(found):
                    pairs.setdefault(pair, []).append(initiative_id)
    rows = [
        {
            "source_id": source,
            "target_id": target,
            "count": len(ids),
            "initiative_ids": tuple(ids),
        }
        for (source, target), ids in pairs.items()
    ]
    return pd.DataFrame(rows, columns=["source_id", "target_id", "count", "initiative_ids"])


def _ends(
    dataset: Dataset,
    agreement_id: str,
    places: pd.DataFrame,
    outlines: dict[str, dict],
    countries_order: list[str],
) -> tuple[End, ...]:
    """The panels of the Both ends view: one per side, framed on its signatories' places."""
    on_map = set(places["place_id"])
    parties = for_agreement(dataset, "parties", agreement_id)
    chosen = parties[parties["role"] == "signatory"]
    if chosen["country"].replace("", pd.NA).nunique() < 2:
        chosen = parties  # fall back to every party when the signatories sit on one side
    by_country: dict[str, list[str]] = {}
    for party in chosen.itertuples():
        if party.country and party.place_id in on_map:
            by_country.setdefault(party.country, []).append(party.place_id)
    if not by_country:  # no party has a place: frame each country's places instead
        for place in places.itertuples():
            by_country.setdefault(place.country, []).append(place.place_id)
    located = places.set_index("place_id")
    ends = []
    for country in sorted(by_country, key=lambda c: countries_order.index(c)):
        place_ids = tuple(dict.fromkeys(by_country[country]))
        box = Bounds.around([(located.at[p, "lon"], located.at[p, "lat"]) for p in place_ids])
        for place_id in place_ids:
            if place_id in outlines:
                box = box.union(feature_bounds(outlines[place_id]))
        ends.append(End(country, place_ids, fit(box, PANEL_WIDTH, PANEL_HEIGHT, max_zoom=10)))
    return tuple(ends)


def build_model(
    dataset: Dataset,
    agreement_id: str,
    initiatives: pd.DataFrame | None = None,
    language: str = "en",
    geo_dir: Path = GEO_DIR,
    place_ids: list[str] | None = None,
) -> MapModel:
    """The map of one agreement; `initiatives` (default: all of the agreement's) are counted.
    `place_ids` is `agreement_place_ids`, when the caller keeps it across filter changes."""
    if initiatives is None:
        initiatives = for_agreement(dataset, "initiatives", agreement_id)
    if place_ids is None:
        place_ids = agreement_place_ids(dataset, agreement_id)
    all_places = dataset["places"]
    places = all_places[all_places["place_id"].isin(place_ids)].copy()
    involvements = initiative_places(dataset, initiatives)
    involvements = involvements[involvements["place_id"].isin(place_ids)]
    region_outlines = regions(geo_dir)
    outlines = {p: f for p, f in region_outlines.by_place().items() if p in set(place_ids)}

    statuses_at = _grouped(involvements["place_id"], involvements["status"])
    places["count"] = [len(statuses_at.get(p, ())) for p in places["place_id"]]
    status_by_place = {p: main_status(statuses) for p, statuses in statuses_at.items()}
    places["main_status"] = [status_by_place.get(p, "") for p in places["place_id"]]
    places["radius"] = places["count"].map(marker_radius)
    places["has_outline"] = places["place_id"].isin(outlines)
    depth = _depths(all_places)
    places["depth"] = places["place_id"].map(depth)

    order = _country_order(dataset, agreement_id, places["country"])
    return MapModel(
        places=places.reset_index(drop=True),
        involvements=involvements.reset_index(drop=True),
        links=links(involvements, all_places, order),
        ends=_ends(dataset, agreement_id, places, outlines, order),
        outlines=outlines,
        countries=countries(geo_dir),
        region_source=region_outlines.source,
        language=language,
    )


# --- Text shown on the map ---------------------------------------------------------------------
# Tooltips are plain text ({"text": ...}): deck.gl and Streamlit put it in the page with
# innerText, so data text can never become markup. (Streamlit escapes values substituted into
# an {"html": ...} tooltip itself, so escaping them here too would show "&amp;" to users.)


def _names_in_order(row: pd.Series | dict, language: str) -> list[str]:
    """The place's known names, the reader's language first."""
    english, chinese = row.get("name_en", "") or "", row.get("name_zh", "") or ""
    first, second = (chinese, english) if language == "zh" else (english, chinese)
    return list(dict.fromkeys(n for n in (first, second) if n))


def place_names(row: pd.Series | dict, language: str) -> str:
    """A place's English and Chinese names on one line ("Langfang · 廊坊市"), the reader's
    language first ("廊坊市 · Langfang" in Chinese; each half its own way in the bilingual
    layout). Places carry both names in every language: they are what a guest looks for."""
    return composed(language, lambda side: " · ".join(_names_in_order(row, side)))


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
    return "\n".join(_names_in_order(row, "zh" if language == "zh" else "en"))


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

    def to_json(self) -> str:
        # Written once per deck: the page keeps its decks across reruns and never changes one
        # after building it, and serialising hundreds of outlines and tooltips is its biggest cost.
        written = _DECK_JSON.get(self)
        if written is None:
            written = json.dumps(
                self, sort_keys=True, default=default_serialize, separators=(",", ":")
            )
            _DECK_JSON[self] = written
        return written


# Outside the deck's own attributes, which pydeck would write into the JSON.
_DECK_JSON: weakref.WeakKeyDictionary[CompactDeck, str] = weakref.WeakKeyDictionary()


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


def legend_statuses(model: MapModel) -> list[str]:
    """The statuses the markers show, in the contract's order."""
    present = set(model.places["main_status"]) - {""}
    return [status for status in initiative_statuses() if status in present]


def place_choices(model: MapModel) -> list[str]:
    """Places a user can pick: those with initiatives first (most first), then the rest."""
    ordered = model.places.sort_values(["count", "depth"], ascending=[False, True], kind="stable")
    return ordered["place_id"].tolist()
