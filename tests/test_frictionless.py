"""The data package satisfies the standard's reference validator, Frictionless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SHIPPED_DATA, DataDir

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FRICTIONLESS), "validate", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_shipped_package_passes_frictionless():
    """`frictionless validate data/datapackage.json` passes."""
    result = frictionless_validate(SHIPPED_DATA / "datapackage.json")
    assert result.returncode == 0, result.stdout + result.stderr


def test_frictionless_catches_a_broken_copy(data_dir: DataDir):
    """The same check fails on a broken foreign key, so the test above can fail."""
    data_dir.set_cell("parties", 2, "agreement_id", "no-such-agreement")
    result = frictionless_validate(data_dir.path / "datapackage.json")
    assert result.returncode != 0
    assert "foreign-key" in result.stdout
