"""The declared parameter space of the calibration: name, bounds, prior and meaning."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..sim.errors import FieldTypeError, FieldValueError, ScenarioError, UnknownFieldError
from ..sim.files import read_toml
from ..sim.scenario import default_scenario, parameter_type
from .cases import CASES

PRIORS = ("uniform", "loguniform")
PARAMETER_KEYS = ("path", "scales", "cases", "acts_in", "low", "high", "prior", "start", "meaning", "source")
OWN_VALUE_KEYS = ("path", "case", "meaning", "source")


@dataclass(frozen=True)
class Parameter:
    """One calibrated parameter.

    Attributes:
        path: Dotted scenario path, e.g. ``behaviour.relapse_weekly``; with ``scales``, the
            factor's name.
        low: Lower bound (inclusive).
        high: Upper bound (inclusive).
        prior: ``uniform`` on [low, high], or ``loguniform`` (uniform in log).
        meaning: What the parameter does in the model, for reports.
        source: Why these bounds.
        start: First value the optimiser tries (an initial guess), or None.
        scales: Parameters multiplied by the value (a relative factor, 1 = as in each case's
            scenario). Used for counts that each case sets for its own size, such as the inflow.
        cases: The calibration cases whose scenarios the value is set in (empty: every case). A
            municipality's own figure, such as Aabenraa's inflow, is fitted to its own targets
            only; the other cases keep their scenario's value.
        acts_in: The only calibration cases whose runs the value changes, because the lever
            that uses it is on in no other case (e.g. enterprise-oriented casework: ISU in
            Furesø and Tårnby). The value is set in every scenario, but trades against no other
            case's targets, so it is refitted to these cases' targets after the SMM like a
            case-limited one. A test checks the claim: the other cases' runs do not change.
        name: Key of the value in fitted values and reports; empty means ``path``. A case's own
            value of a shared parameter (:attr:`ParameterSpace.own_values`) is named
            ``<path>@<case>``.
    """

    path: str
    low: float
    high: float
    prior: str = "uniform"
    meaning: str = ""
    source: str = ""
    scales: tuple[str, ...] = ()
    start: float | None = None
    cases: tuple[str, ...] = ()
    name: str = ""
    acts_in: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The value's key in fitted values: :attr:`name`, or the path."""
        return self.name or self.path

    @property
    def fitted_to(self) -> tuple[str, ...]:
        """The cases whose targets alone the value is refitted to (empty: fitted by the SMM only)."""
        return self.cases or self.acts_in

    def applies_to(self, case: str | None) -> bool:
        """Whether the value is set in case ``case``'s scenario (None: any scenario)."""
        return case is None or not self.cases or case in self.cases

    def values(self, x: float, base: Any) -> dict[str, float]:
        """Scenario values for parameter value ``x`` in scenario ``base``."""
        if self.scales:
            return {path: base.get(path) * x for path in self.scales}
        return {self.path: x}

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        """Map values to [0, 1] so that the prior is uniform there."""
        if self.prior == "loguniform":
            return (np.log(x) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (np.asarray(x, dtype=float) - self.low) / (self.high - self.low)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_unit`."""
        u = np.asarray(u, dtype=float)
        if self.prior == "loguniform":
            return np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True)
class ParameterSpace:
    """The calibrated parameters, in a fixed order (the columns of every parameter table).

    Attributes:
        parameters: The parameters the SMM and ABC fit, one column each.
        own_values: A case's own value of a shared parameter, where the sources of two
            municipalities conflict (issue 15: let the parameter differ by municipality under a
            shared prior). Each has the shared parameter's bounds and prior, starts at the
            shared value and is fitted to its case's targets alone after the SMM
            (:mod:`raaderum.calibration.refine`); in that case's runs it replaces the shared
            value. The SMM, the ABC posterior and the leave-one-case-out fits use the shared
            value only, so a held-out case is predicted from the others.
    """

    parameters: tuple[Parameter, ...]
    own_values: tuple[Parameter, ...] = ()

    @property
    def names(self) -> list[str]:
        """Dotted paths, in order."""
        return [p.path for p in self.parameters]

    @property
    def fitted_names(self) -> list[str]:
        """Keys of every fitted value: :attr:`names`, then the own values' ``<path>@<case>``."""
        return self.names + [p.key for p in self.own_values]

    @property
    def case_parameters(self) -> list[Parameter]:
        """Parameters refitted to some cases' targets alone after the SMM, in order.

        Case-limited ones and ones that act in some cases only (in the space's order), then the
        own values.
        """
        return [p for p in self.parameters if p.fitted_to] + list(self.own_values)

    def __len__(self) -> int:
        return len(self.parameters)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws from the prior, shape (n, k)."""
        u = rng.random((n, len(self)))
        return self.from_unit(u)

    def to_unit(self, theta: np.ndarray) -> np.ndarray:
        """Parameter rows mapped to the unit cube (prior uniform there), shape kept."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        return np.column_stack([p.to_unit(theta[:, j]) for j, p in enumerate(self.parameters)])

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Unit-cube rows mapped to parameter values."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        return np.column_stack([p.from_unit(u[:, j]) for j, p in enumerate(self.parameters)])

    def inside(self, theta: np.ndarray) -> np.ndarray:
        """True for rows within every bound."""
        theta = np.atleast_2d(theta)
        low = np.array([p.low for p in self.parameters])
        high = np.array([p.high for p in self.parameters])
        return np.all((theta >= low) & (theta <= high), axis=1)

    def log_prior(self, theta: np.ndarray) -> np.ndarray:
        """Log prior density of each row (-inf outside the bounds)."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        out = np.zeros(theta.shape[0])
        for j, p in enumerate(self.parameters):
            x = theta[:, j]
            if p.prior == "loguniform":
                with np.errstate(divide="ignore", invalid="ignore"):
                    out -= np.log(np.where(x > 0, x, np.nan)) + math.log(math.log(p.high / p.low))
            else:
                out -= math.log(p.high - p.low)
        out[~self.inside(theta)] = -np.inf
        return np.where(np.isnan(out), -np.inf, out)

    def as_dict(self, row: np.ndarray) -> dict[str, float]:
        """One parameter row as ``{path: value}``."""
        return {name: float(v) for name, v in zip(self.names, np.ravel(row), strict=True)}

    def scenario_values(
        self, values: Mapping[str, float], base: Any, case: str | None = None
    ) -> dict[str, float]:
        """Scenario paths and values for calibrated values ``{name: value}`` in scenario ``base``.

        With ``case``, parameters limited to other cases are left out (their scenario keeps its
        own value), and the case's own values replace the shared ones; without it, every
        parameter is set and no own value.
        """
        out: dict[str, float] = {}
        for p in self.parameters:
            if p.path in values and p.applies_to(case):
                out.update(p.values(values[p.path], base))
        for p in self.own_values:
            if case is not None and p.key in values and p.applies_to(case):
                out.update(p.values(values[p.key], base))
        return out

    def start(self) -> dict[str, float] | None:
        """The optimiser's first trial, if every parameter declares a start value."""
        if any(p.start is None for p in self.parameters):
            return None
        return {p.path: float(p.start) for p in self.parameters if p.start is not None}

    def subset(self, names: list[str]) -> "ParameterSpace":
        """The space restricted to ``names`` (in the space's order)."""
        return ParameterSpace(tuple(p for p in self.parameters if p.path in names))


def default_space_path() -> Path:
    """Path of the shipped parameter space, ``calibration/space.toml``."""
    return Path(str(resources.files("raaderum.calibration") / "space.toml"))


def load_space(path: str | Path | None = None) -> ParameterSpace:
    """Read and check a parameter-space file.

    Raises:
        ScenarioError: A missing field, an unknown parameter path, bad bounds or prior.
    """
    data = read_toml(path or default_space_path(), "parameter space")
    rows = data.get("parameter")
    if not isinstance(rows, list) or not rows:
        raise FieldValueError("parameter", "the space needs at least one [[parameter]] table")
    base = default_scenario()
    params = [_parameter(row, f"parameter[{i}]", base) for i, row in enumerate(rows)]
    _refuse_twice([p.path for p in params], "parameter")
    own_rows = data.get("own_value", [])
    if not isinstance(own_rows, list):
        raise FieldTypeError("own_value", "must be [[own_value]] tables")
    shared = {p.path: p for p in params}
    own = [_own_value(row, f"own_value[{i}]", shared) for i, row in enumerate(own_rows)]
    _refuse_twice([p.key for p in own], "own_value")
    return ParameterSpace(tuple(params), tuple(own))


def _refuse_twice(names: list[str], field: str) -> None:
    for name in names:
        if names.count(name) > 1:
            raise FieldValueError(field, f"{name} is declared twice")


def _path_of(row: Mapping[str, Any], where: str, valid: tuple[str, ...]) -> str:
    """The row's ``path``, after checking that it has only ``valid`` keys."""
    for key in row:
        if key not in valid:
            raise UnknownFieldError(f"{where}.{key}", f"unknown key; valid: {', '.join(valid)}")
    path = row.get("path")
    if not isinstance(path, str):
        raise FieldTypeError(f"{where}.path", "must be a dotted parameter path (a string)")
    return path


def _own_value(row: Mapping[str, Any], where: str, shared: Mapping[str, Parameter]) -> Parameter:
    """A case's own value of a shared parameter: its bounds and prior, one case, a source."""
    if not isinstance(row, Mapping):
        raise FieldTypeError(where, "must be a table")
    path = _path_of(row, where, OWN_VALUE_KEYS)
    of = shared.get(path)
    if of is None or of.cases or of.acts_in or of.scales:
        raise FieldValueError(f"{where}.path", f"{path} is not a parameter of the space shared by every case")
    case = row.get("case")
    if not isinstance(case, str):
        raise FieldTypeError(f"{where}.case", "must be a case name (a string)")
    if case not in CASES:
        raise FieldValueError(f"{where}.case", f"unknown case {case!r}; valid: {', '.join(CASES)}")
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise FieldValueError(f"{where}.source", "must say why this case's value differs (a source)")
    meaning = str(row.get("meaning", f"{of.meaning} ({CASES[case].title} only)"))
    return replace(of, meaning=meaning, source=source, start=None, cases=(case,), name=f"{path}@{case}")


def _parameter(row: Mapping[str, Any], where: str, base: Any) -> Parameter:
    path = _path_of(row, where, PARAMETER_KEYS)
    scales = row.get("scales", [])
    if not isinstance(scales, list) or not all(isinstance(x, str) for x in scales):
        raise FieldTypeError(f"{where}.scales", "must be a list of dotted parameter paths")
    for target in scales or [path]:
        if parameter_type(target) not in (float, int):
            raise FieldValueError(f"{where}.path", f"{target} is not a number parameter")
    for key in ("low", "high"):
        if not isinstance(row.get(key), (int, float)) or isinstance(row.get(key), bool):
            raise FieldTypeError(f"{where}.{key}", "must be a number")
    low, high = float(row["low"]), float(row["high"])
    if not low < high:
        raise FieldValueError(f"{where}.high", f"must be above low ({low})")
    prior = row.get("prior", "uniform")
    if prior not in PRIORS:
        raise FieldValueError(f"{where}.prior", f"must be one of {', '.join(PRIORS)}")
    if prior == "loguniform" and low <= 0:
        raise FieldValueError(f"{where}.low", "must be positive for a loguniform prior")
    cases = row.get("cases", [])
    acts_in = row.get("acts_in", [])
    for key, names in (("cases", cases), ("acts_in", acts_in)):
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            raise FieldTypeError(f"{where}.{key}", "must be a list of case names")
        for case in names:
            if case not in CASES:
                raise FieldValueError(f"{where}.{key}", f"unknown case {case!r}; valid: {', '.join(CASES)}")
    if cases and acts_in:
        raise FieldValueError(f"{where}.acts_in", "a parameter limited to some cases (cases) acts only there")
    start = row.get("start")
    if start is not None and (not isinstance(start, (int, float)) or not low <= start <= high):
        raise FieldValueError(f"{where}.start", f"must be a number within [{low}, {high}]")
    param = Parameter(
        path,
        low,
        high,
        prior,
        str(row.get("meaning", "")),
        str(row.get("source", "")),
        tuple(scales),
        None if start is None else float(start),
        tuple(cases),
        acts_in=tuple(acts_in),
    )
    try:
        base.with_values(param.values((low + high) / 2, base))
    except ScenarioError as exc:
        raise FieldValueError(f"{where}.path", f"{path}: {exc.problem}") from None
    return param
