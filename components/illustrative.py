"""Whether a dataset holds illustrative (generated, not real) rows, so the app can say so."""

from __future__ import annotations

from components.loader import Dataset

ILLUSTRATIVE_KIND = "illustrative"  # the sources.kind value generated data cites


def illustrative_source_ids(dataset: Dataset) -> set[str]:
    sources = dataset["sources"]
    return set(sources.loc[sources["kind"] == ILLUSTRATIVE_KIND, "source_id"])


def has_illustrative_rows(dataset: Dataset) -> bool:
    """True when any row of any table cites a source whose kind is `illustrative`.

    The whole dataset is checked, not only the rows of one page: a page that mixes real and
    generated rows must carry the mark as surely as a fully generated one.
    """
    cited = illustrative_source_ids(dataset)
    if not cited:
        return False
    for name, frame in dataset.tables.items():
        if name == "sources" or "source_id" not in frame:
            continue
        if frame["source_id"].isin(cited).any():
            return True
    return False
