"""The person-to-person spreads: what each model's source publishes, and what is used.

:data:`SPREADS` holds, per registered model name, what its source publishes ("none published"
where that is the truth) and the figure :func:`retrocalc.uncertainty.interval` uses instead when
nothing is published, with its basis named; :data:`DIRECTION_SPREADS` the between-person SD of
the backward factors. The sources are listed in :mod:`retrocalc.uncertainty`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DIRECTION_SPREADS",
    "LEVEL_GRADE",
    "SPREADS",
    "DirectionSpread",
    "ModelSpread",
]

#: Grades within +/- this count as level for models publishing a level and a graded SEE [1].
LEVEL_GRADE = 0.02


@dataclass(frozen=True)
class ModelSpread:
    """What a model's source publishes about person-to-person error, and what is used.

    Attributes
    ----------
    model : str
        Registered model name.
    published : str
        The published figure(s) in words, with unit and basis, or ``"none published"``.
    basis : str
        What the figure used by :func:`interval` is ("SEE", "between-person SD", ...).
    absolute_w_kg : tuple of (float, float) or None
        Absolute SD [W/kg] on the level and on grades (the same twice when not split).
    relative_net : tuple of (grade, relative SD) pairs or None
        SD as a fraction of the forward net rate, linearly interpolated in grade [1].
    source : str
        Citation of the figure used.
    doi : str
    """

    model: str
    published: str
    basis: str
    source: str
    doi: str
    absolute_w_kg: tuple[float, float] | None = None
    relative_net: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class DirectionSpread:
    """Between-person SD of a backward factor on the net cost (absolute, factor units)."""

    gait: str
    factor_sd: float
    published: str
    source: str
    doi: str


# LCDA's SEE [W/kg], level and graded (Looney et al. 2019 abstract).
_LCDA_SEE = (0.20, 0.42)
# Held-out errors of Lankford et al. (2020) on the same validation people [kJ/min]
# (BYUIDSS/byui_metabolic_equation_lankford, results/comparison.md): LCDA 6.05, ACSM 7.22
# (uphill rows only), Pandolf 8.07 (uphill rows only), Minetti 11.71. A model without its own
# SEE gets LCDA's SEE scaled by its error relative to LCDA's on those held-out people.
_LANKFORD_RMSE = {"lcda": 6.05, "acsm": 7.22, "pandolf": 8.07, "minetti": 11.71}
_ACSM_WALK = tuple(s * _LANKFORD_RMSE["acsm"] / _LANKFORD_RMSE["lcda"] for s in _LCDA_SEE)
_PANDOLF = tuple(s * _LANKFORD_RMSE["pandolf"] / _LANKFORD_RMSE["lcda"] for s in _LCDA_SEE)
# Minetti et al. (2002), between-person SD of the net cost of running (10 elite mountain
# runners): -45 % 3.92 +/- 0.81, -20 % 1.73 +/- 0.36, level 3.40 +/- 0.24, +45 % 18.93 +/- 1.74
# J/kg/m; as fractions of the mean.
_MINETTI_RUN_REL = (
    (-0.45, 0.81 / 3.92),
    (-0.20, 0.36 / 1.73),
    (0.0, 0.24 / 3.40),
    (0.45, 1.74 / 18.93),
)
# walking: only the level minimum, 1.64 +/- 0.50 J/kg/m
_MINETTI_WALK_REL = ((0.0, 0.50 / 1.64),)
# level running only: used for running equations without a published SEE
_LEVEL_RUN_REL = ((0.0, 0.24 / 3.40),)

_LANKFORD_SOURCE = (
    "LCDA's SEE scaled by the ratio of held-out errors in Lankford et al. (2020), "
    "Eur J Appl Physiol 120:2095-2104"
)
_MINETTI_SOURCE = "Minetti et al. (2002), J Appl Physiol 93(3):1039-1046"
_RUN_FALLBACK = (
    "between-person SD of level running cost, 0.24/3.40 J/kg/m = 7.1 %, Minetti et al. (2002) "
    "(elite runners; Lacour & Bourdin 2015 report a ~20 % range of costs between runners)"
)

#: Published spread per registered base model, and the figure the interval uses.
SPREADS: Mapping[str, ModelSpread] = MappingProxyType(
    {
        "lcda2019_walking": ModelSpread(
            model="lcda2019_walking",
            published="SEE 0.20 W/kg level (bias -0.02), 0.42 W/kg graded (bias 0.09); 95 people",
            basis="SEE",
            source="Looney et al. (2019), Med Sci Sports Exerc 51(9):1954-1960",
            doi="10.1249/MSS.0000000000002002",
            absolute_w_kg=_LCDA_SEE,
        ),
        "lcda2019_loaded_walking": ModelSpread(
            model="lcda2019_loaded_walking",
            published="SEE of the unloaded LCDA equation (0.20 W/kg level, 0.42 W/kg graded); "
            "none published for the load scaling (Ludlow & Weyand 2017)",
            basis="SEE",
            source="Looney et al. (2019), Med Sci Sports Exerc 51(9):1954-1960",
            doi="10.1249/MSS.0000000000002002",
            absolute_w_kg=_LCDA_SEE,
        ),
        "acsm_walking": ModelSpread(
            model="acsm_walking",
            published="none published (Hall et al. 2004: about +4 % bias walking, 24 people)",
            basis="independent validation",
            source=_LANKFORD_SOURCE,
            doi="10.1007/s00421-020-04428-z",
            absolute_w_kg=(_ACSM_WALK[0], _ACSM_WALK[1]),
        ),
        "acsm_running": ModelSpread(
            model="acsm_running",
            published="none published (Hall et al. 2004: about -4 % bias running, 24 people)",
            basis="between-person SD (another study)",
            source=_RUN_FALLBACK,
            doi="10.1152/japplphysiol.01177.2001",
            relative_net=_LEVEL_RUN_REL,
        ),
        "minetti2002_walking": ModelSpread(
            model="minetti2002_walking",
            published="between-person SD 0.50 J/kg/m at the level minimum 1.64 J/kg/m; "
            "10 elite mountain runners",
            basis="between-person SD",
            source=_MINETTI_SOURCE,
            doi="10.1152/japplphysiol.01177.2001",
            relative_net=_MINETTI_WALK_REL,
        ),
        "minetti2002_running": ModelSpread(
            model="minetti2002_running",
            published="between-person SD per gradient: -45 % 0.81, -20 % 0.36, level 0.24, "
            "+45 % 1.74 J/kg/m; 10 elite mountain runners",
            basis="between-person SD",
            source=_MINETTI_SOURCE,
            doi="10.1152/japplphysiol.01177.2001",
            relative_net=_MINETTI_RUN_REL,
        ),
        "pandolf1977": ModelSpread(
            model="pandolf1977",
            published="none published",
            basis="independent validation",
            source=_LANKFORD_SOURCE,
            doi="10.1007/s00421-020-04428-z",
            absolute_w_kg=(_PANDOLF[0], _PANDOLF[1]),
        ),
        "pandolf1977_santee": ModelSpread(
            model="pandolf1977_santee",
            published="none published",
            basis="independent validation",
            source=_LANKFORD_SOURCE,
            doi="10.1007/s00421-020-04428-z",
            absolute_w_kg=(_PANDOLF[0], _PANDOLF[1]),
        ),
        "leger1984_treadmill": ModelSpread(
            model="leger1984_treadmill",
            published="none found",
            basis="between-person SD (another study)",
            source=_RUN_FALLBACK,
            doi="10.1152/japplphysiol.01177.2001",
            relative_net=_LEVEL_RUN_REL,
        ),
        "leger1984_track": ModelSpread(
            model="leger1984_track",
            published="none found",
            basis="between-person SD (another study)",
            source=_RUN_FALLBACK,
            doi="10.1152/japplphysiol.01177.2001",
            relative_net=_LEVEL_RUN_REL,
        ),
        "acsm_minetti_running": ModelSpread(
            model="acsm_minetti_running",
            published="none published for the blend: ACSM's (none; Hall et al. 2004 about "
            "-4 % bias) uphill, Minetti's between-person SD downhill",
            basis="between-person SD (another study)",
            source=_RUN_FALLBACK,
            doi="10.1152/japplphysiol.01177.2001",
            relative_net=_LEVEL_RUN_REL,
        ),
        "lankford2020_walking": ModelSpread(
            model="lankford2020_walking",
            published="residual SE 2.92 ml/kg/min (1,610 trials of 44 people)",
            basis="residual SE",
            source="Lankford et al. (2020), Eur J Appl Physiol 120(9):2095-2104; the authors' "
            "repository, results/model.md",
            doi="10.1007/s00421-020-04428-z",
            # 2.92 ml/kg/min at 5.0 kcal/l O2 (4.184 J/ml x 5.0 / 60 s): level and graded alike
            absolute_w_kg=(2.92 * 5.0 * 4.184 / 60.0, 2.92 * 5.0 * 4.184 / 60.0),
        ),
    }
)

#: Between-person SD of the backward factors. Running: Wright & Weyand's +35 +/- 6 % is a
#: SEM of n = 4, i.e. an SD of 6 x sqrt(4) = 12 percentage points on the factor 1.35.
#: Walking: none published; the running figure is used.
DIRECTION_SPREADS: Mapping[str, DirectionSpread] = MappingProxyType(
    {
        "run": DirectionSpread(
            gait="run",
            factor_sd=0.06 * 2.0,
            published="+35 +/- 6 % (SEM, n = 4) at 3.0 m/s",
            source="Wright & Weyand (2001), J Exp Biol 204(10):1805-1815",
            doi="10.1242/jeb.204.10.1805",
        ),
        "walk": DirectionSpread(
            gait="walk",
            factor_sd=0.06 * 2.0,
            published="none published; the running SD is used",
            source="Wright & Weyand (2001), J Exp Biol 204(10):1805-1815 (running)",
            doi="10.1242/jeb.204.10.1805",
        ),
    }
)
