"""The illustrative dataset generator: valid, complete, deterministic, marked, and in proportion."""

from __future__ import annotations

import copy
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from components import sample
from components.cli import main
from components.contract import (
    DESCRIPTOR_NAME,
    default_descriptor_path,
    load_contract,
    parse_contract,
)
from components.illustrative import ILLUSTRATIVE_KIND
from components.loader import load_dataset
from components.sample import (
    SOURCE_ID,
    RefusedToOverwrite,
    SampleIncomplete,
    SampleSize,
    generate,
    write_sample,
)
from tests.conftest import SHIPPED_DATA

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def read_rows(folder: Path, table: str) -> list[dict[str, str]]:
    filename = load_contract().table(table).filename
    with (folder / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample") / "data"
    write_sample(folder, scale=3, seed=7)
    return folder


def test_same_seed_gives_the_same_bytes(tmp_path, sample_dir):
    """Two runs with the same scale and seed write byte-identical files; another seed differs."""
    again = tmp_path / "again"
    write_sample(again, scale=3, seed=7)
    assert file_bytes(again) == file_bytes(sample_dir)
    other = tmp_path / "other"
    write_sample(other, scale=3, seed=8)
    assert file_bytes(other)["initiatives.csv"] != file_bytes(sample_dir)["initiatives.csv"]


def test_sample_loads_without_problems(sample_dir):
    """Our loader accepts the sample with no error and no warning, every table filled."""
    result = load_dataset(sample_dir)
    assert result.problems == []
    assert result.ok
    for name, frame in result.dataset.tables.items():
        assert len(frame) > 0, name


def test_every_reference_resolves(sample_dir):
    """Each foreign key and each id in a `;`-list names a row that exists."""
    contract = load_contract()
    checked = 0
    for table in contract.tables:
        rows = read_rows(sample_dir, table.name)
        for column in table.columns:
            if column.references is None:
                continue
            target = column.references
            known = {row[target.column] for row in read_rows(sample_dir, target.table)}
            for row in rows:
                cell = row[column.name]
                ids = cell.split(";") if column.is_list else [cell]
                for value in filter(None, ids):
                    assert value in known, (table.name, column.name, value)
                    checked += 1
    assert checked > 100


def test_every_row_cites_the_one_illustrative_source(sample_dir):
    """sources.csv holds one source of kind `illustrative`, and every other row cites it."""
    sources = read_rows(sample_dir, "sources")
    assert [(s["source_id"], s["kind"]) for s in sources] == [(SOURCE_ID, ILLUSTRATIVE_KIND)]
    for table in load_contract().tables:
        if table.name == "sources":
            continue
        assert {row["source_id"] for row in read_rows(sample_dir, table.name)} == {SOURCE_ID}


def test_counts_scale_with_the_scale(tmp_path):
    """Tripling the scale triples initiatives, milestones, indicators and indicator values."""
    counts = {}
    for scale in (1, 3):
        counts[scale] = write_sample(tmp_path / str(scale), scale=scale).rows
    shipped_initiatives = len(read_rows(SHIPPED_DATA, "initiatives"))
    assert counts[1]["initiatives"] == shipped_initiatives
    for table in ("initiatives", "milestones", "indicators", "indicator_values"):
        assert counts[3][table] == 3 * counts[1][table], table
    assert counts[3]["milestones"] == 5 * counts[3]["initiatives"]


def test_large_size_matches_the_benchmark_definition():
    """--scale 2500 means 10,000 initiatives, 50,000 milestones, 5,000 indicators, 1M values."""
    size = SampleSize.for_scale(2500)
    assert (size.initiatives, size.milestones, size.indicators, size.indicator_values) == (
        10_000,
        50_000,
        5_000,
        1_000_000,
    )


def test_indicator_values_can_be_set_directly(tmp_path):
    """--indicator-values N writes exactly N values, each (indicator, date) once."""
    write_sample(tmp_path, scale=2, indicator_values=1001)
    values = read_rows(tmp_path, "indicator_values")
    assert len(values) == 1001
    assert len({(v["indicator_id"], v["date"]) for v in values}) == 1001
    assert load_dataset(tmp_path).ok


def test_dates_follow_their_precision_and_order(sample_dir):
    """A month-precision date is written with day 01; no end date is before its start."""
    initiatives = read_rows(sample_dir, "initiatives")
    milestones = read_rows(sample_dir, "milestones")
    for row, column, precision in [
        *[(r, "start_date", "start_date_precision") for r in initiatives],
        *[(r, "date", "date_precision") for r in milestones],
    ]:
        if row[precision] == "month":
            assert row[column].endswith("-01")
        if row[precision] == "year":
            assert row[column][4:] == "-01-01"
        assert bool(row[column]) == bool(row[precision])
    for row in initiatives:
        if row["end_date"]:
            assert row["end_date"] >= row["start_date"]


def test_folder_is_a_data_package_frictionless_accepts(sample_dir):
    """The folder carries datapackage.json, and `frictionless validate` passes on it."""
    assert (sample_dir / DESCRIPTOR_NAME).read_bytes() == (
        SHIPPED_DATA / DESCRIPTOR_NAME
    ).read_bytes()
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", str(sample_dir / DESCRIPTOR_NAME)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_refuses_to_overwrite_real_data(tmp_path):
    """A folder whose sources are real is left untouched."""
    real = tmp_path / "real"
    shutil.copytree(SHIPPED_DATA, real)
    before = file_bytes(real)
    with pytest.raises(RefusedToOverwrite):
        write_sample(real, scale=1)
    assert file_bytes(real) == before
    assert main(["sample", "--scale", "1", "--out", str(real)]) == 1


def test_command_line_writes_a_valid_folder(tmp_path, capsys):
    """`partnership sample --scale 2 --out DIR --seed 3` writes a folder that validates."""
    assert main(["sample", "--scale", "2", "--out", str(tmp_path), "--seed", "3"]) == 0
    assert "8 initiatives" in capsys.readouterr().out
    assert main(["validate", str(tmp_path)]) == 0
    # A sample folder can be regenerated in place: its sources are illustrative.
    assert main(["sample", "--scale", "1", "--out", str(tmp_path)]) == 0


def test_scale_below_one_is_refused(tmp_path, capsys):
    """--scale 0 is an error with a message, not an empty dataset."""
    assert main(["sample", "--scale", "0", "--out", str(tmp_path)]) == 1
    assert "scale" in capsys.readouterr().err


@pytest.mark.parametrize("values", [None, 5000])
def test_nothing_measured_or_done_is_dated_after_it_was_made(tmp_path, monkeypatch, values):
    """With "today" on the day the sample says it was generated, it has no value, baseline, done
    milestone or status dated later (however many values each indicator has)."""
    monkeypatch.setenv("PARTNERSHIP_TODAY", sample.GENERATED_ON)
    write_sample(tmp_path, scale=3, seed=7, indicator_values=values)
    result = load_dataset(tmp_path)
    assert result.problems == []
    newest = result.dataset["indicator_values"]["date"].max()
    assert newest <= pd.Timestamp(sample.STATUS_AS_OF_LATEST)


def shipped_descriptor() -> dict:
    return json.loads(default_descriptor_path().read_text(encoding="utf-8"))


def test_every_table_has_the_contracts_columns_in_order():
    """generate() makes every table of the contract, each with exactly its columns, in order."""
    contract = load_contract()
    tables = generate(scale=1)
    assert list(tables) == contract.table_names
    for table in contract.tables:
        assert list(tables[table.name].columns) == table.column_names, table.name


@pytest.mark.parametrize("table", [table.name for table in load_contract().tables])
def test_a_contract_column_no_builder_fills_stops_generation(table):
    """A column added to the contract that no builder fills is an error naming it, not a
    column silently left out of the sample."""
    descriptor = copy.deepcopy(shipped_descriptor())
    (resource,) = [r for r in descriptor["resources"] if r["name"] == table]
    resource["schema"]["fields"].insert(1, {"name": "new_column", "type": "string"})
    with pytest.raises(SampleIncomplete, match=rf"{table}\.new_column"):
        generate(scale=1, contract=parse_contract(descriptor))


def test_a_contract_table_no_builder_makes_stops_generation():
    """A table added to the contract without a builder is an error naming it."""
    descriptor = copy.deepcopy(shipped_descriptor())
    extra = copy.deepcopy(descriptor["resources"][-1])
    extra.update(name="new_table", path="new_table.csv")
    descriptor["resources"].append(extra)
    with pytest.raises(SampleIncomplete, match="new_table"):
        generate(scale=1, contract=parse_contract(descriptor))


def test_a_column_the_contract_dropped_stops_generation():
    """A column a builder still fills after the contract dropped it is an error too, so the
    builders and the contract stay in step both ways."""
    descriptor = copy.deepcopy(shipped_descriptor())
    (resource,) = [r for r in descriptor["resources"] if r["name"] == "milestones"]
    resource["schema"]["fields"] = [
        field for field in resource["schema"]["fields"] if field["name"] != "note_zh"
    ]
    with pytest.raises(SampleIncomplete, match="note_zh"):
        generate(scale=1, contract=parse_contract(descriptor))
