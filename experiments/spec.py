"""Experiment specifications: what a batch varies, how it samples, and what it measures.

An experiment is a TOML file (see ``experiments/kik_robustness.toml``) or the equivalent
:class:`ExperimentSpec`. It names a base scenario, the strategies to compare with the baseline,
the uncertain parameters, the business-cycle scenarios, the design and the root seed. Loading
checks everything, including every design point, before a single run starts; each problem is
raised as a :class:`~raaderum.sim.errors.ScenarioError` naming the field.
"""

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats

from ..sim.errors import (
    FieldTypeError,
    FieldValueError,
    ResourceLimitError,
    ScenarioError,
    ScenarioFileError,
    UnknownFieldError,
)
from ..sim.fields import build_section, check_text
from ..sim.files import read_toml
from ..sim.parameters import Strategy
from ..sim.resources import estimate_run, estimate_seconds, format_duration
from ..sim.scenario import (
    CYCLE_SCENARIOS,
    Scenario,
    builtin_scenario_path,
    load_scenario,
    parameter_type,
)

DISTRIBUTIONS = ("uniform", "normal", "triangular", "posterior")
DESIGNS = ("lhs", "sobol", "factorial")
BASELINE = "baseline"


@dataclass(frozen=True)
class Uncertain:
    """An uncertain parameter, or a factor that scales several, or a posterior sample.

    Attributes:
        name: The parameter's dotted path (``behaviour.relapse_weekly``) or, with ``scales`` or a
            posterior, the factor's name in the design table.
        distribution: ``uniform``, ``normal``, ``triangular`` or ``posterior``.
        min: Lower bound (uniform, triangular; optional truncation for normal).
        max: Upper bound (uniform, triangular; optional truncation for normal).
        mode: Most likely value (triangular).
        mean: Mean (normal).
        sd: Standard deviation (normal).
        scales: Parameters multiplied by the sampled value (a relative factor, 1 = as in the scenario).
        posterior: Table of draws (CSV or Parquet; ``"calibrated"`` in a spec file: the shipped
            posterior of ``raaderum calibrate``), one column per parameter path; a design point
            takes a whole row, so the draws' joint distribution is kept.
    """

    name: str
    distribution: str = "uniform"
    min: float | None = None
    max: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    scales: tuple[str, ...] = ()
    posterior: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at the quantiles ``u`` (for a posterior: row numbers)."""
        if self.distribution == "posterior":
            assert self.posterior is not None
            return np.minimum((u * len(self.posterior)).astype(int), len(self.posterior) - 1)
        return self._frozen().ppf(u)

    def _frozen(self) -> Any:
        lo, hi = self.min, self.max
        # the spec's checks require these bounds and moments for each distribution
        if self.distribution == "uniform":
            assert lo is not None and hi is not None
            return stats.uniform(loc=lo, scale=hi - lo)
        if self.distribution == "triangular":
            assert lo is not None and hi is not None and self.mode is not None
            return stats.triang(c=(self.mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        assert self.mean is not None and self.sd is not None
        a = -math.inf if lo is None else (lo - self.mean) / self.sd
        b = math.inf if hi is None else (hi - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)

    def parameters(self) -> tuple[str, ...]:
        """The scenario parameters this factor sets."""
        if self.distribution == "posterior":
            assert self.posterior is not None
            return tuple(self.posterior.columns)
        return self.scales or (self.name,)

    def values(self, x: float, base: Scenario) -> dict[str, Any]:
        """Parameter values for design value ``x`` (a row number for a posterior)."""
        if self.distribution == "posterior":
            assert self.posterior is not None
            row = self.posterior.iloc[int(x)]
            return {col: row[col].item() for col in self.posterior.columns}
        if self.scales:
            return {path: base.get(path) * x for path in self.scales}
        return {self.name: float(x)}


@dataclass(frozen=True)
class Outcomes:
    """What each run reports besides NPV and payback.

    Attributes:
        horizons_years: Cumulative net saving is reported this many years after the investment starts.
        stock_years: Stocks are reported at the start of these years.
        threshold_npv_dkk: Satisficing threshold: a run is satisfactory when its NPV is at least this.
        store_weekly: Also store weekly series (stocks, net cost, cumulative saving) for fan charts.
        attribution: Also decompose each strategy run's NPV by channel
            (:func:`~raaderum.experiments.attribution.attribute`: two more runs per channel the
            strategy uses, and two with every contact channel off) and store each channel's
            contribution (``attribution_<channel>_dkk``; null on baseline rows).
    """

    horizons_years: tuple[int, ...] = (1, 2, 3, 5)
    stock_years: tuple[int, ...] = (2017, 2018, 2020)
    threshold_npv_dkk: float = 0.0
    store_weekly: bool = True
    attribution: bool = False


@dataclass(frozen=True)
class ExperimentSpec:
    """A batch experiment, validated.

    Attributes:
        name: Label for reports.
        base: The base scenario (with overrides applied).
        strategies: Strategy scenarios to compare with the baseline, by name.
        uncertain: Uncertain factors.
        cycles: Business-cycle scenarios (``cycle.scenario`` values).
        replications: Seeds per design point and cycle scenario.
        design: ``lhs``, ``sobol`` or ``factorial``.
        points: Design points (lhs), base sample size N (sobol: N·(k+2) points), or levels per
            factor (factorial: levels^k points).
        root_seed: Root of every seed in the batch (design and runs).
        outcomes: Outcome settings.
        source: The spec as read (TOML table), kept in the manifest.
    """

    name: str
    base: Scenario
    strategies: dict[str, Scenario]
    uncertain: tuple[Uncertain, ...] = ()
    cycles: tuple[str, ...] = ("historical",)
    replications: int = 1
    design: str = "lhs"
    points: int = 1
    root_seed: int = 0
    outcomes: Outcomes = field(default_factory=Outcomes)
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def design_rows(self) -> int:
        """Rows of the design table: ``points`` (lhs), ``points·(k+2)`` (sobol), ``points^k`` (factorial)."""
        k = len(self.uncertain)
        if k == 0:
            return 1
        if self.design == "sobol":
            return self.points * (k + 2)
        if self.design == "factorial":
            return self.points**k
        return self.points

    @property
    def n_tasks(self) -> int:
        """Tasks in the batch: design rows × cycle scenarios × replications."""
        return self.design_rows * len(self.cycles) * self.replications

    @property
    def factor_names(self) -> list[str]:
        """Names of the uncertain factors, in design-table column order."""
        return [u.name for u in self.uncertain]

    def scenarios_at(self, values: Mapping[str, float], cycle: str) -> dict[str, Scenario]:
        """Baseline and strategy scenarios at one design point and cycle scenario.

        Uncertain ``strategy.*`` parameters apply to the strategies only: the baseline moves no lever.
        """
        changes: dict[str, Any] = {}
        for u in self.uncertain:
            changes.update(u.values(values[u.name], self.base))
        context = {k: v for k, v in changes.items() if not k.startswith("strategy.")}
        levers = {k: v for k, v in changes.items() if k.startswith("strategy.")}
        base = self.base.with_values({**context, "cycle.scenario": cycle})
        out = {BASELINE: base.baseline()}
        for name, strategy in self.strategies.items():
            out[name] = base.replace(strategy=strategy.strategy).with_values(levers)
        return out

    def digest(self) -> str:
        """SHA-256 of everything that determines the results: scenarios, design, seed and outcomes."""
        content = {
            "base": dataclasses.asdict(self.base),
            "strategies": {k: dataclasses.asdict(v) for k, v in self.strategies.items()},
            "uncertain": [
                {
                    **{k: v for k, v in vars(u).items() if k != "posterior"},
                    "posterior": None
                    if u.posterior is None
                    else pd.util.hash_pandas_object(u.posterior, index=False).tolist(),
                }
                for u in self.uncertain
            ],
            "cycles": self.cycles,
            "replications": self.replications,
            "design": self.design,
            "points": self.points,
            "root_seed": self.root_seed,
            "outcomes": dataclasses.asdict(self.outcomes),
        }
        return hashlib.sha256(json.dumps(_jsonable(content), sort_keys=True).encode()).hexdigest()


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


def _flatten(table: Mapping[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """Dotted paths of a table of scenario parameters (a section holds values, not tables)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            if depth >= 1:
                raise FieldTypeError(path, "is a table, but a section holds parameter values")
            out.update(_flatten(value, path, depth + 1))
        else:
            out[path] = value
    return out


