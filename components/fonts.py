"""The fonts every surface names, so Chinese is drawn with Simplified Chinese glyph forms.

A browser that meets a Chinese character in a font without it falls back to a font of its own
choosing, and on a machine set up for Japanese that is a Japanese font, whose forms of many
characters differ. Naming Simplified Chinese fonts after the Latin one keeps the choice ours:
the common one on macOS, on Windows, the open Noto/Source Han faces, and Debian's WenQuanYi,
which `make test` installs. `.streamlit/config.toml` names the same list for the app's text.
"""

from __future__ import annotations

SIMPLIFIED_CHINESE = (
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)


def font_family(*latin: str) -> str:
    """A CSS font-family list: the Latin fonts, the Simplified Chinese ones, then sans-serif."""
    return ", ".join(f'"{name}"' for name in (*latin, *SIMPLIFIED_CHINESE)) + ", sans-serif"
