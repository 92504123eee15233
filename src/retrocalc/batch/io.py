"""Read and write files: the public names of :mod:`.read` (input files, streamed blocks) and
:mod:`.write` (writers, the atomic output file), in one place.

The two jobs live in their own modules; this one keeps ``retrocalc.batch.io`` working for
code that imports from it.
"""

from __future__ import annotations

from .read import check_types, is_parquet, unified_schema
from .write import (
    atomic_output,
    begin_run,
    check_csv_output,
    clean_parts,
    committed,
)

__all__ = [
    "atomic_output",
    "begin_run",
    "check_csv_output",
    "check_types",
    "clean_parts",
    "committed",
    "is_parquet",
    "unified_schema",
]