SPEC_KEYS = (
    "name",
    "description",
    "scenario",
    "overrides",
    "root_seed",
    "replications",
    "cycles",
    "design",
    "strategies",
    "uncertain",
    "outcomes",
)
UNCERTAIN_KEYS = (
    "name",
    "distribution",
    "min",
    "max",
    "mode",
    "mean",
    "sd",
    "scales",
    "posterior",
    "columns",
)


KIND_TEXT = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def _get(table: Mapping[str, Any], key: str, path: str, kind: type, default: Any = None) -> Any:
    """``table[key]`` checked to be of ``kind`` (ints count as floats, bools as neither)."""
    value = table.get(key, default)
    if value is None:
        return None
    accepted = (int, float) if kind is float else kind
    if not isinstance(value, accepted) or (isinstance(value, bool) and kind is not bool):
        raise FieldTypeError(path, f"must be {KIND_TEXT[kind]}, got {value!r}")
    if kind is float:
        number = float(cast(float, value))
        if not math.isfinite(number):
            raise FieldValueError(path, f"must be a finite number, got {value!r}")
        return number
    return value


def _check_keys(table: Any, valid: tuple[str, ...], path: str) -> None:
    if not isinstance(table, Mapping):
        raise FieldTypeError(path, f"must be a table, got {table!r}")
    for key in table:
        if key not in valid:
            where = f"{path}.{key}" if path else key
            raise UnknownFieldError(where, f"unknown key; valid keys: {', '.join(valid)}")


