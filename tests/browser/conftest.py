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
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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


# Final statuses of a script run; FINISHED_EARLY_FOR_RERUN (an st.rerun()) means another follows.
_RUN_OVER = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
# The page shows no run going and nothing left from an earlier run.
_PAGE_AT_REST = f"""() => !!document.querySelector('{SCRIPT_FINISHED}')
    && !document.querySelector('[data-stale="true"]')"""
# Every element whose code Streamlit loads on demand (charts, tables, maps) has replaced its
# placeholder, and every plotly chart has finished drawing its SVG (text included): plotly sets
# `_replotting` while it draws and `_fontLoadToken` while it waits for a font to redraw.
_PAGE_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).every(chart => {
        const plot = chart.querySelector('.js-plotly-plot');
        return !!plot && !!plot.querySelector('.main-svg') && !!plot._fullLayout
            && plot._fullLayout._replotting === false && !plot._fontLoadToken;
    })"""
_POLL_MS = 50


@dataclass
class ScriptRuns:
    """Script runs as the page's websocket tells them, in the order they happened.

    The page alone cannot tell when the runs are over: a run ended by st.rerun() shows
    "notRunning" for a moment before the next one starts, and a click sends its rerun request
    before the page shows any change. `requests` counts the runs the browser asked for (not a
    fragment's timed reruns); `pending` is true from a request (or a run starting, or ending
    early for a rerun) until a run finishes for good.
    """

    requests: int = 0
    finished: int = 0
    pending: bool = False
    connected: bool = False

    def watch(self, websocket) -> None:
        if not websocket.url.endswith("/_stcore/stream"):
            return
        # A new page load opens a new connection: what the old one said no longer counts.
        self.requests, self.finished, self.pending, self.connected = 0, 0, True, True
        websocket.on("framesent", self._sent)
        websocket.on("framereceived", self._received)

    def _sent(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        message = BackMsg.FromString(payload)
        if message.HasField("rerun_script"):
            # A fragment's timed rerun (`run_every`) is no action's answer: not counted.
            self.requests += not message.rerun_script.is_auto_rerun
            self.pending = True

    def _received(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "session_status_changed" and message.session_status_changed.script_is_running:
            self.pending = True
        elif kind == "script_finished":
            if message.script_finished in _RUN_OVER:
                self.finished += 1
                self.pending = False
            else:
                self.pending = True


_RUNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def script_runs(page) -> ScriptRuns:
    """The page's ScriptRuns, watching from now on (open_page starts it before navigating)."""
    if page not in _RUNS:
        runs = ScriptRuns()
        page.on("websocket", runs.watch)
        _RUNS[page] = runs
    return _RUNS[page]


def wait_until_settled(page, timeout_ms: int = 30_000, requests_before: int | None = None) -> None:
    """Wait until Streamlit's script runs are over: the page shows none running and nothing
    stale, and the websocket says the last run the browser asked for has finished for good.

    `requests_before`: the ScriptRuns.requests count before an action that asks for a run (a
    click on a widget), so the wait does not end before that run has even been asked for.
    """
    runs = script_runs(page)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        remaining_ms = max(1, round((deadline - time.monotonic()) * 1000))
        try:
            page.wait_for_function(_PAGE_AT_REST, timeout=remaining_ms, polling=_POLL_MS)
        except PlaywrightTimeout:
            raise TimeoutError(
                f"the app was still running a script after {timeout_ms} ms ({runs})"
            ) from None
        asked = requests_before is None or runs.requests > requests_before
        if asked and not (runs.connected and (runs.pending or not runs.finished)):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"the script runs were not over after {timeout_ms} ms: the app kept rerunning "
                f"or the expected run was never asked for ({runs})"
            )
        page.wait_for_timeout(_POLL_MS)  # a run the page does not show yet is on its way


@contextmanager
def rerun_expected(page, timeout_ms: int = 30_000) -> Iterator[None]:
    """The action in the block asks Streamlit for a run (a click on a widget, a key that
    presses a button): wait for that request, then until the runs are over."""
    before = script_runs(page).requests
    yield
    wait_until_settled(page, timeout_ms, requests_before=before)


def wait_until_drawn(page, timeout_ms: int = 30_000) -> None:
    """Wait until the runs are over and the page has drawn what Streamlit loads after them:
    every placeholder replaced, every plotly chart drawn. (Map canvases are not waited for:
    software WebGL takes seconds, and nothing that reads the page's text needs them.)"""
    wait_until_settled(page, timeout_ms)
    try:
        page.wait_for_function(_PAGE_DRAWN, timeout=timeout_ms, polling=_POLL_MS)
    except PlaywrightTimeout:
        waiting = page.evaluate(
            """() => [document.querySelectorAll('[data-testid="stSkeleton"]').length,
                document.querySelectorAll('[data-testid="stPlotlyChart"]').length]"""
        )
        raise TimeoutError(
            f"the page was not drawn after {timeout_ms} ms: {waiting[0]} placeholders left, "
            f"{waiting[1]} plotly charts on the page"
        ) from None


def open_page(page, url: str, timeout_ms: int = 30_000) -> None:
    """Navigate and wait until Streamlit's script runs are over."""
    script_runs(page)
    page.goto(url)
    wait_until_settled(page, timeout_ms)
