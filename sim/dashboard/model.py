"""A strategy and its baseline stepped together, week by week: the model behind the dashboard.

A paired run (:func:`raaderum.experiments.run_paired`) runs the baseline to the end and then the strategy.
The dashboard wants to watch both grow at once, so :class:`PairedMunicipality` holds the two
:class:`~raaderum.sim.model.Municipality` models with the same seed (common random numbers) and advances
both by one week per step. It is an ordinary Mesa model: its keyword arguments are what the
dashboard's sliders set, and it needs nothing from Solara, so a notebook can use it too.
"""

from dataclasses import dataclass
from typing import Any

import mesa

from ...experiments.paired import PairedResult
from ..model import Municipality
from ..parameters import LEVERS, Strategy
from ..scenario import resolve_scenario

#: The cycle scenarios a user can pick (``cycle.scenario``; see :mod:`raaderum.sim.cycle`).
CYCLE_SCENARIOS = ("historical", "boom", "recession", "flat", "stochastic")

#: Strategy levers that are switched on or off: the boolean ones of :data:`raaderum.sim.parameters.LEVERS`.
SWITCHES = tuple(name for name in LEVERS if isinstance(getattr(Strategy, name), bool))

#: Each keyword argument of :class:`PairedMunicipality` (a slider or switch) and the parameter it sets.
CONTROLS = {
    "caseworkers_activity_ready": "staff.caseworkers_activity_ready",
    "extra_caseworkers": "strategy.extra_caseworkers",
    "more_offers": "strategy.more_offers",
    "cycle": "cycle.scenario",
    **{name: f"strategy.{name}" for name in SWITCHES},
}


@dataclass(frozen=True)
class Snapshot:
    """What the two runs look like after the weeks simulated so far.

    Attributes:
        paired: Strategy and baseline results up to the current week.
        payback_week: First week from which the cumulative saving has stayed non-negative so
            far, or None. Provisional until the run ends: a later dip can move it.
        payback_label: Calendar label of :attr:`payback_week`, e.g. ``2017-W09``.
        npv_dkk: Net present value of the savings so far, discounted to the investment start.
        investment_dkk: Extra spending of the strategy so far.
    """

    paired: PairedResult
    payback_week: int | None
    payback_label: str | None
    npv_dkk: float
    investment_dkk: float


class PairedMunicipality(mesa.Model):
    """A scenario's strategy and its baseline, both advanced one week per step.

    Every argument except ``base`` and ``seed`` overrides the scenario's value when given; None
    keeps the value in the scenario file.

    Args:
        base: A built-in scenario name or a scenario file.
        caseworkers_activity_ready: Activity-ready team before the investment (both runs).
        extra_caseworkers: Caseworkers the strategy hires (``strategy.extra_caseworkers``).
        more_offers: Multiplier on programme referrals at meetings (``strategy.more_offers``).
        cycle: Business-cycle scenario, one of :data:`CYCLE_SCENARIOS`.
        seed: Seed shared by both runs; None takes the scenario's.
        screening_triage: Hjørring's screening and team assessments.
        integrated_casework: One team across employment and social casework (Skanderborg, KIK).
        courses_for_activity_ready: Job-search courses opened to activity-ready citizens (KIK).
        enterprise_oriented: Enterprise-oriented casework (ISU).
        relapse_followup: Follow-up after an exit (ISU).
        supplier_monitoring: Ineffective programme suppliers stopped (KIK).

    Raises:
        ScenarioError: The scenario cannot be read, or a value breaks its parameter's rule.
    """

    def __init__(
        self,
        base: str = "aabenraa_2016",
        caseworkers_activity_ready: int | None = None,
        extra_caseworkers: int | None = None,
        more_offers: float | None = None,
        cycle: str | None = None,
        seed: int | None = None,
        screening_triage: bool | None = None,
        integrated_casework: bool | None = None,
        courses_for_activity_ready: bool | None = None,
        enterprise_oriented: bool | None = None,
        relapse_followup: bool | None = None,
        supplier_monitoring: bool | None = None,
    ) -> None:
        given = {
            "caseworkers_activity_ready": caseworkers_activity_ready,
            "extra_caseworkers": extra_caseworkers,
            "more_offers": more_offers,
            "cycle": cycle,
            "screening_triage": screening_triage,
            "integrated_casework": integrated_casework,
            "courses_for_activity_ready": courses_for_activity_ready,
            "enterprise_oriented": enterprise_oriented,
            "relapse_followup": relapse_followup,
            "supplier_monitoring": supplier_monitoring,
        }
        changes = {CONTROLS[name]: value for name, value in given.items() if value is not None}
        scenario = resolve_scenario(base).with_values(changes)
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)  # this model draws nothing itself; the two runs have their streams
        self.params = scenario
        self.seed_value = seed
        # As experiments.run_paired does: the same seed for both, so at the end of the horizon the
        # two runs are exactly run_paired(scenario, seed).
        self.baseline = Municipality(scenario.baseline(), seed=seed, agent_views=False)
        self.strategy = Municipality(scenario, seed=seed, agent_views=False)
        self.week = 0
        self.n_weeks = scenario.n_weeks
        self._snapshot: Snapshot | None = None

    def step(self) -> None:
        """Advance both runs by one week."""
        if self.week >= self.n_weeks:
            self.running = False
            return
        self.baseline.step()
        self.strategy.step()
        self.week += 1
        self.running = self.week < self.n_weeks

    def snapshot(self) -> Snapshot:
        """The two runs so far, with the provisional payback point and the NPV so far.

        Computed once per week: the dashboard's plots all read the same snapshot.
        """
        if self._snapshot is not None and len(self._snapshot.paired.strategy.weekly) == self.week:
            return self._snapshot
        paired = PairedResult(baseline=self.baseline.result_so_far(), strategy=self.strategy.result_so_far())
        week = paired.payback_week
        self._snapshot = Snapshot(
            paired=paired,
            payback_week=week,
            payback_label=paired.week_label(week),
            npv_dkk=paired.npv_dkk,
            investment_dkk=float(paired.investment_weekly.sum()),
        )
        return self._snapshot

    def levers(self) -> dict[str, Any]:
        """The strategy's levers as set in this model (what the sliders and switches show)."""
        return {name: self.params.get(path) for name, path in CONTROLS.items()}