def _base_scenario(data: Mapping[str, Any], base_dir: Path) -> Scenario:
    ref = _get(data, "scenario", "scenario", str, "aabenraa_2016")
    path = Path(ref)
    if path.suffix != ".toml":
        path = builtin_scenario_path(ref)
        if not path.exists():
            raise FieldValueError("scenario", f"no built-in scenario {ref!r}; give a path to a .toml file")
    elif not path.is_absolute():
        path = base_dir / path
    try:
        base = load_scenario(path)
    except ScenarioError as exc:
        raise type(exc)(
            f"scenario ({path.name}): {exc.field}" if exc.field else "scenario", exc.problem
        ) from None
    overrides = data.get("overrides", {})
    if not isinstance(overrides, Mapping):
        raise FieldTypeError("overrides", f"must be a table of scenario parameters, got {overrides!r}")
    try:
        for key in _flatten(overrides):
            parameter_type(key)
        return base.with_values(_flatten(overrides))
    except ScenarioError as exc:
        raise type(exc)(f"overrides.{exc.field}", exc.problem) from None


def _strategies(data: Mapping[str, Any], base: Scenario) -> dict[str, Scenario]:
    tables = data.get("strategies")
    if tables is None:
        return {base.strategy.name: base}
    if not isinstance(tables, list) or not tables:
        raise FieldTypeError("strategies", "must be a non-empty array of tables ([[strategies]])")
    out: dict[str, Scenario] = {}
    for i, table in enumerate(tables):
        path = f"strategies[{i}]"
        if not isinstance(table, Mapping):
            raise FieldTypeError(path, f"must be a table, got {table!r}")
        table = dict(table)
        start = table.pop("from", "scenario")
        if start not in ("scenario", "none"):
            raise FieldValueError(f"{path}.from", f"must be 'scenario' or 'none', got {start!r}")
        merged = {**(dataclasses.asdict(base.strategy) if start == "scenario" else {}), **table}
        strategy = build_section(Strategy, merged, path)
        name = strategy.name
        if name == BASELINE or name in out:
            raise FieldValueError(f"{path}.name", f"{name!r} is reserved or used twice")
        if not strategy.levers_moved():
            raise FieldValueError(path, f"strategy {name!r} moves no lever: it would equal the baseline")
        try:
            out[name] = base.replace(strategy=strategy)
        except ScenarioError as exc:
            raise type(exc)(f"{path}: {exc.field}", exc.problem) from None
    return out


