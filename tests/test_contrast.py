"""WCAG 2.2 contrast: the normal theme's and the projector theme's text meet AA (4.5:1), and each
status colour stands out from the backgrounds it is drawn on (3:1 for graphics, WCAG 1.4.11)."""

from __future__ import annotations

import re
import tomllib

import pytest

from components.status_palette import INITIATIVE_STATUS_STYLES, MILESTONE_STATUS_STYLES
from components.ui.presentation_view import PROJECTOR_CSS
from tests.conftest import REPO

TEXT_AA = 4.5
GRAPHICS_AA = 3.0
WHITE = "#ffffff"
# Streamlit's captions and help text ("fadedText60").
CAPTION_OPACITY = 0.6


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two sRGB colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values():
    """Black on white is 21:1, a colour on itself 1:1, and #767676 on white just passes AA."""
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#1f4e79", "#1f4e79") == pytest.approx(1)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


def _theme() -> dict:
    return tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["theme"]


def test_normal_theme_text_meets_aa():
    """Body text on both backgrounds, the accent as text, and a primary button's white label."""
    theme = _theme()
    assert contrast(theme["textColor"], theme["backgroundColor"]) >= TEXT_AA
    assert contrast(theme["textColor"], theme["secondaryBackgroundColor"]) >= TEXT_AA
    assert contrast(theme["primaryColor"], theme["backgroundColor"]) >= TEXT_AA
    assert contrast(WHITE, theme["primaryColor"]) >= TEXT_AA


def faded(colour: str, background: str, opacity: float) -> str:
    """`colour` drawn at `opacity` over `background`, as the browser blends it."""
    blended = [
        round(opacity * int(colour[i : i + 2], 16) + (1 - opacity) * int(background[i : i + 2], 16))
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{channel:02x}" for channel in blended)


def test_normal_theme_captions_meet_aa():
    """Streamlit draws captions in the text colour at 60% opacity: still 4.5:1 on both
    backgrounds."""
    theme = _theme()
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        caption = faded(theme["textColor"], background, CAPTION_OPACITY)
        assert contrast(caption, background) >= TEXT_AA, background


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    body = re.sub(r"/\*.*?\*/", "", css.replace("<style>", "").replace("</style>", ""), flags=re.S)
    rules = []
    for selector, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", body):
        found = dict(re.findall(r"(color|background)\s*:\s*(#[0-9a-fA-F]{6})", declarations))
        for one in selector.split(","):
            rules.append((" ".join(one.split()), found))
    return rules


def projector_pairs() -> list[tuple[str, str, str]]:
    """(selector, text colour, background under it) for every text colour the projector CSS
    sets; the background is the one set on the nearest enclosing selector."""
    rules = _rules(PROJECTOR_CSS)
    backgrounds = {s: d["background"] for s, d in rules if "background" in d}
    app_background = backgrounds['[data-testid="stApp"]']
    pairs = []
    for selector, declared in rules:
        if "color" not in declared:
            continue
        enclosing = [s for s in backgrounds if selector.startswith(s)]
        under = backgrounds[max(enclosing, key=len)] if enclosing else app_background
        pairs.append((selector, declared["color"], under))
    return pairs


def test_projector_theme_text_meets_aa():
    """Every text colour of the projector theme meets AA on the background it sits on."""
    pairs = projector_pairs()
    assert len(pairs) >= 6
    failing = [(s, c, b, round(contrast(c, b), 2)) for s, c, b in pairs if contrast(c, b) < TEXT_AA]
    assert failing == []


@pytest.mark.parametrize(
    "styles", [INITIATIVE_STATUS_STYLES, MILESTONE_STATUS_STYLES], ids=["initiative", "milestone"]
)
def test_status_colours_stand_out_on_both_themes(styles):
    """Each status colour has 3:1 against the normal and the projector backgrounds."""
    backgrounds = [_theme()["backgroundColor"], projector_pairs()[0][2]]
    failing = [
        (status, style.colour, background, round(contrast(style.colour, background), 2))
        for status, style in styles.items()
        for background in backgrounds
        if contrast(style.colour, background) < GRAPHICS_AA
    ]
    assert failing == []


@pytest.mark.parametrize(
    "styles", [INITIATIVE_STATUS_STYLES, MILESTONE_STATUS_STYLES], ids=["initiative", "milestone"]
)
def test_colour_is_never_the_only_signal(styles):
    """Statuses differ by marker symbol and by bar pattern, not only by colour."""
    symbols = [style.symbol for style in styles.values()]
    patterns = [style.pattern for style in styles.values()]
    assert len(set(symbols)) == len(symbols)
    assert len(set(patterns)) == len(patterns)
