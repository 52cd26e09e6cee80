"""Data text passed to Streamlit's Markdown elements stays literal text."""

import re

import pytest

from components.i18n import Bilingual
from components.markdown_text import (
    WORD_JOINER,
    all_linkable,
    escape_markdown,
    link_address,
    markdown_link,
    unlinked,
)

# What Streamlit's Markdown (GitHub's autolink literals, micromark and mdast) starts a link
# from, in the text as it reads once every backslash escape is undone.
AUTOLINK_STARTS = re.compile(r"https?://|www\.|[-.\w+]@", re.IGNORECASE)


def as_read(markdown: str) -> str:
    """The text a Markdown renderer reads from `markdown` made by escape_markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_markdown_syntax_is_escaped():
    text = "**bold** [link](http://x) ![img](http://x/y.png) `code` # heading"
    escaped = escape_markdown(text)
    for raw in ("**", "[link]", "![img]", "`code`"):
        assert raw not in escaped
    assert escaped.replace("\\", "").replace(WORD_JOINER, "") == text


def test_streamlit_extensions_are_escaped():
    """Colour directives, icons, emoji short codes and LaTeX do not fire."""
    escaped = escape_markdown(":red[alert] :material/home: :smile: $x^2$")
    assert escaped == r"\:red\[alert\] \:material\/home\: \:smile\: \$x\^2\$"


def test_html_is_escaped_and_newlines_flattened():
    escaped = escape_markdown("<script>alert(1)</script>\n- not a list")
    assert "<script>" not in escaped
    assert "\n" not in escaped


def test_none_is_empty():
    assert escape_markdown(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "re-confirm at https://evil.example/login now",
        "HTTP://EVIL.EXAMPLE and Https://evil.example",
        "see www.evil.example or WWW.EVIL.EXAMPLE",
        "write to a@b.example, mailto:x@y.example or xmpp:me@im.example/home",
        "http://www.evil.example/a@b.example",
        "请访问https://evil.example或www.evil.example，联系a@b.example",
    ],
)
def test_bare_addresses_cannot_become_links(text):
    """No bare web or e-mail address is left for the autolinker, yet the text reads the same."""
    escaped = escape_markdown(text)
    assert not AUTOLINK_STARTS.search(as_read(escaped)), escaped
    assert as_read(escaped).replace(WORD_JOINER, "") == text


def test_text_without_addresses_only_gets_escapes():
    """Chinese text and ordinary prose get no word joiner: only the addresses' spots change."""
    for text in ("空气质量、交通建模与场所营造学生项目", "Oxford: 2018 (signed) – 50% done"):
        assert WORD_JOINER not in escape_markdown(text)
        assert as_read(escape_markdown(text)) == text


def test_each_half_of_a_bilingual_text_is_unlinked():
    text = Bilingual("at www.evil.example", "见 www.evil.example")
    for result in (unlinked(text), escape_markdown(text)):
        assert isinstance(result, Bilingual)
        assert not AUTOLINK_STARTS.search(as_read(result.en))
        assert not AUTOLINK_STARTS.search(as_read(result.zh))


@pytest.mark.parametrize(
    "url", ["https://example.org/report", "http://example.org", "HTTPS://Example.org/路径?a=1"]
)
def test_web_addresses_may_be_links(url):
    assert link_address(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "mailto:a@b.example",
        "www.example.org",
        "//evil.example/x",
        "https:///no-host",
        "https://exa mple.org",
        "https://example.org/\nline",
        "https://example.org\u2060",
        "http://[::1",
        "",
        None,
        3,
    ],
)
def test_other_addresses_are_never_links(url):
    """Only an http or https address with a host may be a link; anything else is drawn as text."""
    assert link_address(url) is None


def test_a_column_is_links_only_when_every_address_may_be_one():
    assert all_linkable(["https://a.example", "", "http://b.example"])
    assert not all_linkable(["https://a.example", "javascript:alert(1)"])
    assert not all_linkable(["", ""])


def test_a_link_is_made_only_to_a_web_address():
    """markdown_link links an http(s) address and draws anything else as escaped text."""
    assert markdown_link("Report", "https://example.org/a b") == "Report"
    assert markdown_link("Report (2018)", "https://example.org/r") == (
        "[Report \\(2018\\)](<https://example.org/r>)"
    )
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://example.org/<x>"):
        assert markdown_link("Report", bad) == "Report"
