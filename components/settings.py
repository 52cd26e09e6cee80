"""Every setting an operator (or a test) can give the app and the `partnership` command, in one
table: its name, its default and what it does.

Settings come from the environment, and this is the only module that reads it. The README's
configuration table lists each one; a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    default: str  # what an unset (or empty) variable means, as the README says it
    help: str
    # Set by the test suite only; an operator never needs it.
    for_tests: bool = False


DATA_DIR = Setting(
    "PARTNERSHIP_DATA_DIR",
    "data/",
    "the folder of CSV files the app and the `partnership` command read",
)
TODAY = Setting(
    "PARTNERSHIP_TODAY",
    "today (UTC)",
    "fixes today (YYYY-MM-DD) for reproducible demos, screenshots and tests",
)
STORE = Setting(
    "PARTNERSHIP_STORE",
    "the data folder",
    "where the data's versions live: unset, the data folder and its history; a `postgresql://` "
    "URL, that database, which several servers share (`partnership store import` fills it; the "
    "password is best given by `PGPASSWORD` or `~/.pgpass`)",
)
HISTORY_DIR = Setting(
    "PARTNERSHIP_HISTORY_DIR",
    "<data>/.history",
    "where published versions live; one per data folder (the folder records it, and holds the "
    "cross-process lock itself)",
)
MAP_TILES = Setting(
    "PARTNERSHIP_MAP_TILES",
    "off",
    "`carto` turns on online map tiles; off, the maps draw shipped outlines and request nothing",
)
PUBLIC_URL = Setting(
    "PARTNERSHIP_PUBLIC_URL",
    "none",
    "the dashboard's public address, shown as a QR code on the last slide",
)
SECRETS_FILE = Setting(
    "PARTNERSHIP_SECRETS_FILE",
    ".streamlit/secrets.toml",
    "the editors' secrets file: `partnership add-editor` writes password hashes to it, and the "
    "app reads the editors and their hashes from it (Streamlit's own secrets only for `[auth]`)",
)
BROWSER = Setting(
    "BROWSER_PATH",
    "the first Chromium on PATH",
    "the Chromium that draws PNG downloads and the briefing pack's pictures",
)
VIEW_MEMORY = Setting(
    "PARTNERSHIP_VIEW_MEMORY_MB",
    "256",
    "the most memory, in MB, that the views the app keeps for reuse may hold, per server "
    "process (the least recently used go first)",
)
TEST_CRASH_AT = Setting(
    "PARTNERSHIP_TEST_CRASH_AT",
    "none",
    "tests only: kills a publishing process at the named step, to prove no data is torn",
    for_tests=True,
)
SETTINGS = (
    DATA_DIR,
    STORE,
    TODAY,
    HISTORY_DIR,
    MAP_TILES,
    PUBLIC_URL,
    SECRETS_FILE,
    BROWSER,
    VIEW_MEMORY,
    TEST_CRASH_AT,
)


def value(setting: Setting) -> str:
    """The setting as the environment gives it, without surrounding spaces; "" when unset."""
    return os.environ.get(setting.name, "").strip()
