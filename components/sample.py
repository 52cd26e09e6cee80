"""Illustrative datasets of any size: complete, valid, deterministic, and marked as not real.

`partnership sample --scale N --out DIR` writes every table of the contract with about N times
the shipped number of initiatives, and milestones, indicators and indicator values in proportion.
Every row cites one source whose kind is `illustrative`, so the app can say so on every screen.
Columns are built whole with numpy (no loop over rows): a million indicator values take seconds.
Each table has one builder (`_places`, `_initiatives`, ...) returning its columns by name; the
contract decides which columns a table has and in what order, and a column it lists that no
builder fills stops the generation (SampleIncomplete) rather than being left out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from components.contract import (
    DESCRIPTOR_NAME,
    Contract,
    Table,
    default_descriptor_path,
    load_contract,
)
from components.illustrative import ILLUSTRATIVE_KIND

SOURCE_ID = "illustrative-sample"
# Relative to the shipped data: 4 initiatives there. Per initiative: 5 milestones and half an
# indicator; per indicator 200 values. So --scale 2500 is the "large" dataset of the benchmarks.
INITIATIVES_PER_SCALE = 4
MILESTONES_PER_INITIATIVE = 5
INDICATORS_PER_INITIATIVE = 0.5
VALUES_PER_INDICATOR = 200
FOCUS_AREAS_PER_AGREEMENT = 8
# The biggest agreement is the newest, so the app opens on it.
AGREEMENT_SHARES = (0.8, 0.1, 0.1)
# Fixed dates, not today's: the same seed must give the same bytes on any day. Nothing measured,
# confirmed or done is dated after STATUS_AS_OF_LATEST, so the data never reports the future.
FIRST_SIGNING = np.datetime64("2018-07-04")
GENERATED_ON = "2026-01-01"
STATUS_AS_OF_LATEST = np.datetime64("2025-12-31")
# A series of indicator values is weekly where its span allows, and at most daily.
VALUE_SPACING_DAYS = 7
DAY = np.timedelta64(1, "D")

# (English, Chinese) themes for focus areas; the names are generic on purpose.
THEMES = (
    ("Higher education", "高等教育"),
    ("Internships", "实习"),
    ("Planning", "规划"),
    ("Trade", "贸易"),
    ("Smart cities", "智慧城市"),
    ("Joint projects", "合作项目"),
    ("Culture", "文化"),
    ("Health", "卫生"),
)
# Two sides of a partnership, each around a real-looking centre so the maps frame them.
SIDES = (
    {"country": "GB", "lat": 51.75, "lon": -1.26, "spread": 0.35, "en": "Sample county"},
    {"country": "CN", "lat": 39.52, "lon": 116.70, "spread": 1.0, "en": "Sample province"},
)
SIDE_NAMES_ZH = ("示例郡", "示例省")


@dataclass(frozen=True)
class SampleSize:
    """How many rows each generated table gets."""

    agreements: int
    places: int
    parties: int
    people: int
    focus_areas: int
    initiatives: int
    milestones: int
    indicators: int
    indicator_values: int

    @classmethod
    def for_scale(cls, scale: int, indicator_values: int | None = None) -> SampleSize:
        if scale < 1:
            raise ValueError("scale must be at least 1")
        initiatives = INITIATIVES_PER_SCALE * scale
        indicators = max(1, round(initiatives * INDICATORS_PER_INITIATIVE))
        values = VALUES_PER_INDICATOR * indicators if indicator_values is None else indicator_values
        if values < 0:
            raise ValueError("the number of indicator values cannot be negative")
        agreements = len(AGREEMENT_SHARES)
        cities = 4 + min(scale, 400)
        return cls(
            agreements=agreements,
            # two regions, the cities, and one venue per city
            places=2 + 2 * cities,
            parties=agreements * 4 + max(2, scale // 4),
            people=agreements * 4 + max(2, scale // 4),
            focus_areas=agreements * FOCUS_AREAS_PER_AGREEMENT,
            initiatives=initiatives,
            milestones=MILESTONES_PER_INITIATIVE * initiatives,
            indicators=indicators,
            indicator_values=values,
        )


def _ids(prefix: str, count: int) -> pd.Series:
    width = max(4, len(str(count)))
    return pd.Series(np.arange(1, count + 1)).astype("str").str.zfill(width).radd(prefix + "-")


def _numbered(prefix: str, numbers: np.ndarray) -> pd.Series:
    return pd.Series(numbers).astype("str").radd(prefix)


def _dates(values: np.ndarray) -> pd.Series:
    """datetime64[D] values as YYYY-MM-DD text; NaT as an empty cell."""
    text = pd.Series(np.datetime_as_string(values, unit="D"))
    return text.where(~np.isnat(values), "")


def _pick(
    rng: np.random.Generator, options: tuple[str, ...], count: int, weights=None
) -> pd.Series:
    probabilities = None if weights is None else np.asarray(weights, dtype=float) / sum(weights)
    return pd.Series(
        np.asarray(options, dtype=object)[rng.choice(len(options), count, p=probabilities)]
    )


def _id_lists(
    ids: np.ndarray, block_start: np.ndarray, block_size: np.ndarray, lengths: np.ndarray, rng
) -> pd.Series:
    """`;`-lists of distinct ids, each drawn from its row's contiguous block of `ids`."""
    first = rng.integers(0, np.iinfo(np.int32).max, len(lengths)) % block_size
    joined = pd.Series(ids[block_start + first], dtype=object)
    for k in range(1, int(lengths.max(initial=0))):
        # Consecutive positions in the block are distinct ids as long as the block is long enough.
        more = (lengths > k) & (block_size > k)
        nxt = pd.Series(ids[block_start + (first + k) % block_size], dtype=object)
        joined = joined.where(~more, joined + ";" + nxt)
    return joined.where(lengths > 0, "")


