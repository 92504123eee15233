"""Léger & Mercier (1984): gross energy cost of treadmill and track running.

References
----------
.. [1] Léger L., Mercier D. (1984). Gross energy cost of horizontal treadmill and track running.
   Sports Med 1(4):270-277. :doi:`10.2165/00007256-198401040-00003` (PMID 6390604)
.. [2] Pugh L.G.C.E. (1970). Oxygen intake in track and treadmill running with observations on
   the effect of air resistance. J Physiol 207(3):823-835.
"""

from __future__ import annotations

from typing import Any

from ._spec import ModelSpec, model_function

__all__ = ["SPECS", "leger1984_track", "leger1984_treadmill"]

_CITATION = (
    "Léger L., Mercier D. (1984). Gross energy cost of horizontal treadmill and track running. "
    "Sports Med 1(4):270-277"
)
_DOI = "10.2165/00007256-198401040-00003"
_KMH = 3.6  # km/h per m/s


@model_function
def leger1984_treadmill(speed: Any) -> Any:
    r"""Gross VO2 of level treadmill running (Léger & Mercier 1984).

    .. math:: \dot VO_2 = 2.209 + 3.163\,v

    with :math:`v` in km/h (converted inside).

    Parameters
    ----------
    speed : array_like [m/s]
        Running speed.

    Returns
    -------
    vo2_gross : array_like [ml/kg/min]
        Gross oxygen uptake.

    References
    ----------
    .. [1] Léger L., Mercier D. (1984). Sports Med 1(4):270-277.
       :doi:`10.2165/00007256-198401040-00003`
    """
    v = speed * _KMH
    return 2.209 + 3.163 * v


@model_function
def leger1984_track(speed: Any) -> Any:
    r"""Gross VO2 of level track running, with air resistance (Léger & Mercier 1984).

    .. math:: \dot VO_2 = 2.209 + 3.163\,v + 0.000525542\,v^3

    with :math:`v` in km/h (converted inside); the cubic term is Pugh's (1970) air resistance.

    Parameters
    ----------
    speed : array_like [m/s]
        Running speed on still air.

    Returns
    -------
    vo2_gross : array_like [ml/kg/min]
        Gross oxygen uptake.

    References
    ----------
    .. [1] Léger L., Mercier D. (1984). Sports Med 1(4):270-277.
       :doi:`10.2165/00007256-198401040-00003`
    """
    v = speed * _KMH
    return 2.209 + 3.163 * v + 0.000525542 * v**3


# 8-25 km/h: the range the abstract states for the track equation
_SYMBOLS = (
    (r"\dot VO_2", "gross oxygen uptake", "ml/kg/min"),
    ("v", "running speed", "km/h"),
)
_RANGES = {"speed_m_s": (8.0 / _KMH, 25.0 / _KMH), "grade": (0.0, 0.0)}

SPECS = (
    ModelSpec(
        name="leger1984_treadmill",
        title="Léger & Mercier 1984, treadmill running",
        kind="base",
        gaits=("run",),
        directions=("forward", "backward"),
        inputs=("speed_m_s",),
        output="vo2_gross_ml_kg_min",
        ranges=_RANGES,
        citation=_CITATION,
        doi=_DOI,
        function=leger1984_treadmill,
        symbols=_SYMBOLS,
        notes="Level only. Speed in km/h inside the formula. Slope 3.163 as printed in the "
        "abstract (PMID 6390604). The DOI follows the publisher's numbering and "
        "was not confirmed against the publisher.",
    ),
    ModelSpec(
        name="leger1984_track",
        title="Léger & Mercier 1984, track running (air resistance)",
        kind="base",
        gaits=("run",),
        directions=("forward", "backward"),
        inputs=("speed_m_s",),
        output="vo2_gross_ml_kg_min",
        ranges=_RANGES,
        citation=_CITATION,
        doi=_DOI,
        function=leger1984_track,
        symbols=_SYMBOLS,
        notes="Level only; adds Pugh's (1970) air-resistance term for running in still air. "
        "Slope 3.163 as printed in the abstract (PMID 6390604).",
    ),
)
