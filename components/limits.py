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

# Streamlit's own upload limit (`server.maxUploadSize` in .streamlit/config.toml) is 10 MB; the
# command line uses the same, so a file the Data page refuses is refused by `partnership import`.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An XLSX or ZIP is compressed: a few kilobytes can unpack into gigabytes ("zip bomb"). Counted
# by unpacking with a bound, never from the sizes the archive declares (they can lie). Six times
# the upload limit: a full 10 MB workbook of plain cells unpacks to about 40 MB.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
# One ZIP of every table holds a dozen files; two hundred is a folder zipped by mistake.
MAX_ARCHIVE_MEMBERS = 200
# A sheet is read as a grid up to its last cell with a value: rows x columns of that range are
# held in memory. Five million cells (about 40 MB of references) holds a 10 MB workbook's largest
# real table (400,000 rows of a dozen cells); one cell at XFD1048576 made a 5.7 KB workbook ask
# for 17 billion and the kernel kill the process.
MAX_SHEET_CELLS = 5_000_000
# Columns a sheet may reach past the widest table and its MAX_EXTRA_COLUMNS, so that a table a
# few columns over the extra-column cap still reaches the check that explains that cap; a value
# further right is a cell far outside the table.
SHEET_COLUMN_SLACK = 20

# Tables and their problems (components/validation.py and the readers of tables).

# A whole report an analyst can still read and a page can draw at once: twenty full kinds of
# problem (components/problems.py MAX_PER_KIND, 50 each). Beyond it the rest are counted in one
# line; 4,000,000 ragged rows once made 4,000,019 problems and a MemoryError on the Data page.
MAX_PROBLEMS = 1_000
# The first few names of the extra columns, quoted when there are too many of them.
EXTRA_COLUMNS_NAMED = 5

# Sign-in (components/sign_in_guard.py).

# An editor mistyping a password fails two or three times; five wrong passwords for one name
# in a quarter of an hour is guessing.
SIGN_IN_NAME_FAILURES = 5
# One office behind one address may hold several editors, each allowed a few slips; twenty
# failures from one address in the window is a script trying names.
SIGN_IN_CLIENT_FAILURES = 20
# The window failures are counted over, and the quiet time after which a lockout stops growing.
SIGN_IN_WINDOW_SECONDS = 15 * 60
# The first pause is short enough for a forgetful editor; each further pause doubles it.
SIGN_IN_FIRST_LOCKOUT_SECONDS = 60
# Capped at an hour so a real editor is never shut out for a day by someone else's guessing.
SIGN_IN_MAX_LOCKOUT_SECONDS = 60 * 60
# Every refused try waits this long (plus up to the jitter) before it is answered: a person
# does not notice one second, a script gets at most a guess or two a second per session.
SIGN_IN_FAILURE_DELAY_SECONDS = 1.0
SIGN_IN_FAILURE_JITTER_SECONDS = 0.25
# How long a sign-in waits for the shared counters' database before refusing (it never lets a
# guess through unchecked); far longer than any one update holds it.
SIGN_IN_STORE_TIMEOUT_SECONDS = 5.0
# Each password check at OWASP's scrypt cost takes about 128 MB for about 0.4 s: at most two
# at once per server process keeps a burst of sign-in forms from exhausting memory.
SIGN_IN_CONCURRENT_HASHES = 2

# Downloads built for viewers (components/ui/data_page.py, kept by components/ui/cached.py).
# Every download of the data is built once per version of the files and handed to every viewer
# who asks; building one takes time and memory (the workbook of the large data: 35 s or more
# and about 55 MB, row by row), so at most this many are built at once per server process, the
# others waiting.
CONCURRENT_DOWNLOAD_BUILDS = 1
# The built files kept for the next viewer, per process (the large data's workbook is 26 MB,
# its ZIP 7 MB); past this the least recently asked for go.
DOWNLOAD_MEMORY_BYTES = 128 * 1024 * 1024
