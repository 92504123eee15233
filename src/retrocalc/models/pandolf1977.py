"""Pandolf et al. (1977) load-carriage equation, with Santee et al.'s downhill correction.

References
----------
.. [1] Pandolf K.B., Givoni B., Goldman R.F. (1977). Predicting energy expenditure with loads
   while standing or walking very slowly. J Appl Physiol 43(4):577-581.
   :doi:`10.1152/jappl.1977.43.4.577`
.. [2] Santee W.R., Blanchard L.A., Speckman K.L., Gonzalez J.A., Wright R.F. (2003). Load
   carriage model development and testing with field data. USARIEM Technical Note
   (bibliographic details unverified).
.. [3] Soule R.G., Goldman R.F. (1972). Terrain coefficients for energy cost prediction.
   J Appl Physiol 32(5):706-708. :doi:`10.1152/jappl.1972.32.5.706`

Notes
-----
Santee's correction factor is implemented in the form the literature reproduces,
``eta * (G (W+L) v / 3.5 - (W+L) (G+6)^2 / W + (25 - v^2))``. Its primary text could not be
read for this release and a second form with ``25 v^2`` also circulates; the model is
therefore not a default for unloaded walking. It does not vanish at ``G = 0``: the downhill
branch starts ``eta (11 + v^2 + 36 L / W)`` W above the level value.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from .._fa import any_, where
from ._spec import ModelSpec, model_function

__all__ = ["SPECS", "TERRAIN_FACTORS", "pandolf1977", "pandolf1977_santee", "santee_correction"]

#: Terrain coefficients eta by surface (Soule & Goldman 1972, as used by Pandolf et al. 1977).
TERRAIN_FACTORS = MappingProxyType(
    {
        "treadmill": 1.0,
        "blacktop": 1.0,
        "paved": 1.0,
        "dirt_road": 1.1,
        "light_brush": 1.2,
        "heavy_brush": 1.5,
        "swampy_bog": 1.8,
        "loose_sand": 2.1,
    }
)


@model_function
def pandolf1977(speed: Any, grade: Any, mass: Any, load: Any, terrain_factor: Any) -> Any:
    r"""Pandolf load-carriage equation: gross metabolic rate.

    .. math::
        M = 1.5\,W + 2.0\,(W + L)\left(\frac{L}{W}\right)^2
            + \eta\,(W + L)\,(1.5\,v^2 + 0.35\,v\,G)

    with :math:`W` body mass [kg], :math:`L` load [kg], :math:`v` speed [m/s],
    :math:`G` grade **in percent** (converted inside) and :math:`\eta` the terrain factor.

    Parameters
    ----------
    speed : array_like [m/s]
        Walking speed.
    grade : array_like [1]
        Gradient as a fraction; the equation is for level and uphill walking.
    mass : array_like [kg]
        Body mass.
    load : array_like [kg]
        Carried load.
    terrain_factor : array_like [1]
        Terrain coefficient :math:`\eta` (1.0 treadmill or blacktop; see
        :data:`TERRAIN_FACTORS`).

    Returns
    -------
    power_gross : array_like [W]
        Gross metabolic rate of the whole person (1.5 W/kg of it is standing).

    References
    ----------
    .. [1] Pandolf K.B., Givoni B., Goldman R.F. (1977). J Appl Physiol 43(4):577-581.
       :doi:`10.1152/jappl.1977.43.4.577`
    """
    g = grade * 100.0
    total = mass + load
    ratio = load / mass
    return (
        1.5 * mass
        + 2.0 * total * (ratio * ratio)
        + terrain_factor * total * (1.5 * (speed * speed) + 0.35 * speed * g)
    )


@model_function
def santee_correction(speed: Any, grade: Any, mass: Any, load: Any, terrain_factor: Any) -> Any:
    r"""Santee et al. (2003) downhill correction factor for the Pandolf equation.

    .. math::
        CF = \eta\left[\frac{G\,(W + L)\,v}{3.5} - \frac{(W + L)(G + 6)^2}{W} + 25 - v^2\right]

    Symbols as in :func:`pandolf1977`; :math:`G` in percent, negative downhill.

    Returns
    -------
    correction : array_like [W]
        Subtracted from the Pandolf rate on downhill grades.

    References
    ----------
    .. [1] Santee W.R. et al. (2003). Load carriage model development and testing with field
       data. USARIEM Technical Note (details unverified; the form is as reproduced in the
       literature, see the module notes).
    """
    g = grade * 100.0
    total = mass + load
    g6 = g + 6.0
    return terrain_factor * (
        g * total * speed / 3.5 - total * (g6 * g6) / mass + (25.0 - speed * speed)
    )


@model_function
def pandolf1977_santee(speed: Any, grade: Any, mass: Any, load: Any, terrain_factor: Any) -> Any:
    r"""Pandolf equation with Santee's correction on downhill grades.

    .. math::
        M = M_\mathrm{Pandolf} - CF \quad (G < 0), \qquad M = M_\mathrm{Pandolf} \quad (G \ge 0)

    Parameters
    ----------
    speed : array_like [m/s]
        Walking speed.
    grade : array_like [1]
        Gradient as a fraction, negative downhill (field-tested to -0.12).
    mass : array_like [kg]
        Body mass.
    load : array_like [kg]
        Carried load.
    terrain_factor : array_like [1]
        Terrain coefficient :math:`\eta`.

    Returns
    -------
    power_gross : array_like [W]
        Gross metabolic rate of the whole person.

    References
    ----------
    .. [1] Pandolf K.B. et al. (1977). J Appl Physiol 43(4):577-581.
       :doi:`10.1152/jappl.1977.43.4.577`
    .. [2] Santee W.R. et al. (2003). USARIEM Technical Note (bibliographic details unverified).
    """
    base = pandolf1977.kernel(speed, grade, mass, load, terrain_factor)  # type: ignore[attr-defined]
    downhill = grade < 0.0
    if not any_(downhill):
        return base
    cf = santee_correction.kernel(speed, grade, mass, load, terrain_factor)  # type: ignore[attr-defined]
    return where(downhill, base - cf, base)


_PANDOLF_CITATION = (
    "Pandolf K.B., Givoni B., Goldman R.F. (1977). Predicting energy expenditure with loads "
    "while standing or walking very slowly. J Appl Physiol 43(4):577-581"
)
_INPUTS = ("speed_m_s", "grade", "mass_kg", "load_kg", "terrain_factor")

_PANDOLF = ModelSpec(
    name="pandolf1977",
    title="Pandolf et al. 1977 load carriage",
    kind="base",
    gaits=("walk",),
    directions=("forward", "backward"),
    inputs=_INPUTS,
    output="power_gross_w",
    ranges={
        "speed_m_s": (0.0, 2.0),
        # no upper grade published with the equation: the steepest uphill grade of the
        # held-out comparison in Lankford et al. 2020 (+40 %)
        "grade": (0.0, 0.40),
        "load_kg": (0.0, 70.0),
        # the largest of Soule & Goldman's measured coefficients in TERRAIN_FACTORS
        "terrain_factor": (1.0, 2.1),
    },
    citation=_PANDOLF_CITATION,
    doi="10.1152/jappl.1977.43.4.577",
    function=pandolf1977,
    symbols=(
        ("M", "gross metabolic rate", "W"),
        ("W", "body mass", "kg"),
        ("L", "load carried", "kg"),
        (r"\eta", "terrain factor (1 on a treadmill or blacktop)", "1"),
        ("v", "walking speed", "m/s"),
        ("G", "grade in percent (5 for 5 %)", "%"),
    ),
    notes="Level and uphill only; loads up to 70 kg; speeds up to about 2 m/s. Terrain "
    "factors from Soule & Goldman (1972).",
)

SPECS = (
    _PANDOLF,
    replace(
        _PANDOLF,
        name="pandolf1977_santee",
        title="Pandolf 1977 with Santee et al. 2003 downhill correction",
        ranges={**_PANDOLF.ranges, "grade": (-0.12, 0.40)},
        citation=_PANDOLF_CITATION
        + "; Santee W.R., Blanchard L.A., Speckman K.L., Gonzalez J.A., Wright R.F. (2003). "
        "Load carriage model development and testing with field data. USARIEM Technical Note",
        function=pandolf1977_santee,
        symbols=(
            ("M", "gross metabolic rate", "W"),
            (r"M_\mathrm{Pandolf}", "the rate of pandolf1977 for the same inputs", "W"),
            ("CF", "Santee's downhill correction (see santee_correction)", "W"),
            ("G", "grade in percent, negative downhill", "%"),
        ),
        notes="Santee's correction for grade < 0; field-tested 0 to -12 % at 1.34 m/s. The "
        "correction's primary text was not available to verify its form; it steps up "
        "eta*(11 + v^2 + 36 L/W) W just below level.",
    ),
)
