"""The plain-float front: one bout of Python numbers through the composition, in plain Python.

:func:`evaluate_scalar` is generated at import from the nomenclature (one ``if`` per input)
and takes a call only when every input is a Python number inside its plain range or exact
label text; anything else returns None and the array engine (:mod:`retrocalc.engine`) takes
the call. It runs :func:`retrocalc.composition.evaluate` on the row, with the context the
call's options carry (:class:`retrocalc.engine.Options`).
"""

from __future__ import annotations

import linecache
import os
from collections.abc import Callable
from typing import Any

from .composition import evaluate as compose
from .composition import rules
from .composition.plausible import PLAIN_SPANS
from .nomenclature import INPUTS

__all__ = ["evaluate_scalar"]

_BIG = 1e6  # beyond this a number is implausible for any input; the array engine takes it


def _compile_front() -> Any:
    """:func:`evaluate_scalar`'s reading of the inputs, as straight-line code built from
    :data:`~retrocalc.nomenclature.INPUTS` (one ``if`` per input), then :data:`_FRONT_END`.

    A number is taken when it is a Python float or int inside its plain range
    (:data:`.composition.plausible.PLAIN_SPANS`): NaN, inf, huge, impossible or suspect
    values go to the array engine, which words them (and Python's ``**`` would raise
    OverflowError where numpy gives inf). A label is taken when it is exact text of
    :data:`.rules.LABELS` (its codes; a label not given takes the table's default); other
    spellings, direction models, numpy scalars and sequences give None. Written out, with the
    inputs as positional arguments, rather than a loop over a dict of them: that dict and the
    loop over its fifteen mostly-None entries were a quarter of a one-bout call.
    """
    codes = {name: dict(table) for name, (table, _) in rules.LABELS.items()}
    defaults = {name: default for name, (_, default) in rules.LABELS.items()}
    lines = [
        f"def evaluate_scalar(opts, {', '.join(INPUTS)}):",
        "    if opts.rmr_equation is not None:",
        "        return None",
        f"    rows = {defaults!r}",
    ]
    for name in INPUTS:
        lines.append(f"    if {name} is not None:")
        if name in PLAIN_SPANS:
            low, high = PLAIN_SPANS[name]
            inside = f"{low!r} <= {name} <= {high!r}"
            lines += [
                f"        if type({name}) is not float:",  # an int is checked exactly first
                f"            if type({name}) is not int or not {inside}:",
                "                return None",
                f"            {name} = float({name})",
                f"        if not {inside}:",
                "            return None",
                f"        rows[{name!r}] = {name}",
            ]
        else:  # a label
            lines += [
                f"        code = {name}_codes.get({name}, -2) if type({name}) is str else -2",
                "        if code == -2:",
                "            return None",
                f"        rows[{name!r}] = code",
            ]
    lines += _FRONT_END.splitlines()
    namespace: dict[str, Any] = {f"{name}_codes": table for name, table in codes.items()}
    namespace.update(compose=compose, big=_BIG)
    # a file name inside the package (warnings point past retrocalc's own frames to the
    # caller), its source in linecache so tracebacks show the generated lines
    source = "\n".join(lines) + "\n"
    filename = os.path.join(os.path.dirname(__file__), "<evaluate_scalar>")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    front = namespace["evaluate_scalar"]
    front.__doc__ = _FRONT_DOC
    return front


_FRONT_DOC = """Every output for one bout of Python numbers and exact labels, in plain Python.

    Parameters
    ----------
    opts : Options
    *inputs
        The inputs in the order of :data:`retrocalc.nomenclature.INPUTS`, None where not
        given.

    Returns
    -------
    dict or None
        Every output by name; None when an input is of another kind (numpy scalars, odd
        spellings, an RMR equation...): the array engine then takes the call. Errors and
        warnings are those of the composition, worded the same on both routes.
    """


#: The front's end, after the inputs are read: checks across inputs, then the composition.
_FRONT_END = """
    if speed_m_s is None or mass_kg is None:
        return None  # the array engine words what is missing
    if 0.0 < speed_m_s < 1e-6:
        return None  # a subnormal speed overflows cost per metre: the array engine flags it
    if distance_m is not None and (duration_s is not None or not speed_m_s > 1e-6):
        return None  # given twice, or no duration from a zero or subnormal speed
    factor = opts.backward_factor
    if factor is not None:
        if (type(factor) is not float and type(factor) is not int) or not 0 < factor < big:
            return None
        rows["backward_factor"] = float(factor)
    return compose(rows, opts.context)
"""


#: The plain-float front: ``evaluate_scalar(opts, *inputs)`` (see :func:`_compile_front`).
evaluate_scalar: Callable[..., dict[str, Any] | None] = _compile_front()
