"""The briefing pack as a PDF, read back: made in English and 中文 from the shipped and an
illustrative dataset, with headings, figures, sources, as-of dates and pictures on the right
pages, and Chinese embedded as text in a real font (not boxes)."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from functools import partial
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from components.briefing import build_briefing
from components.cli import main
from components.filters import Filters
from components.i18n import format_date, format_number, translate
from components.loader import load_dataset
from components.overview import agreements
from components.pdf_pack import pack_pdf
from components.sample import write_sample
from components.static_charts import StaticExportError, png_bytes
from tests.language_checks import problems

SHIPPED = Path(__file__).resolve().parent.parent / "data"
TODAY = date(2026, 11, 28)
CHART_PAGES = (3, 4, 5)  # progress by focus area, timeline, map (1-based)
HEADINGS = (
    "briefing.title",
    "briefing.figures_heading",
    "briefing.focus_heading",
    "briefing.timeline_heading",
    "briefing.map_heading",
    "briefing.sources_heading",
)


def _dataset(path: Path):
    result = load_dataset(path)
    assert result.dataset is not None, result.problems
    return result.dataset


@pytest.fixture(scope="module")
def illustrative_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("illustrative") / "data"
    write_sample(out, 1)
    return out


@pytest.fixture(scope="module")
def packs(tmp_path_factory, illustrative_dir) -> dict:
    """Each (dataset, language) pack: its dataset, briefing and PDF read back."""
    shipped = tmp_path_factory.mktemp("shipped") / "data"
    shutil.copytree(SHIPPED, shipped)
    made = {}
    for name, folder in (("shipped", shipped), ("illustrative", illustrative_dir)):
        dataset = _dataset(folder)
        agreement_id = agreements(dataset)["agreement_id"].iloc[0]
        for language in ("en", "zh", "both"):
            pack = build_briefing(dataset, Filters(agreement_id), TODAY, language)
            pdf = pack_pdf(pack)
            made[name, language] = (dataset, pack, pypdf.PdfReader(io.BytesIO(pdf)))
    return made


CASES = [
    ("shipped", "en"),
    ("shipped", "zh"),
    ("illustrative", "en"),
    ("illustrative", "zh"),
]


def _text(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _squashed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("data", "language"), CASES)
def test_headings_figures_and_sources_read_back(packs, data, language):
    """The pack's headings, each initiative's title, the headline figures and sources are text."""
    dataset, pack, reader = packs[data, language]
    t = partial(translate, language=language)
    pages = _text(reader)
    whole = _squashed(" ".join(pages))
    for key in HEADINGS:
        assert t(key) in whole, key
    for page in pack.initiatives:
        assert _squashed(page.title)[:30] in whole
    initiatives = len(pack.initiatives)
    assert re.search(
        re.escape(t("figures.initiatives")) + r"\s*" + format_number(initiatives, language),
        whole,
    )
    done = int((dataset["milestones"]["status"] == "done").sum())
    assert t("figures.milestones_done") in whole
    assert format_number(done, language) in whole
    sources = dataset["sources"]
    assert all(title[:40] in whole for title in sources["title"])
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert t("briefing.figures_heading") in outline and t("briefing.sources_heading") in outline


@pytest.mark.parametrize("data", ["shipped", "illustrative"])
@pytest.mark.parametrize("language", ["zh", "both"])
def test_chinese_in_the_pack_reads_as_chinese(packs, data, language):
    """Every page of the pack in 中文 and in English + 中文 passes a bilingual reader's checks:
    no English UI word, English date, None or "(s)" inside Chinese, nothing glued."""
    _, _, reader = packs[data, language]
    found = [
        problem
        for number, text in enumerate(_text(reader), start=1)
        for problem in problems(text, language, f"page {number}")
    ]
    assert found == []


def test_the_bilingual_pack_gives_each_text_in_both_languages(packs):
    """In English + 中文 the pack's headings stand in English and in Chinese, each on its own."""
    whole = _squashed(" ".join(_text(packs["shipped", "both"][2])))
    for key in HEADINGS:
        assert translate(key, "en") in whole and translate(key, "zh") in whole, key


