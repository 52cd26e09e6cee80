"""Making data text safe to pass to Streamlit's Markdown-rendering elements."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from components.i18n import each_half, stacked

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also defuses
# Streamlit's own extensions (`:red[...]`, `:material/...:`, emoji short codes, `$` for LaTeX).
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")

# Streamlit's Markdown is GitHub's, whose "autolink literals" turn a bare `http://`, `https://`,
# `www.` or `name@host` into a link. Its last step finds them in the text as read, after every
# backslash escape and character reference is undone, so escaping cannot stop it, and an HTML
# comment is drawn as text. What does: a WORD JOINER (U+2060: no width, no glyph, no line-break
# opportunity, ignored by screen readers) where each pattern needs two characters side by side.
# Only these ASCII spots get one, so text without them (Chinese among it) is unchanged.
WORD_JOINER = "\u2060"
_AUTOLINK_KEYS = re.compile(r"(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def escape_markdown(text: object) -> str:
    """`text` as literal characters: no links (not even a bare address), images, HTML, formatting
    or LaTeX (each half of a bilingual text on its own)."""
    if text is None:
        return ""
    return each_half(_escaped, text)


def unlinked(text: object) -> str:
    """`text` as it reads, with a word joiner where Markdown's autolinker would start a link
    from a bare address or an e-mail address (see WORD_JOINER); each half of a bilingual text
    on its own."""
    return each_half(_joined, text)


def _joined(text: object) -> str:
    return _AUTOLINK_KEYS.sub(WORD_JOINER, str(text))


def _escaped(text: object) -> str:
    escaped = _PUNCTUATION.sub(r"\\\1", _joined(text))
    # Line breaks would start new Markdown blocks (lists, headings); show them as spaces.
    return re.sub(r"\s*\n\s*", " ", escaped)


# The only schemes a link drawn from the data may have: a source's web page. `javascript:` runs
# code, `data:` and `file:` open what the file says or what is on the viewer's own machine.
LINK_SCHEMES = ("http", "https")


def link_address(url: object) -> str | None:
    """`url` when it may be drawn as a link: an http or https address with a host and nothing
    a browser would quietly drop (spaces, control characters); otherwise None, and the address
    is drawn as plain text. The one place that decides what from the data may be a link."""
    if not isinstance(url, str) or not url or url != url.strip():
        return None
    if any(character.isspace() or not character.isprintable() for character in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed address, such as an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.hostname:
        return None
    return url


def markdown_link(text: object, url: object) -> str:
    """Markdown for `text` linking to `url` when link_address allows it, else `text` alone (both
    escaped). The address goes between angle brackets, where Markdown reads it as it is."""
    address = link_address(url)
    if address is None or "<" in address or ">" in address:
        return escape_markdown(text)
    return f"[{escape_markdown(text)}](<{address}>)"


def all_linkable(urls: object) -> bool:
    """Whether every filled address in `urls` may be a link (see link_address): a table column
    of links is drawn as links only then, so that no cell of it is a link it should not be."""
    filled = [url for url in urls if url]
    return bool(filled) and all(link_address(url) is not None for url in filled)


def markdown_list(items: list[str]) -> str:
    """A Markdown list, an item a line; a bilingual item has its English on one line and its
    Chinese under it, each language whole (never "A · 甲" run on in one line)."""
    return "\n".join("- " + stacked(item, "  \n") for item in items)


def paragraphs(text: str) -> str:
    """Markdown for a text of sentences: in the bilingual layout its English and its Chinese
    each in a paragraph of their own (a browser can then mark the Chinese one as Chinese)."""
    return stacked(text, "\n\n")
