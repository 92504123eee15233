"""Backward (retro) locomotion: factors on the net forward cost.

Backward cost = rest + factor x (forward gross - rest). The factor multiplies the **net**
(above-rest) part, so the gross backward/forward ratio is smaller than the factor and falls
as the resting share grows.

References
----------
.. [1] Wright S., Weyand P.G. (2001). The application of ground force explains the energetic
   cost of running backward and forward. J Exp Biol 204(10):1805-1815.
   :doi:`10.1242/jeb.204.10.1805`
.. [2] Rasica L., Porcelli S., Minetti A.E., Pavei G. (2020). Biomechanical and metabolic
   aspects of backward (and forward) running on uphill gradients. Eur J Appl Physiol
   120:2507-2515. :doi:`10.1007/s00421-020-04474-7`
.. [3] Ainsworth B.E. et al. (2011). 2011 Compendium of Physical Activities. Med Sci Sports
   Exerc 43(8):1575-1581. :doi:`10.1249/MSS.0b013e31821ece12`
"""

from __future__ import annotations

from ._spec import ModelSpec

__all__ = ["BACKWARD_RUNNING_FACTOR", "BACKWARD_WALKING_FACTOR", "SPECS"]

#: Backward/forward ratio of net running cost, level and uphill (Wright & Weyand 2001;
#: Rasica et al. 2020: +35 %).
BACKWARD_RUNNING_FACTOR = 1.35
#: Backward/forward ratio of net walking cost at 3.5 mph (2011 Compendium:
#: (6.0 - 1) / (4.3 - 1) MET = 1.52, rounded to 1.5).
BACKWARD_WALKING_FACTOR = 1.5

_SYMBOLS = (
    (r"\dot E_\mathrm{backward}", "gross metabolic rate moving backward", "W"),
    (r"\dot E_\mathrm{forward}", "gross metabolic rate of the forward base model", "W"),
    (r"\dot E_\mathrm{rest}", "resting metabolic rate", "W"),
    ("f", "backward factor on the net (above rest) rate", "1"),
)

SPECS = (
    ModelSpec(
        name="backward_running",
        title="Backward running factor (Wright & Weyand 2001; Rasica et al. 2020)",
        kind="direction",
        gaits=("run",),
        directions=("backward",),
        inputs=("speed_m_s", "grade"),
        output="net_factor",
        ranges={"speed_m_s": (1.75, 3.5), "grade": (0.0, 0.25)},
        citation=(
            "Wright S., Weyand P.G. (2001). J Exp Biol 204(10):1805-1815; Rasica L., "
            "Porcelli S., Minetti A.E., Pavei G. (2020). Eur J Appl Physiol 120:2507-2515"
        ),
        doi="10.1242/jeb.204.10.1805",
        value=BACKWARD_RUNNING_FACTOR,
        symbols=_SYMBOLS,
        notes="+35 +/- 6 % at 3.0 m/s on the level; +35 % on average from 0 to +25 % grade. "
        "No data downhill: applied there but flagged out of range.",
    ),
    ModelSpec(
        name="backward_walking",
        title="Backward walking factor (Compendium of Physical Activities)",
        kind="direction",
        gaits=("walk",),
        directions=("backward",),
        inputs=("speed_m_s", "grade"),
        output="net_factor",
        ranges={"speed_m_s": (0.9, 1.8), "grade": (0.0, 0.10)},
        citation=(
            "Ainsworth B.E. et al. (2011). 2011 Compendium of Physical Activities: a second "
            "update of codes and MET values. Med Sci Sports Exerc 43(8):1575-1581"
        ),
        doi="10.1249/MSS.0b013e31821ece12",
        value=BACKWARD_WALKING_FACTOR,
        symbols=_SYMBOLS,
        notes="Backward 6.0 MET vs forward 4.3 MET at 3.5 mph, level. No data downhill.",
    ),
)
