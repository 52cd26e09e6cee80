"""The one status palette every page, chart and map uses.

Colours are from the Okabe–Ito set, which stays distinguishable with the common forms of colour
blindness. Colour is never the only signal: each status also has a marker symbol (plotly), a bar
pattern (plotly) and its translated label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatusStyle:
    colour: str  # hex, for plotly and CSS
    symbol: str  # plotly marker symbol
    pattern: str  # plotly bar pattern shape ("" is solid)

    @property
    def rgb(self) -> tuple[int, int, int]:
        """The colour as an (r, g, b) tuple, for pydeck layers."""
        value = self.colour.lstrip("#")
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


# Initiative statuses, in the contract's order.
INITIATIVE_STATUS_STYLES: dict[str, StatusStyle] = {
    "planned": StatusStyle("#0072B2", "circle-open", "/"),
    # Okabe–Ito orange darkened (#E69F00 is 2.3:1 on white) so bars and markers meet 3:1.
    "active": StatusStyle("#B77A00", "triangle-right", "."),
    "completed": StatusStyle("#009E73", "circle", ""),
    "paused": StatusStyle("#CC79A7", "square-open", "-"),
    "cancelled": StatusStyle("#D55E00", "x", "x"),
    "unknown": StatusStyle("#7F7F7F", "diamond-open", "+"),
}

# Milestone statuses.
MILESTONE_STATUS_STYLES: dict[str, StatusStyle] = {
    "done": StatusStyle("#009E73", "circle", ""),
    "planned": StatusStyle("#0072B2", "circle-open", "/"),
    "missed": StatusStyle("#D55E00", "x", "x"),
    "unknown": StatusStyle("#7F7F7F", "diamond-open", "+"),
}


def initiative_style(status: str) -> StatusStyle:
    return INITIATIVE_STATUS_STYLES.get(status, INITIATIVE_STATUS_STYLES["unknown"])


def milestone_style(status: str) -> StatusStyle:
    return MILESTONE_STATUS_STYLES.get(status, MILESTONE_STATUS_STYLES["unknown"])
