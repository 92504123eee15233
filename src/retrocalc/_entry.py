"""The ``retrocalc`` console script: check the ``cli`` extra, then run :mod:`retrocalc.cli`.

This module imports nothing optional, so a core-only install answers ``retrocalc --help``
with the command that installs the command line, not with ``No module named 'click'``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ._extras import install_hint, missing

__all__ = ["EXIT_MISSING_EXTRA", "main"]

#: Exit status when the command line's extra is not installed.
EXIT_MISSING_EXTRA = 1


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``retrocalc`` command (and ``python -m retrocalc``)."""
    absent = missing("cli")
    if absent:
        verb = "is" if len(absent) == 1 else "are"
        print(
            f"retrocalc: the command line needs {', '.join(absent)}, which {verb} not installed.\n"
            f"Install the cli extra:  {install_hint('cli')}",
            file=sys.stderr,
        )
        sys.exit(EXIT_MISSING_EXTRA)
    from .cli import main as run

    run(argv)
