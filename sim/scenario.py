"""Scenarios: everything a run needs, validated before any model exists.

A scenario is a TOML file or the equivalent :class:`Scenario` object. Every section is optional
and falls back to the defaults in :mod:`raaderum.sim.parameters`.
"""

import dataclasses
import json
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from .errors import FieldTypeError, FieldValueError, ScenarioFileError, UnknownFieldError
from .fields import build_section, describe, format_bound, param, type_hints
from .files import read_toml
from .parameters import (
    Behaviour,
    Budget,
    Cycle,
    Effects,
    Inflow,
    Market,
    Population,
    Section,
    Staff,
    Strategy,
)
from .sources import SOURCES
from .states import TEAM_NAMES

CYCLE_SCENARIOS = ("historical", "boom", "recession", "flat", "stochastic")
WEEKS_PER_YEAR = 52
DEFAULT_SCENARIO = "aabenraa_2016"


@dataclass(frozen=True)
class Scenario(Section):
    """A municipality, its staff, employers, business cycle, strategy, horizon and seed."""

    _section: ClassVar[str] = ""

    name: str = param(
        "scenario", "name", source="-", doc="names the output folder: a file name without / or a leading ."
    )
    seed: int = param(20160101, "nonneg", maximum=2**64 - 1, source="-", doc="root of every random stream")
    start_year: int = param(
        2015,
        "year",
        source="-",
        doc="first simulated year: the cases run 2014-2019; the default horizon 2015-2022",
    )
    end_year: int = param(2022, "year", source="-", doc="last simulated year, inclusive")
    discount_rate: float = param(
        0.035,
        "nonneg",
        maximum=1,
        unit="per year",
        source="Finansministeriet discount rate: 3.5 %",
    )
    population: Population = field(default_factory=Population)
    inflow: Inflow = field(default_factory=Inflow)
    staff: Staff = field(default_factory=Staff)
    market: Market = field(default_factory=Market)
    behaviour: Behaviour = field(default_factory=Behaviour)
    effects: Effects = field(default_factory=Effects)
    strategy: Strategy = field(default_factory=Strategy)
    budget: Budget = field(default_factory=Budget)
    cycle: Cycle = field(default_factory=Cycle)

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_consistency(self)

    @property
    def n_weeks(self) -> int:
        """Number of simulated weeks (52-week years)."""
        return (self.end_year - self.start_year + 1) * WEEKS_PER_YEAR

    def week_of_year(self, year: int) -> int:
        """Index of the first week of ``year`` in the run."""
        return (year - self.start_year) * WEEKS_PER_YEAR

    def baseline(self) -> "Scenario":
        """The same scenario with no strategy lever moved (the strategy's period kept for reports)."""
        st = self.strategy
        return dataclasses.replace(
            self, strategy=Strategy(name="baseline", start_year=st.start_year, end_year=st.end_year)
        )

    def replace(self, **changes: Any) -> "Scenario":
        """Copy with top-level fields or whole sections replaced (validated again)."""
        return dataclasses.replace(self, **changes)

    def get(self, path: str) -> Any:
        """Value of a parameter by its dotted path, e.g. ``behaviour.relapse_weekly``.

        An element of a sequence parameter is named by its index, e.g.
        ``behaviour.job_search_factor[1]``.
        """
        whole, index = split_element(path)
        section, _, name = whole.rpartition(".")
        value = getattr(getattr(self, section) if section else self, name)
        return value if index is None else value[index]

    def with_values(self, values: Mapping[str, Any]) -> "Scenario":
        """Copy with parameters set by dotted path (validated again).

        Integer parameters take rounded values, so a sampled 14.6 caseworkers becomes 15. A path
        may name one element of a sequence parameter (``behaviour.job_search_factor[1]``); the
        other elements keep their values.

        Raises:
            UnknownFieldError: A path that names no parameter.
            ScenarioError: A value that breaks its parameter's rule.
        """
        top: dict[str, Any] = {}
        sections: dict[str, dict[str, Any]] = {}
        for path, value in _merge_elements(self, values).items():
            tp = parameter_type(path)
            if tp is int and isinstance(value, float):
                value = round(value)
            section, _, name = path.rpartition(".")
            if section:
                sections.setdefault(section, {})[name] = value
            else:
                top[name] = value
        for section, changes in sections.items():
            top[section] = dataclasses.replace(getattr(self, section), **changes)
        return dataclasses.replace(self, **top)