#: ``posterior = "calibrated"`` names the shipped ABC posterior of ``raaderum calibrate``.
SHIPPED_POSTERIOR = "calibrated"


def _read_posterior(ref: str, path: str, base_dir: Path, columns: list[str] | None) -> pd.DataFrame:
    if ref == SHIPPED_POSTERIOR:
        file = Path(str(resources.files("raaderum.calibration") / "posterior.parquet"))
    else:
        file = Path(ref) if Path(ref).is_absolute() else base_dir / ref
    try:
        frame = pd.read_parquet(file) if file.suffix == ".parquet" else pd.read_csv(file)
    except FileNotFoundError:
        raise ScenarioFileError(path, f"posterior file not found: {file}") from None
    except Exception as exc:  # noqa: BLE001 - any reader error is a bad file
        raise ScenarioFileError(path, f"cannot read posterior file {file}: {exc}") from None
    if columns is None:
        columns = [c for c in frame.columns if "." in str(c)]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FieldValueError(path, f"columns not in {file.name}: {', '.join(missing)}")
    if not columns or frame.empty:
        raise FieldValueError(path, f"{file.name} has no draws of any parameter (columns like section.name)")
    for col in columns:
        try:
            parameter_type(col)
        except ScenarioError as exc:
            raise type(exc)(path, f"column {col}: {exc.problem}") from None
        if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            raise FieldTypeError(f"{path}.{col}", f"must hold numbers, got {frame[col].dtype} values")
        if frame[col].isna().any():
            raise FieldValueError(f"{path}.{col}", "has missing values")
        if not np.isfinite(frame[col].to_numpy(dtype=float)).all():
            raise FieldValueError(f"{path}.{col}", "has values that are not finite")
    return frame[columns].reset_index(drop=True)


def _uncertain(table: Any, i: int, base_dir: Path) -> Uncertain:
    path = f"uncertain[{i}]"
    _check_keys(table, UNCERTAIN_KEYS, path)
    name = _get(table, "name", f"{path}.name", str)
    posterior = _get(table, "posterior", f"{path}.posterior", str)
    dist = _get(table, "distribution", f"{path}.distribution", str, "posterior" if posterior else "uniform")
    if dist not in DISTRIBUTIONS:
        raise FieldValueError(
            f"{path}.distribution", f"must be one of {', '.join(DISTRIBUTIONS)}, got {dist!r}"
        )
    if dist == "posterior":
        if posterior is None:
            raise FieldValueError(f"{path}.posterior", "a posterior distribution needs a file of draws")
        columns = table.get("columns")
        frame = _read_posterior(posterior, f"{path}.posterior", base_dir, columns)
        return Uncertain(name=name or "posterior", distribution=dist, posterior=frame)
    if name is None:
        raise FieldValueError(f"{path}.name", "is required")
    num = {k: _get(table, k, f"{path}.{k}", float) for k in ("min", "max", "mode", "mean", "sd")}
    scales = table.get("scales", [])
    if not isinstance(scales, list) or not all(isinstance(s, str) for s in scales):
        raise FieldTypeError(f"{path}.scales", "must be a list of parameter paths")
    where = f"{path}.scales" if scales else f"{path}.name"
    for target in scales or [name]:
        try:
            tp = parameter_type(target)
        except ScenarioError as exc:
            raise type(exc)(where, f"{target}: {exc.problem}") from None
        if tp not in (int, float):
            raise FieldTypeError(where, f"{target} is not a number parameter and cannot be uncertain")
    need = {"uniform": ("min", "max"), "triangular": ("min", "mode", "max"), "normal": ("mean", "sd")}[dist]
    for key in need:
        if num[key] is None:
            raise FieldValueError(f"{path}.{key}", f"is required for a {dist} distribution")
    if num["min"] is not None and num["max"] is not None and not num["min"] < num["max"]:
        raise FieldValueError(f"{path}.max", f"must be above min ({num['min']}), got {num['max']}")
    if dist == "triangular" and not num["min"] <= num["mode"] <= num["max"]:
        raise FieldValueError(f"{path}.mode", f"must lie in [min, max], got {num['mode']}")
    if dist == "normal" and not num["sd"] > 0:
        raise FieldValueError(f"{path}.sd", f"must be > 0, got {num['sd']}")
    return Uncertain(name=name, distribution=dist, scales=tuple(scales), **num)


