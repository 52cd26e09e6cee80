"""Browser test harness: a real `streamlit run app.py` on a free localhost port, driven by
Playwright with Debian's Chromium. Every request that leaves 127.0.0.1 is blocked and recorded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO, SHIPPED_DATA

CHROMIUM = os.environ.get("PARTNERSHIP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT_FINISHED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARTIFACTS = REPO / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_options(port: int) -> list[str]:
    """`streamlit run` options for a local, headless server that sends no usage statistics."""
    return [
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@dataclass
class AppServer:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path
    log_handle: object = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(
    data_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None
) -> AppServer:
    port = free_port()
    env = {**os.environ, "PARTNERSHIP_DATA_DIR": str(data_dir), **(extra_env or {})}
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), *serve_options(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return AppServer(url, data_dir, process, log_path, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    log.close()
    raise RuntimeError(f"streamlit did not answer within 60 s:\n{log_path.read_text()}")


def terminate(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ask the process to stop; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop_server(server: AppServer) -> None:
    terminate(server.process)
    server.log_handle.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app serving a copy of the shipped data."""
    folder = tmp_path_factory.mktemp("served")
    data_dir = folder / "data"
    shutil.copytree(SHIPPED_DATA, data_dir)
    server = start_server(data_dir, folder / "streamlit.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Offline:
    """Requests the page tried to send outside 127.0.0.1 (all blocked)."""

    blocked: list[str] = field(default_factory=list)


@pytest.fixture
def offline() -> Offline:
    return Offline()


@pytest.fixture
def page(browser, offline: Offline, request: pytest.FixtureRequest):
    """A fresh browser page with every request outside 127.0.0.1 blocked and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            offline.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    except Exception:  # a screenshot is a courtesy; the test's own assertions decide
        pass
    context.close()


def wait_until_settled(page, timeout_ms: int = 30_000, quiet_ms: int = 600) -> None:
    """Wait until the script run has finished and stays finished for `quiet_ms`.

    A run can be followed at once by another (a first visit routed through app.py, a widget
    syncing the URL), and "notRunning" shows briefly in between.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.wait_for_selector(SCRIPT_FINISHED, timeout=timeout_ms)
        page.wait_for_timeout(quiet_ms)
        if (
            page.locator(SCRIPT_FINISHED).count()
            and not page.locator('[data-stale="true"]').count()
        ):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the app kept rerunning")


def open_page(page, url: str, timeout_ms: int = 30_000) -> None:
    """Navigate and wait until Streamlit's script runs have finished."""
    page.goto(url)
    wait_until_settled(page, timeout_ms)
