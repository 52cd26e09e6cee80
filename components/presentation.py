"""Presentation mode: the slide sequence, the slide in the URL, and the closing QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import segno

from components import overview, settings
from components.i18n import translate
from components.loader import Dataset
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_list
from components.overview import for_agreement, localised
from components.overview_text import signed_line

# The slides for guests, the default for a visit: the agreement and its signatories, what it set
# out, where, and what is recorded as done and as announced. The URL carries the 1-based
# position (?slide=3).
GUEST_SLIDES = ("agreement", "focus_areas", "map", "milestones", "closing")
# With ?assessments=1 (the presenter's choice) the councillors' slides are added: the timeline,
# statuses by focus area, and planned dates passed with no completion recorded.
FULL_SLIDES = ("agreement", "focus_areas", "map", "timeline", "progress", "milestones", "closing")
ASSESSMENTS_PARAM = "assessments"
PUBLIC_URL_VARIABLE = settings.PUBLIC_URL.name
# Auto-advance intervals a presenter can choose, in seconds (0 = off).
AUTO_ADVANCE_CHOICES = (0, 10, 20, 30, 60)
# A slide lists at most this many milestones a side: more would not fit a projector's screen.
HIGHLIGHTS = 5


def slides_for(assessments: bool) -> tuple[str, ...]:
    """The slide sequence: the guests' set, or with the presenter's assessments the full one."""
    return FULL_SLIDES if assessments else GUEST_SLIDES


def assessments_from_link(value: str | None) -> bool:
    """Whether the link turns the internal assessments on (?assessments=1); anything else: off."""
    return value == "1"


@dataclass(frozen=True)
class SlidePosition:
    index: int  # 0-based
    slides: tuple[str, ...] = GUEST_SLIDES
    # True when the link asked for a slide that does not exist (it is then shown the first).
    ignored_request: bool = False

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def count(self) -> int:
        return len(self.slides)

    @property
    def name(self) -> str:
        return self.slides[self.index]

    def moved(self, step: int) -> SlidePosition:
        return SlidePosition(min(max(self.index + step, 0), self.count - 1), self.slides)

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def is_last(self) -> bool:
        return self.index == self.count - 1


def slide_from_link(value: str | None, slides: tuple[str, ...] = GUEST_SLIDES) -> SlidePosition:
    """The slide a link asks for (?slide=N, counting from 1); anything else starts at slide 1."""
    if value is None or value == "":
        return SlidePosition(0, slides)
    try:
        number = int(value)
    except ValueError:
        return SlidePosition(0, slides, ignored_request=True)
    if 1 <= number <= len(slides):
        return SlidePosition(number - 1, slides)
    return SlidePosition(0, slides, ignored_request=True)


def next_after_auto_advance(position: SlidePosition) -> SlidePosition:
    """Auto-advance walks forward and starts again after the closing slide."""
    return SlidePosition(0, position.slides) if position.is_last else position.moved(1)


@dataclass(frozen=True)
class MilestoneLists:
    """What the milestones slide lists: done (the newest, in the order they happened) and
    announced as planned (soonest first, undated last), each with its source's title, and which
    planned dates have passed."""

    done: pd.DataFrame
    planned: pd.DataFrame
    # milestone_id of each planned milestone whose date has passed with no completion recorded.
    date_passed: frozenset[str]


def milestone_lists(
    dataset: Dataset, agreement_id: str, today: date, limit: int = HIGHLIGHTS
) -> MilestoneLists:
    """The milestones done and those announced as planned, at most `limit` of each."""
    milestones = for_agreement(dataset, "milestones", agreement_id)
    sources = dataset["sources"][["source_id", "title"]].rename(columns={"title": "source_title"})
    milestones = milestones.merge(sources, on="source_id", how="left")
    # In the order they happened, as a guest follows the story; the newest when there are more.
    done = (
        milestones[milestones["status"] == "done"]
        .sort_values(["date", "milestone_id"], ascending=[False, True], na_position="last")
        .head(limit)
        .sort_values(["date", "milestone_id"], kind="stable", na_position="last")
    )
    planned = milestones[milestones["status"] == "planned"].sort_values(
        ["date", "milestone_id"], na_position="last"
    )
    passed = planned[planned["date"] < pd.Timestamp(today)]
    return MilestoneLists(done.head(limit), planned.head(limit), frozenset(passed["milestone_id"]))


def public_address() -> str:
    """The dashboard's public address for the closing slide, from PARTNERSHIP_PUBLIC_URL."""
    return settings.value(settings.PUBLIC_URL)


def qr_code_png(address: str, scale: int = 10) -> bytes:
    """A QR code of `address` as PNG bytes, made on this machine (no web service)."""
    image = io.BytesIO()
    segno.make(address, error="m").save(image, kind="png", scale=scale, border=2)
    return image.getvalue()


@dataclass(frozen=True)
class AgreementSlide:
    """The first slide's text, as Markdown with every data text escaped."""

    title: str
    # Said once, under the title, when the source gives the agreement no formal title.
    title_note: str | None
    signed_line: str
    signatories_heading: str
    # (side heading, list of its signatories) per side, the host side first.
    sides: tuple[tuple[str, str], ...]
    source_id: str


def agreement_slide(dataset: Dataset, agreement_id: str, language: str) -> AgreementSlide:
    """The agreement slide: its title, when and where it was signed, and the signatories under
    their sides (英方 / 中方). Organisations that are not parties are not on this slide."""
    agreement = overview.agreement_row(dataset, agreement_id)
    parties = overview.parties_text(dataset, agreement_id, language, name=md)
    return AgreementSlide(
        title=md(overview.agreement_title(agreement, language)),
        title_note=overview.title_footnote(agreement, language),
        signed_line=signed_line(dataset, agreement, language),
        signatories_heading=translate("overview.signatories_heading", language),
        sides=tuple((heading, markdown_list(names)) for heading, names in parties.sides),
        source_id=agreement["source_id"],
    )


@dataclass(frozen=True)
class FocusAreasSlide:
    """What the agreement set out: its focus areas, as Markdown with every data text escaped."""

    areas: tuple[str, ...]
    source_ids: tuple[str, ...]


def focus_areas_slide(dataset: Dataset, agreement_id: str, language: str) -> FocusAreasSlide:
    areas = overview.focus_areas_in_order(dataset, agreement_id)
    return FocusAreasSlide(
        tuple(md(localised(area, "name", language)[0]) for area in areas.to_dict("records")),
        tuple(dict.fromkeys(areas["source_id"])),
    )
