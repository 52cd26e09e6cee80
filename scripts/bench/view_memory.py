"""How much the remembered views hold, against their budget, on the large data.

Run in a fresh process (`python -m scripts.bench.view_memory DATA_DIR BUDGET_MB`), so its
resident memory is the dataset's and the views' alone. It asks the cache for every view of every
page, in every language, for the whole agreement and for each of its focus areas and statuses:
far more views than the budget holds, so the memo has to forget. It prints one line of JSON: what
the memo says it holds (its estimate), what the process's memory grew by while the views were
built (the truth the estimate must not understate), and the budget."""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class ViewMemory:
    budget_mb: float
    held_mb: float  # the memo's own estimate of what its entries hold
    entries: int
    builds: int
    too_large: int
    dataset_rss_mb: float  # the process with the dataset loaded and no view built
    peak_views_rss_mb: float  # the most the views added to that, at any point of the run
    final_views_rss_mb: float  # what they add at the end, after a garbage collection
    views_asked: int
    seconds: float


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(data_dir: Path, budget_mb: int) -> ViewMemory:
    os.environ["PARTNERSHIP_DATA_DIR"] = str(data_dir)
    os.environ["PARTNERSHIP_VIEW_MEMORY_MB"] = str(budget_mb)
    from components import map_decks, map_model
    from components.filters import Filters, filter_options
    from components.loader import load_dataset
    from components.ui import cached

    dataset = load_dataset(data_dir).dataset
    agreement = dataset["agreements"]["agreement_id"].iloc[0]
    gc.collect()
    base = _rss_mb()
    today = date(2026, 1, 1)
    options = filter_options(dataset, agreement)
    variants = [Filters(agreement)]
    variants += [Filters(agreement, focus_area_ids=(area,)) for area in options.focus_area_ids]
    variants += [Filters(agreement, statuses=(status,)) for status in options.statuses]
    basemap = map_decks.basemap("off")
    started = time.perf_counter()
    asked = 0
    peak = 0.0
    for language in ("en", "zh", "both"):
        cached.agreement_card(dataset, agreement, language)
        cached.headline_figures(dataset, agreement, today, language)
        cached.focus_area_blocks(dataset, agreement, language)
        cached.sources_table(dataset, language)
        asked += 4
        for filters in variants:
            table = cached.indicator_table(dataset, filters, language)
            measured = table[table["latest_value"].notna()]["indicator_id"].tolist()
            cached.timeline_chart(dataset, filters, today, language)
            cached.milestone_table(dataset, filters, language)
            cached.status_chart(dataset, filters, language)
            cached.burn_up(dataset, filters, today, language)
            cached.indicator_rows(dataset, filters, language)
            cached.bullets(dataset, filters, tuple(measured[:5]), language)
            if measured:
                cached.values_chart(dataset, filters, measured[0], language)
            cached.gone_quiet(dataset, filters, today, 6, language)
            cached.initiative_rows(dataset, filters, language, "")
            cached.map_view(dataset, agreement, filters, language)
            for shown in map_model.MAP_VIEWS:
                cached.decks(dataset, agreement, filters, language, shown, None, basemap)
            asked += 13
            peak = max(peak, _rss_mb() - base)
    seconds = time.perf_counter() - started
    gc.collect()
    stats = cached.view_memory()
    return ViewMemory(
        budget_mb=stats.budget_bytes / MEGABYTE,
        held_mb=stats.bytes_held / MEGABYTE,
        entries=stats.entries,
        builds=stats.builds,
        too_large=stats.too_large,
        dataset_rss_mb=base,
        peak_views_rss_mb=peak,
        final_views_rss_mb=_rss_mb() - base,
        views_asked=asked,
        seconds=seconds,
    )


if __name__ == "__main__":
    result = measure(Path(sys.argv[1]), int(sys.argv[2]))
    print(json.dumps(asdict(result)))
