"""docs/security.md and components/limits.py stay in step, and the upload limit is one number."""

from __future__ import annotations

import re
import tomllib

from components import limits
from tests.conftest import REPO

DOC = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
BOUNDS = [name for name in vars(limits) if name.isupper()]


# Settings of the tools the dashboard runs with, which the doc may name too.
OTHER_TOOLS_SETTINGS = {"PGPASSWORD"}


def test_every_bound_is_in_the_security_doc():
    """Each constant of components/limits.py is named in docs/security.md."""
    assert BOUNDS
    assert [name for name in BOUNDS if f"`{name}`" not in DOC] == []


def test_the_security_doc_names_no_bound_that_is_gone():
    """Every upper-case name the doc quotes is a bound or a setting that exists."""
    quoted = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", DOC))
    settings_names = set(re.findall(r"`(PARTNERSHIP_[A-Z_]+)`", DOC))
    assert quoted - settings_names - set(BOUNDS) - OTHER_TOOLS_SETTINGS == set()


def test_the_upload_limit_is_streamlits_own():
    """The command line refuses what the Data page refuses: one size, in two places."""
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == limits.MAX_UPLOAD_BYTES
