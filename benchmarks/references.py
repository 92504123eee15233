"""Reference implementations the array benchmark compares :func:`retrocalc.estimate` with.

Each computes the same outputs from the same inputs (label arrays included) for the default
models of the benchmark's rows: LCDA walking; running by acsm_minetti_running (ACSM uphill and
level, Minetti's relative cost downhill); the backward factors on net cost, 5.0 kcal/l and
3.5 ml/kg/min at rest, and the same
validity ranges for ``in_range``. Label outputs come from gait and model codes through the
same lookup (:func:`names`) for every contender: object arrays of ``str``, as estimate() gives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import retrocalc as rc

W = 5.0 * 4.184 / 60.0  # W/kg per ml/kg/min at 5.0 kcal/l
REST_VO2 = 3.5
REST = REST_VO2 * W
FLOAT_OUTPUTS = [
    "vo2_gross_ml_kg_min",
    "vo2_net_ml_kg_min",
    "met",
    "power_gross_w",
    "power_net_w",
    "energy_gross_kcal",
    "energy_net_kcal",
    "energy_gross_kj",
    "energy_net_kj",
    "cost_of_transport_j_kg_m",
]
OUTPUTS = [*FLOAT_OUTPUTS, "in_range", "gait_used", "model_used"]
GAIT_NAMES = np.array(["walk", "run", ""], dtype=object)
MODEL_NAMES = np.array(["lcda2019_walking", "acsm_minetti_running", ""], dtype=object)
_RUN = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)


def names(gait_code: Any, model_code: Any, out: dict[str, Any] | None = None) -> dict[str, Any]:
    """gait_used and model_used from codes (the lookup every contender shares)."""
    if out is not None and "gait_used" in out:
        np.take(GAIT_NAMES, gait_code, out=out["gait_used"])
        np.take(MODEL_NAMES, model_code, out=out["model_used"])
        return {"gait_used": out["gait_used"], "model_used": out["model_used"]}
    return {"gait_used": GAIT_NAMES.take(gait_code), "model_used": MODEL_NAMES.take(model_code)}


def plain_numpy(
    speed: Any, mass: Any, duration: Any, grade: Any, gait: Any, direction: Any
) -> dict[str, Any]:
    """The formulas as one numpy expression per output, every model on every row."""
    run = gait == "run"
    back = direction == "backward"
    down = grade < 0
    s = speed * 60.0
    g = grade * 100.0
    acsm = (3.5 + 0.2 * s + 0.9 * s * grade) * W
    # the running default downhill: ACSM's level cost times Minetti's relative cost
    cost = ((((_RUN[0] * grade + _RUN[1]) * grade + _RUN[2]) * grade + _RUN[3]) * grade
            + _RUN[4]) * grade + _RUN[5]  # fmt: skip
    minetti = (3.5 + 0.2 * s * (cost / _RUN[5])) * W
    lcda = (
        1.44
        + 1.94 * np.power(speed, 0.43)
        + 0.24 * np.power(speed, 4)
        + 0.34 * speed * g * (1.0 - np.power(1.05, 1.0 - np.power(1.1, g + 32.0)))
    )
    net = (np.where(run, np.where(down, minetti, acsm), lcda) - REST) * np.where(
        back, np.where(run, 1.35, 1.5), 1.0
    )
    gross = net + REST
    power_gross = gross * mass
    power_net = net * mass
    e_gross = power_gross * duration / 1000.0
    e_net = power_net * duration / 1000.0
    in_range = np.where(
        run,
        (speed >= 80 / 60) & (speed <= 5.0) & (grade >= -0.45) & (grade <= 0.10),
        (speed <= 1.96) & (grade >= -0.40) & (grade <= 0.45),
    ) & ~(
        back
        & np.where(
            run,
            (speed < 1.75) | (speed > 3.5) | (grade < 0.0) | (grade > 0.25),
            (speed < 0.9) | (speed > 1.8) | (grade < 0.0) | (grade > 0.10),
        )
    )
    result = {
        "vo2_gross_ml_kg_min": gross / W,
        "vo2_net_ml_kg_min": net / W,
        "met": gross / W / REST_VO2,
        "power_gross_w": power_gross,
        "power_net_w": power_net,
        "energy_gross_kcal": e_gross / 4.184,
        "energy_net_kcal": e_net / 4.184,
        "energy_gross_kj": e_gross,
        "energy_net_kj": e_net,
        "cost_of_transport_j_kg_m": net / speed,
        "in_range": in_range,
    }
    result.update(names(run.astype(np.int8), run.astype(np.int8)))
    return result


def python_row(
    speed: float, mass: float, duration: float, grade: float, gait: str, direction: str
) -> Any:
    """One row through estimate() in a Python loop (how a per-row script would do it)."""
    return rc.estimate(
        speed_m_s=speed,
        mass_kg=mass,
        duration_s=duration,
        grade=grade,
        gait=gait,
        direction=direction,
        out_of_range="flag",
    )


def _numba_kernel() -> Any:
    import numba

    @numba.njit(cache=True, nogil=True)
    def kernel(speed, mass, duration, grade, gait, direction, outs, in_range, gait_code, model):  # type: ignore[no-untyped-def]
        run_label = np.array([114, 117, 110], dtype=np.uint32)  # "run"
        back_label = np.array([98, 97, 99, 107, 119, 97, 114, 100], dtype=np.uint32)
        for i in range(speed.size):
            v = speed[i]
            gr = grade[i]
            run = gait.shape[1] >= 3
            for j in range(gait.shape[1]):
                c = gait[i, j]
                if (j < 3 and c != run_label[j]) or (j >= 3 and c != 0):
                    run = False
                    break
            back = direction.shape[1] >= 8
            for j in range(direction.shape[1]):
                c = direction[i, j]
                if (j < 8 and c != back_label[j]) or (j >= 8 and c != 0):
                    back = False
                    break
            if not run:
                g = gr * 100.0
                gross_fwd = (
                    1.44
                    + 1.94 * v**0.43
                    + 0.24 * v**4.0
                    + 0.34 * v * g * (1.0 - 1.05 ** (1.0 - 1.1 ** (g + 32.0)))
                )
                ok = v <= 1.96 and -0.40 <= gr <= 0.45
                code = 0
            else:  # the running default: ACSM uphill, Minetti's relative cost downhill
                s = v * 60.0
                if gr < 0:
                    cost = ((((155.4 * gr - 30.4) * gr - 43.3) * gr + 46.3) * gr + 19.5) * gr + 3.6
                    gross_fwd = (3.5 + 0.2 * s * (cost / 3.6)) * (5.0 * 4.184 / 60.0)
                else:
                    gross_fwd = (3.5 + 0.2 * s + 0.9 * s * gr) * (5.0 * 4.184 / 60.0)
                ok = 80 / 60 <= v <= 5.0 and -0.45 <= gr <= 0.10
                code = 1
            rest = 3.5 * (5.0 * 4.184 / 60.0)
            factor = 1.0
            if back:
                if run:
                    factor = 1.35
                    ok = ok and 1.75 <= v <= 3.5 and 0.0 <= gr <= 0.25
                else:
                    factor = 1.5
                    ok = ok and 0.9 <= v <= 1.8 and 0.0 <= gr <= 0.10
            net = (gross_fwd - rest) * factor
            gross = net + rest
            pg = gross * mass[i]
            pn = net * mass[i]
            eg = pg * duration[i] / 1000.0
            en = pn * duration[i] / 1000.0
            outs[0][i] = gross / (5.0 * 4.184 / 60.0)
            outs[1][i] = net / (5.0 * 4.184 / 60.0)
            outs[2][i] = outs[0][i] / 3.5
            outs[3][i] = pg
            outs[4][i] = pn
            outs[5][i] = eg / 4.184
            outs[6][i] = en / 4.184
            outs[7][i] = eg
            outs[8][i] = en
            outs[9][i] = net / v
            in_range[i] = ok
            gait_code[i] = 1 if run else 0
            model[i] = code

    return kernel


_KERNEL: Any = None


def fused_loop(
    speed: Any,
    mass: Any,
    duration: Any,
    grade: Any,
    gait: Any,
    direction: Any,
    out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The formulas as one compiled loop (numba); allocates like estimate() unless ``out``."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = _numba_kernel()
    n = speed.size
    if out is None:
        result = {name: np.empty(n) for name in FLOAT_OUTPUTS}
        result["in_range"] = np.empty(n, dtype=bool)
    else:
        result = {name: out[name] for name in [*FLOAT_OUTPUTS, "in_range"]}
    gait_code = np.empty(n, dtype=np.intp)
    model = np.empty(n, dtype=np.intp)
    if gait.ndim == 0:
        gait = np.broadcast_to(gait, (n,))
    gait_points = np.ascontiguousarray(gait).view(np.uint32).reshape(n, -1)
    direction_points = direction.view(np.uint32).reshape(n, -1)
    _KERNEL(
        speed,
        mass,
        duration,
        grade,
        gait_points,
        direction_points,
        tuple(result[name] for name in FLOAT_OUTPUTS),
        result["in_range"],
        gait_code,
        model,
    )
    result.update(names(gait_code, model, out))
    return result
