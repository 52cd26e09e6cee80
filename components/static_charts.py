"""Still pictures of the charts and the map, made on this machine: for the briefing pack (PDF)
and each chart's PNG download.

Plotly's image export (kaleido) drives the local Chromium; MathJax is switched off so no script is
fetched from the web. The map of both ends is drawn as an ordinary plotly figure from the shipped
outlines (data/geo/) and the data's places, not with WebGL or map tiles, so it prints anywhere.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from components import settings
from components.charting import FONT_FAMILY, chart_text, hover_safe
from components.geo import Bounds, feature_bounds
from components.i18n import BILINGUAL
from components.map_decks import label
from components.map_model import MapModel, place_names
from components.status_palette import initiative_style

# kaleido looks for Chromium on PATH or in BROWSER_PATH; Debian names it `chromium`.
BROWSER_VARIABLE = settings.BROWSER.name
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Printed pictures: width and height in CSS pixels, drawn at twice that for sharp print.
DEFAULT_WIDTH, DEFAULT_HEIGHT, SCALE = 900, 420, 2
# Margin around each end's places, as a share of the box (at least MIN_MARGIN degrees).
MARGIN_SHARE, MIN_MARGIN = 0.35, 0.6
# Labels closer than this share of a panel's width or height would print over each other.
LABEL_GAP = 0.08
# Land and its coastline only: the land file has no national borders, so none can be drawn.
LAND, COASTLINE, REGION = "#eeece4", "#96a0ac", "#1f4e79"
WATER = "#ffffff"
TEXT = "#1b1f24"


class StaticExportError(RuntimeError):
    """A picture could not be made (no Chromium on this machine, or it failed)."""


def browser_path() -> str | None:
    """The Chromium kaleido will drive: BROWSER_PATH if set, else the first found on PATH."""
    configured = settings.value(settings.BROWSER)
    if configured:
        return configured
    return _chromium_on_path()


# Looked up once per process: every chart's PNG button asks on every rerun, and searching PATH
# costs milliseconds each time. A browser installed later is found after a restart.
@cache
def _chromium_on_path() -> str | None:
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@cache
def _prepared() -> None:
    # Once per process: no MathJax (it would be fetched from a CDN), and tell kaleido where
    # Debian's Chromium is, since it cannot download a browser of its own here.
    pio.defaults.mathjax = False
    found = browser_path()
    if found is None:
        raise StaticExportError("no Chromium found for the image export (set BROWSER_PATH)")
    os.environ.setdefault(BROWSER_VARIABLE, found)


def _still(figure: go.Figure) -> go.Figure:
    still = go.Figure(figure)
    still.update_layout(font={"family": FONT_FAMILY})
    return still


def png_images(
    figures: list[go.Figure], width: int = DEFAULT_WIDTH, scale: int = SCALE
) -> list[bytes]:
    """Each figure as a PNG, drawn locally in one go (Chromium starts once for all of them).
    The figures themselves are not changed."""
    _prepared()
    if not figures:
        return []
    stills = [_still(figure) for figure in figures]
    heights = [still.layout.height or DEFAULT_HEIGHT for still in stills]
    with tempfile.TemporaryDirectory(prefix="charts-") as folder:
        paths = [Path(folder) / f"{number}.png" for number in range(len(stills))]
        try:
            pio.write_images(
                stills,
                paths,
                format="png",
                width=[width] * len(stills),
                height=heights,
                scale=scale,
            )
        except Exception as error:  # kaleido raises several kinds; the caller needs one
            raise StaticExportError(f"the image export failed: {error}") from error
        return [path.read_bytes() for path in paths]


def png_bytes(figure: go.Figure, width: int = DEFAULT_WIDTH, scale: int = SCALE) -> bytes:
    """One figure as a PNG, drawn locally (for a chart's download button)."""
    return png_images([figure], width=width, scale=scale)[0]


# --- The static map of both ends ----------------------------------------------------------------


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _outline_xy(features: list[dict]) -> tuple[list[float | None], list[float | None]]:
    """All rings of `features` as one line (None between rings), for one scatter trace."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for feature in features:
        for ring in _rings(feature["geometry"]):
            xs.extend(point[0] for point in ring)
            ys.extend(point[1] for point in ring)
            xs.append(None)
            ys.append(None)
    return xs, ys


def _padded(box: Bounds) -> Bounds:
    pad_x = max((box.east - box.west) * MARGIN_SHARE, MIN_MARGIN)
    pad_y = max((box.north - box.south) * MARGIN_SHARE, MIN_MARGIN)
    return Bounds(box.west - pad_x, box.south - pad_y, box.east + pad_x, box.north + pad_y)


def end_bounds(model: MapModel, place_ids: tuple[str, ...]) -> Bounds:
    """The box one panel shows: the end's places and their outlines, with a margin."""
    located = model.places.set_index("place_id")
    box = Bounds.around([(located.at[p, "lon"], located.at[p, "lat"]) for p in place_ids])
    for place_id in place_ids:
        if place_id in model.outlines:
            box = box.union(feature_bounds(model.outlines[place_id]))
    return _padded(box)


def _name(row: pd.Series, language: str) -> str:
    """A printed label: one line, in the page's language (both names in the bilingual pack)."""
    if language == BILINGUAL:
        return place_names(row, "en")
    return label(row, language).split("\n")[0]


def region_label_point(model: MapModel, place_id: str) -> tuple[float, float]:
    """Where a region's name is printed: the middle of its outline's northern edge."""
    box = feature_bounds(model.outlines[place_id])
    return (box.west + box.east) / 2, box.north


def _uncluttered(places: pd.DataFrame, box: Bounds) -> set[str]:
    """Places whose label can be printed: the busiest first, skipping any too close to a place
    already labelled (a venue inside its city would print over the city's name)."""
    gap_x, gap_y = (box.east - box.west) * LABEL_GAP, (box.north - box.south) * LABEL_GAP
    chosen: list[tuple[float, float]] = []
    named = set()
    for row in places.sort_values(["count", "depth"], ascending=[False, True]).itertuples():
        if all(abs(row.lon - x) > gap_x or abs(row.lat - y) > gap_y for x, y in chosen):
            chosen.append((row.lon, row.lat))
            named.add(row.place_id)
    return named


def map_figure(model: MapModel, titles: list[str], status_names: dict[str, str]) -> go.Figure:
    """Both ends side by side: land and coastline (no national borders), the places' region
    outlines, and each place marked in its main status's colour and symbol (a place with no
    initiative is a plain ring), labelled by its own marker; a region is named above its
    outline. `titles` name the panels (one per end); `status_names` label the legend."""
    ends = model.ends
    figure = make_subplots(
        rows=1,
        cols=max(len(ends), 1),
        subplot_titles=[chart_text(title) for title in titles],
        horizontal_spacing=0.06,
    )
    shown_statuses: set[str] = set()
    for column, end in enumerate(ends, start=1):
        box = end_bounds(model, end.place_ids)
        xs, ys = _outline_xy(model.land.within(box))
        figure.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=LAND,
            line={"color": COASTLINE, "width": 0.8},
            hoverinfo="skip",
            showlegend=False,
            row=1,
            col=column,
        )
        region_features = [
            model.outlines[p]
            for p in model.places["place_id"]
            if p in model.outlines and feature_bounds(model.outlines[p]).intersects(box)
        ]
        xs, ys = _outline_xy(region_features)
        if xs:
            figure.add_scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": REGION, "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
                row=1,
                col=column,
            )
        inside = model.places[
            [
                box.contains(lon, lat)
                for lon, lat in zip(model.places["lon"], model.places["lat"], strict=True)
            ]
        ]
        # Regions are named at their northern edge, not at their point: only markers compete.
        named = _uncluttered(inside[~inside["has_outline"]], box)
        # A county or province is drawn as its outline, with no marker that would read as one
        # more city: it is named above its outline's northern edge, clear of the markers and
        # their labels inside it (at its representative point its name would sit beside a city's
        # marker, and across the outline's lines).
        regions = inside[inside["has_outline"]]
        if len(regions):
            tops = [region_label_point(model, place_id) for place_id in regions["place_id"]]
            figure.add_scatter(
                x=[lon for lon, _ in tops],
                y=[lat for _, lat in tops],
                mode="text",
                text=[hover_safe(_name(row, model.language)) for _, row in regions.iterrows()],
                textposition="top center",
                textfont={"color": REGION, "size": 12},
                hoverinfo="skip",
                showlegend=False,
                row=1,
                col=column,
            )
        inside = inside[~inside["has_outline"]]
        for status, rows in inside.groupby("main_status", sort=False):
            style = initiative_style(status) if status else None
            first = bool(status) and status not in shown_statuses
            shown_statuses.add(status)
            figure.add_scatter(
                x=rows["lon"].tolist(),
                y=rows["lat"].tolist(),
                mode="markers+text",
                text=[
                    hover_safe(_name(row, model.language)) if row["place_id"] in named else ""
                    for _, row in rows.iterrows()
                ],
                textposition="top center",
                textfont={"color": TEXT, "size": 11},
                marker={
                    "symbol": style.symbol if style else "circle-open",
                    "color": style.colour if style else TEXT,
                    "size": [max(8.0, 2 * float(r)) for r in rows["radius"]],
                    "line": {"color": TEXT, "width": 1},
                },
                name=chart_text(status_names.get(status, status)) if status else "",
                legendgroup=status or "none",
                showlegend=first,
                row=1,
                col=column,
            )
        middle = math.radians((box.north + box.south) / 2)
        axis = "" if column == 1 else str(column)
        figure.update_xaxes(
            range=[box.west, box.east], visible=False, row=1, col=column, constrain="domain"
        )
        figure.update_yaxes(
            range=[box.south, box.north],
            visible=False,
            row=1,
            col=column,
            # Equal ground distances look equal: a degree of longitude shrinks with latitude.
            scaleanchor=f"x{axis}",
            scaleratio=1 / max(math.cos(middle), 0.2),
            constrain="domain",
        )
    figure.update_layout(
        height=DEFAULT_HEIGHT,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": FONT_FAMILY, "size": 12, "color": TEXT},
        plot_bgcolor=WATER,
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
    )
    return figure
