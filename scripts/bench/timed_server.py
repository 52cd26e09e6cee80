"""`streamlit run`, with every script run's duration appended to a log (benchmarks only).

The app itself carries no timing code: this launcher wraps the function Streamlit calls to execute
a script run, so users never pay for it.
Usage: python -m scripts.bench.timed_server LOG run app.py ...
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path


def install(log_path: str) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling
    lock = threading.Lock()

    def timed(func, ctx):
        started = time.perf_counter()
        result = original(func, ctx)
        elapsed_ms = (time.perf_counter() - started) * 1000
        entry = {
            "session": ctx.session_id,
            "ms": round(elapsed_ms, 2),
            # A run cut short by a widget change is not a whole run; the next one is.
            "interrupted": result[2] is not None,
            "at": time.time(),
        }
        with lock, Path(log_path).open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
        return result

    script_runner.exec_func_with_error_handling = timed


def draw_decks_as_images() -> None:
    """`BENCH_DECKS_AS_IMAGE=1`: every pydeck chart is drawn as a still image of its size, so the
    bench can tell what the maps' WebGL costs the browser from what the rest of the page does."""
    import io

    import streamlit as st
    from PIL import Image
    from streamlit.delta_generator import DeltaGenerator

    def image(self, deck=None, *, height=None, width=None, **_ignored):
        size = (int(width) if isinstance(width, int) else 460, int(height or 460))
        buffer = io.BytesIO()
        Image.new("RGB", size, (214, 222, 230)).save(buffer, format="PNG")
        return self.image(buffer.getvalue())

    DeltaGenerator.pydeck_chart = image
    st.pydeck_chart = lambda *args, **kwargs: image(st._main, *args, **kwargs)


def main() -> None:
    log_path, *streamlit_args = sys.argv[1:]
    install(log_path)
    if os.environ.get("BENCH_DECKS_AS_IMAGE") == "1":
        draw_decks_as_images()
    from streamlit.web import cli

    sys.argv = ["streamlit", *streamlit_args]
    cli.main()


if __name__ == "__main__":
    main()
