"""How a solve ended, per row: the status codes and their reasons in words, and which
validity range a speed found leaves."""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import engine
from .._wrap import Locator
from ..exceptions import RetrocalcWarning

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

_STATUS = ("ok", "out_of_range", "below_range", "above_range", "invalid", "no_root")
_OK, _OUT, _BELOW, _ABOVE, _INVALID, _NO_ROOT = range(len(_STATUS))


def _reasons(
    status: NDArray[np.int64],
    models: NDArray[Any],
    lo: FloatArray,
    hi: FloatArray,
    quantity: str,
) -> NDArray[Any]:
    """Reason per row, one text per distinct (status, model, range)."""
    out = np.full(status.size, "", dtype=object)
    keyed = np.flatnonzero(status != _OK)
    if not keyed.size:
        return out
    keys = np.stack([status[keyed].astype(np.float64), lo[keyed], hi[keyed]], axis=1)
    model_codes = np.unique(models[keyed], return_inverse=True)
    keys = np.column_stack([keys, model_codes[1].reshape(-1).astype(np.float64)])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    texts = []
    for st, low, high, mc in uniq:
        name = str(model_codes[0][int(mc)])
        span = f"[{low:g}, {high:g}] m/s"
        texts.append(
            {
                _OUT: f"the speed lies outside a validity range of {name} (flagged)",
                _BELOW: f"the target {quantity} is below what {name} gives at its slowest "
                f"speed searched, {span}",
                _ABOVE: f"the target {quantity} is above what {name} gives at its fastest "
                f"speed searched, {span}",
                _INVALID: "a missing or non-finite input or target",
                _NO_ROOT: f"the cost of {name} does not rise with speed here",
            }[int(st)]
        )
    out[keyed] = np.array(texts, dtype=object)[inverse.reshape(-1)]
    return out


def _ranges_left(
    base_kw: dict[str, Any], speed: FloatArray, rows: NDArray[np.intp]
) -> tuple[NDArray[np.bool_], NDArray[Any]]:
    """Whether each speed found lies in its model's ranges, and else which range it leaves
    (``speed_m_s outside [1.75, 3.5] of backward_running``: the backward model's range, not
    only the base model's name), from the engine's per-row reasons."""
    kw = {k: (v[rows] if isinstance(v, np.ndarray) else v) for k, v in base_kw.items()}
    kw.pop("rmr_equation", None)
    opts = engine.options(base_kw.get("rmr_equation"), kw.pop("backward_factor", None), "flag")
    why = engine.RowReasons(speed.size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RetrocalcWarning)
        columns = engine.evaluate({**kw, "speed_m_s": speed}, opts, row_reasons=why)
    inside = np.broadcast_to(np.asarray(columns.outputs["in_range"], dtype=bool), speed.shape)
    texts = np.array([*why.texts, ""], dtype=object)[why.codes]  # (code -1: the last, "")
    return inside.copy(), texts


def _said_where(text: str, where: Locator) -> str:
    """A message of an estimate over the solver's flat rows with each position ("at index
    3") said as the caller gave it: "at the scalar input", "at index 'b'", "at index (1, 0)"."""
    return re.sub(r"at index (\d+)", lambda m: f"at {where(int(m.group(1)))}", text)
