"""Drawing the Overview's sections. The figures themselves come from `components.overview`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import overview
from components.charting import localised_column, translated
from components.i18n import (
    BILINGUAL,
    country_name,
    each_half,
    format_date,
    format_number,
    join,
    stacked,
)
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_list, paragraphs
from components.overview import Figure, localised
from components.ui.aggregates import per_agreement
from components.ui.charts import as_arrow
from components.ui.lazy_expander import lazy_expander
from components.ui.shell import PageContext

# Statuses older than this are shown with a reminder that they are the last known position.
STALE_AFTER_DAYS = 365
# Past these, long lists are cut with a note: at ten thousand initiatives, sending every row to
# the browser on each rerun costs seconds (see docs/benchmarks.md); the Initiatives page lists all.
MAX_TRACE_ROWS = 200
MAX_LISTED_PER_AREA = 10


def _bold(text: str) -> str:
    return each_half("**{}**".format, text)


def _name(row: pd.Series | dict, base: str, ctx: PageContext) -> str:
    """A name or title in the page's language, escaped. A name the data holds in one language
    only is shown as it is: it is a proper name, not a missing translation."""
    text = localised(row, base, ctx.language)[0]
    return md(text) if text else ctx.t("common.not_recorded")


def _prose(row: pd.Series | dict, base: str, ctx: PageContext) -> str:
    """Data prose in the page's language, escaped, saying so when only the other language's
    text exists."""
    text, is_fallback = localised(row, base, ctx.language)
    if not text:
        return ""
    return ctx.t("common.untranslated", text=md(text)) if is_fallback else md(text)


def _source_line(dataset, source_id: str, ctx: PageContext) -> str:
    sources = dataset["sources"]
    row = sources[sources["source_id"] == source_id].iloc[0]
    return ctx.t(
        "common.source_line",
        title=md(overview.source_title(row, ctx.language)),
        date=format_date(row["published_on"], ctx.language),
    )


@dataclass(frozen=True)
class AgreementCard:
    """The agreement card's text, composed once per agreement and language."""

    title: str
    title_note: str | None
    signed_line: str
    summary: str
    # (country heading, list of its parties) for each side.
    sides: tuple[tuple[str, str], ...]
    people_heading: str | None
    people: str
    people_note: str
    source_line: str


def _country(code: str, ctx: PageContext) -> str:
    if code == "unknown":
        return ctx.t("overview.country_unknown")
    return country_name(code, ctx.language)


def _person(person: dict, ctx: PageContext) -> str:
    values = {
        "name": _name(person, "name", ctx),
        "party": _name(person, "party_name", ctx),
        "note": _prose(person, "note", ctx),
    }
    if person["title_en"] or person["title_zh"]:
        return ctx.t("overview.person_line", title=_name(person, "title", ctx), **values)
    return ctx.t("overview.person_line_untitled", **values)


def _compose_card(ctx: PageContext) -> AgreementCard:
    dataset, t = ctx.dataset, ctx.t
    agreement = overview.agreement_row(dataset, ctx.agreement_id)
    sides = tuple(
        (
            _bold(md(_country(country, ctx))),
            markdown_list(
                [
                    t(
                        "overview.party_line",
                        name=_name(party, "name", ctx),
                        role=t("party_role." + party["role"]),
                    )
                    for party in parties.to_dict("records")
                ]
            ),
        )
        for country, parties in overview.parties_by_side(dataset, ctx.agreement_id).items()
    )
    people = overview.people_for_agreement(dataset, ctx.agreement_id)
    descriptive = agreement["title_basis"] == "descriptive"
    return AgreementCard(
        title=md(overview.agreement_title(agreement, ctx.language)),
        title_note=t("overview.descriptive_title_help") if descriptive else None,
        signed_line=t(
            "overview.signed_line",
            kind=t(f"agreement_kind.{agreement['kind']}"),
            date=format_date(agreement["signed_on"], ctx.language),
            place=md(
                overview.place_name(dataset, agreement["place_id"], ctx.language)
                or t("common.not_recorded")
            ),
        ),
        summary=_prose(agreement, "summary", ctx),
        sides=sides,
        people_heading=t("overview.people_named", count=len(people)) if len(people) else None,
        people=markdown_list(
            [_person(person, ctx) for person in people.to_dict("records")], stack=True
        ),
        people_note=t("overview.names_unverified"),
        source_line=_source_line(dataset, agreement["source_id"], ctx),
    )


