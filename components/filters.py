"""The shared filters (agreement, focus areas, statuses, places, date range): reading them from a
link's query parameters, writing them back, and applying them to initiatives and milestones.

A link is typed, pasted and forwarded by people, so anything unknown or malformed in it is dropped
with a notice (a translation key and its values) and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from components.loader import Dataset
from components.overview import focus_areas_in_order, initiative_statuses

# Query-parameter names: the sidebar widgets and shared links use these, and nothing else.
AGREEMENT_PARAM = "agreement"
FOCUS_PARAM = "focus"
STATUS_PARAM = "status"
PLACE_PARAM = "place"
FROM_PARAM = "from"
TO_PARAM = "to"
FILTER_PARAMS = (FOCUS_PARAM, STATUS_PARAM, PLACE_PARAM, FROM_PARAM, TO_PARAM)
# Several values of one filter travel as one comma-separated parameter (ids never hold commas).
SEPARATOR = ","
# Initiatives whose status is closed cannot "go quiet": nothing more is expected of them.
CLOSED_STATUSES = ("completed", "cancelled")
# The dates a filter can take: the date inputs refuse anything outside (and raise, before any
# page runs, if handed such a value), so a link's date outside them is dropped with a notice.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Notice:
    """Something about a link the user should know: a translation key and its values."""

    key: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """What the user chose to look at. Empty choices mean "all"."""

    agreement_id: str = ""
    focus_area_ids: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    place_ids: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    @property
    def has_date_range(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def to_query(self) -> dict[str, str]:
        """Query parameters for a link that reopens this view (empty filters left out)."""
        query = {AGREEMENT_PARAM: self.agreement_id} if self.agreement_id else {}
        for name, values in (
            (FOCUS_PARAM, self.focus_area_ids),
            (STATUS_PARAM, self.statuses),
            (PLACE_PARAM, self.place_ids),
        ):
            if values:
                query[name] = SEPARATOR.join(values)
        if self.date_from is not None:
            query[FROM_PARAM] = self.date_from.isoformat()
        if self.date_to is not None:
            query[TO_PARAM] = self.date_to.isoformat()
        return query


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter can take for one agreement, in the order they are offered."""

    focus_area_ids: tuple[str, ...]
    statuses: tuple[str, ...]
    place_ids: tuple[str, ...]


def filter_options(dataset: Dataset, agreement_id: str) -> FilterOptions:
    """Focus areas of the agreement; every status; the places its initiatives and milestones name,
    with the places that contain them (so "Hebei" can select Langfang's initiatives)."""
    areas = focus_areas_in_order(dataset, agreement_id)
    initiatives = dataset["initiatives"]
    milestones = dataset["milestones"]
    named = {
        place
        for ids in initiatives.loc[initiatives["agreement_id"] == agreement_id, "place_ids"]
        for place in ids
    }
    named |= set(milestones.loc[milestones["agreement_id"] == agreement_id, "place_id"]) - {""}
    parents = _parents(dataset)
    with_ancestors = set()
    for place in named:
        while place and place not in with_ancestors:
            with_ancestors.add(place)
            place = parents.get(place, "")
    places = dataset["places"]
    ordered = places.loc[places["place_id"].isin(with_ancestors), "place_id"]
    return FilterOptions(
        tuple(areas["focus_area_id"]), initiative_statuses(), tuple(sorted(ordered))
    )


def _parents(dataset: Dataset) -> dict[str, str]:
    places = dataset["places"]
    return dict(zip(places["place_id"], places["parent_place_id"], strict=True))


def places_within(dataset: Dataset, place_ids: Iterable[str]) -> set[str]:
    """The chosen places and every place inside them (a city inside a province, a venue...)."""
    parents = _parents(dataset)
    chosen = set(place_ids)
    within = set(chosen)
    for place in parents:
        ancestor, seen = place, set()
        while ancestor and ancestor not in seen:
            if ancestor in chosen:
                within.add(place)
                break
            seen.add(ancestor)
            ancestor = parents.get(ancestor, "")
    return within


def _values(raw: str | list[str] | None) -> list[str]:
    if raw is None:
        return []
    parts = raw if isinstance(raw, list) else [raw]
    return [value.strip() for part in parts for value in part.split(SEPARATOR) if value.strip()]


def _known(
    name: str, raw: str | list[str] | None, allowed: tuple[str, ...], notices: list[Notice]
) -> tuple[str, ...]:
    values = list(dict.fromkeys(_values(raw)))
    unknown = [value for value in values if value not in allowed]
    if unknown:
        notices.append(
            Notice("filters.unknown_value", {"param": name, "value": ", ".join(unknown)})
        )
    return tuple(value for value in allowed if value in values)


def _date(name: str, raw: str | list[str] | None, notices: list[Notice]) -> date | None:
    values = _values(raw)
    if not values:
        return None
    written = values[0]
    # Only YYYY-MM-DD: `fromisoformat` also takes week dates and compact forms.
    if not ISO_DAY.fullmatch(written):
        notices.append(Notice("filters.malformed_date", {"param": name, "value": written}))
        return None
    try:
        day = date.fromisoformat(written)
    except ValueError:
        notices.append(Notice("filters.malformed_date", {"param": name, "value": written}))
        return None
    if not EARLIEST <= day <= LATEST:
        notices.append(
            Notice(
                "filters.date_out_of_range",
                {
                    "param": name,
                    "value": written,
                    "earliest": EARLIEST.isoformat(),
                    "latest": LATEST.isoformat(),
                },
            )
        )
        return None
    return day


