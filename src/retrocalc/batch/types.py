"""Batch types and constants: errors, column sources, the run summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from .. import energy
from .._wrap import MISSING_LABELS
from ..composition.rules import DIRECTION_CODES, GAIT_CODES
from ..heart_rate import HeartRateResult
from ..models import REGISTRY
from ..nomenclature import ALIASES, HR_INPUTS, INPUTS, OUTPUTS, Variable, counted

OnError = Literal["keep", "raise"]
#: Columns appended to every input row, in this order.
RESULT_COLUMNS: tuple[str, ...] = (*OUTPUTS, "status", "error")
#: With a calibration: the factor applied to each row, after the results.
CALIBRATION_COLUMN = "calibration_factor"
#: With a heart-rate column and age and sex: energy from heart rate (Keytel et al. 2005,
#: :func:`retrocalc.estimate_hr`), after the results and before ``status``.
HR_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(HeartRateResult))
#: Every input the batch reads, by canonical name: those of estimate() and the heart rate.
VARIABLES: dict[str, Variable] = {**INPUTS, **HR_INPUTS}
#: Default size of a block read at once [bytes of CSV text].
BLOCK_BYTES = 8 << 20
_PARQUET_BATCH_ROWS = 200_000
# pyarrow's streaming CSV reader reads up to 32 blocks ahead of its consumer: small blocks
# keep that bounded (32 MiB), and they are gathered into blocks of block_bytes to estimate
_READ_BYTES = 1 << 20
_QUEUE_DEPTH = 2

LABEL_CHOICES: dict[str, tuple[str, ...]] = {
    "gait": tuple(GAIT_CODES),
    "direction": tuple(DIRECTION_CODES),
    "sex": tuple(energy.SEX_CODES),
    "model": tuple(s.name for s in REGISTRY.base()),
}
_MISSING_TEXT = sorted(MISSING_LABELS)  # the library's own list of texts meaning "no value"
_REQUIRED = ("speed_m_s", "mass_kg")
#: What energy from heart rate needs besides the heart rate (mass is always required).
HR_PERSON = ("age_years", "sex")
_DURATION_INPUTS = ("duration_s", "distance_m")


class BatchError(ValueError):
    """A batch cannot start or go on: missing column, bad option, unreadable file."""


class OutputError(BatchError):
    """The output cannot be written: folder missing or read-only, disk full, a folder in
    the way (exit status 3 on the command line)."""


class RowError(BatchError):
    """A row is bad and ``on_error="raise"`` was asked for.

    Attributes
    ----------
    path : str
        The input file.
    row : int
        Its data row number (1 = the first row after the header).
    reason : str
        What is wrong, naming the column.
    """

    def __init__(self, path: str, row: int, reason: str) -> None:
        self.path, self.row, self.reason = path, row, reason
        super().__init__(f"{path}: data row {row}: {reason}")


@dataclass(frozen=True)
class Source:
    """Where one input of :func:`retrocalc.estimate` comes from in a file.

    Exactly one of ``column`` (a column of the file, in ``alias``'s unit if given) and
    ``constant`` is set.
    """

    canonical: str
    column: str | None = None
    alias: str | None = None
    constant: Any = None

    def describe(self) -> str:
        if self.column is None:
            return f"{self.canonical} = {self.constant!r} (constant)"
        unit = f" [{ALIASES[self.alias].unit}]" if self.alias else ""
        return f"{self.canonical} <- column {self.column!r}{unit}"


@dataclass
class BatchSummary:
    """What a batch run did (also printed by the command line).

    Attributes
    ----------
    inputs : list of str
        Input files, in the order read.
    output : str
        Output file (``"-"`` for standard output).
    rows, ok, out_of_range, error : int
        Rows read and written, and how many have each status.
    energy_gross_kcal, energy_net_kcal : float [kcal]
        Totals over the rows with energy (``ok`` and ``out_of_range``).
    out_of_range_gross_kcal, out_of_range_net_kcal : float [kcal]
        The part of those totals in ``out_of_range`` rows: estimates outside a model's
        validity, and inputs that look like another unit (a distance in m read as km makes
        one row's energy dwarf the rest), said apart so a total is never taken as sound.
    elapsed_s : float [s]
        Wall time of the run.
    columns : dict
        How each input was found (``describe`` of each :class:`Source`).
    notes : list of str
        What the run did not do and how to ask for it (a heart-rate column without age and
        sex, for instance).
    """

    inputs: list[str]
    output: str
    rows: int = 0
    ok: int = 0
    out_of_range: int = 0
    error: int = 0
    energy_gross_kcal: float = 0.0
    energy_net_kcal: float = 0.0
    out_of_range_gross_kcal: float = 0.0
    out_of_range_net_kcal: float = 0.0
    elapsed_s: float = 0.0
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_per_s(self) -> float:
        """Throughput [rows/s]."""
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (JSON-ready)."""
        return {**asdict(self), "rows_per_s": self.rows_per_s}

    def __str__(self) -> str:
        return (
            f"retrocalc: {counted(self.rows, 'row')} -> {self.output}\n"
            f"  ok {self.ok:,} | out_of_range {self.out_of_range:,} | error {self.error:,}\n"
            f"  energy: {self.energy_gross_kcal:,.0f} kcal gross (total), "
            f"{self.energy_net_kcal:,.0f} kcal net (active)\n"
            + (
                f"    of which in out_of_range rows: {self.out_of_range_gross_kcal:,.0f} kcal "
                f"gross, {self.out_of_range_net_kcal:,.0f} kcal net (see their reasons)\n"
                if self.out_of_range_gross_kcal or self.out_of_range_net_kcal
                else ""
            )
            + f"  {self.elapsed_s:.2f} s, {self.rows_per_s:,.0f} rows/s"
            + "".join(f"\n  note: {note}" for note in self.notes)
        )