@pytest.mark.parametrize(("data", "language"), CASES)
def test_every_page_says_what_the_data_is_as_of(packs, data, language):
    """Every page's footer gives the as-of date; illustrative data is marked on every page."""
    _, pack, reader = packs[data, language]
    t = partial(translate, language=language)
    footer = _squashed(t("briefing.footer", date=pack.as_of, today=pack.generated_on, page="X"))
    before_page = footer.split("X")[0].strip()
    mark = t("briefing.illustrative_mark")
    for number, text in enumerate(_text(reader), start=1):
        squashed = _squashed(text)
        assert before_page in squashed, number
        assert (mark in squashed) is (data == "illustrative"), number


@pytest.mark.parametrize(("data", "language"), CASES)
def test_charts_and_map_are_pictures_with_text_alternatives(packs, data, language):
    """The chart pages hold a picture and its text alternative."""
    _, pack, reader = packs[data, language]
    t = partial(translate, language=language)
    for number, section in zip(CHART_PAGES, (pack.focus, pack.timeline, pack.map), strict=True):
        page = reader.pages[number - 1]
        assert len(page.images) == 1, number
        assert t("briefing.text_alternative", summary="")[:4] in page.extract_text()
        assert section.summary[:20] in _squashed(page.extract_text())


def _embedded_font(reader: pypdf.PdfReader) -> TTFont:
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    return TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))


@pytest.mark.parametrize("data", ["shipped", "illustrative"])
def test_chinese_is_text_in_an_embedded_font(packs, data):
    """Chinese reads back as characters, and each has a drawn glyph in the embedded font."""
    _, pack, reader = packs[data, "zh"]
    first = reader.pages[0].extract_text()
    assert "简报" in first and pack.agreement_title[:6] in first
    font = _embedded_font(reader)
    cmap = font.getBestCmap()
    chinese = {ch for ch in first if "\u4e00" <= ch <= "\u9fff"}
    assert len(chinese) > 5
    for ch in chinese:
        glyph = cmap.get(ord(ch))
        assert glyph not in (None, ".notdef"), ch
        assert font["glyf"][glyph].numberOfContours != 0, ch
    assert reader.metadata.title.startswith("简报")


def test_pack_without_pictures_keeps_the_text_alternatives(illustrative_dir):
    """If no picture can be made, each chart page says so and still gives its summary."""
    dataset = _dataset(illustrative_dir)
    agreement_id = agreements(dataset)["agreement_id"].iloc[0]
    pack = build_briefing(dataset, Filters(agreement_id), TODAY, "en")

    def no_pictures(figures):
        raise StaticExportError("no browser")

    reader = pypdf.PdfReader(io.BytesIO(pack_pdf(pack, pictures=no_pictures)))
    page = _squashed(reader.pages[CHART_PAGES[0] - 1].extract_text())
    assert "No picture: no browser" in page
    assert pack.focus.summary[:30] in page
    assert not reader.pages[CHART_PAGES[0] - 1].images


def test_brief_command_writes_a_bilingual_pack_with_changes(tmp_path, capsys):
    """`partnership brief --lang both --since DATE` writes a pack in both languages."""
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    out = tmp_path / "pack.pdf"
    code = main(
        ["brief", "--out", str(out), "--lang", "both", "--since", "2018-07-10", "--data", str(data)]
    )
    assert code == 0, capsys.readouterr().err
    whole = _squashed(" ".join(_text(pypdf.PdfReader(out))))
    assert translate("briefing.title", "en") in whole and translate("briefing.title", "zh") in whole
    since = format_date(date(2018, 7, 10), "both")
    assert translate("briefing.changes_heading", "both", since=since)[:20] in whole
    assert not list(tmp_path.glob(".*.part"))


def test_brief_command_refuses_a_bad_since(tmp_path, capsys):
    """An unusable --since stops with a message and writes nothing."""
    out = tmp_path / "pack.pdf"
    code = main(["brief", "--out", str(out), "--since", "soon", "--data", str(SHIPPED)])
    assert code == 1
    assert "--since" in capsys.readouterr().err
    assert not out.exists()


def test_png_download_of_a_chart_is_a_png(packs):
    """A chart's PNG download is a PNG picture of the figure, made locally."""
    _, pack, _ = packs["shipped", "en"]
    image = png_bytes(pack.focus.chart.figure)
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 5000
