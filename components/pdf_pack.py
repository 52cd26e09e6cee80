"""The briefing pack as a PDF: the pages of `components.briefing` laid out with fpdf2.

Chinese is written as text in an embedded CJK font (WenQuanYi Micro Hei from Debian, found at run
time), so it can be searched, copied and read aloud, and prints without boxes. Charts and the map
are still pictures made locally (`components.static_charts`); each is followed by its text
alternative, which stands in for the picture if it cannot be made.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from components.briefing import Briefing, ChartSection, InitiativePage
from components.briefing_changes import shortened
from components.i18n import BILINGUAL, CATALOGUE_LANGUAGES, Bilingual, half, join, stacked
from components.static_charts import StaticExportError, png_images

FONT = "cjk"
# Where Debian's fonts-wqy-microhei and fonts-noto-cjk put their files; fontconfig is asked first.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
FONT_VARIABLE_HELP = "install Debian's fonts-wqy-microhei (make system-deps)"
# Page geometry in millimetres (A4 portrait) and type sizes in points.
MARGIN = 16
TITLE_SIZE, HEADING_SIZE, SUBHEADING_SIZE, BODY_SIZE, SMALL_SIZE = 22, 16, 12.5, 10.5, 8.5
LINE = 5.4
# Characters of the running head that fit one line at the small size.
HEAD_LENGTH = 105
INK = (27, 31, 36)
ACCENT = (31, 78, 121)
MUTED = (74, 80, 88)
WARNING_INK = (140, 40, 0)
WARNING_FILL = (255, 240, 214)
# HTML language tags for the document's declared language.
DOCUMENT_LANGUAGE = {"en": "en-GB", "zh": "zh-CN", BILINGUAL: "en-GB"}

# Makes the pictures of a list of figures in one go (Chromium starts once).
Pictures = Callable[[list], list[bytes]]


class FontMissingError(RuntimeError):
    """No CJK font on this machine, so Chinese text could not be embedded."""


@cache
def cjk_font_path() -> Path:
    """A font file with Chinese glyphs: fontconfig's choice for Chinese, else a known path."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listed = ""
    found = [Path(line.split(":")[0].strip()) for line in listed.splitlines() if line.strip()]
    preferred = [p for p in found if p.suffix.lower() in (".ttc", ".ttf", ".otf")]
    for path in (*FONT_CANDIDATES, *sorted(preferred)):
        if path.exists():
            return path
    raise FontMissingError(f"no CJK font found: {FONT_VARIABLE_HELP}")


def _halves(text: object) -> list[str]:
    """The English and Chinese of a bilingual text, or nothing for a text in one language."""
    if isinstance(text, Bilingual) and not text.single:
        return [text.en, text.zh]
    return []


