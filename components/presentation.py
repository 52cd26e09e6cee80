"""Presentation mode: the slide sequence, the slide in the URL, and the closing QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import segno

from components import overview, settings
from components.i18n import each_half, format_date, translator
from components.loader import Dataset
from components.markdown_text import escape_markdown as md
from components.markdown_text import markdown_list
from components.overview import for_agreement

# The order of the slides; the URL carries the 1-based position (?slide=3).
SLIDES = ("agreement", "map", "timeline", "progress", "milestones", "closing")
PUBLIC_URL_VARIABLE = settings.PUBLIC_URL.name
# Auto-advance intervals a presenter can choose, in seconds (0 = off).
AUTO_ADVANCE_CHOICES = (0, 10, 20, 30, 60)
HIGHLIGHTS = 5


@dataclass(frozen=True)
class SlidePosition:
    index: int  # 0-based
    # True when the link asked for a slide that does not exist (it is then shown the first).
    ignored_request: bool = False

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def name(self) -> str:
        return SLIDES[self.index]

    def moved(self, step: int) -> SlidePosition:
        return SlidePosition(min(max(self.index + step, 0), len(SLIDES) - 1))

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def is_last(self) -> bool:
        return self.index == len(SLIDES) - 1


def slide_from_link(value: str | None) -> SlidePosition:
    """The slide a link asks for (?slide=N, counting from 1); anything else starts at slide 1."""
    if value is None or value == "":
        return SlidePosition(0)
    try:
        number = int(value)
    except ValueError:
        return SlidePosition(0, ignored_request=True)
    if 1 <= number <= len(SLIDES):
        return SlidePosition(number - 1)
    return SlidePosition(0, ignored_request=True)


def next_after_auto_advance(position: SlidePosition) -> SlidePosition:
    """Auto-advance walks forward and starts again after the closing slide."""
    return SlidePosition(0) if position.is_last else position.moved(1)


def milestone_highlights(
    dataset: Dataset, agreement_id: str, today: date, limit: int = HIGHLIGHTS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The most recent milestones done (newest first) and the next planned ones (soonest first)."""
    milestones = for_agreement(dataset, "milestones", agreement_id)
    sources = dataset["sources"][["source_id", "title"]].rename(columns={"title": "source_title"})
    milestones = milestones.merge(sources, on="source_id", how="left")
    done = milestones[milestones["status"] == "done"].sort_values(
        ["date", "milestone_id"], ascending=[False, True], na_position="last"
    )
    upcoming = milestones[
        (milestones["status"] == "planned") & (milestones["date"] >= pd.Timestamp(today))
    ].sort_values("date")
    return done.head(limit), upcoming.head(limit)


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
    signed_line: str
    # One list of parties per side, signatories first.
    sides: tuple[str, ...]
    source_id: str


def agreement_slide(dataset: Dataset, agreement_id: str, language: str) -> AgreementSlide:
    """The agreement slide's title, signing line, one party list per side, and its source."""
    t = translator(language)
    agreement = overview.agreement_row(dataset, agreement_id)
    signed = t(
        "overview.signed_line",
        kind=t(f"agreement_kind.{agreement['kind']}"),
        date=format_date(agreement["signed_on"], language),
        place=md(overview.place_name(dataset, agreement["place_id"], language)),
    )
    sides = []
    for parties in overview.parties_by_side(dataset, agreement_id).values():
        rows = parties.to_dict("records")
        name = {p["party_id"]: md(overview.localised(p, "name", language)[0]) for p in rows}
        signatories = [
            each_half("**{}**".format, name[p["party_id"]])
            for p in rows
            if p["role"] == "signatory"
        ]
        others = [
            t("overview.party_line", name=name[p["party_id"]], role=t("party_role." + p["role"]))
            for p in rows
            if p["role"] != "signatory"
        ]
        sides.append(markdown_list([*signatories, *others]))
    title = md(overview.agreement_title(agreement, language))
    return AgreementSlide(title, signed, tuple(sides), agreement["source_id"])
