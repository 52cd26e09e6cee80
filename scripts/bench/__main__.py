"""`python -m scripts.bench`: see scripts/bench/suite.py."""

import sys

from scripts.bench.suite import main

sys.exit(main())
