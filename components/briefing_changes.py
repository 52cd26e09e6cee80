"""The briefing pack's last page: what changed since an earlier data version or date, for the
selection's agreement: new and completed milestones, initiatives' status changes and new
indicator values, each as a line of plain text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from components import overview, progress
from components.briefing import milestone_lines
from components.charting import localised_column
from components.history import load_version, version_on
from components.i18n import Translate, format_date, format_number, translator
from components.loader import Dataset
from components.publishing import history

# A committee reads the first lines of each list of changes; the rest are counted.
MAX_CHANGE_LINES = 40


@dataclass(frozen=True)
class Changes:
    """What changed since an earlier version or date, for the selection's agreement."""

    since: str
    new_milestones: tuple[str, ...] = ()
    completed_milestones: tuple[str, ...] = ()
    status_changes: tuple[str, ...] = ()
    new_values: tuple[str, ...] = ()
    # How the changes were found, when the reader needs to know (a date with no older version).
    note: str = ""

    @property
    def empty(self) -> bool:
        return (
            not (self.new_milestones or self.completed_milestones or self.status_changes)
            and not self.new_values
        )


def _titles(frame: pd.DataFrame, language: str) -> pd.Series:
    return localised_column(frame, "title", language)


def changes_between(
    old: Dataset, new: Dataset, agreement_id: str, since: str, language: str
) -> Changes:
    """New and completed milestones, initiatives' status changes and new indicator values of the
    agreement between two versions of the data."""
    t = translator(language)
    old_m = old["milestones"].set_index("milestone_id")
    milestones = overview.for_agreement(new, "milestones", agreement_id)
    added = milestones[~milestones["milestone_id"].isin(old_m.index)]
    kept = milestones[milestones["milestone_id"].isin(old_m.index)]
    completed = kept[
        (kept["status"] == "done")
        & (kept["milestone_id"].map(old_m["status"]).astype("str") != "done")
    ]
    old_i = old["initiatives"].set_index("initiative_id")
    initiatives = overview.for_agreement(new, "initiatives", agreement_id)
    titles = dict(zip(initiatives["initiative_id"], _titles(initiatives, language), strict=True))
    status_changes = []
    for _, row in initiatives.iterrows():
        if row["initiative_id"] not in old_i.index:
            status_changes.append(
                t(
                    "briefing.new_initiative_line",
                    title=titles[row["initiative_id"]],
                    status=t("status." + row["status"]),
                )
            )
        elif old_i.at[row["initiative_id"], "status"] != row["status"]:
            status_changes.append(
                t(
                    "briefing.status_change_line",
                    title=titles[row["initiative_id"]],
                    old=t("status." + old_i.at[row["initiative_id"], "status"]),
                    new=t("status." + row["status"]),
                )
            )
    return Changes(
        since=since,
        new_milestones=milestone_lines(added, language),
        completed_milestones=milestone_lines(completed, language),
        status_changes=tuple(status_changes),
        new_values=_new_values(old, new, agreement_id, None, language),
    )


def _new_values(
    old: Dataset | None,
    new: Dataset,
    agreement_id: str,
    since: date | None,
    language: str,
) -> tuple[str, ...]:
    t = translator(language)
    initiatives = overview.for_agreement(new, "initiatives", agreement_id)
    indicators = new["indicators"]
    indicators = indicators[indicators["initiative_id"].isin(initiatives["initiative_id"])]
    values = new["indicator_values"]
    values = values[values["indicator_id"].isin(indicators["indicator_id"])]
    if old is not None:
        before = old["indicator_values"]
        known = set(zip(before["indicator_id"], before["date"], strict=True))
        fresh = pd.Series(
            [
                (i, d) not in known
                for i, d in zip(values["indicator_id"], values["date"], strict=True)
            ],
            index=values.index,
            dtype="bool",
        )
        values = values[fresh]
    if since is not None:
        values = values[values["date"] >= pd.Timestamp(since)]
    indicator_names = dict(
        zip(indicators["indicator_id"], localised_column(indicators, "name", language), strict=True)
    )
    units = dict(
        zip(indicators["indicator_id"], progress.unit_column(indicators, language), strict=True)
    )
    return tuple(
        t(
            "briefing.value_line",
            indicator=indicator_names[row.indicator_id],
            value=format_number(row.value, language),
            unit=units[row.indicator_id] or "",
            date=format_date(row.date, language),
        )
        for row in values.sort_values(["date", "indicator_id"]).itertuples()
    )


def shortened(lines: tuple[str, ...], t: Translate, limit: int = MAX_CHANGE_LINES) -> tuple:
    """At most `limit` lines, the last saying how many more there are."""
    if len(lines) <= limit:
        return lines
    return (*lines[:limit], t("briefing.more_lines", count=len(lines) - limit))


def changes_since_date(dataset: Dataset, agreement_id: str, since: date, language: str) -> Changes:
    """Without a recorded version from before `since`, the data's own dates tell what happened
    since: milestones dated since then and done, initiatives whose status was confirmed since,
    and indicator values dated since. (No row can be said to be "new" without an older copy.)"""
    t = translator(language)
    label = format_date(since, language)
    day = pd.Timestamp(since)
    milestones = overview.for_agreement(dataset, "milestones", agreement_id)
    completed = milestones[(milestones["status"] == "done") & (milestones["date"] >= day)]
    initiatives = overview.for_agreement(dataset, "initiatives", agreement_id)
    confirmed = initiatives[initiatives["status_as_of"] >= day]
    titles = _titles(confirmed, language)
    return Changes(
        since=label,
        note=t("briefing.since_date_only", date=label),
        completed_milestones=milestone_lines(completed, language),
        status_changes=tuple(
            t(
                "briefing.status_confirmed_line",
                title=title,
                status=t("status." + status),
                date=format_date(when, language),
            )
            for title, status, when in zip(
                titles, confirmed["status"], confirmed["status_as_of"], strict=True
            )
        ),
        new_values=_new_values(None, dataset, agreement_id, since, language),
    )


def changes_since(dataset: Dataset, agreement_id: str, since: str, language: str) -> Changes:
    """What changed since `since`: a history version number ("3") or an ISO date ("2025-01-31").

    A date is compared with the newest version published on or before it when the history has
    one; otherwise the data's own dates are used. Raises ValueError for anything else.
    """
    t = translator(language)
    data_dir = dataset.data_dir
    text = since.strip()
    if text.isdigit():
        number = int(text)
        versions = {v.number: v for v in history(data_dir)}
        if number not in versions:
            raise ValueError(t("briefing.no_such_version", number=number))
        old = load_version(data_dir, number)
        if old is None:
            raise ValueError(t("briefing.version_unreadable", number=number))
        label = t(
            "briefing.since_version",
            number=number,
            date=format_date(pd.Timestamp(versions[number].when), language),
        )
        return changes_between(old, dataset, agreement_id, label, language)
    try:
        when = date.fromisoformat(text)
    except ValueError:
        raise ValueError(t("briefing.bad_since", value=text)) from None
    number = version_on(data_dir, when)
    old = load_version(data_dir, number) if number is not None else None
    if old is None:
        return changes_since_date(dataset, agreement_id, when, language)
    label = t("briefing.since_date_version", date=format_date(when, language), number=number)
    return changes_between(old, dataset, agreement_id, label, language)