def from_query(
    params: Mapping[str, str | list[str]], agreement_id: str, options: FilterOptions
) -> tuple[Filters, list[Notice]]:
    """The filters a link asks for, keeping only values that exist; notices for the rest."""
    notices: list[Notice] = []
    date_from = _date(FROM_PARAM, params.get(FROM_PARAM), notices)
    date_to = _date(TO_PARAM, params.get(TO_PARAM), notices)
    if date_from and date_to and date_from > date_to:
        notices.append(
            Notice(
                "filters.reversed_dates",
                {"from": date_from.isoformat(), "to": date_to.isoformat()},
            )
        )
        date_from, date_to = date_to, date_from
    filters = Filters(
        agreement_id=agreement_id,
        focus_area_ids=_known(
            FOCUS_PARAM, params.get(FOCUS_PARAM), options.focus_area_ids, notices
        ),
        statuses=_known(STATUS_PARAM, params.get(STATUS_PARAM), options.statuses, notices),
        place_ids=_known(PLACE_PARAM, params.get(PLACE_PARAM), options.place_ids, notices),
        date_from=date_from,
        date_to=date_to,
    )
    return filters, notices


def period_end(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """The last day a date can mean: "2018-08-01" at month precision means up to 31 August."""
    month_end = dates + pd.offsets.MonthEnd(0)
    year_end = dates + pd.offsets.YearEnd(0)
    return dates.where(precisions != "month", month_end).where(precisions != "year", year_end)


def _any_in(lists: pd.Series, chosen: set[str]) -> pd.Series:
    return lists.map(lambda ids: not chosen.isdisjoint(ids)).astype(bool)


def _scope_mask(dataset: Dataset, filters: Filters) -> pd.Series:
    """Initiatives matching every filter except the date range."""
    initiatives = dataset["initiatives"]
    mask = initiatives["agreement_id"] == filters.agreement_id
    if filters.focus_area_ids:
        mask &= _any_in(initiatives["focus_area_ids"], set(filters.focus_area_ids))
    if filters.statuses:
        mask &= initiatives["status"].isin(filters.statuses)
    if filters.place_ids:
        mask &= _any_in(initiatives["place_ids"], places_within(dataset, filters.place_ids))
    return mask


def _in_range(start: pd.Series, end: pd.Series, filters: Filters) -> pd.Series:
    """Whether [start, end] overlaps the chosen range; an unknown end is open-ended and an
    unknown start cannot be placed in any range."""
    mask = start.notna()
    if filters.date_to is not None:
        mask &= start <= pd.Timestamp(filters.date_to)
    if filters.date_from is not None:
        mask &= end.isna() | (end >= pd.Timestamp(filters.date_from))
    return mask


@dataclass(frozen=True)
class Lookups:
    """Row positions linking the tables, worked out once per dataset: which initiative (row of
    the initiatives table, -1 for none) each milestone and each indicator belongs to. Filtering
    then costs an array lookup instead of matching thousands of ids as text."""

    milestone_initiative: np.ndarray
    indicator_initiative: np.ndarray


def lookups(dataset: Dataset) -> Lookups:
    ids = pd.Index(dataset["initiatives"]["initiative_id"].to_numpy(dtype="object"))

    def positions(table: str) -> np.ndarray:
        return ids.get_indexer(dataset[table]["initiative_id"].to_numpy(dtype="object"))

    return Lookups(positions("milestones"), positions("indicators"))


def _of_initiatives(scope: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """For each row linked by `positions`, whether its initiative is in `scope`."""
    result = np.zeros(len(positions), dtype=bool)
    linked = positions >= 0
    result[linked] = scope[positions[linked]]
    return result


@dataclass(frozen=True)
class Selection:
    """What the filters select: shared frames, filtered but never copied or changed."""

    filters: Filters
    # Initiatives matching every filter (their span overlaps the date range).
    initiatives: pd.DataFrame
    # Initiatives matching every filter but the date range: their milestones and indicators are
    # in scope, each kept or dropped by its own date.
    initiatives_in_scope: pd.DataFrame
    milestones: pd.DataFrame
    indicators: pd.DataFrame


def select(dataset: Dataset, filters: Filters, links: Lookups | None = None) -> Selection:
    """Apply the filters to initiatives, milestones and indicators.

    Milestones of an initiative follow their initiative; milestones of the agreement as a whole
    belong to no focus area or status, so they are shown only while neither filter is set, and
    the place filter applies to their own place. With a date range, a milestone is kept by its own
    date, and undated initiatives and milestones are left out (they cannot be placed in it).
    `links` (from `lookups`) can be passed in when it is kept between calls.
    """
    links = links or lookups(dataset)
    initiatives = dataset["initiatives"]
    scope = _scope_mask(dataset, filters)
    scope_array = scope.to_numpy(dtype=bool)
    in_scope = initiatives[scope]
    if filters.has_date_range:
        start = in_scope["start_date"]
        end = period_end(in_scope["end_date"], in_scope["end_date_precision"])
        shown = in_scope[_in_range(start, end, filters)]
    else:
        shown = in_scope

    milestones = dataset["milestones"]
    of_agreement = milestones["agreement_id"] == filters.agreement_id
    linked = milestones["initiative_id"] != ""
    keep = of_agreement & _of_initiatives(scope_array, links.milestone_initiative)
    if not (filters.focus_area_ids or filters.statuses):
        whole = of_agreement & ~linked
        if filters.place_ids:
            whole &= milestones["place_id"].isin(places_within(dataset, filters.place_ids))
        keep |= whole
    if filters.has_date_range:
        dates = milestones["date"]
        keep &= _in_range(dates, period_end(dates, milestones["date_precision"]), filters)

    indicators = dataset["indicators"]
    return Selection(
        filters=filters,
        initiatives=shown,
        initiatives_in_scope=in_scope,
        milestones=milestones[keep],
        indicators=indicators[_of_initiatives(scope_array, links.indicator_initiative)],
    )
