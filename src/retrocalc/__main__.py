"""``python -m retrocalc``: the same command line as ``retrocalc`` (see :mod:`retrocalc.cli`)."""

from __future__ import annotations

from ._entry import main

if __name__ == "__main__":
    main()