def _outcomes(table: Any, base: Scenario) -> Outcomes:
    _check_keys(table, tuple(f.name for f in dataclasses.fields(Outcomes)), "outcomes")
    out = _build_settings(Outcomes, table, "outcomes")
    for y in out.horizons_years:
        if y <= 0:
            raise FieldValueError("outcomes.horizons_years", f"must be positive years, got {y}")
    for y in out.stock_years:
        if not base.start_year <= y <= base.end_year:
            raise FieldValueError(
                "outcomes.stock_years", f"{y} is outside the horizon {base.start_year}-{base.end_year}"
            )
    return out


def _build_settings(cls: type, table: Mapping[str, Any], path: str) -> Any:
    """Build a small settings dataclass, checking each value's type against its default's."""
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in table:
            continue
        value, default = table[f.name], f.default
        where = f"{path}.{f.name}"
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                raise FieldTypeError(where, f"must be a list of integers, got {value!r}")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise FieldTypeError(where, f"must be true or false, got {value!r}")
        elif isinstance(default, float):
            value = _get(table, f.name, where, float)
        kwargs[f.name] = value
    return cls(**kwargs)


def spec_from_dict(
    data: Mapping[str, Any], base_dir: str | Path = ".", *, check_points: bool = True
) -> ExperimentSpec:
    """Build and validate an experiment from a (TOML-shaped) mapping.

    Relative paths (scenario, posterior files) are taken from ``base_dir``. A batch larger than
    :data:`MAX_TASKS` is refused before its design is drawn. Every design point is then built as
    a scenario (:func:`check_design_points`), so a sampled value that breaks a parameter's rule
    is reported here; ``check_points=False`` leaves that to the caller (the command line first
    says how large the batch is, since checking 100,000 points takes half a minute).

    Raises:
        ScenarioError: The first problem found, naming the field.
    """
    base_dir = Path(base_dir)
    _check_keys(data, SPEC_KEYS, "")
    base = _base_scenario(data, base_dir)
    name = _get(data, "name", "name", str, "experiment")
    check_text("name", name, file_name=True)
    root_seed = _get(data, "root_seed", "root_seed", int, 0)
    if root_seed < 0:
        raise FieldValueError("root_seed", f"must be >= 0, got {root_seed}")
    replications = _get(data, "replications", "replications", int, 1)
    if replications < 1:
        raise FieldValueError("replications", f"must be >= 1, got {replications}")
    cycles = data.get("cycles", ["historical"])
    if not isinstance(cycles, list) or not cycles:
        raise FieldTypeError("cycles", f"must be a non-empty list of cycle scenarios, got {cycles!r}")
    for i, c in enumerate(cycles):
        if c not in CYCLE_SCENARIOS:
            raise FieldValueError(f"cycles[{i}]", f"must be one of {', '.join(CYCLE_SCENARIOS)}, got {c!r}")
    if len(set(cycles)) != len(cycles):
        raise FieldValueError("cycles", "lists a cycle scenario twice")
    design = data.get("design", {})
    _check_keys(design, ("method", "points"), "design")
    method = _get(design, "method", "design.method", str, "lhs")
    if method not in DESIGNS:
        raise FieldValueError("design.method", f"must be one of {', '.join(DESIGNS)}, got {method!r}")
    points = _get(design, "points", "design.points", int, 1)
    if points < 1:
        raise FieldValueError("design.points", f"must be >= 1, got {points}")
    if method == "sobol" and points & (points - 1):
        raise FieldValueError("design.points", f"a Sobol design needs a power of 2, got {points}")
    tables = data.get("uncertain", [])
    if not isinstance(tables, list):
        raise FieldTypeError("uncertain", "must be an array of tables ([[uncertain]])")
    uncertain = tuple(_uncertain(t, i, base_dir) for i, t in enumerate(tables))
    names = [u.name for u in uncertain]
    if len(set(names)) != len(names):
        raise FieldValueError("uncertain", "two uncertain factors have the same name")
    if method == "sobol" and not uncertain:
        raise FieldValueError("design.method", "a Sobol design needs at least one uncertain parameter")
    strategies = _strategies(data, base)
    outcomes = _outcomes(data.get("outcomes", {}), base)
    for strategy in strategies.values():
        years = base.end_year + 1 - strategy.strategy.start_year
        too_far = [y for y in outcomes.horizons_years if y > years]
        if too_far:
            raise FieldValueError(
                "outcomes.horizons_years",
                f"{too_far[0]} years after the investment starts ({strategy.strategy.start_year}) is past "
                f"the horizon's end {base.end_year}: at most {years}",
            )
    spec = ExperimentSpec(
        name=name,
        base=base,
        strategies=strategies,
        uncertain=uncertain,
        cycles=tuple(cycles),
        replications=replications,
        design=method,
        points=points,
        root_seed=root_seed,
        outcomes=outcomes,
        source=dict(data),
    )
    _check_size(spec)
    if check_points:
        check_design_points(spec)
    return spec


