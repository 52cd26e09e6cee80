"""What has no update recorded: initiatives and focus areas with no recorded activity (a
milestone, an indicator value, a confirmed status) for a number of months, as the Progress page
lists them. It says what the data records, never that the work itself stalled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from components.charting import day_text, localised_column, month_text, translated
from components.filters import CLOSED_STATUSES, Selection
from components.i18n import translator
from components.loader import Dataset
from components.progress import IndicatorValues

DEFAULT_QUIET_MONTHS = 12
# The thresholds the Progress page offers, in months: one month to ten years.
QUIET_LIMITS = (1, 120)


def months_from_link(written: str | None) -> int | None:
    """The threshold a link asks for (?quiet=N), or None when it is not a whole number of months
    within the limits. Only ASCII digits: `isdigit()` is also true of "²", which `int` refuses."""
    low, high = QUIET_LIMITS
    if written is None or not (written.isascii() and written.isdigit() and len(written) <= 3):
        return None
    months = int(written)
    return months if low <= months <= high else None


@dataclass(frozen=True)
class Quiet:
    initiatives: pd.DataFrame
    focus_areas: pd.DataFrame
    cutoff: pd.Timestamp


def last_activity(dataset: Dataset, values: IndicatorValues, today: date) -> pd.Series:
    """Each initiative's newest sign of life: a milestone done, or an indicator value, dated
    today or earlier. Initiatives with neither are absent."""
    milestones = dataset["milestones"]
    today_ts = pd.Timestamp(today)
    done = milestones[
        (milestones["status"] == "done")
        & (milestones["initiative_id"] != "")
        & (milestones["date"] <= today_ts)
    ]
    from_milestones = done.groupby("initiative_id")["date"].max()
    indicator_dates = values.last_dates(today)
    indicators = dataset["indicators"]
    owners = indicators.set_index("indicator_id")["initiative_id"]
    from_values = (
        pd.DataFrame(
            {"initiative_id": owners.reindex(indicator_dates.index), "date": indicator_dates}
        )
        .groupby("initiative_id")["date"]
        .max()
    )
    both = pd.concat([from_milestones, from_values]).astype("datetime64[ns]")
    return both.groupby(level=0).max().rename("last_activity")


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """`values[key]` for each key (missing keys give NaT), aligned with `keys`."""
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def gone_quiet(
    dataset: Dataset, selection: Selection, activity: pd.Series, today: date, months: int
) -> Quiet:
    """Open initiatives (and focus areas) with no activity for more than `months` months.

    With no activity ever recorded, the clock starts at the initiative's start date (a future
    start is not quiet yet), else at the agreement's signing.
    """
    cutoff = pd.Timestamp(today) - pd.DateOffset(months=months)
    agreements = dataset["agreements"]
    signed = agreements.loc[
        agreements["agreement_id"] == selection.filters.agreement_id, "signed_on"
    ]
    signed_on = signed.iloc[0] if len(signed) else pd.NaT
    initiatives = selection.initiatives_in_scope
    last = _lookup(initiatives["initiative_id"], activity)
    clock = last.where(last.notna(), initiatives["start_date"]).fillna(signed_on)
    open_ = ~initiatives["status"].isin(CLOSED_STATUSES)
    quiet = open_ & (clock.isna() | (clock < cutoff))
    quiet_initiatives = pd.DataFrame(
        {
            "initiative_id": initiatives["initiative_id"],
            "title_en": initiatives["title_en"],
            "title_zh": initiatives["title_zh"],
            "status": initiatives["status"],
            "last_activity": last,
            "quiet_since": clock,
            "source_id": initiatives["source_id"],
        }
    )[quiet].sort_values("quiet_since", na_position="first")

    areas = dataset["focus_areas"]
    areas = areas[areas["agreement_id"] == selection.filters.agreement_id]
    if selection.filters.focus_area_ids:
        areas = areas[areas["focus_area_id"].isin(selection.filters.focus_area_ids)]
    per_area = (
        pd.DataFrame({"focus_area_id": initiatives["focus_area_ids"], "last": last})
        .explode("focus_area_id")
        .dropna(subset=["focus_area_id"])
        .groupby("focus_area_id")["last"]
        .max()
    )
    area_last = _lookup(areas["focus_area_id"], per_area.astype("datetime64[ns]"))
    area_clock = area_last.where(area_last.notna(), signed_on)
    area_quiet = area_clock.isna() | (area_clock < cutoff)
    quiet_areas = pd.DataFrame(
        {
            "focus_area_id": areas["focus_area_id"],
            "name_en": areas["name_en"],
            "name_zh": areas["name_zh"],
            "last_activity": area_last,
            "quiet_since": area_clock,
            "source_id": areas["source_id"],
        }
    )[area_quiet].sort_values("quiet_since", na_position="first")
    return Quiet(quiet_initiatives, quiet_areas, cutoff)


def readable_quiet(quiet: Quiet, language: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The quiet initiatives and focus areas as the page lists them."""
    t = translator(language)
    never = t("progress.never")
    rows, areas = quiet.initiatives, quiet.focus_areas
    return (
        rows.assign(
            title=localised_column(rows, "title", language),
            status=translated(rows["status"], "status.", t),
            last_activity=day_text(rows["last_activity"], never),
            # To the month: the clock may start at a start date known only to the month.
            quiet_since=month_text(rows["quiet_since"], language, never),
        ),
        areas.assign(
            name=localised_column(areas, "name", language),
            last_activity=day_text(areas["last_activity"], never),
            quiet_since=month_text(areas["quiet_since"], language, never),
        ),
    )
