"""What the Overview shows: the agreement card, headline figures, focus areas and sources.

Every figure carries the rows it was counted from, so the page can show where it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from components.contract import load_contract
from components.i18n import BILINGUAL, Bilingual, composed, country_name, translate
from components.loader import Dataset

SIGNATORY = "signatory"
# How the organisations that are not parties are listed: by what they did, the closest first.
OTHER_ROLES = ("partner", "supporter", "delegation", "students-supported")


def initiative_statuses() -> tuple[str, ...]:
    """The statuses an initiative can have, in the contract's order."""
    return load_contract().table("initiatives").column("status").enum


def localised(row: pd.Series | dict, base: str, language: str) -> tuple[str, bool]:
    """The `base_<language>` text of a row, falling back to the other language; in the bilingual
    layout, the English and the Chinese text (each half falls back to the other).

    Returns the text and whether it is a fallback (so the UI can say a translation is missing).
    """
    english = row.get(f"{base}_en", "") or ""
    chinese = row.get(f"{base}_zh", "") or ""
    if language == BILINGUAL:
        return Bilingual(english, chinese), False
    own, other = (chinese, english) if language == "zh" else (english, chinese)
    return (own, False) if own else (other, bool(other))


def agreement_title(agreement: pd.Series | dict, language: str) -> str:
    """The agreement's title as the data gives it. A descriptive title (the source gives none)
    carries no tag: `title_footnote` says so once, under it."""
    return localised(agreement, "title", language)[0]


def title_footnote(agreement: pd.Series | dict, language: str) -> str | None:
    """The footnote a descriptive title needs (the source gives the agreement no formal title),
    or None for a title the source gives."""
    if agreement.get("title_basis") != "descriptive":
        return None
    return translate("overview.descriptive_title_help", language)


def source_title(source: pd.Series | dict, language: str, with_original: bool = False) -> str:
    """A source's title: as published, and in Chinese its translation, marked as one, when there
    is a translation; `with_original` adds the published title after it, for the full entries
    of a list of sources (a reader finds the document by its published title)."""

    def in_language(side: str) -> str:
        translated = source.get("title_zh", "") or ""
        if side != "zh" or not translated or translated == source["title"]:
            return source["title"]
        key = (
            "common.translated_title_with_original" if with_original else "common.translated_title"
        )
        return translate(key, side, title=translated, original=source["title"])

    return composed(language, in_language)


def source_titles(dataset: Dataset, language: str) -> dict[str, str]:
    """Each source's title in `language` (see `source_title`), by source id, in the order of
    sources.csv."""
    sources = dataset["sources"]
    return {
        source["source_id"]: source_title(source, language) for source in sources.to_dict("records")
    }


@dataclass(frozen=True)
class PartiesText:
    """Who signed and who else took part, as plain text in one language (or composed in both):
    the signatories under their side's heading, then every other organisation the sources name,
    each with what it did. Callers escape it for Markdown, or print it as it is."""

    # (side heading, signatory names) per side, the host side first.
    sides: tuple[tuple[str, tuple[str, ...]], ...]
    # "Name: what it did", one per organisation that is not a party.
    others: tuple[str, ...]


def side_heading(country: str, language: str) -> str:
    """A side of the agreement by its country, as protocol names it: "UK side", 英方; a country
    without a name of its own in the catalogue by its country name."""
    if language == BILINGUAL:
        return composed(language, lambda side: side_heading(country, side))
    if not country or country == "unknown":
        return translate("overview.country_unknown", language)
    try:
        return translate(f"overview.side.{country}", language)
    except KeyError:
        return country_name(country, language)


def _as_is(text: str) -> str:
    return text  # `str` itself would turn a bilingual name into its one-line form


def parties_text(
    dataset: Dataset, agreement_id: str, language: str, name: Callable[[str], str] = _as_is
) -> PartiesText:
    """The signatories by side and the other organisations, each name passed through `name`
    (an escape for Markdown, say), a bilingual name kept bilingual."""

    def named(party: dict) -> str:
        text = localised(party, "name", language)[0]
        return name(text) if text else translate("common.not_recorded", language)

    sides = tuple(
        (side_heading(country, language), tuple(named(p) for p in parties.to_dict("records")))
        for country, parties in signatories_by_side(dataset, agreement_id).items()
    )
    others = tuple(
        translate(
            "overview.organisation_line",
            language,
            name=named(party),
            role=translate("party_role." + party["role"], language),
        )
        for party in other_organisations(dataset, agreement_id).to_dict("records")
    )
    return PartiesText(sides, others)


