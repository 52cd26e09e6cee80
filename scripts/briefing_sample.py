"""Make the sample briefing pack shown in docs/: the shipped data's pack in English + 中文, and
PNG pictures of its cover (docs/briefing-page-1.png) and its headline figures
(docs/briefing-page-2.png).

Run with `.venv/bin/python scripts/briefing_sample.py`; the pack is dated PARTNERSHIP_TODAY when
set, else 2026-11-28, so the pictures only change when the data or the layout does.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pypdfium2

from components.briefing import build_briefing
from components.filters import Filters
from components.i18n import translate
from components.loader import load_dataset
from components.overview import agreements
from components.pdf_pack import pack_pdf

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
LANGUAGE = "both"
# Pixels per PDF point: 1.4 gives an A4 page about 830 pixels wide.
SCALE = 1.4


def main() -> None:
    dataset = load_dataset(REPO / "data").dataset
    today = date.fromisoformat(os.environ.get("PARTNERSHIP_TODAY", "2026-11-28"))
    agreement_id = agreements(dataset)["agreement_id"].iloc[0]
    pdf = pack_pdf(build_briefing(dataset, Filters(agreement_id), today, LANGUAGE))
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    figures = translate("briefing.figures_heading", "zh")
    figures_page = next(
        page for page in document if figures in page.get_textpage().get_text_range()
    )
    for number, page in ((1, document[0]), (2, figures_page)):
        image = page.render(scale=SCALE).to_pil()
        image.save(DOCS / f"briefing-page-{number}.png", optimize=True)
        print(DOCS / f"briefing-page-{number}.png")


if __name__ == "__main__":
    main()
