"""The app's pages as data: each page's file, its address and its title, read by `app.py` (which
routes them), the AppTest smoke tests and the benchmark, so none of them restates the list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppPage:
    script: str  # the page's file, relative to the repository
    url_path: str
    title_key: str  # the catalogue key of its name in the navigation
    # The page the app's root shows in ordinary use (the slides take over with ?present=1).
    default: bool = False

    @property
    def address(self) -> str:
        """Where a browser opens it: Streamlit serves the default page at the root only (its
        own path answers with "Page not found")."""
        return "" if self.default else self.url_path


OVERVIEW = AppPage("pages/overview.py", "overview", "overview.nav", default=True)
MAP = AppPage("pages/map.py", "map", "map.nav")
TIMELINE = AppPage("pages/timeline.py", "timeline", "timeline.nav")
PROGRESS = AppPage("pages/progress.py", "progress", "progress.nav")
INITIATIVES = AppPage("pages/initiatives.py", "initiatives", "initiatives.nav")
PRESENT = AppPage("pages/present.py", "present", "present.nav")
DATA = AppPage("pages/data.py", "data", "data.nav")
# In the navigation's order.
APP_PAGES = (OVERVIEW, MAP, TIMELINE, PROGRESS, INITIATIVES, PRESENT, DATA)
