"""Every bound on what a file, a viewer or a guesser can make the server do, in one place.

docs/security.md lists each with its reason; a test keeps the two in step. A bound is set well
above what the shipped and the large illustrative data need, and well below what would take the
server down: each value says which.
"""

from __future__ import annotations

# A table of the contract has at most a dozen columns; a few dozen extra ones are a mistake an
# analyst can read about in one report, thousands are not a table.
MAX_EXTRA_COLUMNS = 50

# Files and archives (components/upload/readers.py).

# Tables and their problems (components/validation.py and the readers of tables).

# Sign-in (components/sign_in_guard.py).

# Downloads built for viewers (components/ui/data_page.py).