@dataclass(frozen=True)
class Figure:
    """A headline number and the rows it was counted from."""

    key: str
    value: int | None
    rows: pd.DataFrame
    # Extra values for the figure's caption (e.g. the date of the next milestone).
    detail: dict


def agreements(dataset: Dataset) -> pd.DataFrame:
    """Agreements, newest signing first (unknown dates last)."""
    return dataset["agreements"].sort_values("signed_on", ascending=False, na_position="last")


def for_agreement(dataset: Dataset, table: str, agreement_id: str) -> pd.DataFrame:
    frame = dataset[table]
    return frame[frame["agreement_id"] == agreement_id]


def agreement_row(dataset: Dataset, agreement_id: str) -> pd.Series:
    frame = dataset["agreements"]
    return frame[frame["agreement_id"] == agreement_id].iloc[0]


def place_name(dataset: Dataset, place_id: str, language: str) -> str:
    places = dataset["places"]
    match = places[places["place_id"] == place_id]
    if not place_id or match.empty:
        return ""
    return localised(match.iloc[0], "name", language)[0]


def _side_order(dataset: Dataset, agreement_id: str, countries) -> list[str]:
    """The countries of the parties, the host side (where it was signed) first, unknown last."""
    places = dataset["places"]
    signed_at = places[places["place_id"] == agreement_row(dataset, agreement_id)["place_id"]]
    host = signed_at["country"].iloc[0] if len(signed_at) else None
    return sorted(set(countries), key=lambda c: (c == "unknown", c != host, c))