def agreement_card(ctx: PageContext) -> None:
    card = per_agreement(ctx, "overview_card", lambda: _compose_card(ctx))
    with st.container(border=True):
        st.subheader(card.title)
        if card.title_note:
            st.caption(card.title_note)
        st.markdown(paragraphs(card.signed_line))
        st.markdown(paragraphs(card.summary))
        for column, (heading, parties) in zip(st.columns(len(card.sides)), card.sides, strict=True):
            with column:
                st.markdown(heading)
                st.markdown(parties)
        if card.people_heading:
            with st.expander(card.people_heading):
                st.markdown(card.people)
                st.caption(paragraphs(card.people_note))
        st.caption(paragraphs(card.source_line))


def _metric(column: DeltaGenerator, label: str, value: str, ctx: PageContext) -> None:
    """A headline figure. In the bilingual layout its label is stacked above it, English over
    Chinese, rather than cut to fit one line of a narrow column."""
    if ctx.language == BILINGUAL:
        column.markdown(stacked(_bold(md(label)), "  \n"))
        column.metric(label, value, label_visibility="collapsed")
    else:
        column.metric(label, value)


def _compose_figures(ctx: PageContext) -> tuple[list[Figure], dict[str, pa.Table | pd.DataFrame]]:
    """The headline figures, and the rows behind each as the readable table the browser is sent
    (converted once, not on every rerun)."""
    figures = overview.headline_figures(ctx.dataset, ctx.agreement_id, ctx.today)
    return figures, {
        figure.key: as_arrow(_trace_table(figure.rows.head(MAX_TRACE_ROWS), ctx))
        for figure in figures
    }


