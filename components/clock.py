"""What "today" is for the app, the command line and the checks alike."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

TODAY_VARIABLE = "PARTNERSHIP_TODAY"


def today() -> date:
    """Today (UTC), or the date in PARTNERSHIP_TODAY (for reproducible demos, screenshots and
    tests)."""
    configured = os.environ.get(TODAY_VARIABLE, "").strip()
    return date.fromisoformat(configured) if configured else datetime.now(UTC).date()