def in_protocol_order(parties: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Parties in protocol order: a province before the cities in it (河北省、廊坊市, as a Chinese
    reader expects, and so in every language, so that the halves of a bilingual list agree);
    otherwise the data's own order, which is the source's (牛津市、牛津郡)."""
    if parties.empty:
        return parties
    kinds = dataset["places"].set_index("place_id")["kind"]
    province_first = parties["place_id"].map(kinds).ne("province")
    return (
        parties.assign(_order=province_first)
        .sort_values("_order", kind="stable")
        .drop(columns="_order")
    )


def province_first(ids: list[str], dataset: Dataset, table: str) -> list[str]:
    """Place or party ids (`table` "places" or "parties") in protocol order: each country's
    together, where it first appears, and a province (or a party seated in one) before the
    rest of its country (河北省、廊坊市); otherwise as given."""
    frame = dataset[table].set_index("place_id" if table == "places" else "party_id")
    places = dataset["places"].set_index("place_id")
    seat = frame.index.to_series() if table == "places" else frame["place_id"]
    kinds = seat.map(places["kind"]).to_dict()
    countries = frame["country"].to_dict()
    first: dict[str, int] = {}
    for i in ids:
        first.setdefault(countries.get(i, ""), len(first))
    return sorted(ids, key=lambda i: (first[countries.get(i, "")], kinds.get(i) != "province"))


def signatories_by_side(dataset: Dataset, agreement_id: str) -> dict[str, pd.DataFrame]:
    """The agreement's signatories grouped by country, the host side first, each side in protocol
    order. Only signatories are parties: every other organisation is listed apart
    (`other_organisations`)."""
    parties = for_agreement(dataset, "parties", agreement_id)
    signatories = in_protocol_order(parties[parties["role"] == SIGNATORY], dataset)
    countries = signatories["country"].replace("", "unknown")
    return {
        country: signatories[countries == country]
        for country in _side_order(dataset, agreement_id, countries)
    }


def other_organisations(dataset: Dataset, agreement_id: str) -> pd.DataFrame:
    """Organisations the sources name beside the signatories (not parties to the agreement),
    grouped by what they did, in the data's order within each role."""
    parties = for_agreement(dataset, "parties", agreement_id)
    others = parties[parties["role"] != SIGNATORY]
    order = {role: i for i, role in enumerate(OTHER_ROLES)}
    return (
        others.assign(_role=others["role"].map(order))
        .sort_values("_role", kind="stable")
        .drop(columns="_role")
    )


def people_for_agreement(dataset: Dataset, agreement_id: str) -> pd.DataFrame:
    """People named for the agreement, with the organisation each represented, in order of
    precedence (the data's `precedence`, as protocol ranks them; people without one last, in the
    data's order)."""
    parties = for_agreement(dataset, "parties", agreement_id)[["party_id", "name_en", "name_zh"]]
    people = dataset["people"].merge(
        parties.rename(columns={"name_en": "party_name_en", "name_zh": "party_name_zh"}),
        on="party_id",
    )
    if "precedence" in people:
        people = people.sort_values("precedence", na_position="last", kind="stable")
    return people.reset_index(drop=True)


def _with_sources(dataset: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    sources = dataset["sources"][["source_id", "title"]].rename(columns={"title": "source_title"})
    return rows.merge(sources, on="source_id", how="left")


def headline_figures(dataset: Dataset, agreement_id: str, today: date) -> list[Figure]:
    """Initiatives by status, milestones done and planned, days since signing, next milestone."""
    initiatives = _with_sources(dataset, for_agreement(dataset, "initiatives", agreement_id))
    milestones = _with_sources(dataset, for_agreement(dataset, "milestones", agreement_id))
    agreement = agreement_row(dataset, agreement_id)
    today_ts = pd.Timestamp(today)
    initiative_columns = [
        "initiative_id",
        "title_en",
        "title_zh",
        "status",
        "status_as_of",
        "source_id",
        "source_title",
    ]
    milestone_columns = [
        "milestone_id",
        "title_en",
        "title_zh",
        "date",
        "status",
        "source_id",
        "source_title",
    ]

    figures = [
        Figure("initiatives_total", len(initiatives), initiatives[initiative_columns], {}),
    ]
    for status in initiative_statuses():
        rows = initiatives[initiatives["status"] == status]
        if len(rows):
            figures.append(Figure(f"initiatives_{status}", len(rows), rows[initiative_columns], {}))

    done = milestones[milestones["status"] == "done"]
    planned = milestones[milestones["status"] == "planned"]
    overdue = planned[planned["date"] < today_ts]
    figures.append(Figure("milestones_done", len(done), done[milestone_columns], {}))
    figures.append(
        Figure(
            "milestones_planned",
            len(planned),
            planned[milestone_columns],
            {"overdue": len(overdue)},
        )
    )

    signed_on = agreement["signed_on"]
    agreement_rows = _with_sources(
        dataset, dataset["agreements"][dataset["agreements"]["agreement_id"] == agreement_id]
    )[["agreement_id", "title_en", "title_zh", "signed_on", "source_id", "source_title"]]
    days = None if pd.isna(signed_on) else (today_ts - signed_on).days
    figures.append(Figure("days_since_signing", days, agreement_rows, {"signed_on": signed_on}))

    upcoming = planned[planned["date"] >= today_ts].sort_values("date")
    next_rows = upcoming.head(1)[milestone_columns]
    detail = {"overdue": len(overdue), "undated": int(planned["date"].isna().sum())}
    if len(next_rows):
        detail["date"] = next_rows.iloc[0]["date"]
        detail["milestone"] = upcoming.iloc[0]
    days_to_next = None if next_rows.empty else (next_rows.iloc[0]["date"] - today_ts).days
    figures.append(Figure("next_milestone", days_to_next, next_rows, detail))
    return figures


def focus_areas_in_order(dataset: Dataset, agreement_id: str) -> pd.DataFrame:
    """The agreement's focus areas in their sort order (then by name, unsorted ones last): the
    order every page, slide and pack lists them in."""
    return for_agreement(dataset, "focus_areas", agreement_id).sort_values(
        ["sort_order", "name_en"], na_position="last"
    )


def focus_areas_with_initiatives(
    dataset: Dataset, agreement_id: str
) -> list[tuple[pd.Series | None, pd.DataFrame]]:
    """Each focus area (in its sort order) with its initiatives; last, those serving the whole
    agreement (no focus area), as `(None, initiatives)` when there are any."""
    areas = focus_areas_in_order(dataset, agreement_id)
    initiatives = _with_sources(dataset, for_agreement(dataset, "initiatives", agreement_id))
    result = []
    for _, area in areas.iterrows():
        serves = initiatives["focus_area_ids"].map(lambda ids, a=area["focus_area_id"]: a in ids)
        result.append((area, initiatives[serves.astype(bool)]))
    whole = initiatives[initiatives["focus_area_ids"].map(len) == 0]
    if len(whole):
        result.append((None, whole))
    return result


def sources_cited(dataset: Dataset) -> pd.DataFrame:
    """Every source with how many rows of the dataset cite it."""
    counts = pd.Series(0, index=dataset["sources"]["source_id"], dtype="int64")
    for name, frame in dataset.tables.items():
        if name == "sources" or "source_id" not in frame:
            continue
        counts = counts.add(frame["source_id"].value_counts(), fill_value=0).astype("int64")
    sources = dataset["sources"].copy()
    sources["rows_citing"] = sources["source_id"].map(counts).fillna(0).astype("int64")
    return sources
