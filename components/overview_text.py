"""The Overview's text, composed from the data once per agreement and language: the agreement
card, the rows behind each headline figure, the focus-area boxes and the table of sources. All of
it is Markdown with every data text escaped; components.ui.overview_view draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa

from components import overview
from components.charting import EDITORIAL, localised_column, translated
from components.i18n import composed, each_half, format_date, translate, translator
from components.loader import Dataset
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_list
from components.overview import Figure, localised
from components.table_views import as_arrow, neutralised

# Past these, long lists are cut with a note: at ten thousand initiatives, sending every row to
# the browser on each rerun costs seconds (see docs/benchmarks.md); the Initiatives page lists all.
MAX_TRACE_ROWS = 200
MAX_LISTED_PER_AREA = 10


def bold(text: str) -> str:
    return each_half("**{}**".format, text)


def name_text(row: pd.Series | dict, base: str, language: str) -> str:
    """A name or title in the page's language, escaped. A name the data holds in one language
    only is shown as it is: it is a proper name, not a missing translation."""
    text = localised(row, base, language)[0]
    return md(text) if text else translator(language)("common.not_recorded")


def _prose(row: pd.Series | dict, base: str, language: str) -> str:
    """Data prose in the page's language, escaped, saying so when only the other language's
    text exists."""
    text, is_fallback = localised(row, base, language)
    if not text:
        return ""
    return translator(language)("common.untranslated", text=md(text)) if is_fallback else md(text)


def _source_line(dataset: Dataset, source_id: str, language: str) -> str:
    sources = dataset["sources"]
    row = sources[sources["source_id"] == source_id].iloc[0]
    return translator(language)(
        "common.source_line",
        title=md(overview.source_title(row, language)),
        date=format_date(row["published_on"], language),
    )


@dataclass(frozen=True)
class AgreementCard:
    """The agreement card's text, composed once per agreement and language."""

    title: str
    title_note: str | None
    signed_line: str
    summary: str
    signatories_heading: str
    # (side heading, list of its signatories) for each side, the host side first.
    sides: tuple[tuple[str, str], ...]
    others_heading: str | None
    # Every other organisation the sources name, with what it did: a Markdown list.
    others: str
    people_heading: str | None
    people: str
    people_note: str
    source_line: str


def _person(person: dict, language: str) -> str:
    """A person as a council writes them: "Councillor **Colin Cook**, Lord Mayor of Oxford." with
    what the source says they did. Their title names their body, so it is not repeated."""

    def in_language(side: str) -> str:
        name = name_text(person, "name", side)
        # English puts a style before the name ("Councillor"); Chinese puts the title first.
        style = md(person.get("honorific_en") or "") if side == "en" else ""
        values = {
            "name": f"{style} {name}" if style else name,
            "party": name_text(person, "party_name", side),
            "note": _prose(person, "note", side),
        }
        if person["title_en"] or person["title_zh"]:
            return translate(
                "overview.person_line", side, title=name_text(person, "title", side), **values
            )
        return translate("overview.person_line_untitled", side, **values)

    return composed(language, in_language)


def signed_line(dataset: Dataset, agreement: pd.Series, language: str) -> str:
    """What was signed, when and where, as one sentence."""
    t = translator(language)
    return t(
        "overview.signed_line",
        kind=t(f"agreement_kind.{agreement['kind']}"),
        date=format_date(agreement["signed_on"], language),
        place=md(
            overview.place_name(dataset, agreement["place_id"], language)
            or t("common.not_recorded")
        ),
    )


def agreement_card(dataset: Dataset, agreement_id: str, language: str) -> AgreementCard:
    t = translator(language)
    agreement = overview.agreement_row(dataset, agreement_id)
    parties = overview.parties_text(dataset, agreement_id, language, name=md)
    people = overview.people_for_agreement(dataset, agreement_id)
    return AgreementCard(
        title=md(overview.agreement_title(agreement, language)),
        title_note=overview.title_footnote(agreement, language),
        signed_line=signed_line(dataset, agreement, language),
        summary=_prose(agreement, "summary", language),
        signatories_heading=t("overview.signatories_heading"),
        sides=tuple((bold(heading), markdown_list(names)) for heading, names in parties.sides),
        others_heading=t("overview.others_heading") if parties.others else None,
        others=markdown_list(parties.others),
        people_heading=t("overview.people_named", count=len(people)) if len(people) else None,
        people=markdown_list([_person(person, language) for person in people.to_dict("records")]),
        people_note=t("overview.names_unverified"),
        source_line=_source_line(dataset, agreement["source_id"], language),
    )


