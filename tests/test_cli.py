"""`partnership validate`: the installed command's report and exit status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SHIPPED_DATA, DataDir

COMMAND = Path(sys.executable).parent / "partnership"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COMMAND), *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )


def test_console_command_is_installed():
    """pyproject's entry point installs `partnership` into the environment."""
    assert shutil.which(str(COMMAND)), "run `make test`, which installs the project"


def test_shipped_data_is_valid():
    result = run("validate", str(SHIPPED_DATA))
    assert result.returncode == 0, result.stdout
    assert "valid" in result.stdout


def test_data_dir_from_the_environment(data_dir: DataDir):
    """Without an argument the command reads PARTNERSHIP_DATA_DIR."""
    data_dir.set_cell("places", 2, "lat", "95")
    import os

    result = run("validate", env={**os.environ, "PARTNERSHIP_DATA_DIR": str(data_dir.path)})
    assert result.returncode == 1
    assert "places.csv, line 2, column lat" in result.stdout


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("parties", "place_id", "langfnag", "parties.csv, line {line}, column place_id"),
        ("places", "place_id", "oxford", "places.csv, line {line}, column place_id"),
        ("initiatives", "end_date", "2018-07-01", "initiatives.csv, line {line}, column end_date"),
    ],
    ids=["broken foreign key", "duplicate id", "end before start"],
)
def test_problems_exit_1_naming_file_line_column(data_dir, table, column, value, expected):
    """A broken foreign key, a duplicate id or an end before its start: exit 1, located."""
    rows = data_dir.rows(table)
    line = {
        "parties": lambda: data_dir.line_of("parties", "party_id", "langfang-government"),
        "places": lambda: data_dir.line_of("places", "place_id", "baoding"),
        "initiatives": lambda: data_dir.line_of(
            "initiatives", "initiative_id", "student-project-2018"
        ),
    }[table]()
    if table == "places":
        # A second row with an existing id.
        line = data_dir.append("places", {**rows[line - 2], "place_id": value})
    else:
        data_dir.set_cell(table, line, column, value)
    result = run("validate", str(data_dir.path))
    assert result.returncode == 1, result.stdout
    assert expected.format(line=line) in result.stdout
    assert "fix:" in result.stdout


def test_unreadable_file_exits_2(data_dir: DataDir):
    """A file that cannot be read at all (not UTF-8) gives exit status 2."""
    data_dir.write_bytes("sources", "source_id,title\nx,Caf\u00e9\n".encode("cp1252"))
    result = run("validate", str(data_dir.path))
    assert result.returncode == 2
    assert "sources.csv" in result.stdout
    assert "CSV UTF-8" in result.stdout


def test_missing_folder_exits_2(tmp_path: Path):
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "does not exist" in result.stdout


def test_validate_leaves_a_folder_without_an_interrupted_apply_untouched(data_dir: DataDir):
    """Checking a folder writes nothing into it: no lock file, no history folder."""
    before = sorted(path.name for path in data_dir.path.iterdir())
    assert run("validate", str(data_dir.path)).returncode == 0
    assert sorted(path.name for path in data_dir.path.iterdir()) == before
