"""What "today" is for the app, the command line and the checks alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

from components import settings


def today() -> date:
    """Today (UTC), or the date in PARTNERSHIP_TODAY (for reproducible demos, screenshots and
    tests)."""
    configured = settings.value(settings.TODAY)
    return date.fromisoformat(configured) if configured else datetime.now(UTC).date()
