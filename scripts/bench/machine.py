"""What the figures were measured on: hardware, system, versions and the code's commit."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from scripts.bench.browser import CHROMIUM
from scripts.bench.servers import REPO

PACKAGES = (
    "streamlit",
    "pandas",
    "numpy",
    "pyarrow",
    "plotly",
    "pydeck",
    "playwright",
    "frictionless",
)


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO).stdout.strip()
    except OSError:
        return "unknown"


def describe_machine() -> dict[str, str]:
    memory_kb = _first("/proc/meminfo", "MemTotal").split()[0]
    commit = _output(["git", "rev-parse", "--short", "HEAD"])
    dirty = _output(["git", "status", "--porcelain", "--untracked-files=no"])
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    return {
        "CPU": f"{_first('/proc/cpuinfo', 'model name')} ({os.cpu_count()} logical cores)",
        "Memory": f"{int(memory_kb) / 1024 / 1024:.1f} GiB" if memory_kb.isdigit() else "unknown",
        "System": f"{_first('/etc/os-release', 'PRETTY_NAME=').strip(chr(34))}, "
        f"kernel {platform.release()}",
        "Python": platform.python_version(),
        "Packages": versions,
        "Browser": _output([CHROMIUM, "--version"]) or "unknown",
        "Code": f"commit {commit}" + (" with uncommitted changes" if dirty else ""),
    }