def _trace_table(rows: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    """The rows behind a figure as a reader sees them: translated headings, statuses by name,
    dates written out, and each row's source by its title."""
    t, language = ctx.t, ctx.language
    titles = overview.source_titles(ctx.dataset, language)
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


def _figure(figures: list[Figure], key: str) -> Figure | None:
    return next((figure for figure in figures if figure.key == key), None)


def headline_figures(ctx: PageContext) -> None:
    t, language = ctx.t, ctx.language
    figures, traces = per_agreement(ctx, "overview_figures", lambda: _compose_figures(ctx))
    total = _figure(figures, "initiatives_total")
    by_status = [f for f in figures if f.key.startswith("initiatives_") and f is not total]
    done = _figure(figures, "milestones_done")
    planned = _figure(figures, "milestones_planned")
    days = _figure(figures, "days_since_signing")
    upcoming = _figure(figures, "next_milestone")

    columns = st.columns(5)
    _metric(columns[0], t("figures.initiatives"), format_number(total.value, language), ctx)
    counts = [
        t(
            "figures.status_count",
            count=f.value,
            status=t("status." + f.key.removeprefix("initiatives_")),
        )
        for f in by_status
    ]
    columns[0].caption(
        paragraphs(join(counts, language)) if counts else t("figures.no_initiatives")
    )
    _metric(columns[1], t("figures.milestones_done"), format_number(done.value, language), ctx)
    _metric(
        columns[2], t("figures.milestones_planned"), format_number(planned.value, language), ctx
    )
    if planned.detail["overdue"]:
        columns[2].caption(paragraphs(t("figures.overdue", count=planned.detail["overdue"])))
    unknown = t("common.unknown_value")
    days_value = unknown if days.value is None else format_number(days.value, language)
    _metric(columns[3], t("figures.days_since_signing"), days_value, ctx)
    signed = format_date(days.detail["signed_on"], language)
    columns[3].caption(paragraphs(t("figures.signed_on", date=signed)))
    # The next milestone as a number of days, like the signing: a written-out date does not fit
    # a fifth of the page at a headline's size, least of all in two languages.
    if upcoming.value is None:
        _metric(columns[4], t("figures.days_to_next"), t("figures.none_scheduled"), ctx)
        undated = upcoming.detail["undated"]
        note = t("figures.undated", count=undated) if undated else t("figures.no_date_yet")
    else:
        _metric(columns[4], t("figures.days_to_next"), format_number(upcoming.value, language), ctx)
        note = t(
            "figures.next_milestone_on",
            date=format_date(upcoming.detail["date"], language),
            title=_name(upcoming.detail["milestone"], "title", ctx),
        )
    columns[4].caption(paragraphs(note))

    _stale_status_notice(ctx)
    expander, is_open = lazy_expander(t("figures.where_from"), "overview_where_from")
    if not is_open:
        return
    with expander:
        st.caption(paragraphs(t("figures.where_from_help")))
        for figure in [total, *by_status, done, planned, days, upcoming]:
            heading = t("figures.trace." + _trace_key(figure.key))
            if figure in by_status:
                status = t("status." + figure.key.removeprefix("initiatives_"))
                heading = t("figures.trace_status", heading=heading, status=status)
            st.markdown(_bold(heading))
            if figure.rows.empty:
                st.caption(paragraphs(t("figures.no_rows")))
            else:
                if len(figure.rows) > MAX_TRACE_ROWS:
                    st.caption(
                        paragraphs(
                            t("charts.rows_cut", shown=MAX_TRACE_ROWS, total=len(figure.rows))
                        )
                    )
                st.dataframe(traces[figure.key], hide_index=True, width="stretch")


def _trace_key(key: str) -> str:
    return (
        "initiatives_by_status"
        if key.startswith("initiatives_") and key != "initiatives_total"
        else key
    )


def _stale_status_notice(ctx: PageContext) -> None:
    as_of = ctx.dataset.status_as_of
    if as_of is None:
        return
    age_days = (pd.Timestamp(ctx.today) - as_of).days
    if age_days > STALE_AFTER_DAYS:
        notice = ctx.t(
            "figures.stale_status", date=format_date(as_of, ctx.language), count=age_days // 365
        )
        st.info(paragraphs(notice))


@dataclass(frozen=True)
class FocusAreaBlock:
    """One focus area's box on the Overview, composed once per agreement and language."""

    heading: str
    caption: str
    # The initiatives as a Markdown list; empty when the area has none.
    listed: str
    # How many initiatives the list leaves out (they are on the Initiatives page).
    left_out: int


def _description(area: pd.Series, ctx: PageContext) -> str:
    """The area's description, marked as editorial unless it keeps to its source's words."""
    text = _prose(area, "description", ctx)
    if text and area["description_basis"] != "source":
        return ctx.t("overview.editorial_description", text=text)
    return text


def _compose_focus_areas(ctx: PageContext) -> list[FocusAreaBlock]:
    t = ctx.t
    sources = overview.source_titles(ctx.dataset, ctx.language)
    blocks = []
    for area, initiatives in overview.focus_areas_with_initiatives(ctx.dataset, ctx.agreement_id):
        if area is None:
            heading = _bold(t("overview.whole_agreement"))
            caption = t("overview.whole_agreement_help")
        else:
            heading = _bold(_name(area, "name", ctx))
            caption = _description(area, ctx)
        listed = markdown_list(
            [
                t(
                    "overview.initiative_line",
                    title=_name(row, "title", ctx),
                    status=t("status." + row["status"]),
                    date=format_date(row["status_as_of"], ctx.language),
                    source=md(sources[row["source_id"]]),
                )
                for row in initiatives.head(MAX_LISTED_PER_AREA).to_dict("records")
            ],
            stack=True,
        )
        left_out = max(len(initiatives) - MAX_LISTED_PER_AREA, 0)
        blocks.append(FocusAreaBlock(heading, caption, listed, left_out))
    return blocks


def focus_areas(ctx: PageContext) -> None:
    t = ctx.t
    for block in per_agreement(ctx, "overview_focus_areas", lambda: _compose_focus_areas(ctx)):
        with st.container(border=True):
            st.markdown(block.heading)
            if block.caption:
                st.caption(paragraphs(block.caption))
            if not block.listed:
                st.markdown(t("overview.no_initiatives_in_area"))
                continue
            st.markdown(block.listed)
            if block.left_out:
                st.caption(paragraphs(t("briefing.more_lines", count=block.left_out)))


def _compose_sources(ctx: PageContext) -> pd.DataFrame:
    """Every source, with its translated title beside the original in Chinese, and "not recorded"
    in every cell the source leaves empty."""
    t, language = ctx.t, ctx.language
    table = overview.sources_cited(ctx.dataset)
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
    return pd.DataFrame(shown)


def sources(ctx: PageContext) -> None:
    frame = per_agreement(ctx, "overview_sources", lambda: _compose_sources(ctx))
    url = ctx.t("columns.url")
    if frame[url].eq("").all():  # no address to link to: the column says so in words
        frame = frame.assign(**{url: ctx.t("common.not_recorded")})
        config = None
    else:
        config = {url: st.column_config.LinkColumn()}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
