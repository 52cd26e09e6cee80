"""Drawing presentation mode: projector theme, slide controls, auto-advance and each slide.

The slides reuse the same builders as the pages (overview, map, timeline, progress): no copies.
"""

from __future__ import annotations

import time

import streamlit as st

from components import overview
from components.filters import Filters
from components.i18n import LANGUAGES, Bilingual, format_date, join
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_link, markdown_list, paragraphs
from components.presentation import (
    AUTO_ADVANCE_CHOICES,
    SLIDES,
    SlidePosition,
    milestone_highlights,
    next_after_auto_advance,
    public_address,
    qr_code_png,
    slide_from_link,
)
from components.ui import cached
from components.ui.shell import LANGUAGE_KEY, LANGUAGE_NAMES, PageContext, language

SLIDE_KEY = "slide"
AUTO_KEY = "auto"
NEXT_BY_SPACE_KEY = "next-by-space"
SLIDE_LANGUAGE_KEY = "slide_language"

# Our own stylesheet (no data in it): hide Streamlit's chrome and the sidebar, large type and a
# high-contrast palette (white and yellow on near-black: contrast above 15:1) for projectors.
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stApp"], [data-testid="stMain"] { background: #0b0c0e; color: #ffffff; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
[data-testid="stMain"] h1 { font-size: 3.2rem; color: #ffd400; }
[data-testid="stMain"] a { color: #9fd3ff; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2.2rem; color: #ffffff; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.6rem; line-height: 1.45;
  color: #ffffff; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.15rem; }
[data-testid="stMain"] button { background: #1b1d22; border: 2px solid #ffd400; }
[data-testid="stMain"] button p { font-size: 1.3rem; color: #ffffff; }
[data-testid="stMain"] [data-testid="stBaseButton-primary"] { background: #ffd400; }
[data-testid="stMain"] [data-testid="stBaseButton-primary"] p { color: #0b0c0e; }
[data-testid="stMain"] [data-testid="stBaseButton-tertiary"] { border: none; background: none; }
[data-testid="stMain"] button:disabled { opacity: 0.35; }
[data-testid="stMain"] [data-testid="stAlertContainer"] { background: #1b1d22;
  border: 2px solid #ffd400; }
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] * { color: #e6e6e6; }
/* The Space key's button only carries the shortcut; the visible one is "Next". */
.st-key-next-by-space { display: none; }
</style>
"""


def slide_position(t) -> SlidePosition:
    position = slide_from_link(st.query_params.get(SLIDE_KEY))
    if position.ignored_request:
        st.toast(t("present.unknown_slide", count=len(SLIDES)))
    return position


def go_to(position: SlidePosition) -> None:
    st.query_params[SLIDE_KEY] = str(position.number)
    st.rerun()


def controls(position: SlidePosition, t) -> None:
    """Previous and next, by button or keyboard (arrow keys, space), and auto-advance."""
    back, counter, forward, auto = st.columns([2, 3, 2, 3], vertical_alignment="center")
    if back.button(
        t("present.previous"), shortcut="Left", disabled=position.is_first, width="stretch"
    ):
        go_to(position.moved(-1))
    counter.markdown(t("present.counter", number=position.number, count=len(SLIDES)))
    if forward.button(
        t("present.next"),
        shortcut="Right",
        disabled=position.is_last,
        width="stretch",
        type="primary",
    ):
        go_to(position.moved(1))
    # Space also moves on, as presenters expect from slide software.
    if st.button(
        t("present.next_space"), shortcut="Space", key=NEXT_BY_SPACE_KEY, disabled=position.is_last
    ):
        go_to(position.moved(1))
    if st.button(t("present.exit"), shortcut="Esc", type="tertiary"):
        st.query_params.pop(SLIDE_KEY, None)
        st.query_params.pop("present", None)
        st.switch_page("pages/overview.py", query_params=dict(st.query_params))
    language_choice()
    seconds = auto.selectbox(
        t("present.auto_advance"),
        AUTO_ADVANCE_CHOICES,
        key=AUTO_KEY,
        format_func=lambda s: (
            t("present.auto_off") if s == 0 else t("present.auto_every", seconds=s)
        ),
    )
    if seconds:
        _auto_advance(position, seconds)


def _use_slide_language() -> None:
    # The sidebar's switch (hidden while presenting) keeps the language for the whole app.
    st.session_state[LANGUAGE_KEY] = st.session_state[SLIDE_LANGUAGE_KEY]
    st.query_params[LANGUAGE_KEY] = st.session_state[SLIDE_LANGUAGE_KEY]


def language_choice() -> None:
    """English, 中文 or both, on the slides themselves: the sidebar is hidden on a projector."""
    st.session_state[SLIDE_LANGUAGE_KEY] = language()
    st.segmented_control(
        "Language · 语言",
        LANGUAGES,
        key=SLIDE_LANGUAGE_KEY,
        format_func=LANGUAGE_NAMES.get,
        required=True,
        on_change=_use_slide_language,
    )


def slide_title(text: str, level: int = 1) -> None:
    """A slide's title (`level` 2 for a section's); in the bilingual layout the English title
    with the Chinese under it, one level down (a page has one top-level heading)."""
    if isinstance(text, Bilingual) and not text.single:
        st.markdown(f"{'#' * level} {text.en}\n{'#' * (level + 1)} {text.zh}")
    elif level == 1:
        st.title(text)
    else:
        st.header(text)


def _auto_advance(position: SlidePosition, seconds: int) -> None:
    started = time.monotonic()

    @st.fragment(run_every=1)
    def tick() -> None:
        if time.monotonic() - started >= seconds:
            st.query_params[SLIDE_KEY] = str(next_after_auto_advance(position).number)
            st.rerun(scope="app")

    tick()


def agreement_slide(ctx: PageContext) -> None:
    slide = cached.agreement_slide(ctx.dataset, ctx.agreement_id, ctx.language)
    slide_title(slide.title)
    st.markdown(paragraphs(slide.signed_line))
    for column, parties in zip(st.columns(len(slide.sides)), slide.sides, strict=True):
        column.markdown(parties)
    _source_caption(ctx, [slide.source_id])


def milestones_slide(ctx: PageContext) -> None:
    t = ctx.t
    slide_title(t("present.milestones_title"), level=2)
    done, upcoming = milestone_highlights(ctx.dataset, ctx.agreement_id, ctx.today)
    left, right = st.columns(2)
    with left:
        st.subheader(t("present.recent_done"))
        st.markdown(_milestone_lines(done, ctx) or t("present.none"))
    with right:
        st.subheader(t("present.coming_up"))
        st.markdown(_milestone_lines(upcoming, ctx) or t("present.no_upcoming"))
    _source_caption(ctx, [*done["source_id"], *upcoming["source_id"]])


def _milestone_lines(rows, ctx: PageContext) -> str:
    return markdown_list(
        [
            ctx.t(
                "present.milestone_line",
                date=format_date(row["date"], ctx.language, row["date_precision"] or "day"),
                title=md(overview.localised(row, "title", ctx.language)[0]),
            )
            for _, row in rows.iterrows()
        ]
    )


def closing_slide(ctx: PageContext) -> None:
    t = ctx.t
    slide_title(t("present.closing_title"))
    address = public_address()
    if not address:
        # No address to show: the room hears where the figures come from, not about settings.
        st.markdown(paragraphs(t("present.closing_text")))
        return
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.image(qr_code_png(address), caption=t("present.qr_caption"), width=360)
    # The operator's own address (a setting, not data): a link when it is a web address.
    right.markdown(f"## {markdown_link(address, address)}")
    right.markdown(paragraphs(t("present.closing_text")))


def _source_caption(ctx: PageContext, source_ids) -> None:
    cited = set(source_ids)
    titles = [
        md(title)
        for source_id, title in overview.source_titles(ctx.dataset, ctx.language).items()
        if source_id in cited
    ]
    if titles:
        st.caption(
            paragraphs(
                ctx.t(
                    "present.sources",
                    titles=join(titles, ctx.language, "clauses"),
                    date=format_date(ctx.dataset.status_as_of, ctx.language),
                )
            )
        )


def unfiltered(ctx: PageContext) -> Filters:
    """Everything of the agreement: slides are not narrowed by the sidebar's filters."""
    return Filters(agreement_id=ctx.agreement_id)
