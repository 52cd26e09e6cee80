"""Data text passed to Streamlit's Markdown elements stays literal text."""

from components.markdown_text import escape_markdown


def test_markdown_syntax_is_escaped():
    text = "**bold** [link](http://x) ![img](http://x/y.png) `code` # heading"
    escaped = escape_markdown(text)
    for raw in ("**", "[link]", "![img]", "`code`"):
        assert raw not in escaped
    assert escaped.replace("\\", "") == text


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
