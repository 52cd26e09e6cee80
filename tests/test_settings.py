"""Settings are data: one table, read in one place, every one of them in the README."""

from __future__ import annotations

import re

import pytest

from components import settings
from tests.conftest import REPO


def _readme_settings() -> set[str]:
    """The names in the first column of the README's configuration table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)`", section, flags=re.MULTILINE))


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readmes_configuration_table(setting):
    assert setting.name in _readme_settings()


def test_only_the_settings_module_reads_the_environment():
    """Every other module asks `components.settings` (writing a variable for a library that
    reads it, as the image export does for kaleido, is not reading)."""
    readers = [
        path.relative_to(REPO).as_posix()
        for path in (REPO / "components").rglob("*.py")
        if path.name != "settings.py"
        and re.search(r"os\.environ\.get|os\.getenv|os\.environ\[", path.read_text())
    ]
    assert readers == []


def test_a_value_is_read_without_surrounding_spaces(monkeypatch):
    monkeypatch.setenv(settings.MAP_TILES.name, "  carto ")
    assert settings.value(settings.MAP_TILES) == "carto"
    monkeypatch.delenv(settings.MAP_TILES.name)
    assert settings.value(settings.MAP_TILES) == ""
