"""Build clearview.db from the raw CSVs in data/: the entry point of the pipeline in clearview/build.py.

    read -> clean -> check each row -> stage   (a file at a time, in chunks: no file is held whole)
    -> check across files -> compare with the release -> geocode -> summarise -> load -> index

Any problem stops the build with a message naming file, line, column, value and fix, and the last good database
stays where it was.

Usage: python build_db.py [--data DIR] [--db PATH]
"""

from __future__ import annotations

import sys

# The pipeline's names, for the scripts and tests that call it by this file's name.
from clearview.build import ROOT, BuildError, build, clean_rows, decode, main, summarise  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
