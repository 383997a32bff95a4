"""Calibration targets: reported figures, the model quantity each is compared with, a tolerance."""

import inspect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..sim.errors import FieldTypeError, FieldValueError, UnknownFieldError
from ..sim.files import read_toml
from .cases import CASES
from .measures import MEASURES

KINDS = ("two_sided", "at_least", "at_most")
TARGET_KEYS = (
    "id",
    "case",
    "description",
    "source",
    "period",
    "quantity",
    "args",
    "value",
    "tolerance",
    "kind",
    "unit",
    "weight",
    "note",
    "unmet",
)
REQUIRED = ("id", "case", "source", "period", "quantity", "value", "tolerance")


@dataclass(frozen=True)
class Target:
    """A figure from a case and how the model reproduces it.

    Attributes:
        id: Unique name, ``<case>.<what>``.
        case: Case name (a key of :data:`raaderum.calibration.cases.CASES`).
        description: What the figure is.
        source: Seed file(s) it comes from.
        period: When it was measured.
        quantity: Measure in :mod:`raaderum.calibration.measures`.
        args: Options of the measure.
        value: The reported figure.
        tolerance: How far the simulated mean may be from ``value`` (same unit).
        kind: ``two_sided``, ``at_least`` ("more than") or ``at_most`` ("under").
        unit: Unit, for reports.
        weight: Weight in the calibration distance.
        note: How the figure was read, for reports.
        unmet: Why the calibrated model does not meet this target (empty if it does). The
            tolerance test expects exactly these targets to miss.
    """

    id: str
    case: str
    source: str
    period: str
    quantity: str
    value: float
    tolerance: float
    args: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "two_sided"
    description: str = ""
    unit: str = ""
    weight: float = 1.0
    note: str = ""
    unmet: str = ""

    def error(self, simulated: float) -> float:
        """Miss in tolerances: (simulated - value) / tolerance, 0 on the side a one-sided target allows.

        A missing value (NaN, e.g. no exits to measure relapse on) counts as a miss of 10 tolerances.
        """
        if simulated is None or math.isnan(simulated):
            return 10.0
        z = (simulated - self.value) / self.tolerance
        if self.kind == "at_least":
            return min(z, 0.0)
        if self.kind == "at_most":
            return max(z, 0.0)
        return z

    def within(self, simulated: float) -> bool:
        """Whether ``simulated`` meets the target within tolerance."""
        return abs(self.error(simulated)) <= 1.0

    def interval(self) -> tuple[float, float]:
        """The accepted range of the simulated value."""
        lo = self.value - self.tolerance if self.kind != "at_most" else -math.inf
        hi = self.value + self.tolerance if self.kind != "at_least" else math.inf
        return lo, hi


@dataclass(frozen=True)
class NotModelled:
    """A figure in the cases that the model does not produce, and why."""

    figure: str
    reason: str


@dataclass(frozen=True)
class Targets:
    """All targets, the checks outside the fit, and the figures left out.

    Attributes:
        targets: The figures the calibration fits (iterating over ``Targets`` gives these).
        not_modelled: Figures in the cases the model does not produce, and why.
        checks: Published figures the model is compared with but not fitted to: measured and
            reported with the fit (``fit_report.md``, ``fit_checks.csv``), never in the distance.
            A figure is a check rather than a target when it is not the case's own (a national
            rate, say) or when fitting to it was tried and cost the case's own figures; its
            ``note`` says which.
    """

    targets: tuple[Target, ...]
    not_modelled: tuple[NotModelled, ...] = ()
    checks: tuple[Target, ...] = ()

    def for_cases(self, cases: Sequence[str]) -> "Targets":
        """Only the targets and checks of ``cases``."""
        return Targets(
            tuple(t for t in self.targets if t.case in cases),
            self.not_modelled,
            tuple(t for t in self.checks if t.case in cases),
        )

    def checks_only(self) -> "Targets":
        """The checks as targets of their own (to measure and tabulate them like targets)."""
        return Targets(self.checks, ())

    @property
    def cases(self) -> list[str]:
        """Cases with at least one target, in the order of :data:`CASES`."""
        used = {t.case for t in self.targets}
        return [c for c in CASES if c in used]

    def __iter__(self):
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)


#: Misses beyond this many tolerances count linearly, not squared (Huber loss), so one target
#: the model cannot reach does not drag every other target away from its value.
HUBER_TOLERANCES = 2.0


def loss(error: float) -> float:
    """Huber loss of a miss in tolerances: squared up to :data:`HUBER_TOLERANCES`, linear beyond."""
    a, k = abs(error), HUBER_TOLERANCES
    return a * a if a <= k else 2 * k * a - k * k


