"""Making data text safe to pass to Streamlit's Markdown-rendering elements."""

from __future__ import annotations

import re

from components.i18n import each_half, stacked

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also defuses
# Streamlit's own extensions (`:red[...]`, `:material/...:`, emoji short codes, `$` for LaTeX).
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape_markdown(text: object) -> str:
    """`text` as literal characters: no links, images, HTML, formatting or LaTeX (each half of a
    bilingual text on its own)."""
    if text is None:
        return ""
    return each_half(_escaped, text)


def _escaped(text: object) -> str:
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    # Line breaks would start new Markdown blocks (lists, headings); show them as spaces.
    return re.sub(r"\s*\n\s*", " ", escaped)


def markdown_list(items: list[str], stack: bool = False) -> str:
    """A Markdown list, an item a line; a bilingual item keeps its two languages on its line, or
    with `stack` (for items of a sentence or more) puts its Chinese on a line under the English."""
    shown = [stacked(item, "  \n") if stack else item for item in items]
    return "\n".join(f"- {item}" for item in shown)


def paragraphs(text: str) -> str:
    """Markdown for a text of sentences: in the bilingual layout its English and its Chinese
    each in a paragraph of their own (a browser can then mark the Chinese one as Chinese)."""
    return stacked(text, "\n\n")
