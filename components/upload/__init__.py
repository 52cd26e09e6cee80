"""Analysts' uploads (CSV, XLSX or a ZIP of tables), from their bytes to a published version.

1. `readers` tells a CSV, a workbook and a ZIP apart by their bytes and reads each into records;
   `decode` turns a CSV's bytes into text (UTF-8, UTF-16, Chinese Excel's GB18030, English
   Excel's Windows-1252) and `recognise` tells which table a file holds.
2. `normalise` rewrites what can be read without guessing (header case, UK dates, `45%`, `1,200`)
   and lists each rewrite as a warning; what cannot be read safely is an error naming the file,
   line, column and value, with how to fix it.
3. `proposal` checks the tables with the rest of the current dataset, by the loader's own checks
   (`components.validation`), into a `Proposal`: its problems, the files to write, the changes.
4. `components.publishing.publish` writes a valid proposal as a new version of the data;
   `components.history` checks an old version before it is restored.

`check_upload` does steps 1 to 3; the Data page and `partnership import` both call it, so they
report a mistake the same way, on the same line, as `partnership validate` does.
"""

from components.upload.proposal import (
    Proposal,
    check_upload,
    indicator_units,
    propose,
    records_to_csv,
)
from components.upload.readers import (
    MAX_ARCHIVE_MEMBERS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    Upload,
    UploadedTable,
    read_upload,
)
from components.upload.recognise import guess_table

__all__ = [
    "MAX_ARCHIVE_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "Proposal",
    "Upload",
    "UploadedTable",
    "check_upload",
    "guess_table",
    "indicator_units",
    "propose",
    "read_upload",
    "records_to_csv",
]