def distance(targets: Targets, simulated: Mapping[str, float]) -> float:
    """Weighted mean loss of the misses in tolerances over all targets (0 when every value is hit)."""
    total = sum(t.weight * loss(t.error(simulated[t.id])) for t in targets)
    return total / sum(t.weight for t in targets)


def default_targets_path() -> Path:
    """Path of the shipped targets, ``calibration/targets.toml``."""
    return Path(str(resources.files("raaderum.calibration") / "targets.toml"))


def load_targets(path: str | Path | None = None) -> Targets:
    """Read and check a targets file.

    Raises:
        ScenarioError: A missing or unknown key, an unknown case or quantity, bad options.
    """
    data = read_toml(path or default_targets_path(), "targets")
    for key in data:
        if key not in ("target", "check", "not_modelled"):
            raise UnknownFieldError(key, "unknown table; valid: target, check, not_modelled")
    rows = data.get("target")
    if not isinstance(rows, list) or not rows:
        raise FieldValueError("target", "the file needs at least one [[target]] table")
    targets = [_target(row, f"target[{i}]") for i, row in enumerate(rows)]
    check_rows = data.get("check", [])
    if not isinstance(check_rows, list):
        raise FieldTypeError("check", "must be [[check]] tables")
    checks = [_target(row, f"check[{i}]") for i, row in enumerate(check_rows)]
    fitted_cases = {t.case for t in targets}
    for t in checks:
        if t.case not in fitted_cases:
            raise FieldValueError(
                f"check {t.id}.case", "has no [[target]]: its runs are the fit's report runs"
            )
    ids = [t.id for t in targets + checks]
    for t in targets + checks:
        if ids.count(t.id) > 1:
            raise FieldValueError("target.id", f"{t.id} is used twice")
    left_out = []
    for i, row in enumerate(data.get("not_modelled", [])):
        if set(row) != {"figure", "reason"}:
            raise FieldValueError(f"not_modelled[{i}]", "needs exactly the keys figure and reason")
        left_out.append(NotModelled(str(row["figure"]), str(row["reason"])))
    return Targets(tuple(targets), tuple(left_out), tuple(checks))


def _target(row: Mapping[str, Any], where: str) -> Target:
    for key in row:
        if key not in TARGET_KEYS:
            raise UnknownFieldError(f"{where}.{key}", f"unknown key; valid: {', '.join(TARGET_KEYS)}")
    for key in REQUIRED:
        if key not in row:
            raise FieldValueError(f"{where}.{key}", "is required")
    where = f"target {row['id']}"
    for key in ("value", "tolerance", "weight"):
        if key in row and (not isinstance(row[key], (int, float)) or isinstance(row[key], bool)):
            raise FieldTypeError(f"{where}.{key}", "must be a number")
    if row["case"] not in CASES:
        raise FieldValueError(f"{where}.case", f"unknown case; valid: {', '.join(CASES)}")
    if row["quantity"] not in MEASURES:
        raise FieldValueError(f"{where}.quantity", f"unknown quantity; valid: {', '.join(MEASURES)}")
    args = row.get("args", {})
    if not isinstance(args, Mapping):
        raise FieldTypeError(f"{where}.args", "must be a table of options")
    params = inspect.signature(MEASURES[row["quantity"]]).parameters
    accepted = [p for p in params if p != "case_run"]
    for key in args:
        if key not in accepted:
            raise UnknownFieldError(f"{where}.args.{key}", f"unknown option; valid: {', '.join(accepted)}")
    missing = [p for p in accepted if params[p].default is inspect.Parameter.empty and p not in args]
    if missing:
        raise FieldValueError(f"{where}.args", f"missing option(s): {', '.join(missing)}")
    if not row["tolerance"] > 0:
        raise FieldValueError(f"{where}.tolerance", "must be positive")
    kind = row.get("kind", "two_sided")
    if kind not in KINDS:
        raise FieldValueError(f"{where}.kind", f"must be one of {', '.join(KINDS)}")
    if row.get("weight", 1.0) < 0:
        raise FieldValueError(f"{where}.weight", "must not be negative")
    return Target(
        id=str(row["id"]),
        case=row["case"],
        source=str(row["source"]),
        period=str(row["period"]),
        quantity=row["quantity"],
        value=float(row["value"]),
        tolerance=float(row["tolerance"]),
        args=dict(args),
        kind=kind,
        description=str(row.get("description", "")),
        unit=str(row.get("unit", "")),
        weight=float(row.get("weight", 1.0)),
        note=str(row.get("note", "")),
        unmet=str(row.get("unmet", "")),
    )
