"""How a solve ended, per row: the status codes and their reasons in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

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
