"""The options of a run, checked once before any row: the engine's, an interval, a calibration."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import engine as evaluation
from .types import BatchError

if TYPE_CHECKING:
    from ..calibration import Calibration

_EXPECTED = "expected the JSON that Calibration.to_json() writes (format 'retrocalc.calibration/1')"


def read_calibration(path: str | os.PathLike[str]) -> Calibration:
    """A calibration from the JSON file :meth:`retrocalc.Calibration.to_json` wrote.

    Raises
    ------
    BatchError
        The file is missing, unreadable or not such JSON: the message names the file, what
        is wrong and what was expected.
    """
    from ..calibration import Calibration

    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        why = "no such file"
    except IsADirectoryError:
        why = "is a folder, not a file"
    except PermissionError:
        why = "cannot read it (permission denied)"
    except UnicodeDecodeError:
        why = "not UTF-8 text"
    except OSError as exc:
        why = f"cannot read it ({exc.strerror or exc})"
    else:
        try:
            return Calibration.from_json(text)
        except json.JSONDecodeError as exc:
            why = f"not JSON ({exc})"
        except ValueError as exc:
            why = str(exc)
    raise BatchError(f"calibration file {name!r}: {why}; {_EXPECTED}")


def run_options(
    rmr_equation: str | None,
    backward_factor: float | Mapping[str, float] | None,
    out_of_range: str,
    interval: float | None = None,
    calibration: Calibration | str | os.PathLike[str] | None = None,
) -> evaluation.Options:
    """The engine's options plus the batch's interval and calibration, checked once: a bad
    one is a :class:`BatchError` (a usage error), never bad rows.

    ``calibration`` is a :class:`retrocalc.Calibration` or the path of its JSON file.
    """
    try:
        options = evaluation.options(rmr_equation, backward_factor, out_of_range)
    except (ValueError, TypeError) as exc:
        raise BatchError(str(exc)) from None
    if interval is not None and (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not 0.0 < interval < 1.0
    ):
        raise BatchError(f"interval must be a confidence level in (0, 1); got {interval!r}")
    if calibration is not None:
        from ..calibration import Calibration

        if isinstance(calibration, str | os.PathLike):
            calibration = read_calibration(calibration)
        elif not isinstance(calibration, Calibration):
            raise BatchError(
                "calibration must be a retrocalc.Calibration or the path of its JSON file, "
                f"got {type(calibration).__name__}"
            )
    if interval is None and calibration is None:
        return options
    return dataclasses.replace(
        options,
        interval=None if interval is None else float(interval),
        calibration=calibration,
    )
