"""The briefing pack as a PDF: the pages of `components.briefing` laid out with fpdf2.

Chinese is written as text in an embedded CJK font (WenQuanYi Micro Hei from Debian, found at run
time), so it can be searched, copied and read aloud, and prints without boxes. Charts and the map
are still pictures made locally (`components.static_charts`); each is followed by its text
alternative, which stands in for the picture if it cannot be made.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections import deque
from collections.abc import Callable
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from components.briefing import Briefing, ChartSection, FigureRow, InitiativePage
from components.briefing_changes import shortened
from components.i18n import BILINGUAL, CATALOGUE_LANGUAGES, Bilingual, half, join
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
INK = (27, 31, 36)
ACCENT = (31, 78, 121)
MUTED = (74, 80, 88)
RULE = (200, 204, 209)
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


# Chinese line-breaking rules (禁则): these never start a line, these never end one.
NO_LINE_START = frozenset("。，、；：！？）」』》〉】〕”’…%,.;:!?)]}")
NO_LINE_END = frozenset("（「『《〈【〔“‘([{")
# What a line may break between: a run of Latin letters and digits (with a date's 年月日 kept on
# its number), a run of spaces, or any other single character (a Chinese character breaks
# anywhere the rules above allow).
_TOKEN = re.compile(
    r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+[年月日]?|[ \t\u00a0]+|.", re.DOTALL
)


def wrap_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` broken into lines no wider than `width` (as `measure` gives a string's width):
    at spaces between words, anywhere between Chinese characters, never before a closing mark
    or after an opening one (the previous line's last character moves down with it instead),
    and inside a word only when the word alone is wider than a line. Explicit line breaks in
    `text` are kept."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        tokens = deque(_TOKEN.findall(paragraph))
        line: list[str] = []
        used = 0.0
        while tokens:
            token = tokens.popleft()
            size = measure(token)
            if token.isspace() and not line:
                continue
            if size > width and len(token) > 1 and not token.isspace():
                tokens.extendleft(reversed(token))  # a word wider than a line: by characters
                continue
            if line and used + size > width and not token.isspace():
                carried = _carried(line, token)
                lines.append("".join(line).rstrip())
                tokens.extendleft(reversed([*carried, token]))
                line, used = [], 0.0
                continue
            line.append(token)
            used += size
        lines.append("".join(line).rstrip())
    return lines


def _carried(line: list[str], following: str) -> list[str]:
    """The tokens at the end of a full `line` that move down to the next line, so that the next
    line does not start with a closing mark and this one does not end with an opening one.
    Removes them from `line`; a line keeps at least its first token."""
    carried: list[str] = []
    while line and line[-1].isspace():
        line.pop()
    first = following
    while len(line) > 1 and (first[0] in NO_LINE_START or line[-1][-1] in NO_LINE_END):
        first = line.pop()
        carried.insert(0, first)
        while len(line) > 1 and line[-1].isspace():
            line.pop()
    return carried


def _halves(text: object) -> list[str]:
    """The English and the Chinese of a bilingual text, or the text itself in one language."""
    if isinstance(text, Bilingual) and not text.single:
        return [text.en, text.zh]
    return [str(text)]


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

    def lines(self, text: object, width: float) -> list[str]:
        """Each half of `text` broken into lines of `width` in the current font, English first."""
        return [
            line
            for part in _halves(text)
            for line in wrap_lines(part, width, self.get_string_width)
        ]

    def write_lines(self, lines: list[str], height: float, x: float, align: str = "L") -> None:
        """Lines one under the other from the current y, each starting at `x` (a new page when
        the next line would not fit, with its header and footer)."""
        for line in lines:
            if self.will_page_break(height):
                self.add_page()
            self.set_x(x)
            self.cell(self.w - self.r_margin - x, height, line, align=align, new_y=YPos.NEXT)

    def fitted(self, text: str, width: float) -> str:
        """`text` cut with an ellipsis to fit one line of `width` in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

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
            self.cell(0, 3.6, self.fitted(head, self.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.briefing.illustrative:
            self.set_y(13)
            self.set_fill_color(*WARNING_FILL)
            self.set_text_color(*WARNING_INK)
            mark = self.fitted(str(self.briefing.t("briefing.illustrative_mark")), self.epw)
            self.cell(0, 5, mark, fill=True, align="C")
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
        for line in self.lines(footer, self.epw):
            self.cell(0, 3.6, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    # Text blocks. A bilingual text is laid out as its English, then its Chinese under it.
    def paragraph(
        self, text: str, size: float = BODY_SIZE, colour=INK, gap: float = 1.5, bullet: str = ""
    ) -> None:
        self.set_font(FONT, size=size)
        self.set_text_color(*colour)
        height = LINE * size / BODY_SIZE
        indent = self.get_string_width(bullet + " ") if bullet else 0
        lines = self.lines(text, self.epw - indent)
        if bullet and lines:
            if self.will_page_break(height):
                self.add_page()
            self.set_x(self.l_margin)
            self.cell(indent, height, bullet)
            self.set_x(self.l_margin + indent)
            self.cell(self.epw - indent, height, lines[0], new_y=YPos.NEXT)
            lines = lines[1:]
        self.write_lines(lines, height, self.l_margin + indent)
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
            self.paragraph(line, gap=0.6, bullet="•")
        self.ln(1.5)

    def figures_table(self, rows: tuple[FigureRow, ...]) -> None:
        """One row per figure: its label (each language on its own line) on the left, its value
        on the right, level with the label's first line; a note row spans the table."""
        label_width, gap = self.epw * 0.62, 4
        value_x = self.l_margin + label_width + gap
        height = LINE + 0.4
        self.set_font(FONT, size=BODY_SIZE)
        for row in rows:
            indent = 6 * row.level
            if row.note:
                self.set_font(FONT, size=SMALL_SIZE)
                self.set_text_color(*MUTED)
                note = self.lines(row.label, self.epw - indent)
                self.write_lines(note, LINE * SMALL_SIZE / BODY_SIZE, self.l_margin + indent)
                self.set_font(FONT, size=BODY_SIZE)
                continue
            labels = self.lines(row.label, label_width - indent)
            values = self.lines(row.value, self.epw - label_width - gap)
            rows_high = max(len(labels), len(values)) * height
            if self.will_page_break(rows_high + 1.5):
                self.add_page()
            top = self.get_y() + 0.75
            self.set_text_color(*MUTED)
            for number, line in enumerate(labels):
                self.set_xy(self.l_margin + indent, top + number * height)
                self.cell(label_width - indent, height, line)
            self.set_text_color(*INK)
            for number, line in enumerate(values):
                self.set_xy(value_x, top + number * height)
                self.cell(self.epw - label_width - gap, height, line, align="R")
            bottom = top + rows_high + 0.75
            self.set_draw_color(*RULE)
            self.line(self.l_margin, bottom, self.l_margin + self.epw, bottom)
            self.set_xy(self.l_margin, bottom)
        self.set_text_color(*INK)
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
    pack.paragraph(briefing.agreement_title, size=HEADING_SIZE, gap=1)
    if briefing.title_note:
        pack.paragraph(briefing.title_note, size=SMALL_SIZE, colour=MUTED)
    pack.paragraph(briefing.signed_line)
    pack.paragraph(briefing.summary)
    parties = briefing.parties
    pack.heading(t("overview.signatories_heading"), level=1)
    for side, names in parties.sides:
        pack.paragraph(side, size=SUBHEADING_SIZE - 1, gap=0.5)
        pack.bullets(names, t("common.not_recorded"))
    if parties.others:
        pack.heading(t("overview.others_heading"), level=1)
        pack.bullets(parties.others, t("common.not_recorded"))
    if briefing.people:
        pack.heading(t("briefing.people_heading"), level=1)
        pack.bullets(briefing.people, t("common.not_recorded"))
        pack.paragraph(briefing.people_note, size=SMALL_SIZE, colour=MUTED)
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