class _Pack(FPDF):
    def __init__(self, briefing: Briefing) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.briefing = briefing
        self.set_margins(MARGIN, MARGIN + 4, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 8)
        self.add_font(FONT, "", str(cjk_font_path()))
        self.set_font(FONT, size=BODY_SIZE)
        self.set_lang(DOCUMENT_LANGUAGE[briefing.language])
        self.set_title(f"{briefing.title}: {briefing.agreement_title}")
        self.wrap = WrapMode.CHAR if briefing.language == "zh" else WrapMode.WORD

    # Every page: what the data is as of, the page number, and the illustrative mark.
    def header(self) -> None:
        self.set_font(FONT, size=SMALL_SIZE)
        self.set_text_color(*MUTED)
        briefing = self.briefing
        sides = CATALOGUE_LANGUAGES if briefing.language == BILINGUAL else (briefing.language,)
        # In the bilingual layout the English running head sits above the Chinese one.
        self.set_y(8 if len(sides) == 1 else 5.5)
        for side in sides:
            head = f"{half(briefing.title, side)} · {half(briefing.agreement_title, side)}"
            if len(head) > HEAD_LENGTH:
                head = head[: HEAD_LENGTH - 1].rstrip() + "…"
            self.cell(0, 3.6, head, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.briefing.illustrative:
            self.set_y(13)
            self.set_fill_color(*WARNING_FILL)
            self.set_text_color(*WARNING_INK)
            self.cell(0, 5, self.briefing.t("briefing.illustrative_mark"), fill=True, align="C")
        self.set_y(MARGIN + 4)
        self.set_text_color(*INK)
        self.set_font(FONT, size=BODY_SIZE)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, size=SMALL_SIZE)
        self.set_text_color(*MUTED)
        briefing = self.briefing
        footer = briefing.t(
            "briefing.footer",
            date=briefing.as_of,
            today=briefing.generated_on,
            page=self.page_no(),
        )
        self.multi_cell(0, 3.6, stacked(footer), align="C")
        self.set_text_color(*INK)

    # Text blocks. A bilingual text is laid out as its English, then its Chinese under it.
    def paragraph(
        self, text: str, size: float = BODY_SIZE, colour=INK, gap: float = 1.5, bullet: str = ""
    ) -> None:
        self.set_font(FONT, size=size)
        self.set_text_color(*colour)
        parts = _halves(text) or [str(text)]
        for number, part in enumerate(parts):
            # The Chinese half of a bullet lines up under the English, without a second bullet.
            lead = bullet if number == 0 else " " * 2 * len(bullet)
            self.multi_cell(
                0,
                LINE * size / BODY_SIZE,
                lead + part,
                align="L",
                wrapmode=WrapMode.CHAR if number or self.briefing.language == "zh" else self.wrap,
                new_x=XPos.LMARGIN,
            )
        self.set_text_color(*INK)
        self.ln(gap)

    def heading(self, text: str, level: int = 0) -> None:
        size = HEADING_SIZE if level == 0 else SUBHEADING_SIZE
        if self.will_page_break(size * 2):
            self.add_page()
        # Headings are also the PDF's outline (bookmarks), so a reader can jump between them.
        self.start_section(text[:120], level=level, strict=False)
        self.paragraph(text, size=size, colour=ACCENT, gap=2 if level == 0 else 1)

    def bullets(self, lines: tuple[str, ...] | list[str], empty: str) -> None:
        if not lines:
            self.paragraph(empty, colour=MUTED)
            return
        for line in lines:
            self.paragraph(line, gap=0.6, bullet="• ")
        self.ln(1.5)

    def figures_table(self, rows: tuple[tuple[str, str], ...]) -> None:
        width = self.epw
        for label, value in rows:
            self.set_font(FONT, size=BODY_SIZE)
            if label:
                self.set_text_color(*MUTED)
                self.multi_cell(
                    width * 0.55,
                    LINE + 1,
                    stacked(label),
                    new_x=XPos.RIGHT,
                    new_y=YPos.TOP,
                    wrapmode=self.wrap,
                    border="B",
                )
                self.set_text_color(*INK)
                self.multi_cell(
                    width * 0.45,
                    LINE + 1,
                    stacked(value),
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                    wrapmode=self.wrap,
                    border="B",
                )
            else:
                self.paragraph(value, size=SMALL_SIZE, colour=MUTED, gap=0.5)
        self.ln(3)


def _picture(pack: _Pack, section: ChartSection, image: bytes | None, problem: str) -> None:
    t = pack.briefing.t
    if image is not None:
        pack.image(io.BytesIO(image), w=pack.epw)
        pack.ln(2)
    elif section.chart.figure is not None:
        pack.paragraph(t("briefing.no_picture", reason=problem), colour=MUTED)
    pack.paragraph(t("briefing.text_alternative", summary=section.summary))
    pack.paragraph(section.caption, size=SMALL_SIZE, colour=MUTED)


def _images(sections: list[ChartSection], pictures: Pictures) -> tuple[list, str]:
    """Each section's picture (None when it has no figure or the export failed), and why not."""
    drawn = [s for s in sections if s.chart.figure is not None]
    try:
        made = iter(pictures([s.chart.figure for s in drawn]))
    except StaticExportError as error:
        return [None] * len(sections), str(error)
    return [next(made) if s.chart.figure is not None else None for s in sections], ""