def split_element(path: str) -> tuple[str, int | None]:
    """A path and the element index it names: ``a.b[1]`` -> (``a.b``, 1), ``a.b`` -> (``a.b``, None).

    Raises:
        UnknownFieldError: A bracket that does not hold a non-negative integer.
    """
    if not path.endswith("]"):
        return path, None
    whole, _, index = path[:-1].partition("[")
    if not index.isdigit():
        raise UnknownFieldError(path, "an element index must be a non-negative integer, e.g. [1]")
    return whole, int(index)


def _merge_elements(scenario: "Scenario", values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with element paths (``a.b[1]``) folded into their whole sequence."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        whole, index = split_element(path)
        if index is None:
            out[path] = value
            continue
        parameter_type(path)  # checks the index
        current = list(out.get(whole, scenario.get(whole)))
        current[index] = value
        out[whole] = tuple(current)
    return out


def parameter_type(path: str) -> Any:
    """Declared type of a parameter by dotted path (``int``, ``float``, ``tuple[float, ...]``...).

    For one element of a sequence parameter (``behaviour.job_search_factor[1]``) it is the
    element's type.

    Raises:
        UnknownFieldError: The path names no section or parameter, or an element that is not
            there; the valid ones are listed.
    """
    path, index = split_element(path)
    section, _, name = path.rpartition(".")
    cls: Any = Scenario
    if section:
        hints = type_hints(Scenario)
        if section not in hints or not dataclasses.is_dataclass(hints[section]):
            valid = [f.name for f in dataclasses.fields(Scenario) if dataclasses.is_dataclass(f.type)]
            raise UnknownFieldError(path, f"unknown section {section!r}; valid sections: {', '.join(valid)}")
        cls = hints[section]
    hints = type_hints(cls)
    params = [f.name for f in dataclasses.fields(cls) if f.metadata]
    if name not in params:
        raise UnknownFieldError(
            path, f"unknown parameter; valid in {section or 'top level'}: {', '.join(params)}"
        )
    if index is None:
        return hints[name]
    if typing.get_origin(hints[name]) is not tuple:
        raise UnknownFieldError(f"{path}[{index}]", "not a sequence parameter: name it without an index")
    count = len(next(f.default for f in dataclasses.fields(cls) if f.name == name))  # type: ignore[arg-type]
    if index >= count:
        raise UnknownFieldError(f"{path}[{index}]", f"no element {index}: it has {count} (0-{count - 1})")
    return typing.get_args(hints[name])[0]


def _check_consistency(s: Scenario) -> None:
    """Rules that involve more than one field."""
    if s.end_year < s.start_year:
        raise FieldValueError("end_year", f"horizon ends ({s.end_year}) before it starts ({s.start_year})")
    st = s.strategy
    if st.end_year < st.start_year:
        raise FieldValueError(
            "strategy.end_year", f"strategy ends ({st.end_year}) before it starts ({st.start_year})"
        )
    if st.levers_moved() and not s.start_year <= st.start_year <= s.end_year:
        raise FieldValueError(
            "strategy.start_year",
            f"must be within the horizon {s.start_year}-{s.end_year}, got {st.start_year}",
        )
    if st.levers_moved() and st.end_year > s.end_year:
        raise FieldValueError(
            "strategy.end_year",
            f"the strategy runs to {st.end_year}, past the horizon's end {s.end_year}: its investment "
            f"would be reported in full and its payoff only in part; set strategy.end_year <= {s.end_year} "
            f"or end_year >= {st.end_year}",
        )
    if 0 < st.target_caseload < 1:
        raise FieldValueError(
            "strategy.target_caseload", f"must be 0 (off) or at least 1 case, got {st.target_caseload!r}"
        )
    if st.team not in TEAM_NAMES:
        raise FieldValueError("strategy.team", f"must be one of {', '.join(TEAM_NAMES)}, got {st.team!r}")
    if s.cycle.scenario not in CYCLE_SCENARIOS:
        raise FieldValueError(
            "cycle.scenario", f"must be one of {', '.join(CYCLE_SCENARIOS)}, got {s.cycle.scenario!r}"
        )
    if s.cycle.min_unemployment >= s.cycle.max_unemployment:
        raise FieldValueError("cycle.max_unemployment", "must be above cycle.min_unemployment")
    _check_labour_force(s.population)
    b = s.budget
    _check_length("budget.cash_benefit_children_monthly", b.cash_benefit_children_monthly, len(b.rate_years))
    _check_length(
        "budget.cash_benefit_no_children_monthly", b.cash_benefit_no_children_monthly, len(b.rate_years)
    )
    _check_length(
        "budget.education_benefit_shares", b.education_benefit_shares, len(b.education_benefit_monthly)
    )
    _check_length("budget.refund_rates", b.refund_rates, len(b.refund_band_first_weeks))
    _check_increasing("budget.rate_years", b.rate_years)
    _check_increasing("budget.refund_band_first_weeks", b.refund_band_first_weeks)
    if b.refund_band_first_weeks[0] != 1:
        raise FieldValueError("budget.refund_band_first_weeks", "the first band must start at week 1")
    if abs(sum(b.education_benefit_shares) - 1) > 1e-9:
        raise FieldValueError("budget.education_benefit_shares", "must add up to 1")
    _check_length("behaviour.capacity_weights", s.behaviour.capacity_weights, 3)
    if abs(sum(s.behaviour.capacity_weights) - 1) > 1e-9:
        raise FieldValueError("behaviour.capacity_weights", "must add up to 1")
    _check_length("behaviour.job_search_factor", s.behaviour.job_search_factor, 5)
    if s.behaviour.activity_ready_capacity > s.behaviour.job_ready_capacity:
        raise FieldValueError(
            "behaviour.activity_ready_capacity", "must not exceed behaviour.job_ready_capacity"
        )


#: Stocks whose members Statistics Denmark counts in the labour force (arbejdsstyrken): job-ready
#: and education-ready recipients as gross unemployed, sick-listed and flex-job holders as employed.
LABOUR_FORCE_STOCKS = ("job_ready", "education_ready", "sickness", "flex_job")


def _check_labour_force(pop: Population) -> None:
    """The labour force holds at least the stocks counted in it, or its unemployment means nothing."""
    inside = sum(getattr(pop, name) for name in LABOUR_FORCE_STOCKS)
    if pop.labour_force < inside:
        raise FieldValueError(
            "population.labour_force",
            f"must be at least the stocks counted in the labour force ({', '.join(LABOUR_FORCE_STOCKS)}: "
            f"{inside:,}), got {pop.labour_force:,}",
        )


def _check_length(path: str, values: tuple, n: int) -> None:
    if len(values) != n:
        raise FieldValueError(path, f"must have {n} values, got {len(values)}")


def _check_increasing(path: str, values: tuple) -> None:
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise FieldValueError(path, "must be strictly increasing")


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    """Build and validate a scenario from a (TOML-shaped) mapping.

    Raises:
        ScenarioError: The first problem found, naming the field.
    """
    return build_section(Scenario, data, "")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    Raises:
        ScenarioFileError: Missing or unreadable file, or invalid TOML.
        ScenarioError: Any invalid field.
    """
    return scenario_from_dict(read_toml(path, "scenario"))


def builtin_scenario_path(name: str = DEFAULT_SCENARIO) -> Path:
    """Path of a scenario shipped with the package."""
    return Path(str(resources.files("raaderum.sim.scenarios").joinpath(f"{name}.toml")))


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package (``raaderum run NAME`` runs one)."""
    folder = resources.files("raaderum.sim.scenarios")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def resolve_scenario(ref: str | Path) -> Scenario:
    """A scenario from a TOML path, or from the name of a built-in scenario.

    A path that exists, or that ends in ``.toml``, is read as a file; otherwise ``ref`` must name
    a built-in scenario (:func:`builtin_scenarios`).

    Raises:
        ScenarioFileError: Neither a readable file nor a built-in name.
        ScenarioError: Any invalid field.
    """
    path = Path(ref)
    if path.exists() or path.suffix == ".toml":
        return load_scenario(path)
    if str(ref) in builtin_scenarios():
        return load_scenario(builtin_scenario_path(str(ref)))
    raise ScenarioFileError(
        "", f"no scenario file or built-in scenario {str(ref)!r} (built-in: {', '.join(builtin_scenarios())})"
    )


#: What :func:`as_scenario` accepts: a scenario, a built-in name, a TOML path or a TOML-shaped dict.
ScenarioLike = Scenario | str | Path | Mapping[str, Any]


def as_scenario(ref: ScenarioLike) -> Scenario:
    """A :class:`Scenario` from a scenario, a built-in name, a TOML path or a TOML-shaped dict.

    Raises:
        ScenarioError: The name or file does not exist, or a field is invalid.
    """
    if isinstance(ref, Scenario):
        return ref
    if isinstance(ref, Mapping):
        return scenario_from_dict(dict(ref))
    if isinstance(ref, (str, Path)):
        return resolve_scenario(ref)
    raise FieldTypeError(
        "", f"a scenario must be a Scenario, a name, a path or a dict, got {type(ref).__name__}"
    )


def scenario_to_toml(scenario: Scenario, *, only_changes: bool = True) -> str:
    """The scenario as TOML text that :func:`load_scenario` reads back to an equal scenario.

    Args:
        scenario: The scenario.
        only_changes: Write only what differs from the defaults (as a scenario file does);
            False writes every parameter.
    """
    default = Scenario()
    top: list[str] = []
    sections: list[str] = []
    for f in dataclasses.fields(Scenario):
        value = getattr(scenario, f.name)
        if dataclasses.is_dataclass(value):
            base = getattr(default, f.name)
            rows = [
                f"{g.name} = {_toml_value(getattr(value, g.name))}"
                for g in dataclasses.fields(value)
                if not only_changes or getattr(value, g.name) != getattr(base, g.name)
            ]
            if rows:
                sections += ["", f"[{f.name}]", *rows]
        elif not only_changes or value != getattr(default, f.name):
            top.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join([*top, *sections]).strip() + "\n"


def save_scenario(scenario: Scenario, path: str | Path, *, only_changes: bool = True) -> Path:
    """Write the scenario to a TOML file (see :func:`scenario_to_toml`); returns the path."""
    path = Path(path)
    path.write_text(scenario_to_toml(scenario, only_changes=only_changes), encoding="utf-8")
    return path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else "inf")
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def default_scenario() -> Scenario:
    """The built-in default: Aabenraa 2016 with the KIK investment."""
    return load_scenario(builtin_scenario_path())