#: Most tasks a batch may have: the task list, and the manifest that records every task's status,
#: are held in memory and rewritten as the batch runs.
MAX_TASKS = 1_000_000
#: Most values in a design table (points × factors: 800 MB as float64).
MAX_DESIGN_VALUES = 100_000_000


def _check_size(spec: ExperimentSpec) -> None:
    """Refuse a batch too large to plan, with its size and the time it would take."""
    cells = spec.design_rows * len(spec.uncertain)
    if cells > MAX_DESIGN_VALUES:
        raise ResourceLimitError(
            "design.points",
            f"the design table would hold {cells:,} values ({spec.design_rows:,} points × "
            f"{len(spec.uncertain)} factors); at most {MAX_DESIGN_VALUES:,}",
        )
    if spec.n_tasks <= MAX_TASKS:
        return
    field = "design.points" if spec.design_rows * len(spec.cycles) > MAX_TASKS else "replications"
    runs = spec.n_tasks * (1 + len(spec.strategies))
    seconds = runs * estimate_seconds(estimate_run(spec.base))
    raise ResourceLimitError(
        field,
        f"the batch would have {spec.n_tasks:,} tasks ({spec.design_rows:,} design points × "
        f"{len(spec.cycles)} cycles × {spec.replications:,} replications; about {format_duration(seconds)} "
        f"of computing on one core); at most {MAX_TASKS:,}",
    )


def check_design_points(spec: ExperimentSpec) -> None:
    """Build every design point's scenarios once, so bad sampled values fail before any run.

    Raises:
        FieldValueError: A design point gives an invalid scenario; the message names the point,
            its values and the parameter's rule.
    """
    from .design import design_table  # design imports this module

    table = design_table(spec)
    # The cycle scenario only sets cycle.scenario, checked in the cycles list: one cycle suffices.
    for point, row in table.iterrows():
        try:
            spec.scenarios_at(row.to_dict(), spec.cycles[0])
        except ScenarioError as exc:
            values = ", ".join(f"{k}={v:.6g}" for k, v in row.items())
            raise FieldValueError(
                "uncertain", f"design point {point} ({values}) gives an invalid scenario: {exc}"
            ) from None


def load_spec(path: str | Path, *, check_points: bool = True) -> ExperimentSpec:
    """Read and validate an experiment TOML file (``check_points``: see :func:`spec_from_dict`).

    Raises:
        ScenarioFileError: Missing or unreadable file, or invalid TOML.
        ScenarioError: Any invalid field.
    """
    path = Path(path)
    return spec_from_dict(read_toml(path, "experiment"), path.parent, check_points=check_points)