def _to_precision(dates: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Dates known to the month or the year are written with day (and month) 01."""
    month = dates.astype("datetime64[M]").astype("datetime64[D]")
    year = dates.astype("datetime64[Y]").astype("datetime64[D]")
    return np.where(precision == "month", month, np.where(precision == "year", year, dates))


def _random_dates(rng, start: np.ndarray, span_days: np.ndarray) -> np.ndarray:
    offsets = (rng.random(len(start)) * span_days).astype("int64")
    return start + offsets * DAY


# Column name -> its values: a sequence as long as the table, or one value for every row.
Columns = dict[str, object]
PRECISIONS = np.array(["day", "month", "year"], dtype=object)


class SampleIncomplete(Exception):
    """The contract lists a table or a column that no builder here fills (or the reverse)."""


# What a table's builder made that the builders of later tables draw on. Each builder draws from
# the one random generator after the builders before it, so `generate` calls them in a fixed
# order: changing that order, or the order of the draws inside a builder, changes every file.


@dataclass(frozen=True)
class Places:
    ids: np.ndarray  # every place, in table order
    regions: np.ndarray  # one per side
    cities: np.ndarray
    venues: np.ndarray  # one per city, in the same order
    country: np.ndarray  # per side


@dataclass(frozen=True)
class Agreements:
    ids: np.ndarray
    signed: np.ndarray  # datetime64[D]


@dataclass(frozen=True)
class Parties:
    ids: np.ndarray
    # The parties of each agreement are one contiguous block of `ids`.
    block_start: np.ndarray
    block_size: np.ndarray


@dataclass(frozen=True)
class Initiatives:
    ids: np.ndarray
    agreement: np.ndarray  # index of each initiative's agreement
    start: np.ndarray  # drawn start dates, before they are cut to their precision


@dataclass(frozen=True)
class Indicators:
    ids: np.ndarray
    values_each: np.ndarray  # how many values each indicator gets
    baseline: np.ndarray
    target: np.ndarray
    baseline_date: np.ndarray


def _sources(scale: int, seed: int) -> Columns:
    return {
        "source_id": [SOURCE_ID],
        "kind": [ILLUSTRATIVE_KIND],
        "title": ["Illustrative data generated for demonstrations and benchmarks"],
        "title_zh": ["为演示和性能测试生成的示例数据"],
        "publisher": ["partnership sample"],
        "published_on": [GENERATED_ON],
        "url": [""],
        "reference": [""],
        "notes": [
            f"Generated with --scale {scale} --seed {seed}. Not real: no figure, name, date "
            "or place in these rows describes the actual partnership."
        ],
    }


def _places(rng: np.random.Generator, size: SampleSize) -> tuple[Columns, Places]:
    """One region per side, cities around its centre, one venue in each city."""
    cities = (size.places - 2) // 2
    city_side = np.arange(cities) % 2
    centre_lat = np.array([side["lat"] for side in SIDES])[city_side]
    centre_lon = np.array([side["lon"] for side in SIDES])[city_side]
    spread = np.array([side["spread"] for side in SIDES])[city_side]
    city_lat = centre_lat + rng.uniform(-1, 1, cities) * spread
    city_lon = centre_lon + rng.uniform(-1.4, 1.4, cities) * spread
    city_numbers = np.arange(1, cities + 1)
    region_ids = np.array(["sample-county", "sample-province"], dtype=object)
    city_ids = _numbered("sample-city-", city_numbers)
    venue_ids = _numbered("sample-venue-", city_numbers)
    country = np.array([side["country"] for side in SIDES], dtype=object)
    regions = {
        "place_id": region_ids,
        "name_en": [side["en"] for side in SIDES],
        "name_zh": list(SIDE_NAMES_ZH),
        "kind": ["county", "province"],
        "country": country,
        "lat": [side["lat"] for side in SIDES],
        "lon": [side["lon"] for side in SIDES],
        "parent_place_id": "",
        "coordinates_note": "Centre of the illustrative region.",
    }
    towns = {
        "place_id": city_ids,
        "name_en": _numbered("Sample town ", city_numbers),
        "name_zh": _numbered("示例城镇", city_numbers),
        "kind": "city",
        "country": country[city_side],
        "lat": city_lat.round(4),
        "lon": city_lon.round(4),
        "parent_place_id": region_ids[city_side],
        "coordinates_note": "Generated point.",
    }
    venues = {
        "place_id": venue_ids,
        "name_en": _numbered("Sample hall ", city_numbers),
        "name_zh": _numbered("示例会堂", city_numbers),
        "kind": "venue",
        "country": country[city_side],
        "lat": (city_lat + 0.002).round(4),
        "lon": (city_lon + 0.002).round(4),
        "parent_place_id": city_ids,
        "coordinates_note": "Generated point beside its town.",
    }
    stacked = pd.concat(map(pd.DataFrame, (regions, towns, venues)), ignore_index=True)
    places = Places(
        ids=stacked["place_id"].to_numpy(dtype=object),
        regions=region_ids,
        cities=city_ids.to_numpy(dtype=object),
        venues=venue_ids.to_numpy(dtype=object),
        country=country,
    )
    return dict(stacked.items()), places


def _agreements(
    rng: np.random.Generator, size: SampleSize, places: Places
) -> tuple[Columns, Agreements]:
    """The first (and biggest) agreement is the newest."""
    agreement_ids = _ids("sample-agreement", size.agreements).to_numpy(dtype=object)
    signed = FIRST_SIGNING + np.arange(size.agreements)[::-1] * 400 * DAY
    agreement_numbers = np.arange(1, size.agreements + 1)
    columns = {
        "agreement_id": agreement_ids,
        "title_en": _numbered("Illustrative agreement ", agreement_numbers),
        "title_zh": _numbered("示例协议", agreement_numbers),
        "title_basis": "descriptive",
        "kind": _pick(
            rng, ("memorandum-of-understanding", "cooperation-agreement"), size.agreements
        ),
        "signed_on": _dates(signed),
        "place_id": places.venues[: size.agreements],
        "summary_en": "A generated agreement between two illustrative sides.",
        "summary_zh": "两个示例方之间的生成协议。",
    }
    return columns, Agreements(agreement_ids, signed)


def _parties(
    rng: np.random.Generator, size: SampleSize, places: Places, agreements: Agreements
) -> tuple[Columns, Parties]:
    """Four signatories per agreement (two per side), then partners spread over them."""
    extra = size.parties - 4 * size.agreements
    party_agreement = np.concatenate(
        [np.repeat(np.arange(size.agreements), 4), np.arange(extra) % size.agreements]
    )
    order = np.argsort(party_agreement, kind="stable")
    party_agreement = party_agreement[order]
    is_signatory = np.concatenate([np.ones(4 * size.agreements, bool), np.zeros(extra, bool)])[
        order
    ]
    party_side = np.arange(size.parties) % 2
    cities = len(places.cities)
    party_place = np.where(
        is_signatory & (np.arange(size.parties) % 4 < 2),
        places.regions[party_side],
        places.cities[(rng.integers(0, cities // 2, size.parties) * 2 + party_side) % cities],
    )
    party_numbers = np.arange(1, size.parties + 1)
    party_ids = _ids("sample-party", size.parties).to_numpy(dtype=object)
    signatory_kinds = np.array(
        ["county-council", "provincial-government", "city-council", "municipal-government"],
        dtype=object,
    )
    other_kinds = np.array(["university", "business", "programme", "other"], dtype=object)
    columns = {
        "party_id": party_ids,
        "agreement_id": agreements.ids[party_agreement],
        "name_en": _numbered("Illustrative organisation ", party_numbers),
        "name_zh": _numbered("示例机构", party_numbers),
        "kind": np.where(
            is_signatory,
            signatory_kinds[np.arange(size.parties) % 4],
            other_kinds[rng.integers(0, 4, size.parties)],
        ),
        "country": places.country[party_side],
        "place_id": party_place,
        "role": np.where(
            is_signatory,
            "signatory",
            np.array(["partner", "supporter", "delegation"], dtype=object)[
                rng.integers(0, 3, size.parties)
            ],
        ),
    }
    parties = Parties(
        ids=party_ids,
        block_start=np.searchsorted(party_agreement, np.arange(size.agreements)),
        block_size=np.bincount(party_agreement, minlength=size.agreements),
    )
    return columns, parties


def _people(rng: np.random.Generator, size: SampleSize, parties: Parties) -> Columns:
    person_numbers = np.arange(1, size.people + 1)
    return {
        "person_id": _ids("sample-person", size.people),
        "name_en": _numbered("Sample Person ", person_numbers),
        "name_zh": _numbered("示例人物", person_numbers),
        "title_en": _pick(rng, ("Councillor", "Director", "Professor", "Officer"), size.people),
        "title_zh": "",
        "party_id": parties.ids[np.arange(size.people) % size.parties],
        "note_en": "",
        "note_zh": "",
        "honorific_en": "",
        "precedence": pd.Series(person_numbers).astype(str),
    }


def _focus_areas(size: SampleSize, agreements: Agreements) -> tuple[Columns, np.ndarray]:
    """The same themes for every agreement, in blocks of FOCUS_AREAS_PER_AGREEMENT; returns
    the columns and the focus area ids."""
    area_agreement = np.repeat(np.arange(size.agreements), FOCUS_AREAS_PER_AGREEMENT)
    area_theme = np.tile(np.arange(FOCUS_AREAS_PER_AGREEMENT), size.agreements)
    theme_en = np.array([theme[0] for theme in THEMES], dtype=object)
    theme_zh = np.array([theme[1] for theme in THEMES], dtype=object)
    area_ids = (
        pd.Series(agreements.ids[area_agreement])
        + "-"
        + pd.Series(theme_en[area_theme]).str.lower().str.replace(" ", "-")
    ).to_numpy(dtype=object)
    columns = {
        "focus_area_id": area_ids,
        "agreement_id": agreements.ids[area_agreement],
        "name_en": theme_en[area_theme],
        "name_zh": theme_zh[area_theme],
        "description_en": "Generated focus area.",
        "description_zh": "生成的重点领域。",
        "description_basis": "editorial",
        "sort_order": (area_theme + 1).astype(str),
    }
    return columns, area_ids


def _initiatives(
    rng: np.random.Generator,
    size: SampleSize,
    places: Places,
    agreements: Agreements,
    parties: Parties,
    focus_area_ids: np.ndarray,
) -> tuple[Columns, Initiatives]:
    count = size.initiatives
    agreement_of = rng.choice(size.agreements, count, p=np.array(AGREEMENT_SHARES) / 1.0)
    agreement_of = np.sort(agreement_of)
    initiative_ids = _ids("sample-initiative", count).to_numpy(dtype=object)
    start = _random_dates(rng, agreements.signed[agreement_of], np.full(count, 6 * 365))
    has_start = rng.random(count) > 0.05
    has_end = has_start & (rng.random(count) > 0.4)
    end = start + rng.integers(30, 3 * 365, count) * DAY
    status = _pick(
        rng,
        ("planned", "active", "completed", "paused", "cancelled", "unknown"),
        count,
        weights=(3, 5, 4, 1, 1, 1),
    )
    as_of = np.minimum(start + rng.integers(0, 2 * 365, count) * DAY, STATUS_AS_OF_LATEST)
    start_precision = PRECISIONS[rng.choice(3, count, p=[0.6, 0.3, 0.1])]
    has_lead = rng.random(count) > 0.1
    lead = parties.ids[
        parties.block_start[agreement_of]
        + rng.integers(0, np.iinfo(np.int32).max, count) % parties.block_size[agreement_of]
    ]
    numbers = np.arange(1, count + 1)
    theme_en = np.array([theme[0] for theme in THEMES], dtype=object)
    theme_zh = np.array([theme[1] for theme in THEMES], dtype=object)
    columns = {
        "initiative_id": initiative_ids,
        "agreement_id": agreements.ids[agreement_of],
        "title_en": _numbered("Illustrative initiative ", numbers)
        + " on "
        + pd.Series(theme_en[numbers % len(THEMES)]).str.lower(),
        "title_zh": pd.Series(theme_zh[numbers % len(THEMES)]) + _numbered("示例举措", numbers),
        "summary_en": "A generated initiative; its dates, status and partners are not real.",
        "summary_zh": np.where(
            rng.random(count) > 0.2, "程序生成的举措；其日期、状态和合作方均非真实信息。", ""
        ),
        "focus_area_ids": _id_lists(
            focus_area_ids,
            agreement_of * FOCUS_AREAS_PER_AGREEMENT,
            np.full(count, FOCUS_AREAS_PER_AGREEMENT),
            rng.integers(0, 4, count),
            rng,
        ),
        "focus_area_basis": "",
        "lead_party_id": np.where(has_lead, lead, ""),
        "partner_party_ids": _id_lists(
            parties.ids,
            parties.block_start[agreement_of],
            parties.block_size[agreement_of],
            rng.integers(1, 4, count),
            rng,
        ),
        "place_ids": _id_lists(
            places.ids,
            np.zeros(count, dtype=int),
            np.full(count, len(places.ids)),
            rng.integers(0, 3, count),
            rng,
        ),
        "start_date": _dates(
            np.where(has_start, _to_precision(start, start_precision), np.datetime64("NaT"))
        ),
        "start_date_precision": np.where(has_start, start_precision, ""),
        "end_date": _dates(np.where(has_end, end, np.datetime64("NaT"))),
        "end_date_precision": np.where(has_end, "day", ""),
        "status": status,
        "status_as_of": _dates(as_of),
    }
    return columns, Initiatives(initiative_ids, agreement_of, start)


def _milestones(
    rng: np.random.Generator,
    size: SampleSize,
    places: Places,
    agreements: Agreements,
    initiatives: Initiatives,
) -> Columns:
    """Most belong to an initiative and fall within a few years of its start."""
    count = size.milestones
    owner = rng.integers(0, size.initiatives, count)
    owner.sort()
    for_agreement_only = rng.random(count) < 0.05
    dated = rng.random(count) > 0.03
    date = initiatives.start[owner] + rng.integers(-30, 4 * 365, count) * DAY
    date = np.maximum(date, agreements.signed[initiatives.agreement[owner]])
    past = date <= STATUS_AS_OF_LATEST
    milestone_status = np.where(
        past,
        np.where(rng.random(count) < 0.85, "done", "missed"),
        np.where(rng.random(count) < 0.9, "planned", "unknown"),
    )
    milestone_status = np.where(dated, milestone_status, "unknown")
    date_precision = PRECISIONS[rng.choice(3, count, p=[0.8, 0.15, 0.05])]
    numbers = np.arange(1, count + 1)
    kinds = ("signing", "visit", "launch", "meeting", "report", "announcement", "other")
    return {
        "milestone_id": _ids("sample-milestone", count),
        "agreement_id": agreements.ids[initiatives.agreement[owner]],
        "initiative_id": np.where(for_agreement_only, "", initiatives.ids[owner]),
        "date": _dates(np.where(dated, _to_precision(date, date_precision), np.datetime64("NaT"))),
        "date_precision": np.where(dated, date_precision, ""),
        "title_en": _numbered("Illustrative milestone ", numbers),
        "title_zh": _numbered("示例里程碑", numbers),
        "kind": _pick(rng, kinds, count, weights=(1, 4, 3, 6, 3, 2, 1)),
        "place_id": np.where(
            rng.random(count) < 0.7, places.ids[rng.integers(0, len(places.ids), count)], ""
        ),
        "status": milestone_status,
        "note_en": "",
        "note_zh": "",
    }


def _indicators(
    rng: np.random.Generator, size: SampleSize, initiatives: Initiatives
) -> tuple[Columns, Indicators]:
    """A baseline at the initiative's start and a target a few years on. The baseline is
    measured, so it lies early enough for the indicator's values to follow it, one a day at
    most, by STATUS_AS_OF_LATEST."""
    count = size.indicators
    per_indicator = np.full(count, size.indicator_values // count)
    per_indicator[: size.indicator_values % count] += 1
    measured = rng.integers(0, size.initiatives, count)
    measured.sort()
    increase = rng.random(count) < 0.75
    baseline = rng.integers(0, 200, count).astype(float)
    change = rng.integers(10, 300, count).astype(float)
    target = np.where(increase, baseline + change, np.maximum(baseline - change, 0))
    latest_baseline = STATUS_AS_OF_LATEST - np.maximum(per_indicator, 30) * DAY
    baseline_date = np.minimum(initiatives.start[measured], latest_baseline)
    target_date = baseline_date + rng.integers(365, 5 * 365, count) * DAY
    # Each unit with its Chinese form, as an analyst would write them.
    units = ("students", "visits", "companies", "GBP", "%", "events")
    units_zh = ("人", "次", "家", "英镑", "%", "场")
    unit_numbers = rng.choice(len(units), count)
    indicator_ids = _ids("sample-indicator", count).to_numpy(dtype=object)
    numbers = np.arange(1, count + 1)
    columns = {
        "indicator_id": indicator_ids,
        "initiative_id": initiatives.ids[measured],
        "name_en": _numbered("Illustrative measure ", numbers),
        "name_zh": _numbered("示例指标", numbers),
        "unit": np.asarray(units, dtype=object)[unit_numbers],
        "unit_zh": np.asarray(units_zh, dtype=object)[unit_numbers],
        "direction": np.where(increase, "increase", "decrease"),
        "baseline": baseline.astype(int).astype(str),
        "baseline_date": _dates(baseline_date),
        "target": target.astype(int).astype(str),
        "target_date": _dates(target_date),
    }
    return columns, Indicators(indicator_ids, per_indicator, baseline, target, baseline_date)


def _indicator_values(
    rng: np.random.Generator, size: SampleSize, indicators: Indicators
) -> Columns:
    """A series per indicator from its baseline, drifting to the target, weekly or closer so
    that the last value is dated by STATUS_AS_OF_LATEST."""
    count = size.indicator_values
    per_indicator = indicators.values_each
    baseline, target = indicators.baseline, indicators.target
    span_days = (STATUS_AS_OF_LATEST - indicators.baseline_date) // DAY
    spacing = np.clip(span_days // np.maximum(per_indicator, 1), 1, VALUE_SPACING_DAYS)
    which = np.repeat(np.arange(size.indicators), per_indicator)
    step = np.arange(count) - np.repeat(np.cumsum(per_indicator) - per_indicator, per_indicator)
    progress = np.minimum(1.0, (step + 1) / np.maximum(per_indicator[which], 1))
    noise = rng.normal(0, 0.05, count) * np.abs(target - baseline)[which]
    value = baseline[which] + (target - baseline)[which] * progress + noise
    return {
        "indicator_id": indicators.ids[which],
        "date": _dates(indicators.baseline_date[which] + (step + 1) * spacing[which] * DAY),
        "value": pd.Series(value.round(1)).astype(str),
        "note": np.where(rng.random(count) < 0.01, "Estimated.", ""),
    }


def build_columns(
    scale: int, seed: int = 0, indicator_values: int | None = None
) -> dict[str, Columns]:
    """Every table's columns, from its builder. The builders run in this order, whatever the
    contract's order: each draws from the generator after the ones before and uses what they
    made."""
    size = SampleSize.for_scale(scale, indicator_values)
    rng = np.random.default_rng(seed)
    columns: dict[str, Columns] = {"sources": _sources(scale, seed)}
    columns["places"], places = _places(rng, size)
    columns["agreements"], agreements = _agreements(rng, size, places)
    columns["parties"], parties = _parties(rng, size, places, agreements)
    columns["people"] = _people(rng, size, parties)
    columns["focus_areas"], focus_area_ids = _focus_areas(size, agreements)
    columns["initiatives"], initiatives = _initiatives(
        rng, size, places, agreements, parties, focus_area_ids
    )
    columns["milestones"] = _milestones(rng, size, places, agreements, initiatives)
    columns["indicators"], indicators = _indicators(rng, size, initiatives)
    columns["indicator_values"] = _indicator_values(rng, size, indicators)
    return columns


def _frame(table: Table, built: dict[str, Columns]) -> pd.DataFrame:
    """The table in the contract's column order, from what its builder made."""
    if table.name not in built:
        raise SampleIncomplete(
            f"the contract lists a table {table.name!r} that no builder in components/sample.py "
            "makes: add one and call it from build_columns()"
        )
    made = built[table.name]
    # Every row cites the one illustrative source; the sources table says what it is.
    columns = {"source_id": SOURCE_ID, **made}
    missing = [name for name in table.column_names if name not in columns]
    unknown = [name for name in made if name not in table.column_names]
    if missing:
        raise SampleIncomplete(
            f"no builder fills {table.name}.{', '.join(missing)}, which the contract lists: "
            f'give it values in _{table.name}() in components/sample.py ("" for an empty '
            "column the contract allows to be empty)"
        )
    if unknown:
        raise SampleIncomplete(
            f"_{table.name}() in components/sample.py fills {', '.join(unknown)}, which the "
            f"contract's {table.name} table does not list"
        )
    return pd.DataFrame({name: columns[name] for name in table.column_names})


def generate(
    scale: int,
    seed: int = 0,
    indicator_values: int | None = None,
    contract: Contract | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of the contract (the shipped one by default), as text cells, in its column
    order, for an illustrative dataset. Raises SampleIncomplete when the contract lists a table
    or column that no builder fills."""
    contract = contract or load_contract()
    built = build_columns(scale, seed, indicator_values)
    unlisted = [name for name in built if name not in contract.table_names]
    if unlisted:
        raise SampleIncomplete(
            f"components/sample.py builds {', '.join(unlisted)}, which the contract does not list"
        )
    return {table.name: _frame(table, built) for table in contract.tables}


@dataclass(frozen=True)
class SampleSummary:
    out_dir: Path
    rows: dict[str, int]


class RefusedToOverwrite(Exception):
    """The output folder holds data that is not illustrative; writing would destroy it."""


def _guard_real_data(out_dir: Path) -> None:
    sources = out_dir / "sources.csv"
    if not sources.exists():
        return
    kinds = pd.read_csv(sources, dtype=str, keep_default_na=False).get("kind")
    if kinds is None or (kinds != ILLUSTRATIVE_KIND).any():
        raise RefusedToOverwrite(
            f"{out_dir} already holds data that is not illustrative (sources.csv cites real "
            "sources); choose an empty folder."
        )


def write_sample(
    out_dir: Path,
    scale: int,
    seed: int = 0,
    indicator_values: int | None = None,
) -> SampleSummary:
    """Write every table as CSV, plus a copy of datapackage.json so the folder is a Data Package."""
    # The shipped contract, and a copy of it beside the files, so the two cannot disagree.
    contract = load_contract()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _guard_real_data(out_dir)
    tables = generate(scale, seed, indicator_values, contract)
    rows = {}
    for table in contract.tables:
        frame = tables[table.name]
        path = out_dir / table.filename
        partial = path.with_suffix(".csv.partial")
        frame.to_csv(partial, index=False, lineterminator="\n", encoding="utf-8")
        partial.replace(path)
        rows[table.name] = len(frame)
    shutil.copyfile(default_descriptor_path(), out_dir / DESCRIPTOR_NAME)
    return SampleSummary(out_dir, rows)
