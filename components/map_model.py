"""The Map page's model: where the partnership's places are and what happens there.

`build_model` turns the dataset (and the initiatives left after the page's filters) into the
places, the initiatives at each place, the links between the two sides and the two ends to frame.
`components.map_decks` draws the model; no Streamlit here.

Counting rule, shown on the page too: an initiative is at the places it lists; one that lists no
place is at the places of its lead and partner organisations.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from components.geo import GEO_DIR, Bounds, Outlines, View, feature_bounds, fit, land, regions
from components.i18n import BILINGUAL, composed, join, translate
from components.loader import Dataset
from components.overview import for_agreement, initiative_statuses

# The two views, as they appear in the URL (?map_view=).
ENDS = "ends"
LINK = "link"
MAP_VIEWS = (ENDS, LINK)

# How involvement was worked out (see the counting rule above).
LISTED = "listed"
THROUGH_PARTIES = "parties"

# The map panels' size in pixels, used to frame the views. The page draws them at this height;
# the width is half the main column of a 1400-pixel-wide window (framing keeps a margin).
PANEL_WIDTH, PANEL_HEIGHT = 460, 460
LINK_WIDTH, LINK_HEIGHT = 860, 520


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
    # The world's land and coastline (no national borders), drawn under everything.
    land: Outlines
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
    named = _named_place_ids(dataset, agreement_id, with_parties=True)
    return [place_id for place_id in dataset["places"]["place_id"] if place_id in named]


def _named_place_ids(dataset: Dataset, agreement_id: str, with_parties: bool) -> set[str]:
    """The places the agreement, its milestones and initiatives (and, `with_parties`, its
    parties) name, with the places they lie in."""
    named = set(for_agreement(dataset, "agreements", agreement_id)["place_id"])
    if with_parties:
        named.update(for_agreement(dataset, "parties", agreement_id)["place_id"])
    named.update(for_agreement(dataset, "milestones", agreement_id)["place_id"])
    for place_ids in for_agreement(dataset, "initiatives", agreement_id)["place_ids"]:
        named.update(place_ids)
    places = dataset["places"]
    parents = dict(zip(places["place_id"], places["parent_place_id"], strict=True))
    for place_id in list(named):
        named.update(_ancestors(place_id, parents))
    return named


def seats_only(dataset: Dataset, agreement_id: str) -> dict[str, list[dict]]:
    """Places on the map only as the seat of an organisation that does not bear the place's
    name (Chengdu, seat of a university the release names, while it names no work there): each
    with those organisations' rows, so the map can say on itself why the place is there."""
    named = _named_place_ids(dataset, agreement_id, with_parties=False)
    by_id = {row["place_id"]: row for row in records(dataset["places"])}
    seats: dict[str, list[dict]] = {}
    for party in records(for_agreement(dataset, "parties", agreement_id)):
        place = by_id.get(party["place_id"])
        if place is None or place["place_id"] in named:
            continue
        seats.setdefault(place["place_id"], []).append(party)
    return {
        place_id: parties
        for place_id, parties in seats.items()
        if not any(_bears_name(party, by_id[place_id]) for party in parties)
    }


def _bears_name(party: dict, place: dict) -> bool:
    """True when the organisation's name names its place ("Baoding Municipal Government")."""
    english, chinese = place.get("name_en") or "", place.get("name_zh") or ""
    return bool(
        (english and english.casefold() in (party.get("name_en") or "").casefold())
        or (chinese and chinese in (party.get("name_zh") or ""))
    )


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
    seats = seats_only(dataset, agreement_id)
    for side in ("en", "zh"):
        places[f"seat_of_{side}"] = [
            join([p[f"name_{side}"] or p["name_en"] for p in seats.get(place_id, [])], side)
            for place_id in places["place_id"]
        ]

    order = _country_order(dataset, agreement_id, places["country"])
    return MapModel(
        places=places.reset_index(drop=True),
        involvements=involvements.reset_index(drop=True),
        links=links(involvements, all_places, order),
        ends=_ends(dataset, agreement_id, places, outlines, order),
        outlines=outlines,
        land=land(geo_dir),
        region_source=region_outlines.source,
        language=language,
    )