RULE_TEXT = {
    "any": "",
    "positive": "> 0",
    "nonneg": ">= 0",
    "share": "share in [0, 1]",
    "year": "year",
    "name": "file name",
    "label": "text",
}


def parameter_reference() -> str:
    """Every scenario parameter as Markdown tables: default, rule, unit, source and meaning."""
    out = [
        "# Scenario parameters",
        "",
        "Generated by `raaderum params`; do not edit by hand. A scenario TOML file sets any of these",
        "(top-level keys, or keys in the `[section]` tables); the rest keep these defaults.",
        "",
    ]
    sections: list[tuple[str, Any]] = [("top level", Scenario)] + [
        (f"[{f.name}]", f.type) for f in dataclasses.fields(Scenario) if dataclasses.is_dataclass(f.type)
    ]
    for title, cls in sections:
        out += [
            f"## {title}",
            "",
            "| key | default | rule | unit | source | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for row in describe(cls):
            default = row["default"]
            text = (
                f'"{default}"'
                if isinstance(default, str)
                else str(default).lower()
                if isinstance(default, bool)
                else str(default)
            )
            rule = RULE_TEXT[row["rule"]]
            if row.get("maximum") is not None:
                rule += f", <= {format_bound(row['maximum'])}"
            cells = [f"`{row['name']}`", text, rule, row["unit"], row["source"], row["doc"]]
            out.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        out.append("")
    out += [
        "## Sources",
        "",
        "A parameter's source starts with the short name of the document it comes from; what each case",
        "document says is digested in docs/CASES.md.",
        "",
        "| name | reference | used for |",
        "|---|---|---|",
    ]
    out += [f"| {s.name} | {s.reference()} | {s.note} |".replace("\n", " ") for s in SOURCES.values()]
    out.append("")
    return "\n".join(out)
