"""Blocked evaluation of :func:`retrocalc.estimate` for arrays.

The reference composition in :mod:`retrocalc.core` makes some sixty full-length passes over
memory, and on these machines touching freshly allocated memory costs more than the
arithmetic. Here the same operations run on cache-sized blocks of rows, with scalars for
constants, validation folded into one min/max per input and block, and every result written
straight into its output array (or the caller's ``out=`` buffers). Labels of up to eight
characters are matched as integer keys (their code points packed into one word) instead of by
string comparison.

The numbers are those of the reference path, operation by operation. Anything that raises or
warns, other than range flags, makes :func:`evaluate` return None, and the reference path then
runs and words the error or warning exactly as before. ``tests/test_fast_paths.py`` checks both
paths against each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._wrap import Kind, Locator, Packed, _label_code, label_codes
from .models import REGISTRY, ModelSpec
from .nomenclature import INPUTS

__all__ = ["BLOCK_ROWS", "ENABLED", "evaluate", "validate_out"]

#: Rows per block: the few dozen float64 temporaries of a block stay in the L2/L3 caches
#: (measured best of 8K-64K here).
BLOCK_ROWS = 65536
#: Tests switch this off to get the reference path.
ENABLED = True

FloatArray = NDArray[np.float64]
_UNMATCHED = -128  # codes are int8: at most a few dozen labels
_KEY_TYPES = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_NO_WHERE = Locator((0,))  # errors found here are re-raised, worded, by the reference path
_NUMERIC = (
    "speed_m_s",
    "mass_kg",
    "duration_s",
    "distance_m",
    "grade",
    "load_kg",
    "terrain_factor",
    "resting_vo2_ml_kg_min",
    "rer",
    "backward_factor",
)


# inputs core._to_gross_w_kg reads, by model output
_CONVERSION_NEEDS = {
    "vo2_gross_ml_kg_min": (),
    "power_gross_w_kg": (),
    "power_gross_w": ("mass_kg",),
    "cost_net_j_kg_m": ("speed_m_s",),
}


class FallbackError(Exception):
    """The reference path must handle this call (an error or warning to word)."""


def validate_out(out: Any, shape: tuple[int, ...]) -> dict[str, NDArray[Any]]:
    """Check caller-provided output buffers; raise naming the parameter and the problem.

    Parameters
    ----------
    out : mapping of str to ndarray
        Output name (see :data:`retrocalc.nomenclature.OUTPUTS`) to a writeable, C-contiguous
        buffer of the broadcast input shape: float64 for numbers, bool for ``in_range``,
        object for ``gait_used`` and ``model_used``.
    shape : tuple of int
        Broadcast shape of the inputs.
    """
    from .nomenclature import OUTPUTS

    if not isinstance(out, Mapping):
        raise TypeError(
            f"out must be a mapping of output name to ndarray, got {type(out).__name__}"
        )
    buffers: dict[str, NDArray[Any]] = {}
    for name, buf in out.items():
        if name not in OUTPUTS:
            raise ValueError(f"out has unknown output name {name!r}; outputs: {', '.join(OUTPUTS)}")
        kind = OUTPUTS[name].dtype
        dtype = np.dtype({"float": np.float64, "bool": np.bool_, "str": object}[kind])
        if not isinstance(buf, np.ndarray):
            raise TypeError(f"out[{name!r}] must be a numpy ndarray, got {type(buf).__name__}")
        if buf.dtype != dtype:
            raise TypeError(f"out[{name!r}] must have dtype {dtype}, got {buf.dtype}")
        if buf.shape != shape:
            raise ValueError(
                f"out[{name!r}] must have the broadcast shape of the inputs {shape}, "
                f"got {buf.shape}"
            )
        if not (buf.flags.c_contiguous and buf.flags.writeable):
            raise ValueError(f"out[{name!r}] must be C-contiguous and writeable")
        if any(buf is other for other in buffers.values()):
            raise ValueError(f"out[{name!r}] is the buffer of another output too")
        buffers[name] = buf
    return buffers


def _keys(values: NDArray[Any]) -> NDArray[Any] | None:
    """Each text of up to 8 Latin-1 characters as one integer (code points packed), or None."""
    chars = values.dtype.itemsize // 4
    width = next(w for w in (1, 2, 4, 8) if w >= chars)
    points = np.ascontiguousarray(values).view(np.uint32).reshape(values.size, chars)
    if points.size and points.max() > 255:
        return None
    if chars == width:
        packed = points.astype(np.uint8)
    else:
        packed = np.zeros((values.size, width), dtype=np.uint8)
        packed[:, :chars] = points
    return packed.view(_KEY_TYPES[width]).reshape(-1)


class _Labels:
    """Codes of one text input, per block."""

    def __init__(
        self,
        name: str,
        values: NDArray[Any] | None,
        allowed: Mapping[str, int],
        default: int,
        shape: tuple[int, ...],
    ) -> None:
        self.name = name
        self.allowed = allowed
        self.constant: int | None = default
        self.values: NDArray[Any] | None = None
        self.keyed: list[tuple[Any, int]] = []
        if values is None:
            return
        if values.size == 1:
            try:
                self.constant = _label_code(_NO_WHERE, name, values.reshape(-1)[0], allowed, 0)
            except ValueError:
                raise FallbackError from None
            return
        self.constant = None
        self.values = values = np.broadcast_to(values, shape).reshape(-1)
        if values.dtype.kind == "U" and values.dtype.itemsize <= 32:
            chars = values.dtype.itemsize // 4
            probe = np.array([k for k in allowed if len(k) <= chars], dtype=values.dtype)
            keys = _keys(probe)
            assert keys is not None
            self.keyed = [
                (key, allowed[str(label)]) for key, label in zip(keys, probe, strict=True)
            ]

    def block(self, i0: int, i1: int) -> Any:
        if self.constant is not None:
            return np.int8(self.constant)  # numpy: ~ and & must act on bools as bools
        assert self.values is not None
        values = self.values[i0:i1]
        keys = _keys(values) if self.keyed else None
        if keys is None:
            codes = self._codes(values)
        else:
            # sums of masks: np.where is several times slower on these small types
            codes = np.zeros(values.size, dtype=np.int8)
            matched = np.zeros(values.size, dtype=bool)
            for key, code in self.keyed:
                equal = keys == key
                matched |= equal
                if code:
                    codes += equal.view(np.int8) * np.int8(code)
            if not matched.all():  # other spellings, missing values or errors
                rest = np.flatnonzero(~matched)
                codes[rest] = self._codes(values[rest])
        return codes

    def _codes(self, values: NDArray[Any]) -> NDArray[np.int64]:
        try:
            return label_codes(_NO_WHERE, self.name, values, self.allowed)
        except ValueError:
            raise FallbackError from None


def _bounds(spec: ModelSpec) -> list[tuple[int, str, float | None, float | None]]:
    bounds = dict(spec.ranges)
    # a model that does not take a load or terrain is valid only without them
    if "load_kg" not in spec.inputs and spec.kind == "base":
        bounds["load_kg"] = (0.0, 0.0)
    if "terrain_factor" not in spec.inputs and spec.kind == "base":
        bounds["terrain_factor"] = (1.0, 1.0)
    return [(i, name, lo, hi) for i, (name, (lo, hi)) in enumerate(bounds.items())]


class _Evaluation:
    def __init__(
        self,
        packed: Packed,
        factors: Mapping[str, Any],
        policy: str,
        row_reasons: Any,
        out: dict[str, NDArray[Any]],
    ) -> None:
        from . import core

        self.core = core
        self.packed = packed
        self.size = int(np.prod(packed.shape))
        self.factors = {g: float(v) for g, v in factors.items()}
        self.policy = policy
        self.row_reasons = row_reasons
        self.where = Locator(packed.shape, packed.index if packed.kind is Kind.SERIES else None)
        arrays = packed.arrays
        self.scalars: dict[str, float] = {}
        self.flat: dict[str, FloatArray] = {}
        for name in _NUMERIC:
            a = arrays.get(name)
            if a is None:
                continue
            if a.size == 1:
                value = float(a.reshape(-1)[0])
                if not math.isfinite(value):
                    raise FallbackError  # a missing scalar: every row missing
                self.scalars[name] = value
            else:
                self.flat[name] = np.broadcast_to(a, packed.shape).reshape(-1)
        for name, x in self.scalars.items():
            if name in INPUTS and INPUTS[name].impossible(x):
                raise FallbackError  # the reference path words the error
        if self.scalars.get("speed_m_s", 0.0) > 12.0 or self.scalars.get("mass_kg", 20.0) < 20.0:
            raise FallbackError  # unit warnings
        if abs(self.scalars.get("grade", 0.0)) > 1.0:
            raise FallbackError
        if "distance_m" in arrays and self.scalars.get("speed_m_s", 1.0) <= 0.0:
            raise FallbackError
        self.has_duration = "duration_s" in arrays or "distance_m" in arrays
        base = core._BASE
        self.base = base
        self.gait = _Labels("gait", arrays.get("gait"), core._GAIT_CODES, 2, packed.shape)
        self.direction = _Labels(
            "direction", arrays.get("direction"), core._DIRECTION_CODES, 0, packed.shape
        )
        direction_models = {s.name: -2 for s in REGISTRY.values() if s.kind != "base"}
        self.model = _Labels(
            "model",
            arrays.get("model"),
            {**core._BASE_INDEX, **direction_models},
            -1,
            packed.shape,
        )
        if self.model.constant == -2:
            raise FallbackError
        self.single = np.array(
            [core._GAIT_CODES[s.gaits[0]] if len(s.gaits) == 1 else -1 for s in base],
            dtype=np.int8,
        )
        self.supports = np.array([[g in s.gaits for g in core.GAITS] for s in base], dtype=bool)
        index = core._BASE_INDEX
        defaults = core.DEFAULT_MODELS
        self.defaults = (
            index[defaults["walk"]],
            index[defaults["walk_loaded"]],
            index[defaults["run"]],
            index[defaults["run_downhill"]],
        )
        self.transition = (
            core.WALK_RUN_TRANSITION_M_S["forward"],
            core.WALK_RUN_TRANSITION_M_S["backward"],
        )
        self.base_bounds = [_bounds(s) for s in base]
        # inputs each model reads: its own, those with a range, those its conversion needs
        self.base_needs = [
            tuple({*s.inputs, *(b[1] for b in bounds), *_CONVERSION_NEEDS[s.output]})
            for s, bounds in zip(base, self.base_bounds, strict=True)
        ]
        # models the defaults can choose (an explicit model column adds its own)
        self.candidates = sorted(set(self.defaults))
        self.direction_specs = [core._DIRECTION_SPECS[g] for g in core.GAITS]
        self.direction_bounds = [_bounds(s) for s in self.direction_specs]
        self.direction_needs = tuple(
            sorted({b[1] for bounds in self.direction_bounds for b in bounds})
        )
        # (phase, code, bound) -> [count, first position, value, spec name, input, bounds]
        self.reasons: dict[tuple[int, int, int], list[Any]] = {}
        self.flagged = 0
        from .nomenclature import OUTPUTS

        self.outputs: dict[str, NDArray[Any]] = {}
        for name, var in OUTPUTS.items():
            if name in out:
                self.outputs[name] = out[name].reshape(-1)
            elif var.dtype == "float":
                self.outputs[name] = np.empty(self.size)
            elif var.dtype == "bool":
                self.outputs[name] = np.empty(self.size, dtype=bool)
        # label outputs: codes per row, names looked up once at the end
        self.gait_index = np.empty(self.size, dtype=np.intp)  # intp: the fastest take
        self.model_index = np.empty(self.size, dtype=np.intp)
        self.out = out
        self.gait_names = np.array([*core.GAITS, ""], dtype=object)
        self.model_names = np.array([*(s.name for s in base), ""], dtype=object)

    # -- inputs --------------------------------------------------------------------------
    def _input(
        self, name: str, i0: int, i1: int, default: float, invalid: list[Any] | None
    ) -> tuple[Any, float, float]:
        """Block values (or a scalar) with NaN for non-finite values, and their min and max.

        ``invalid`` (a one-item list holding a bool array or None) collects missing rows.
        """
        if name in self.scalars:
            value = self.scalars[name]
            return value, value, value
        flat = self.flat.get(name)
        if flat is None:
            return default, default, default
        x = flat[i0:i1]
        lo = float(x.min())
        hi = float(x.max())
        if math.isfinite(lo) and math.isfinite(hi):
            return x, lo, hi
        bad = ~np.isfinite(x)
        x = np.where(bad, np.nan, x)
        if invalid is not None:
            invalid[0] = bad if invalid[0] is None else invalid[0] | bad
        return x, float(np.fmin.reduce(x)), float(np.fmax.reduce(x))

    # -- one block -----------------------------------------------------------------------
    def block(self, i0: int, i1: int) -> None:
        core = self.core
        n = i1 - i0
        invalid: list[Any] = [None]
        speed, s_lo, s_hi = self._input("speed_m_s", i0, i1, math.nan, invalid)
        mass, m_lo, _ = self._input("mass_kg", i0, i1, math.nan, invalid)
        grade, g_lo, g_hi = self._input("grade", i0, i1, 0.0, invalid)
        load, l_lo, _ = self._input("load_kg", i0, i1, 0.0, invalid)
        terrain, t_lo, _ = self._input("terrain_factor", i0, i1, 1.0, invalid)
        # impossible values raise and unit warnings warn: the reference path words them
        lows = {"speed_m_s": s_lo, "mass_kg": m_lo, "load_kg": l_lo, "terrain_factor": t_lo}
        if any(INPUTS[name].impossible(low) for name, low in lows.items()):
            raise FallbackError
        if s_hi > 12.0 or max(-g_lo, g_hi) > 1.0 or m_lo < 20.0:
            raise FallbackError

        no_energy: Any = False
        if "duration_s" in self.packed.arrays:
            duration, d_lo, _ = self._input("duration_s", i0, i1, math.nan, None)
            if INPUTS["duration_s"].impossible(d_lo):
                raise FallbackError
            if not isinstance(duration, float) and (d_lo != d_lo or np.isnan(duration).any()):
                no_energy = np.isnan(duration)
        elif "distance_m" in self.packed.arrays:
            distance, d_lo, _ = self._input("distance_m", i0, i1, math.nan, None)
            if INPUTS["distance_m"].impossible(d_lo) or s_lo <= 0.0:
                raise FallbackError
            with np.errstate(over="ignore"):  # a subnormal speed gives an infinite duration
                duration = distance / speed
            if isinstance(duration, np.ndarray):
                nan_d = np.isnan(duration)
                if nan_d.any():
                    no_energy = nan_d
        else:
            duration = math.nan
        if "rer" in self.packed.arrays:
            rer, r_lo, _ = self._input("rer", i0, i1, math.nan, invalid)
            if INPUTS["rer"].impossible(r_lo):
                raise FallbackError
            kcal_per_l: Any = core.energy.weir_kcal_per_litre(rer)
            if isinstance(rer, float):
                kcal_per_l = float(kcal_per_l)
        else:
            kcal_per_l = core.energy.KCAL_PER_LITRE_O2
        rest_vo2, rest_lo, _ = self._input(
            "resting_vo2_ml_kg_min", i0, i1, core.energy.RESTING_VO2_ML_KG_MIN, invalid
        )
        if INPUTS["resting_vo2_ml_kg_min"].impossible(rest_lo):
            raise FallbackError

        gait = self.gait.block(i0, i1)
        direction = self.direction.block(i0, i1)
        model = self.model.block(i0, i1)
        if isinstance(model, np.ndarray) and np.any(model == -2):
            raise FallbackError

        # gait: explicit, else the only gait of an explicitly named model, else by speed
        backward = direction == 1
        auto = gait == 2
        if np.any(auto):
            forward_at, backward_at = self.transition
            by_speed = np.asarray(speed >= forward_at)
            if np.any(backward):
                by_speed = np.asarray(by_speed | (backward & (speed >= backward_at)))
            if np.any(model >= 0):
                from_model = np.where(model >= 0, self.single[np.maximum(model, 0)], np.int8(-1))
                by_speed = np.where(from_model >= 0, from_model, by_speed)
            by_speed = np.asarray(by_speed).view(np.int8) if by_speed.dtype == bool else by_speed
            gait = gait - np.asarray(auto).view(np.int8) * (np.int8(2) - by_speed)
        missing: Any = (gait < 0) | (direction < 0)
        if invalid[0] is not None:
            missing = missing | invalid[0]
        any_missing = bool(np.any(missing))
        run = gait == 1

        # model: explicit (checked against the gait), else the default for gait and grade
        explicit = model >= 0
        any_explicit = bool(np.any(explicit))
        if any_explicit:
            ok = self.supports[np.maximum(model, 0), np.maximum(gait, 0)]
            if np.any(explicit & ~missing & ~ok):
                raise FallbackError
        walk_default, loaded_default, run_default, downhill_default = self.defaults
        loaded = np.asarray((load != 0) | (terrain != 1))
        walk_model = np.int8(walk_default) + loaded.view(np.int8) * np.int8(
            loaded_default - walk_default
        )
        run8 = np.asarray(run).view(np.int8)
        down8 = np.asarray(grade < 0).view(np.int8)
        codes = (
            walk_model
            + run8 * (np.int8(run_default) - walk_model)
            + run8 * down8 * np.int8(downhill_default - run_default)
        )
        if any_explicit:
            codes = np.where(explicit, model, codes)
        if any_missing:
            codes = np.where(missing, np.int8(-1), codes)
        codes = np.broadcast_to(codes, (n,))

        w_per_vo2 = kcal_per_l * core._J_PER_ML_PER_KCAL_L / 60.0
        rest_w_kg = rest_vo2 * w_per_vo2
        values = {
            "speed_m_s": speed,
            "grade": grade,
            "mass_kg": mass,
            "load_kg": load,
            "terrain_factor": terrain,
        }
        gross_fwd = np.empty(n)
        if any_missing:
            gross_fwd.fill(np.nan)
        out_of_range: Any = None
        candidates = np.unique(codes) if any_explicit else self.candidates
        for code in candidates:
            if code < 0:
                continue
            selected = codes == code
            count = int(np.count_nonzero(selected))
            if count == 0:
                continue
            spec = self.base[code]
            rows: Any = slice(None) if count == n else np.flatnonzero(selected)
            sub = self._subset(values, rows, count, self.base_needs[code])
            native = np.asarray(
                spec.function(*(sub[k] for k in spec.inputs)),  # type: ignore[misc]
                dtype=np.float64,
            )
            gross_fwd[rows] = core._to_gross_w_kg(
                spec, native, sub, _take(w_per_vo2, rows), _take(rest_w_kg, rows)
            )
            bad = self._range_check(0, int(code), spec, self.base_bounds[code], sub, rows, i0, n)
            if bad is not None:
                out_of_range = bad if out_of_range is None else out_of_range | bad

        # direction: the factor scales the net (above-rest) part; forward rows keep it, as
        # multiplying by 1.0 would
        scaled: list[tuple[NDArray[np.intp], Any]] = []
        if np.any(backward):
            backward = np.broadcast_to(backward, (n,))
            override = self.flat.get("backward_factor")
            for g, spec in enumerate(self.direction_specs):
                sel = backward & (run if g == 1 else ~run)
                if any_missing:
                    sel &= ~missing
                rows = np.flatnonzero(sel)
                if not rows.size:
                    continue
                gait_name = core.GAITS[g]
                if gait_name in self.factors:
                    value: Any = self.factors[gait_name]
                elif override is not None:
                    value = override[i0:i1].take(rows)
                    value = np.where(np.isfinite(value), value, np.nan)
                else:
                    value = self.scalars.get("backward_factor", spec.value)
                if np.any(value <= 0.0):
                    raise FallbackError
                scaled.append((rows, value))
                sub = self._subset(values, rows, rows.size, self.direction_needs)
                bad = self._range_check(1, g, spec, self.direction_bounds[g], sub, rows, i0, n)
                if bad is not None:
                    out_of_range = bad if out_of_range is None else out_of_range | bad

        o = {name: buf[i0:i1] for name, buf in self.outputs.items()}
        net = o["vo2_net_ml_kg_min"]  # used as scratch, overwritten last
        gross = o["vo2_gross_ml_kg_min"]
        np.subtract(gross_fwd, rest_w_kg, out=net)
        for rows, value in scaled:
            net[rows] = net.take(rows) * value
        np.add(net, rest_w_kg, out=gross)

        in_range = o["in_range"]
        np.isfinite(gross, out=in_range)
        if any_missing:
            in_range &= ~missing
        if out_of_range is not None:
            in_range &= ~out_of_range
            self.flagged += int(np.count_nonzero(out_of_range))
        if no_energy is not False:
            in_range &= ~no_energy
        if self.policy == "nan" and out_of_range is not None:
            np.copyto(gross, np.nan, where=out_of_range)
            np.copyto(net, np.nan, where=out_of_range)

        np.multiply(gross, mass, out=o["power_gross_w"])
        np.multiply(net, mass, out=o["power_net_w"])
        # a vanishing speed makes duration (from distance) and cost per metre overflow to inf
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for kind in ("gross", "net"):
                kj = o[f"energy_{kind}_kj"]
                np.multiply(o[f"power_{kind}_w"], duration, out=kj)
                np.divide(kj, 1000.0, out=kj)
                np.divide(kj, core.KCAL_TO_KJ, out=o[f"energy_{kind}_kcal"])
            cot = o["cost_of_transport_j_kg_m"]
            if s_lo > 0.0:
                np.divide(net, speed, out=cot)
            else:
                positive = speed > 0
                np.copyto(cot, np.where(positive, net / np.where(positive, speed, 1.0), np.nan))
        np.divide(gross, w_per_vo2, out=gross)
        np.divide(gross, rest_vo2, out=o["met"])
        np.divide(net, w_per_vo2, out=net)

        gait_index = self.gait_index[i0:i1]
        np.copyto(gait_index, gait, casting="unsafe")
        model_index = self.model_index[i0:i1]
        np.copyto(model_index, codes, casting="unsafe")
        if any_missing:
            np.copyto(gait_index, 2, where=missing)
            np.copyto(model_index, len(self.base), where=missing)

    def _subset(
        self, values: dict[str, Any], rows: Any, count: int, needs: tuple[str, ...]
    ) -> dict[str, Any]:
        """The inputs of the selected rows, scalars broadcast (as the reference path passes)."""
        sub = {}
        for k in needs:
            v = values[k]
            if isinstance(v, np.ndarray):
                sub[k] = v if isinstance(rows, slice) else v.take(rows)
            else:
                sub[k] = np.broadcast_to(np.float64(v), (count,))
        return sub

    def _range_check(
        self,
        phase: int,
        code: int,
        spec: ModelSpec,
        bounds: list[tuple[int, str, float | None, float | None]],
        sub: dict[str, Any],
        rows: Any,
        i0: int,
        n: int,
    ) -> NDArray[np.bool_] | None:
        """Rows of the block outside the spec's ranges (None: none), reasons recorded."""
        bad_any: NDArray[np.bool_] | None = None
        for j, name, lo, hi in bounds:
            x = sub[name]
            constant = x.strides[0] == 0  # a broadcast scalar
            if (lo is None or (x[0] if constant else x.min()) >= lo) and (
                hi is None or (x[0] if constant else x.max()) <= hi
            ):
                continue
            bad = np.zeros(x.shape, dtype=bool)
            if lo is not None:
                bad |= x < lo
            if hi is not None:
                bad |= x > hi
            local = np.flatnonzero(bad)
            positions = local if isinstance(rows, slice) else rows[local]
            key = (phase, code, j)
            reason = self.reasons.get(key)
            if reason is None:
                k = int(local[0])
                self.reasons[key] = [
                    local.size,
                    i0 + int(positions[0]),
                    float(x[k]),
                    spec.name,
                    name,
                    (lo, hi),
                ]
            else:
                reason[0] += local.size
            if self.row_reasons is not None:
                self.row_reasons.add(
                    positions + i0,
                    f"{name} outside [{self.core._fmt(lo, '-inf')}, "
                    f"{self.core._fmt(hi, 'inf')}] of {spec.name}",
                )
            full = np.zeros(n, dtype=bool)
            full[positions] = True
            bad_any = full if bad_any is None else bad_any | full
        return bad_any

    def run(self) -> dict[str, Any]:
        for i0 in range(0, self.size, BLOCK_ROWS):
            self.block(i0, min(i0 + BLOCK_ROWS, self.size))
        if self.policy != "flag" and self.reasons:
            reasons = [
                self.core._Reason(r[3], r[4], r[0], self.where(r[1]), r[2], r[5])
                for _, r in sorted(self.reasons.items())
            ]
            self.core._apply_policy(self.policy, reasons, self.flagged, self.size)
        columns: dict[str, Any] = dict(self.outputs)
        for name, names, index in (
            ("gait_used", self.gait_names, self.gait_index),
            ("model_used", self.model_names, self.model_index),
        ):
            if name in self.out:
                np.take(names, index, out=self.out[name].reshape(-1))
                columns[name] = self.out[name].reshape(-1)
            else:
                columns[name] = names.take(index)
        return columns


def _take(x: Any, rows: Any) -> Any:
    return x[rows] if isinstance(x, np.ndarray) else x


def evaluate(
    packed: Packed,
    factors: Mapping[str, Any],
    policy: str,
    row_reasons: Any = None,
    out: dict[str, NDArray[Any]] | None = None,
) -> dict[str, Any] | None:
    """Flat result columns of :func:`retrocalc.estimate`, or None for the reference path.

    Parameters
    ----------
    packed : Packed
        The converted inputs (:func:`retrocalc._wrap.pack`).
    factors : mapping of str to float
        Backward factors by gait given as a mapping.
    policy : {"warn", "flag", "nan", "raise"}
        What to do with rows outside a validity range.
    row_reasons : RowReasons, optional
        Collects why each flagged row is flagged.
    out : dict of str to ndarray, optional
        Checked buffers (:func:`validate_out`) to write results into.
    """
    if not ENABLED or packed.kind is Kind.SCALAR:
        return None
    if any(k in packed.arrays for k in ("sex", "age_years", "height_cm")):
        return None
    try:
        evaluation = _Evaluation(packed, factors, policy, row_reasons, out or {})
        if evaluation.size == 0:
            return None
        return evaluation.run()
    except FallbackError:
        return None
