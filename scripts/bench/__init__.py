"""The benchmark suite: our pages against Streamlit's own floor, at shipped and large sizes.

`make bench` runs `python -m bench` (see bench/suite.py); tests/test_bench_smoke.py runs a one-shot
version on small data inside `make test` so the harness cannot rot.
"""