# --- Text shown on the map ---------------------------------------------------------------------
def names_in_order(row: pd.Series | dict, language: str) -> list[str]:
    """The place's known names, the reader's language first."""
    english, chinese = row.get("name_en", "") or "", row.get("name_zh", "") or ""
    first, second = (chinese, english) if language == "zh" else (english, chinese)
    return list(dict.fromkeys(n for n in (first, second) if n))


def own_name(row: pd.Series | dict, language: str) -> str:
    """The place's name in one language (the other one's when it has none)."""
    english, chinese = row.get("name_en", "") or "", row.get("name_zh", "") or ""
    return (chinese or english) if language == "zh" else (english or chinese)


def place_names(row: pd.Series | dict, language: str) -> str:
    """A place's names on one line. In English both names ("Langfang · 廊坊市"), in Chinese the
    Chinese first ("廊坊市 · Langfang"): places are what a guest looks for. In the bilingual
    layout each language is written whole: the English half names the place in English, the
    Chinese half in Chinese ("Langfang" and "廊坊市"), never one nested in the other."""
    if language == BILINGUAL:
        return composed(language, lambda side: own_name(row, side))
    return " · ".join(names_in_order(row, language))


def seat_note(row: pd.Series | dict, language: str) -> str:
    """Why a place that is only an organisation's seat is on the map, or "" (see seats_only)."""
    if not (row.get("seat_of_en") or ""):
        return ""
    return composed(
        language,
        lambda side: translate("map.seat_of", side, parties=row.get(f"seat_of_{side}") or ""),
    )


# An English label line longer than this is wrapped: a long organisation's name would otherwise
# make one label as wide as the panel.
LABEL_LINE_CHARS = 34


def label_lines(row: pd.Series | dict, language: str) -> list[str]:
    """A map label's lines, each language whole. English: the English name (with why the place
    is there, wrapped), then the Chinese name. Chinese: the Chinese name alone, with why the place
    is there; a Chinese surface carries no English but a name with no Chinese form. Both: the
    English line(s), then the Chinese line."""
    english, chinese = own_name(row, "en"), own_name(row, "zh")
    note = row.get("seat_of_en") or ""

    def with_note(name: str, side: str) -> str:
        if not note:
            return name
        return translate("map.label_with_note", side, name=name, note=seat_note(row, side))

    zh_line = with_note(chinese, "zh")
    if language == "zh":
        return [zh_line]
    en_lines = textwrap.wrap(with_note(english, "en"), LABEL_LINE_CHARS) or [english]
    second = zh_line if language == BILINGUAL else chinese
    return list(dict.fromkeys([*en_lines, second])) if second else en_lines


def outlines_credit(model: MapModel) -> str:
    """Who made the outlines the map draws ("Natural Earth"), from the files' `x-source`."""
    credits = [source.get("credit", "") for source in (model.land.source, model.region_source)]
    return ", ".join(dict.fromkeys(c for c in credits if c))


def legend_statuses(model: MapModel) -> list[str]:
    """The statuses the markers show, in the contract's order."""
    present = set(model.places["main_status"]) - {""}
    return [status for status in initiative_statuses() if status in present]


def place_choices(model: MapModel) -> list[str]:
    """Places a user can pick: those with initiatives first (most first), then the rest."""
    ordered = model.places.sort_values(["count", "depth"], ascending=[False, True], kind="stable")
    return ordered["place_id"].tolist()


def places_table(model: MapModel) -> pd.DataFrame:
    """The map's data as a table: each place, its country, and how many initiatives are there."""
    return model.places[["place_id", "name_en", "name_zh", "country", "count", "main_status"]]
