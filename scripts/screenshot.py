"""Take screenshots of app pages for the docs: serves the app, opens each page in Chromium.

Usage: .venv/bin/python scripts/screenshot.py OUT.png PATH [--height N] [--data DIR]
e.g.   .venv/bin/python scripts/screenshot.py docs/overview.png "?lang=en"
All requests outside 127.0.0.1 are blocked, so the picture shows the app as it looks offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.conftest import (  # noqa: E402  (the harness is the one way we serve the app)
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL_HOSTS,
    SCRIPT_FINISHED,
    start_server,
    stop_server,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("path", help="page path and query, e.g. 'overview?lang=zh'")
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--wait-for", default="", help="a CSS selector to wait for")
    args = parser.parse_args()

    from urllib.parse import urlparse

    from playwright.sync_api import sync_playwright

    log = args.out.with_suffix(".log")
    server = start_server(args.data, log, {"PARTNERSHIP_TODAY": "2026-11-28"})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})

            def local_only(route):
                host = urlparse(route.request.url).hostname
                if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
                    route.continue_()
                else:
                    route.abort()

            page.route("**/*", local_only)
            page.goto(f"{server.url}/{args.path}")
            page.wait_for_selector(SCRIPT_FINISHED, timeout=60_000)
            if args.wait_for:
                page.wait_for_selector(args.wait_for, timeout=60_000)
            page.wait_for_timeout(1500)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        stop_server(server)
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
