"""Checks of the command line's numeric options, shared by its commands.

click reads ``nan``, ``inf`` and ``-inf`` as floats; :func:`number` makes such a value (or
one outside a range) a usage error naming the option and what it expects (exit status 2).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import click

__all__ = ["number"]

#: A click callback of a float option (None when the option is not given).
NumberCheck = Callable[[click.Context, click.Parameter, float | None], float | None]


def number(
    expected: str, low: float | None = None, high: float | None = None, low_open: bool = False
) -> NumberCheck:
    """A click callback: the option's value must be a finite number from ``low`` to ``high``.

    Parameters
    ----------
    expected : str
        What a valid value is, for the message (``"a number of MiB from 0.01 to 1048576"``).
    low, high : float, optional
        Smallest and largest valid values (None: no bound on that side).
    low_open : bool
        ``low`` itself is not valid (a body mass above 0).

    Returns
    -------
    callable
        The ``callback=`` of a ``click.option`` of ``type=float``: it passes None (the option
        not given) and valid values through and raises :class:`click.BadParameter`, which
        click words as ``Invalid value for '--mass-kg': nan: expected ...``, otherwise.
    """

    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        if value is None:
            return None
        if not (
            math.isfinite(value)
            and (low is None or value > low or (value == low and not low_open))
            and (high is None or value <= high)
        ):
            raise click.BadParameter(f"{value}: expected {expected}")
        return value

    return check
