"""Starting and stopping the servers under test, and reading their memory and script timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.conftest import free_port, serve_options, terminate

REPO = Path(__file__).resolve().parents[2]
OUR_APP = REPO / "app.py"
REFERENCE_APP = REPO / "scripts" / "bench" / "reference_app.py"
FLOOR_APP = REPO / "scripts" / "bench" / "floor_app.py"


@dataclass
class Server:
    """One `streamlit run` of an app (ours or the reference), through the timing launcher."""

    name: str
    url: str
    process: subprocess.Popen
    timing_log: Path
    output_log: Path
    started_at: float
    _handle: object = field(default=None, repr=False)

    def rss_mb(self) -> float:
        return _status_kb(self.process.pid, "VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return _status_kb(self.process.pid, "VmHWM") / 1024

    def cpu_s(self) -> float:
        """Processor time the server has used so far (user and system), in seconds."""
        after_name = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        user, system = int(after_name[11]), int(after_name[12])
        return (user + system) / os.sysconf("SC_CLK_TCK")

    def runs(self) -> list[dict]:
        """Every script run so far: session, duration in ms, whether a rerun cut it short."""
        if not self.timing_log.exists():
            return []
        lines = self.timing_log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def script_ms_since(self, runs_before: int) -> float:
        """The script time (ms) of every run after the first `runs_before`, summed."""
        return sum(run["ms"] for run in self.runs()[runs_before:])

    def script_done_since(self, runs_before: int) -> float | None:
        """When the last run after the first `runs_before` ended (ms since the epoch)."""
        ends = [run["at"] * 1000 for run in self.runs()[runs_before:]]
        return max(ends) if ends else None

    def stop(self) -> None:
        terminate(self.process, timeout=15)
        if self._handle is not None:
            self._handle.close()


def machine_busy_s() -> float:
    """Processor time every process on the machine has used since boot, in seconds (all cores)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _status_kb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {key}")


def launch(
    name: str,
    app: Path,
    data_dir: Path | None,
    work_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> Server:
    """Start the server and return at once (the caller decides what 'ready' means)."""
    port = free_port()
    timing_log = work_dir / f"{name}-{port}-runs.jsonl"
    output_log = work_dir / f"{name}-{port}.log"
    env = {**os.environ, **(extra_env or {})}
    if data_dir is not None:
        env["PARTNERSHIP_DATA_DIR"] = str(data_dir)
    handle = output_log.open("w", encoding="utf-8")
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scripts.bench.timed_server",
            str(timing_log),
            "run",
            str(app),
            *serve_options(port),
            # Benchmarks measure the served app, not a developer's file watcher.
            "--server.fileWatcherType",
            "none",
        ],
        cwd=REPO,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    return Server(
        name, f"http://127.0.0.1:{port}", process, timing_log, output_log, started, handle
    )


def wait_healthy(server: Server, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.output_log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {timeout_s} s")


def start(
    name: str,
    app: Path,
    data_dir: Path | None,
    work_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> Server:
    server = launch(name, app, data_dir, work_dir, extra_env)
    wait_healthy(server)
    return server
