"""Drawing presentation mode: projector theme, slide controls, auto-advance and each slide.

The slides reuse the same builders as the pages (overview, map, timeline, progress): no copies.
"""

from __future__ import annotations

import time

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components import overview
from components.filters import Filters
from components.i18n import LANGUAGES, format_date, join
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_link, markdown_list, paragraphs
from components.presentation import (
    ASSESSMENTS_PARAM,
    AUTO_ADVANCE_CHOICES,
    GUEST_SLIDES,
    SlidePosition,
    assessments_from_link,
    milestone_lists,
    next_after_auto_advance,
    public_address,
    qr_code_png,
    slide_from_link,
    slides_for,
)
from components.text_alternatives import ChartView
from components.ui import cached, charts, headings
from components.ui.shell import LANGUAGE_KEY, LANGUAGE_NAMES, PageContext, language

SLIDE_KEY = "slide"
AUTO_KEY = "auto"
NEXT_BY_SPACE_KEY = "next-by-space"
SLIDE_LANGUAGE_KEY = "slide_language"
ASSESSMENTS_KEY = "slide_assessments"
# The slide's content sits in this container, sized to the screen between title and controls.
BODY_KEY = "slide-body"
CONTROLS_KEY = "slide-controls"
# Chart text on a slide, in pixels: at least 18 at 1080p, as a projector needs.
SLIDE_FONT_PX = 20
# A chart's height on a slide, in pixels: what 1280x720 leaves between the title and the controls
# (plotly draws at a height in pixels, so the slide's stylesheet cannot stretch it).
SLIDE_CHART_PX = 420

# Our own stylesheet (no data in it). A slide is a projector layout, not a page: it fits the
# screen at 1280x720 and 1920x1080 with no scrolling, its type scales with the screen's height
# (vh), and the controls sit small at the bottom. Streamlit's chrome and the sidebar are hidden;
# white and yellow on near-black (contrast above 15:1).
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stApp"], [data-testid="stMain"] { background: #0b0c0e; color: #ffffff; }
/* Room at the bottom for the controls, which stay there (position: fixed). */
[data-testid="stMainBlockContainer"] { padding: 2.5vh 4vw 8vh 4vw !important;
  max-width: 100%; }