@dataclass(frozen=True)
class HeadlineFigures:
    figures: list[Figure]
    # Each figure's rows (the first MAX_TRACE_ROWS) as the readable table the browser is sent.
    traces: dict[str, pa.Table | pd.DataFrame]


def headline_figures(
    dataset: Dataset, agreement_id: str, today: date, language: str
) -> HeadlineFigures:
    """The headline figures, and the rows behind each as a reader sees them."""
    figures = overview.headline_figures(dataset, agreement_id, today)
    return HeadlineFigures(
        figures,
        {
            figure.key: as_arrow(_trace_table(dataset, figure.rows.head(MAX_TRACE_ROWS), language))
            for figure in figures
        },
    )


def _trace_table(dataset: Dataset, rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """The rows behind a figure as a reader sees them: translated headings, statuses by name,
    dates written out, and each row's source by its title."""
    t = translator(language)
    titles = overview.source_titles(dataset, language)
    table = {t("columns.title"): localised_column(rows, "title", language)}
    if "status" in rows:
        table[t("columns.status")] = translated(rows["status"], "status.", t)
    for column, heading in (
        ("status_as_of", "columns.status_as_of"),
        ("date", "columns.date"),
        ("signed_on", "columns.signed_on"),
    ):
        if column in rows:
            table[t(heading)] = [format_date(day, language) for day in rows[column]]
    table[t("columns.source")] = [titles.get(s, s) for s in rows["source_id"]]
    return pd.DataFrame(table).astype("str")


@dataclass(frozen=True)
class FocusAreaBlock:
    """One focus area's box on the Overview, composed once per agreement and language."""

    heading: str
    caption: str
    # The initiatives as a Markdown list; empty when the area has none.
    listed: str
    # How many initiatives the list leaves out (they are on the Initiatives page).
    left_out: int


def _description(area: pd.Series, language: str) -> str:
    """The area's description, marked as editorial unless it keeps to its source's words."""
    text = _prose(area, "description", language)
    if text and area["description_basis"] != "source":
        return translator(language)("overview.editorial_description", text=text)
    return text


def focus_area_blocks(dataset: Dataset, agreement_id: str, language: str) -> list[FocusAreaBlock]:
    t = translator(language)
    sources = overview.source_titles(dataset, language)
    blocks = []
    for area, initiatives in overview.focus_areas_with_initiatives(dataset, agreement_id):
        if area is None:
            heading = bold(t("overview.whole_agreement"))
            caption = t("overview.whole_agreement_help")
        else:
            heading = bold(name_text(area, "name", language))
            caption = _description(area, language)
        listed = markdown_list(
            [
                t(
                    "overview.initiative_line_editorial"
                    if area is not None and row["focus_area_basis"] == EDITORIAL
                    else "overview.initiative_line",
                    title=name_text(row, "title", language),
                    status=t("status." + row["status"]),
                    date=format_date(row["status_as_of"], language),
                    source=md(sources[row["source_id"]]),
                )
                for row in initiatives.head(MAX_LISTED_PER_AREA).to_dict("records")
            ]
        )
        left_out = max(len(initiatives) - MAX_LISTED_PER_AREA, 0)
        blocks.append(FocusAreaBlock(heading, caption, listed, left_out))
    return blocks


def sources_table(dataset: Dataset, language: str) -> pd.DataFrame:
    """Every source, with its translated title beside the original in Chinese, and "not recorded"
    in every cell the source leaves empty, as its data grid sends it (see
    table_views.neutralised). Its web addresses are links only when every one may be
    (markdown_text.all_linkable): a grid's link column makes every cell a link."""
    t = translator(language)
    table = overview.sources_cited(dataset)
    missing = t("common.not_recorded")

    def text(column: pd.Series) -> pd.Series:
        return column.replace("", missing).astype("str")

    shown = {t("columns.title"): table["title"]}
    if language != "en":
        shown[t("columns.title_translated")] = text(table["title_zh"])
    shown |= {
        t("columns.kind"): translated(table["kind"], "source_kind.", t).astype("str"),
        t("columns.publisher"): text(table["publisher"]),
        t("columns.published_on"): [format_date(d, language) for d in table["published_on"]],
        t("columns.url"): table["url"].astype("str"),
        t("columns.rows_citing"): table["rows_citing"],
        t("columns.notes"): text(table["notes"]),
    }
    return neutralised(pd.DataFrame(shown))
