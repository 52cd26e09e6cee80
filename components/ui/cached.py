"""Every cache of the app, in one place: what each page reuses across reruns and sessions.

Three stores, all shared by every session of the process and all plain objects, not Streamlit
caches (any client, signed in or not, can clear those with one websocket message: that would make
every session reload the data, or lose the last valid version while the files are broken):
- the data folder as loaded (`load`), keyed on the files' signature, so an edited or swapped file
  is read again on the next rerun;
- every view built from a loaded dataset, in one `Memo` bounded by the bytes its entries hold
  (VIEW_MEMORY, a setting). Each function below is one such view. Its entry is keyed on the
  function, the dataset's version and exactly its own parameters: it reads nothing else, so two
  views that differ in any input never share an entry, and a view that ignores the filters does
  not take them. What a view derives for drawing (its text alternative, its Arrow form, a deck's
  JSON) is built with it and lives in the same entry;
- the files built for download (`download`), keyed on what they are made from, built once and
  at most one at a time.

When the data changes, the views of the version no longer shown are dropped at once.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd

from components import (
    initiatives,
    limits,
    map_decks,
    map_model,
    overview,
    overview_text,
    presentation,
    progress,
    quiet,
    settings,
    timeline,
)
from components.charting import as_of, names, source_caption, source_ids
from components.filters import FilterOptions, Filters, Lookups, Selection, filter_options, select
from components.filters import lookups as find_lookups
from components.i18n import translator
from components.illustrative import has_illustrative_rows
from components.loader import Dataset, LoadResult, load_dataset
from components.memo import Memo, MemoKey, MemoStats
from components.table_views import MAX_TABLE_ROWS, TableView, table_view
from components.text_alternatives import ChartView, MapAlternative, chart_view, map_alternative

Inputs = ParamSpec("Inputs")
Value = TypeVar("Value")

MEGABYTE = 1024 * 1024


def _budget() -> int:
    text = settings.value(settings.VIEW_MEMORY)
    megabytes = int(text) if text.isascii() and text.isdecimal() and int(text) > 0 else 0
    return (megabytes or int(settings.VIEW_MEMORY.default)) * MEGABYTE


_views = Memo(budget_bytes=_budget())


def view(build: Callable[Inputs, Value]) -> Callable[Inputs, Value]:
    """Remember `build(dataset, *inputs)` for the dataset's version and exactly those inputs
    (each hashable: texts, dates, numbers, tuples, Filters)."""
    name = f"{build.__module__}.{build.__qualname__}"

    @functools.wraps(build)
    def remembered(dataset: Dataset, *inputs):
        key = MemoKey(name, dataset.version, inputs)
        return _views.get(key, lambda: build(dataset, *inputs))

    remembered.is_view = True
    return remembered


def view_memory() -> MemoStats:
    """What the views hold now, for the benchmark and the tests."""
    return _views.stats()


# --- The data as loaded ---------------------------------------------------------------------


class _BuiltOnce:
    """Values built once per key and shared by every session: sessions asking for the same key
    at once wait for one build, at most `concurrent_builds` different keys are built at once,
    and past `keep` (what the values held measure, by `size`) the least recently used go."""

    def __init__(
        self,
        keep: int,
        size: Callable[[object], int] = lambda value: 1,
        concurrent_builds: int | None = None,
    ) -> None:
        self._keep, self._size = keep, size
        self._lock = threading.Lock()
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._building: dict[tuple, threading.Lock] = {}
        self._builds = (
            threading.BoundedSemaphore(concurrent_builds) if concurrent_builds else nullcontext()
        )
        self.built = 0  # how many values were built, for the tests

    def _kept(self, key: tuple):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def get(self, key: tuple, build: Callable[[], Value]) -> Value:
        value = self._kept(key)
        if value is not None:
            return value
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            value = self._kept(key)
            if value is None:
                with self._builds:
                    value = build()
                    self.built += 1
                with self._lock:
                    self._values[key] = value
                    self._building.pop(key, None)
                    held = sum(self._size(kept) for kept in self._values.values())
                    while held > self._keep and len(self._values) > 1:
                        _, dropped = self._values.popitem(last=False)
                        held -= self._size(dropped)
        return value


# The data folders as loaded, by their files' signature: the newest two, so a session still
# drawing the version before a publish keeps it. The frames are shared by every session and
# treated as read-only (pandas copy-on-write protects derived frames); nothing is copied. A
# cold start of the large data takes seconds: each session reading it again would multiply
# both time and memory.
_loads = _BuiltOnce(keep=2)


def load(signature: tuple, data_dir: str) -> LoadResult:
    """The data folder as its files are now (`signature`: `loader.file_signature`)."""
    return _loads.get((data_dir, signature), lambda: load_dataset(Path(data_dir)))


def load_version(store: str, number: int, read: Callable[[], LoadResult]) -> LoadResult:
    """Version `number` of a shared store, read (by `read`) once per process: versions never
    change once published."""
    return _loads.get(("store", store, number), read)


# Files built for download from the data (the whole data as one workbook, each table as a CSV,
# a version as a ZIP). Anyone can press these buttons, and the biggest takes seconds and
# hundreds of MB to build: built anew for each press, five viewers pressing together would take
# the server down. So each file is built once for what it is made from, one build at a time.
_downloads = _BuiltOnce(
    keep=limits.DOWNLOAD_MEMORY_BYTES,
    size=len,
    concurrent_builds=limits.CONCURRENT_DOWNLOAD_BUILDS,
)


def download(key: tuple, build: Callable[[], bytes]) -> bytes:
    """The file `build()` makes, built once for `key`: what it is (its kind and table or
    version) and what it is made from (the data folder and its files' signature)."""
    return _downloads.get(key, build)


class _Shown:
    """Per data folder: the last valid dataset, and the version whose views are kept.

    A plain object, not a Streamlit cache: a viewer's "clear cache" must not be able to make
    every session lose the data it shows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_valid: dict[str, Dataset] = {}

    def remember(self, data_dir: str, dataset: Dataset) -> None:
        with self._lock:
            previous = self._last_valid.get(data_dir)
            self._last_valid[data_dir] = dataset
        if previous is not None and previous.version != dataset.version:
            _views.forget_version(previous.version)  # a new version: nobody shows the old one

    def last_valid(self, data_dir: str) -> Dataset | None:
        with self._lock:
            return self._last_valid.get(data_dir)


shown = _Shown()


# --- What every page shares -------------------------------------------------------------------


@view
def indicator_values(dataset: Dataset) -> progress.IndicatorValues:
    return progress.IndicatorValues(dataset["indicator_values"])


@view
def last_activity(dataset: Dataset, today: date) -> pd.Series:
    return quiet.last_activity(dataset, indicator_values(dataset), today)


@view
def _lookups(dataset: Dataset) -> Lookups:
    return find_lookups(dataset)


@view
def selection(dataset: Dataset, filters: Filters) -> Selection:
    return select(dataset, filters, _lookups(dataset))


@view
def shows_illustrative(dataset: Dataset) -> bool:
    return has_illustrative_rows(dataset)


@view
def agreement_titles(dataset: Dataset, language: str) -> dict[str, str]:
    """Each agreement's title in `language`, in the order the switch lists them."""
    return {
        row["agreement_id"]: overview.localised(row, "title", language)[0]
        for row in overview.agreements(dataset).to_dict("records")
    }


@view
def options(dataset: Dataset, agreement_id: str) -> FilterOptions:
    return filter_options(dataset, agreement_id)


@view
def option_names(dataset: Dataset, language: str) -> tuple[dict[str, str], dict[str, str]]:
    """The focus areas' and the places' names, by id."""
    return (
        names(dataset, "focus_areas", "focus_area_id", language),
        names(dataset, "places", "place_id", language),
    )


@view
def caption(
    dataset: Dataset, cited: tuple[str, ...], newest: pd.Timestamp | None, language: str
) -> str:
    return source_caption(dataset, cited, newest, language)


@view
def newest_source(dataset: Dataset, cited: tuple[str, ...]) -> pd.Timestamp | None:
    return as_of(dataset, cited)


# --- Overview and the agreement slide -----------------------------------------------------------


@view
def agreement_card(dataset: Dataset, agreement_id: str, language: str):
    return overview_text.agreement_card(dataset, agreement_id, language)


@view
def headline_figures(dataset: Dataset, agreement_id: str, today: date, language: str):
    return overview_text.headline_figures(dataset, agreement_id, today, language)


@view
def focus_area_blocks(dataset: Dataset, agreement_id: str, language: str):
    return overview_text.focus_area_blocks(dataset, agreement_id, language)


@view
def sources_table(dataset: Dataset, language: str) -> pd.DataFrame:
    return overview_text.sources_table(dataset, language)


@view
def agreement_slide(dataset: Dataset, agreement_id: str, language: str):
    return presentation.agreement_slide(dataset, agreement_id, language)


@view
def focus_areas_slide(dataset: Dataset, agreement_id: str, language: str):
    return presentation.focus_areas_slide(dataset, agreement_id, language)


# --- Timeline and Progress ----------------------------------------------------------------------


@view
def timeline_chart(dataset: Dataset, filters: Filters, today: date, language: str) -> ChartView:
    chart = timeline.timeline_chart(dataset, selection(dataset, filters), today, language)
    return chart_view(chart, "timeline", language, today)


@view
def milestone_table(dataset: Dataset, filters: Filters, language: str) -> TableView:
    rows = timeline.milestone_list(dataset, selection(dataset, filters), language)
    return table_view(rows, "milestones", language, source_ids(rows["source_id"]))


@view
def status_chart(dataset: Dataset, filters: Filters, language: str) -> ChartView:
    chart = progress.status_by_focus_area(dataset, selection(dataset, filters), language)
    return chart_view(chart, "status_by_focus_area", language)


@view
def burn_up(dataset: Dataset, filters: Filters, today: date, language: str) -> ChartView:
    chart = progress.burn_up(dataset, selection(dataset, filters), today, language)
    return chart_view(chart, "burn_up", language, today)


@view
def indicator_table(dataset: Dataset, filters: Filters, language: str) -> pd.DataFrame:
    """Every indicator the filters select, with its latest value and verdict."""
    values = indicator_values(dataset)
    return progress.indicator_table(dataset, selection(dataset, filters), values, language)


@view
def indicator_rows(dataset: Dataset, filters: Filters, language: str) -> TableView:
    table = indicator_table(dataset, filters, language)
    cited = source_ids(table["source_id"], table["latest_source_id"])
    readable = progress.readable_indicators(table, language)
    return table_view(readable, "indicators_table", language, cited)


@view
def bullets(
    dataset: Dataset, filters: Filters, indicator_ids: tuple[str, ...], language: str
) -> ChartView:
    table = indicator_table(dataset, filters, language)
    chart = progress.bullet_chart(dataset, table, list(indicator_ids), language)
    return chart_view(chart, "bullets", language)


@view
def values_chart(dataset: Dataset, filters: Filters, indicator_id: str, language: str) -> ChartView:
    """One indicator's values within the filters' dates."""
    table = indicator_table(dataset, filters, language)
    row = table[table["indicator_id"] == indicator_id].iloc[0]
    series = indicator_values(dataset).series(indicator_id, filters.date_from, filters.date_to)
    return chart_view(progress.values_chart(dataset, row, series, language), "values", language)


@dataclass(frozen=True)
class QuietView:
    cutoff: pd.Timestamp
    initiatives: TableView
    areas: TableView


@view
def gone_quiet(
    dataset: Dataset, filters: Filters, today: date, months: int, language: str
) -> QuietView:
    activity = last_activity(dataset, today)
    found = quiet.gone_quiet(dataset, selection(dataset, filters), activity, today, months)
    quiet_initiatives, quiet_areas = quiet.readable_quiet(found, language)
    return QuietView(
        found.cutoff,
        table_view(
            quiet_initiatives,
            "quiet_initiatives",
            language,
            source_ids(quiet_initiatives["source_id"]),
        ),
        table_view(quiet_areas, "quiet_areas", language, source_ids(quiet_areas["source_id"])),
    )


# --- Initiatives ---------------------------------------------------------------------------------


@view
def initiative_table(dataset: Dataset, language: str) -> pd.DataFrame:
    """Every initiative, readable in `language`: what the search looks through."""
    return initiatives.initiative_table(dataset, language)


@dataclass(frozen=True)
class FoundInitiatives:
    table: TableView
    # The title by id of each initiative the table shows, for the picker that opens its
    # details. Past the table's cut the picker stops too: the cut's note says to search, and a
    # list of ten thousand titles weighed 350 KB on every visit and could not be scrolled.
    titles: dict[str, str]


@view
def initiative_rows(
    dataset: Dataset, filters: Filters, language: str, text: str
) -> FoundInitiatives:
    """The initiatives the filters select that match the search `text`."""
    every = initiative_table(dataset, language)
    chosen = selection(dataset, filters).initiatives["initiative_id"]
    rows = initiatives.search(every, chosen, text)
    shown = rows.head(MAX_TABLE_ROWS)
    return FoundInitiatives(
        table_view(rows, "initiatives", language, source_ids(rows["source_id"])),
        dict(zip(shown["initiative_id"], shown["title"], strict=True)),
    )


@view
def initiative_details(
    dataset: Dataset, initiative_id: str, language: str
) -> initiatives.DetailsView | None:
    return initiatives.details_view(dataset, initiative_id, language, indicator_values(dataset))


# --- Map -----------------------------------------------------------------------------------------


@view
def _agreement_place_ids(dataset: Dataset, agreement_id: str) -> list[str]:
    return map_model.agreement_place_ids(dataset, agreement_id)


@dataclass(frozen=True)
class MapView:
    model: map_model.MapModel
    # The place picker's option for each place: its names and how many initiatives are there.
    place_options: dict[str, str]
    alternative: MapAlternative


@view
def map_view(
    dataset: Dataset, agreement_id: str, filters: Filters | None, language: str
) -> MapView:
    """The map of the agreement, counting the initiatives the filters select, or all of the
    agreement's when `filters` is None (the presentation's map slide)."""
    chosen = None if filters is None else selection(dataset, filters).initiatives
    model = map_model.build_model(
        dataset,
        agreement_id,
        chosen,
        language,
        place_ids=_agreement_place_ids(dataset, agreement_id),
    )
    t = translator(language)
    place_options = {
        row["place_id"]: t(
            "map.place_option", name=map_model.place_names(row, language), count=row["count"]
        )
        for row in model.places.to_dict("records")
    }
    return MapView(model, place_options, map_alternative(model, language))


@view
def decks(
    dataset: Dataset,
    agreement_id: str,
    filters: Filters | None,
    language: str,
    shown: str,
    place: str | None,
    basemap: map_decks.Basemap,
) -> tuple[map_decks.CompactDeck, ...]:
    """The decks of one map view (`shown`: Both ends or The link), their JSON written once."""
    model = map_view(dataset, agreement_id, filters, language).model
    if shown == map_model.LINK:
        decks = (map_decks.link_deck(model, place, basemap),)
    else:
        decks = tuple(map_decks.ends_decks(model, place, basemap))
    return tuple(deck.written() for deck in decks)