[data-testid="stMainBlockContainer"] > div > [data-testid="stVerticalBlock"] { gap: 1.2vh; }
[data-testid="stMain"] h1 { font-size: 5.2vh; line-height: 1.2; color: #ffd400; padding: 0; }
[data-testid="stMain"] h2 { font-size: 4.4vh; line-height: 1.2; color: #ffd400; padding: 0; }
[data-testid="stMain"] h3, [data-testid="stMain"] h4,
.st-key-slide-body h2 { font-size: 3.4vh; line-height: 1.25; color: #ffffff;
  padding: 0.4vh 0 0 0; }
[data-testid="stMain"] a { color: #9fd3ff; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 2.9vh; line-height: 1.4;
  color: #ffffff; margin-bottom: 0.3vh; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 2.1vh; }
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] * { color: #e6e6e6; }
/* Charts and maps take the height a slide leaves them, whatever the screen. */
.st-key-slide-body [data-testid="stElementContainer"]:has([data-testid="stDeckGlJsonChart"]),
.st-key-slide-body [data-testid="stFullScreenFrame"]:has([data-testid="stDeckGlJsonChart"]),
.st-key-slide-body [data-testid="stDeckGlJsonChart"],
.st-key-slide-body [data-testid="stDeckGlJsonChart"] > div { height: 52vh !important;
  flex: 0 0 52vh !important; }
/* The sea: without tiles a map draws land only, and the slide's black would show through. */
.st-key-slide-body [data-testid="stDeckGlJsonChart"] { background: #dce6ee; }
/* The controls: one quiet row at the bottom, not competing with the slide. */
.st-key-slide-controls { position: fixed !important; left: 4vw; right: 4vw; bottom: 1.2vh;
  width: auto !important; opacity: 0.2; z-index: 10; background: #0b0c0e;
  transition: opacity 0.3s; }
/* Faint for the room, plain for the presenter who points at them or tabs into them. */
.st-key-slide-controls:hover, .st-key-slide-controls:focus-within { opacity: 1; }
.st-key-slide-controls p, .st-key-slide-controls label p { font-size: 1.7vh !important; }
.st-key-slide-controls button { min-height: 0; padding: 0.3vh 1vw; background: #1b1d22;
  border: 1px solid #ffd400; }
.st-key-slide-controls button p { color: #ffffff; }
.st-key-slide-controls [data-testid="stBaseButton-primary"] { background: #ffd400; }
.st-key-slide-controls [data-testid="stBaseButton-primary"] p { color: #0b0c0e; }
.st-key-slide-controls [data-testid="stBaseButton-tertiary"] { border: none; background: none; }
.st-key-slide-controls button:disabled { opacity: 0.35; }
.st-key-slide-controls [data-testid="stSelectbox"] [data-testid="stWidgetLabel"],
.st-key-slide-controls [data-testid="stButtonGroup"] [data-testid="stWidgetLabel"] {
  display: none; }
/* The presenter's switch, off: a track that shows on the dark background. */
.st-key-slide-controls [data-testid="stCheckbox"]
  label:has(input:not(:checked)) > div:first-of-type { background: #5a5f6a; }
.st-key-slide-controls kbd, .st-key-slide-controls [data-testid="stShortcut"] { display: none; }
/* The Space key's button only carries the shortcut; the visible one is "Next". */
.st-key-next-by-space { display: none; }
</style>
"""


def slide_position(t) -> SlidePosition:
    slides = slides_for(assessments_from_link(st.query_params.get(ASSESSMENTS_PARAM)))
    position = slide_from_link(st.query_params.get(SLIDE_KEY), slides)
    if position.ignored_request:
        st.toast(t("present.unknown_slide", count=position.count))
    return position


def go_to(position: SlidePosition) -> None:
    st.query_params[SLIDE_KEY] = str(position.number)
    st.rerun()


def body() -> DeltaGenerator:
    """The slide's content area: the screen between its title and the controls."""
    return st.container(key=BODY_KEY)


def controls(position: SlidePosition, t) -> None:
    """One row at the bottom: previous and next (also by the arrow keys and Space), where we are,
    the language, the presenter's assessments, auto-advance and leaving."""
    with st.container(key=CONTROLS_KEY, horizontal=True, vertical_alignment="center"):
        # One arrow a button, outside the words (in both languages it would stand twice).
        if st.button(f"← {t('present.previous')}", shortcut="Left", disabled=position.is_first):
            go_to(position.moved(-1))
        st.markdown(t("present.counter", number=position.number, count=position.count))
        if st.button(
            f"{t('present.next')} →", shortcut="Right", disabled=position.is_last, type="primary"
        ):
            go_to(position.moved(1))
        # Space also moves on, as presenters expect from slide software.
        if st.button(
            t("present.next_space"),
            shortcut="Space",
            key=NEXT_BY_SPACE_KEY,
            disabled=position.is_last,
        ):
            go_to(position.moved(1))
        language_choice()
        assessments_choice(position, t)
        seconds = st.selectbox(
            t("present.auto_advance"),
            AUTO_ADVANCE_CHOICES,
            key=AUTO_KEY,
            format_func=lambda s: (
                t("present.auto_off") if s == 0 else t("present.auto_every", seconds=s)
            ),
            width=150,
        )
        if st.button(t("present.exit"), shortcut="Esc", type="tertiary"):
            st.query_params.pop(SLIDE_KEY, None)
            st.query_params.pop("present", None)
            st.query_params.pop(ASSESSMENTS_PARAM, None)
            st.switch_page("pages/overview.py", query_params=dict(st.query_params))
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


def assessments_choice(position: SlidePosition, t) -> None:
    """The presenter's switch for the councillors' slides (off for guests): kept in the link."""
    on = position.slides != GUEST_SLIDES
    if st.toggle(t("present.assessments"), value=on, key=ASSESSMENTS_KEY) != on:
        if on:
            st.query_params.pop(ASSESSMENTS_PARAM, None)
        else:
            st.query_params[ASSESSMENTS_PARAM] = "1"
        # The same slide by name where the other set has it, else the first.
        slides = slides_for(not on)
        index = slides.index(position.name) if position.name in slides else 0
        go_to(SlidePosition(index, slides))


def slide_title(text: str, level: int = 1) -> None:
    """A slide's title (`level` 2 for a section's), each language whole in the bilingual layout."""
    headings.heading(text, level)


def section_heading(text: str, level: int = headings.SUBHEADER) -> str:
    """Markdown for a heading within a slide, one level under the slide's title."""
    return headings.heading_markdown(text, level)


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
    with body():
        st.markdown(paragraphs(slide.signed_line))
        # The slide's title is its page's h1: the sections under it start at h2.
        st.markdown(section_heading(slide.signatories_heading, headings.HEADER))
        columns = st.columns(len(slide.sides))
        for column, (heading, parties) in zip(columns, slide.sides, strict=True):
            column.markdown(section_heading(heading))
            column.markdown(parties)
        if slide.title_note:
            st.caption(paragraphs(slide.title_note))
        _source_caption(ctx, [slide.source_id])


def focus_areas_slide(ctx: PageContext) -> None:
    slide = cached.focus_areas_slide(ctx.dataset, ctx.agreement_id, ctx.language)
    slide_title(ctx.t("present.focus_areas_title"), level=2)
    with body():
        st.markdown(markdown_list(slide.areas))
        _source_caption(ctx, slide.source_ids)


def milestones_slide(ctx: PageContext, assessments: bool) -> None:
    """What is recorded as done, and what was announced as planned; whether a planned date has
    passed with no completion recorded is the presenter's assessment, shown only with it on."""
    t = ctx.t
    slide_title(t("present.milestones_title"), level=2)
    lists = milestone_lists(ctx.dataset, ctx.agreement_id, ctx.today)
    with body():
        left, right = st.columns(2)
        with left:
            st.markdown(section_heading(t("present.recorded_done")))
            st.markdown(_milestone_lines(lists.done, ctx) or t("present.none"))
        with right:
            st.markdown(section_heading(t("present.announced")))
            passed = lists.date_passed if assessments else frozenset()
            st.markdown(_milestone_lines(lists.planned, ctx, passed) or t("present.none"))
        _source_caption(ctx, [*lists.done["source_id"], *lists.planned["source_id"]])


def _milestone_lines(rows, ctx: PageContext, date_passed=frozenset()) -> str:
    lines = []
    for row in rows.to_dict("records"):
        title = md(overview.localised(row, "title", ctx.language)[0])
        if pd.isna(row["date"]):
            line = ctx.t("present.milestone_undated", title=title)
        else:
            when = format_date(row["date"], ctx.language, row["date_precision"] or "day")
            key = (
                "present.milestone_planned"
                if row["status"] == "planned"
                else "present.milestone_line"
            )
            line = ctx.t(key, date=when, title=title)
        if row["milestone_id"] in date_passed:
            line = ctx.t("present.date_passed", line=line)
        lines.append(line)
    return markdown_list(lines)


def slide_chart(ctx: PageContext, view: ChartView, name: str) -> None:
    """A chart as a slide shows it: the figure alone, its text large enough for a projector, sized
    to the slide, and the caption of its sources. No notes, downloads or text alternative: the
    councillors' pages have them."""
    chart = view.chart
    with body():
        if chart.figure is None:
            st.markdown(ctx.t("present.none"))
            return
        figure = projected(chart.figure)
        st.plotly_chart(
            figure,
            key=f"slide_{name}",
            alt=view.summary,
            config={"displayModeBar": False},
        )
        charts.caption(ctx, chart.source_ids, chart.as_of)


def projected(figure: go.Figure) -> go.Figure:
    """A copy of `figure` with text of at least SLIDE_FONT_PX and a height that fits a slide."""
    shown = go.Figure(figure)
    shown.update_layout(
        font={"size": SLIDE_FONT_PX},
        legend={"font": {"size": SLIDE_FONT_PX}},
        height=SLIDE_CHART_PX,
        # Room above the plot for the labels of its marker lines (signed, today).
        margin={"t": 70},
    )
    # Larger text needs room: the axes grow their margins to keep every label inside the picture.
    for axes in (shown.update_xaxes, shown.update_yaxes):
        axes(tickfont_size=SLIDE_FONT_PX, title_font_size=SLIDE_FONT_PX, automargin=True)
    if any(trace.type == "bar" for trace in shown.data):
        # Category names at projector size would run into each other on one line.
        shown.update_xaxes(tickangle=-25)
    shown.update_annotations(font_size=SLIDE_FONT_PX)
    return shown


def closing_slide(ctx: PageContext) -> None:
    """Where to follow the partnership: the public address as a QR code when one is set; else
    what the dashboard offers and the data's date, worth showing on its own."""
    t = ctx.t
    slide_title(t("present.closing_title"))
    address = public_address()
    with body():
        text = [
            t("present.closing_text"),
            t("present.closing_as_of", date=format_date(ctx.dataset.status_as_of, ctx.language)),
        ]
        if not address:
            st.markdown(markdown_list(text))
            return
        left, right = st.columns([2, 3], vertical_alignment="center")
        left.image(qr_code_png(address), caption=t("present.qr_caption"), width=320)
        # The operator's own address (a setting, not data): a link when it is a web address.
        right.markdown(f"### {markdown_link(address, address)}")  # one address, no language
        right.markdown(markdown_list(text))


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
