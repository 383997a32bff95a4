"""The calibration cases: which scenario each runs, and one simulated run of a case.

A case is one of the built-in case scenarios (``sim/scenarios``) and says whether its targets
need the baseline too (a counterfactual or a saving). :func:`run_case` runs it once with given
parameter values and seed and keeps what the measures need: the weekly results and each run's
state history (for cohort measures such as relapse after exit).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..sim.model import Municipality
from ..sim.results import RunResult
from ..sim.scenario import Scenario, resolve_scenario

if TYPE_CHECKING:  # the space checks its case names against CASES
    from .space import ParameterSpace


@dataclass(frozen=True)
class Case:
    """A case of ``docs/CASES.md`` as a runnable scenario.

    Attributes:
        name: Short name used in targets and reports, e.g. ``aabenraa``.
        scenario: Built-in scenario name (``sim/scenarios/<scenario>.toml``).
        paired: Whether the targets need the baseline run as well as the strategy run.
        title: Heading for reports.
    """

    name: str
    scenario: str
    paired: bool
    title: str

    def load(self) -> Scenario:
        """The case's scenario as shipped."""
        return resolve_scenario(self.scenario)


CASES: dict[str, Case] = {
    c.name: c
    for c in (
        Case("aabenraa", "aabenraa_kik", True, "Aabenraa KIK, 2015-2019"),
        Case("hjorring", "hjorring_2015", False, "Hjørring method, 2014-2018"),
        Case("skanderborg", "skanderborg_2014", False, "Skanderborg integrated casework, 2014-2018"),
        Case("fureso", "isu_fureso", True, "ISU in Furesø, 2014-2018"),
        Case("taarnby", "isu_taarnby", False, "ISU in Tårnby (220 activity-ready), 2016-2018"),
    )
}


@dataclass
class Run:
    """One simulated run of a case's scenario.

    Attributes:
        result: Weekly results.
        history: State of every citizen at the end of each week, shape (weeks + 1, citizens);
            row 0 is the start, -1 before a citizen arrived.
    """

    result: RunResult
    history: np.ndarray

    @property
    def scenario(self) -> Scenario:
        """The scenario that was run."""
        return self.result.scenario


@dataclass
class CaseRun:
    """A case's strategy run and, for paired cases, its baseline with the same seed."""

    case: Case
    strategy: Run
    baseline: Run | None

    @property
    def scenario(self) -> Scenario:
        """The strategy scenario."""
        return self.strategy.scenario


def _run(scenario: Scenario, seed: np.random.SeedSequence) -> Run:
    model = Municipality(scenario, seed=seed, agent_views=False)
    result = model.run()
    c = model.citizens
    return Run(result=result, history=c.history[:, : c.n].copy())


def case_scenario(
    case: Case,
    values: Mapping[str, float],
    space: "ParameterSpace | None" = None,
    base: Scenario | None = None,
) -> Scenario:
    """The case's scenario with calibrated values ``{name: value}`` set.

    Without ``space`` the names must be scenario paths; with it, factors are applied to the
    case's own values, and parameters limited to other cases are not set.
    """
    base = base or case.load()
    return base.with_values(space.scenario_values(values, base, case.name) if space else dict(values))


def run_case(
    case: Case,
    values: Mapping[str, float],
    seed: np.random.SeedSequence,
    space: "ParameterSpace | None" = None,
    base: Scenario | None = None,
) -> CaseRun:
    """Run a case once with parameter values ``values`` and seed ``seed``.

    The baseline (paired cases) uses the same seed: common random numbers.
    """
    scenario = case_scenario(case, values, space, base)
    strategy = _run(scenario, seed)
    baseline = _run(scenario.baseline(), seed) if case.paired else None
    return CaseRun(case=case, strategy=strategy, baseline=baseline)
