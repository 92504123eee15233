"""Warning and error classes of retrocalc.

Every warning retrocalc emits is a subclass of :class:`RetrocalcWarning`, so a caller can
silence or escalate all of them at once (``warnings.simplefilter("error", RetrocalcWarning)``).
"""

from __future__ import annotations

__all__ = ["ActivityWarning", "OutOfRangeError", "RangeWarning", "RetrocalcWarning", "UnitWarning"]


class RetrocalcWarning(UserWarning):
    """Base class of every warning retrocalc emits."""


class RangeWarning(RetrocalcWarning):
    """Inputs lie outside the validity range of the model that was applied.

    The estimate is still computed (never clamped) and its ``in_range`` flag is False.
    """


class UnitWarning(RetrocalcWarning):
    """An input value looks like it is in the wrong unit (km/h for m/s, percent for a fraction)."""


class ActivityWarning(RetrocalcWarning):
    """An activity file was read or estimated with a problem worked around.

    Truncated FIT, undefined messages, points without time, no altitude, pauses without a
    timer...: the result is still returned and the reason is also kept in its ``warnings``.
    """


class OutOfRangeError(ValueError):
    """Raised instead of :class:`RangeWarning` when ``out_of_range="raise"``."""
