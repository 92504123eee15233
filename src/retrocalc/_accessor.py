"""The ``df.retro`` pandas accessor: a thin layer that only forwards to the public functions.

Registering an accessor needs pandas, and ``import retrocalc`` must not import pandas. So
:func:`register_accessor` runs

- when ``retrocalc`` is imported and pandas already is (the usual notebook order:
  ``import pandas as pd`` then ``import retrocalc as rc``);
- whenever retrocalc meets or imports pandas itself: :func:`retrocalc.estimate` given a
  DataFrame, ``to_frame()``, and ``import retrocalc.plot`` with pandas loaded;
- when you call :func:`retrocalc.register_accessor` (safe to call any number of times).

This module imports pandas; nothing imports it until one of the above happens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .core import FrameOptions

__all__ = ["RetroAccessor", "register_accessor"]

_registered = False


class _PlotForwarder:
    """``df.retro.plot``: plots of the frame's workouts (see :mod:`retrocalc.plot`)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def breakdown(self, **kwargs: Any) -> Axes:
        """:func:`retrocalc.plot.workout_breakdown` of this frame."""
        from .plot import workout_breakdown

        return workout_breakdown(self._frame, **kwargs)

    __call__ = breakdown


class RetroAccessor:
    """``df.retro``: retrocalc on a DataFrame of workouts with canonical column names.

    Every method forwards to a public function with the frame as its data:
    ``df.retro.estimate(**options)`` is ``retrocalc.estimate(df, **options)`` and
    ``df.retro.plot.breakdown(**kw)`` (or ``df.retro.plot(**kw)``) is
    ``retrocalc.plot.workout_breakdown(df, **kw)``.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def estimate(self, **options: Unpack[FrameOptions]) -> pd.DataFrame:
        """:func:`retrocalc.estimate` of this frame: the frame plus the result columns."""
        from .core import estimate

        return estimate(self._frame, **options)

    @property
    def plot(self) -> _PlotForwarder:
        """Plots of this frame (needs matplotlib: ``pip install 'retrocalc[plot]'``)."""
        return _PlotForwarder(self._frame)


def register_accessor() -> None:
    """Register the ``df.retro`` accessor on :class:`pandas.DataFrame` (idempotent).

    Imports pandas. retrocalc calls it itself whenever pandas is or gets involved (see
    :mod:`retrocalc._accessor`); call it explicitly if you imported retrocalc before pandas
    and want ``df.retro`` before giving retrocalc any DataFrame.
    """
    global _registered
    if not _registered:
        pd.api.extensions.register_dataframe_accessor("retro")(RetroAccessor)
        _registered = True