def _cover(pack: _Pack) -> None:
    briefing, t = pack.briefing, pack.briefing.t
    pack.add_page()
    pack.start_section(briefing.title, level=0)
    pack.paragraph(briefing.title, size=TITLE_SIZE, colour=ACCENT, gap=2)
    pack.paragraph(briefing.agreement_title, size=HEADING_SIZE, gap=2)
    pack.paragraph(briefing.signed_line)
    pack.paragraph(briefing.summary)
    pack.heading(t("briefing.parties_heading"), level=1)
    for side, parties in briefing.sides:
        pack.paragraph(side, size=SUBHEADING_SIZE - 1, gap=0.5)
        pack.bullets(parties, t("common.not_recorded"))
    pack.paragraph(briefing.selection_line, colour=MUTED)


def _figures(pack: _Pack) -> None:
    briefing, t = pack.briefing, pack.briefing.t
    pack.add_page()
    pack.heading(t("briefing.figures_heading"))
    pack.paragraph(t("briefing.in_short", summary=briefing.overall))
    pack.figures_table(briefing.figures)
    changes = briefing.changes
    if changes is None:
        return
    pack.heading(t("briefing.changes_heading", since=changes.since))
    if changes.note:
        pack.paragraph(changes.note, colour=MUTED)
    none = t("briefing.nothing_new")
    for key, lines in (
        ("briefing.new_milestones", changes.new_milestones),
        ("briefing.completed_milestones", changes.completed_milestones),
        ("briefing.status_changes", changes.status_changes),
        ("briefing.new_values", changes.new_values),
    ):
        pack.heading(t(key), level=1)
        pack.bullets(shortened(lines, t), none)


def _initiative(pack: _Pack, page: InitiativePage) -> None:
    t = pack.briefing.t
    pack.add_page()
    pack.heading(page.title)
    if page.illustrative:
        pack.paragraph(t("briefing.illustrative_page"), colour=WARNING_INK)
    pack.paragraph(page.status_line, size=SUBHEADING_SIZE - 1)
    for fact in page.facts:
        pack.paragraph(fact, gap=0.5)
    pack.ln(1.5)
    pack.paragraph(page.summary)
    pack.heading(t("initiatives.milestones_heading"), level=1)
    pack.bullets(page.milestones, t("initiatives.no_milestones"))
    pack.heading(t("initiatives.indicators_heading"), level=1)
    pack.bullets(page.indicators, t("initiatives.no_indicators"))
    pack.paragraph(
        t(
            "briefing.page_sources",
            sources=join(page.sources, pack.briefing.language, "clauses")
            or t("common.not_recorded"),
        ),
        size=SMALL_SIZE,
        colour=MUTED,
    )


def pack_pdf(briefing: Briefing, pictures: Pictures = png_images) -> bytes:
    """The briefing as PDF bytes. `pictures` makes the charts' images (a test may pass one that
    raises StaticExportError, to check the text alternatives stand in for the pictures)."""
    pack = _Pack(briefing)
    t = briefing.t
    sections = [briefing.focus, briefing.timeline, briefing.map]
    images, problem = _images(sections, pictures)
    _cover(pack)
    _figures(pack)
    for section, image in zip(sections, images, strict=True):
        pack.add_page()
        pack.heading(section.heading)
        _picture(pack, section, image, problem)
    if not briefing.initiatives:
        pack.add_page()
        pack.heading(t("briefing.initiatives_heading"))
        pack.paragraph(t("briefing.no_initiatives"))
    for page in briefing.initiatives:
        _initiative(pack, page)
    if briefing.initiatives_left_out:
        pack.paragraph(
            t(
                "briefing.left_out",
                count=len(briefing.initiatives_left_out),
                names=join(briefing.initiatives_left_out, briefing.language, "clauses"),
            ),
            colour=MUTED,
        )
    pack.add_page()
    pack.heading(t("briefing.sources_heading"))
    pack.bullets(briefing.sources, t("common.not_recorded"))
    return bytes(pack.output())
