"""The municipality: a Mesa model that advances citizens, caseworkers and employers a week a step.

One step is one week: the declared list of rules :data:`WEEK`, run in order over a
:class:`~raaderum.sim.week.Week` context. Activation is simultaneous: every transition in week
``w`` is decided from the state at the end of week ``w - 1`` (plus this week's meetings, which
are themselves allocated from that state), and all are written at once by ``commit``. A citizen
makes at most one state change a week; when two compete, the rule that comes first in
:data:`WEEK` wins (:data:`TRANSITION_ORDER` lists them). See ``docs/ODD.md``.
"""

import logging

import mesa
import numpy as np

from ..agents.caseworkers import CaseworkerArrays
from ..agents.citizens import PROFILES, Citizen, CitizenArrays, draw_attributes
from ..agents.employers import Employer, EmployerArrays
from . import burn_in
from .accounting import budget
from .bookkeeping import capacity, commit, record, set_settle_week
from .budget import BudgetYear, budget_year
from .casework import assessments, assign, meeting_effects, meetings, programmes, reclassify, staffing
from .citizen_state import MAX_EFFORT_AGE, effort_floors, update_capacity
from .cycle import BusinessCycle
from .labour_market import job_finding
from .life_events import (
    barrier_shocks,
    education,
    leave,
    other_self_support,
    relapse,
    resource_course_end,
    sickness,
)
from .policy import before_education_benefit, education_benefit_reform
from .records import WeeklyRecords
from .resources import check_fits
from .results import RunResult
from .scenario import WEEKS_PER_YEAR, Scenario
from .states import ENTRY_STATES, IS_BENEFIT, IS_CASE, N_STATES, STATE_NAMES, TEAM_OF_STATE, State, Team
from .streams import RandomStreams, fresh_seed_sequence
from .week import Levers, Rule, Week, changes_state

log = logging.getLogger(__name__)

INFLOW_STATES = ENTRY_STATES


def inflow(m: "Municipality", wk: Week) -> None:
    """This week's new claimants arrive (drawn at the start of the run); screened under triage.

    Inflow counts are Poisson by week and entry state, ``inflow.<state> · (u / u_ref)^e``; they
    depend only on the business cycle, so baseline and strategy see the same newcomers.
    """
    ids = m.arrive(int(m.inflow_counts[wk.index]))
    if not m.education_benefit(wk.index):
        before_education_benefit(m, ids)
    if wk.levers.screening_triage:
        m.citizens.screened[ids] = True
    wk.newcomers = ids
    m.records.arrivals[wk.index] = np.bincount(m.citizens.state[ids], minlength=N_STATES)


def open_states(m: "Municipality", wk: Week) -> None:
    """The week's start-of-week states are fixed: every transition of the week is decided from them.

    From here on a rule proposes changes (:meth:`~raaderum.sim.week.Week.move`); the first
    proposal for a citizen wins, and nothing is written before ``commit``.
    """
    n = m.citizens.n
    wk.old = m.citizens.state[:n].copy()
    wk.new = wk.old.copy()
    wk.moved = np.zeros(n, dtype=bool)


#: One week, in order: each rule's docstring is its paragraph of the model description, and
#: docs/ODD.md's process overview is this list (tests/test_model.py keeps the two the same).
WEEK: tuple[Rule, ...] = (
    staffing,
    inflow,
    open_states,
    leave,
    education_benefit_reform,
    assign,
    meetings,
    job_finding,
    sickness,
    assessments,
    resource_course_end,
    education,
    other_self_support,
    reclassify,
    relapse,
    meeting_effects,
    programmes,
    barrier_shocks,
    capacity,
    commit,
    budget,
    record,
)
#: The rules that change a citizen's state, in the order in which they win when two compete.
TRANSITION_ORDER: tuple[Rule, ...] = tuple(rule for rule in WEEK if changes_state(rule))


class Municipality(mesa.Model):
    """A Danish municipality's employment services, one week per step.

    Mesa's conventions hold: ``rng=`` is Mesa's keyword for the seed; a citizen's ``unique_id``
    is its index (:meth:`citizen` takes it), employers and caseworkers have ids above every
    citizen's; a citizen who leaves (state GONE) is removed from the agent set; and stepping
    past the horizon changes nothing (``model.time`` and ``model.steps`` stop with the weeks).

    Args:
        scenario: Validated scenario.
        seed: Overrides ``scenario.seed``; an int or a ``numpy.random.SeedSequence``.
        rng: The same as ``seed``, under Mesa's name for it; give one of the two.
        agent_views: Create a :class:`Citizen` Mesa agent for every citizen as they enter (what a
            notebook wants: ``model.agents_by_type[Citizen]`` holds everyone present). Experiments
            turn this off for speed; results are identical, and :meth:`citizen` still returns a
            view made on demand.
        firms_seed: Draw the employers from the streams of this seed instead of the run's own
            (the burn-in runs with the firms of the horizon that follows it).

    Raises:
        ValueError: Both ``seed`` and ``rng`` are given.
        TypeError: ``rng`` is a ``numpy.random.Generator``: its state cannot be split into the
            named streams reproducibly; give the int or SeedSequence it was made from.
    """

    #: Mesa's counter of agent ids (declared here for the type checker; Mesa sets it).
    agent_id_counter: int

    def __init__(
        self,
        scenario: Scenario,
        seed: int | np.random.SeedSequence | None = None,
        *,
        rng: int | np.random.SeedSequence | None = None,
        agent_views: bool = True,
        firms_seed: np.random.SeedSequence | None = None,
    ) -> None:
        if seed is not None and rng is not None:
            raise ValueError("give either seed or rng (the same thing), not both")
        if isinstance(rng, np.random.Generator):
            raise TypeError("rng must be an int or a numpy.random.SeedSequence, not a Generator")
        seed = rng if seed is None else seed
        check_fits(scenario)  # a scenario too large for memory gets one line, not a MemoryError
        root = fresh_seed_sequence(scenario.seed if seed is None else seed)
        mesa_seq, stream_seq, burn_in_seq = root.spawn(3)
        super().__init__(rng=np.random.default_rng(mesa_seq))
        self.params = scenario
        self.streams = RandomStreams(stream_seq)
        self.week = 0
        self.n_weeks = scenario.n_weeks
        st = scenario.strategy
        #: First week of the strategy period and the first week after it.
        self.period = (scenario.week_of_year(st.start_year), scenario.week_of_year(st.end_year + 1))
        #: First week with education benefit for under-30s (the 2014 reform; negative: in force).
        self.education_benefit_week = scenario.week_of_year(scenario.behaviour.education_benefit_from_year)
        self.cycle = BusinessCycle(
            scenario.cycle,
            scenario.market,
            scenario.start_year,
            self.n_weeks,
            self.streams.generator("cycle"),
        )
        #: The seed of the run's streams: the burn-in draws its firms from it (the same firms).
        self.stream_seed = stream_seq
        firms = self.streams if firms_seed is None else RandomStreams(firms_seed)
        self.employers = EmployerArrays(scenario.market, firms.generator("employer_setup"))
        #: Demand multiplier of every firm in every week (weeks × firms), and the lay-off factor.
        self.firm_demand: np.ndarray = self.cycle.demand[:, None] ** self.employers.sensitivity[None, :]
        self.layoff_factor: np.ndarray = self.firm_demand**-scenario.market.layoff_cycle_elasticity
        #: Vacancies open to the unemployed by week and firm, drawn at once (``employer_demand``).
        self.vacancy_schedule: np.ndarray = self.employers.draw_vacancies(
            self.firm_demand, scenario.market.hire_rate_weekly, self.streams.generator("employer_demand")
        )

        self.agent_views = agent_views
        self._citizen_views: dict[int, Citizen] = {}
        #: Relapse hazard multiplier by weeks since the exit.
        self.relapse_decay = self._relapse_decay_table()
        #: Share of effort above the floor kept after k weeks.
        self.retention = scenario.behaviour.effort_retention ** np.arange(MAX_EFFORT_AGE + 1)
        #: Search effort without contact by state code.
        self.effort_floor_of_state = effort_floors(scenario.behaviour)
        #: Weekly earnings of everyone in a job taken from benefit (the municipal tax base).
        self.earnings_total = 0.0
        self._draw_population(burn_in_seq)
        # Citizens' unique ids are their indices; every other agent's id comes after them.
        self.agent_id_counter = max(self.agent_id_counter, self.citizens.size)
        self.employer_agents = [Employer(self, i) for i in range(self.employers.n)]

        self.caseworkers = CaseworkerArrays(scenario.staff, self._extra_slots(), Team[st.team.upper()])
        self.caseworkers.hire(self, np.flatnonzero(self.caseworkers.active))
        self._budget_years: dict[int, BudgetYear] = {}
        self.records = WeeklyRecords(self.n_weeks)
        mesa_step = self.step  # Mesa's wrapper: advances model.time and model.steps, then step()

        def step_within_horizon() -> None:
            if self.week < self.n_weeks:
                mesa_step()
            self.running = self.week < self.n_weeks

        self.step = step_within_horizon  # type: ignore[method-assign]
        log.debug(
            "municipality %s: %d citizens, %d caseworker slots, %d employers",
            scenario.name,
            self.citizens.n,
            self.caseworkers.n,
            self.employers.n,
        )

    # ------------------------------------------------------------------ set-up helpers
    def _extra_slots(self) -> int:
        """Slots for the strategy's extra caseworkers.

        With a target caseload there is room for twice the team's initial cases at the target.
        """
        st = self.params.strategy
        n = st.extra_caseworkers
        if st.target_caseload > 0:
            n = max(n, int(np.ceil(2 * self._strategy_team_cases() / st.target_caseload)))
        return n

    def _strategy_team_cases(self) -> int:
        """Citizens now in the states of the team the strategy's extra caseworkers join."""
        c = self.citizens
        return int(np.sum(TEAM_OF_STATE[c.state[: c.n]] == Team[self.params.strategy.team.upper()]))

    def extra_at_start(self) -> int:
        """Extra caseworkers hired at the strategy start: the count, or enough for the target caseload."""
        st = self.params.strategy
        n = st.extra_caseworkers
        if st.target_caseload > 0:
            n = max(n, self.extra_for_target())
        return min(n, int(np.sum(self.caseworkers.is_extra)))

    def extra_for_target(self) -> int:
        """Extra caseworkers the team needs, besides its own active staff, to be at the target caseload."""
        st, cw = self.params.strategy, self.caseworkers
        staff = int(np.sum(cw.active & ~cw.is_extra & (cw.team == Team[st.team.upper()])))
        return max(int(np.ceil(self._strategy_team_cases() / st.target_caseload)) - staff, 0)

    def education_benefit(self, week: int) -> bool:
        """True if under-30s get education benefit in ``week`` (the 2014 reform is in force)."""
        return week >= self.education_benefit_week

    def _relapse_decay_table(self) -> np.ndarray:
        b = self.params.behaviour
        k = np.arange(self.n_weeks + burn_in.weeks_of(self.params) + 1)  # exits of the burn-in too
        return b.relapse_floor + (1 - b.relapse_floor) * np.exp(-k / b.relapse_decay_weeks)

    def _draw_population(self, burn_in_seq: np.random.SeedSequence) -> None:
        """Set up the starting population and draw everyone who will arrive during the run.

        The starting population is the end of the burn-in (:mod:`raaderum.sim.burn_in`), or, with
        ``burn_in_years = 0``, the stocks of the ``population`` section drawn from the entry
        profiles. Inflow counts are Poisson by week and entry state,
        ``inflow.<state> · (u / u_ref)^e``. They depend only on the business cycle and the
        ``inflow`` stream, so the whole schedule is drawn here, and every run with the same seed
        sees the same newcomers.
        """
        sc = self.params
        b = sc.behaviour
        pop = sc.population
        pre = burn_in.prehistory(sc, burn_in_seq, self.stream_seed) if pop.burn_in_years > 0 else None
        if pre is None:
            initial = np.repeat(
                np.array(list(PROFILES), dtype=np.int8), [getattr(pop, s.name.lower()) for s in PROFILES]
            )
        else:
            initial = pre.columns["state"]
        scale = (self.cycle.unemployment / sc.market.reference_unemployment) ** sc.inflow.cycle_elasticity
        means = np.outer(scale, [getattr(sc.inflow, s.name.lower()) for s in INFLOW_STATES])
        counts = self.streams.generator("inflow").poisson(means)  # weeks × entry states
        self.inflow_counts: np.ndarray = counts.sum(axis=1)
        newcomers = np.repeat(np.tile(np.array(INFLOW_STATES, dtype=np.int8), self.n_weeks), counts.ravel())
        arrival = np.repeat(np.arange(self.n_weeks), self.inflow_counts)
        self.citizens = c = CitizenArrays(initial.size + newcomers.size, self.n_weeks)
        rng = self.streams.generator("population")
        first = c.reserve(initial.size)
        if pre is None:
            spell = np.where(initial == State.SICKNESS, b.sickness_limit_weeks, WEEKS_PER_YEAR)
            draw_attributes(
                c,
                first,
                initial,
                0,
                rng,
                initial=True,
                max_spell_weeks=spell,
                pension_age=b.pension_age,
                move_away_weekly=b.move_away_weekly,
            )
        draw_attributes(
            c,
            c.reserve(newcomers.size),
            newcomers,
            arrival,
            rng,
            initial=False,
            pension_age=b.pension_age,
            move_away_weekly=b.move_away_weekly,
        )
        if pre is not None:
            drawn = np.arange(initial.size, c.size)
            c.effort[drawn] = self.effort_floor_of_state[c.state[drawn]]
            set_settle_week(self, drawn)
            update_capacity(self, drawn)
            burn_in.place(self, pre, first)
            self.arrive(initial.size)
            self._finish_population()
            return
        everyone = np.arange(c.size)
        update_capacity(self, everyone)
        if not self.education_benefit(0):
            before_education_benefit(self, first)
        c.effort[everyone] = self.effort_floor_of_state[c.state[everyone]]
        set_settle_week(self, everyone)
        # initial citizens under assessment are somewhere in it, not all at its start
        assessing = first[(c.state[first] == State.ACTIVITY_READY) & (c.capacity[first] < b.clarify_capacity)]
        c.assessment[assessing] = np.floor(rng.random(assessing.size) * b.assessment_meetings)
        self.arrive(initial.size)
        self._finish_population()

    def _finish_population(self) -> None:
        """Record the starting states and index who leaves in which week."""
        c = self.citizens
        c.history[0, : c.n] = c.state[: c.n]
        # who leaves in which week is known now: citizens by leaving week (not before arrival)
        leaving = np.maximum(c.leave_week, c.entry_week)
        #: Citizens by the week they leave, and where each week's leavers start in that order.
        self.leavers = np.argsort(leaving, kind="stable")
        self.leavers_from = np.searchsorted(leaving[self.leavers], np.arange(self.n_weeks + 1))

    def arrive(self, count: int) -> np.ndarray:
        """Let the next ``count`` drawn citizens enter the model."""
        ids = self.citizens.arrive(count)
        if self.agent_views:
            self._citizen_views.update((int(i), Citizen(self, int(i))) for i in ids)
        return ids

    # ------------------------------------------------------------------ public queries
    def strategy_active(self, week: int | None = None) -> bool:
        """True if the strategy's levers are on in ``week`` (default: the current week)."""
        w = self.week if week is None else week
        return self.period[0] <= w < self.period[1]

    def year_of(self, week: int) -> int:
        """Calendar year of a week index."""
        return self.params.start_year + week // WEEKS_PER_YEAR

    def weeks_on_benefit(self, ids: np.ndarray) -> np.ndarray:
        """Cumulative refund weeks of citizens ``ids`` as of the last simulated week."""
        c = self.citizens
        on = IS_BENEFIT[c.state[ids]]
        return np.where(on, c.refund_weeks(ids, self.week - 1), c.wob_base[ids])

    def citizen(self, index: int) -> Citizen:
        """The citizen with index (and ``unique_id``) ``index`` (made on first use without agent views)."""
        if not 0 <= index < self.citizens.n:
            raise IndexError(f"no citizen {index}; there are {self.citizens.n}")
        view = self._citizen_views.get(index)
        if view is None:
            view = self._citizen_views[index] = Citizen(self, index)
            if self.citizens.state[index] == State.GONE:
                view.remove()  # readable, but not among the agents present
        return view

    def cases_of(self, slot: int) -> np.ndarray:
        """Ids of the citizens assigned to caseworker ``slot``."""
        c = self.citizens
        return np.flatnonzero((c.caseworker[: c.n] == slot) & IS_CASE[c.state[: c.n]])

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """Simulate one week: the rules of :data:`WEEK`, in order."""
        if self.week >= self.n_weeks:
            self.running = False
            return
        w = self.week
        levers = Levers.in_week(self.params.strategy, self.strategy_active(w))
        week = Week(index=w, year=self.year_of(w), levers=levers)
        for rule in WEEK:
            rule(self, week)
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False

    def budget_year(self, year: int) -> BudgetYear:
        """Benefit rates and the refund rule in force in ``year`` (resolved once per year)."""
        if year not in self._budget_years:
            self._budget_years[year] = budget_year(self.params.budget, year)
        return self._budget_years[year]

    def remove_agents_gone(self, gone: np.ndarray) -> None:
        """Take the citizens of mask ``gone`` out of Mesa's agent set (their views stay readable)."""
        for i in np.flatnonzero(gone):
            view = self._citizen_views.get(int(i))
            if view is not None:
                view.remove()

    def run(self) -> RunResult:
        """Run to the end of the horizon and return the result."""
        while self.running and self.week < self.n_weeks:
            self.step()
        fate = self.group_fate(State.ACTIVITY_READY, *self.period)
        return RunResult.from_records(self.params, self.records, fate)

    def group_fate(self, state: State, start: int, end: int) -> dict[str, int]:
        """Everyone in ``state`` at some point of weeks [start, end), by their state at the end.

        "At some point" counts the state at the start of week ``start`` and at the end of every
        week of the period; "at the end" is the state at the end of week ``end - 1``. Empty if
        the period has not ended yet (or is empty).
        """
        end = min(end, self.n_weeks)
        if not 0 <= start < end <= self.week:
            return {}
        history, n = self.citizens.history, self.citizens.n
        was = np.zeros(n, dtype=bool)
        for row in range(start, end + 1):  # a row at a time: a national run has millions of citizens
            was |= history[row, :n] == state
        counts = np.bincount(history[end, :n][was].astype(np.int64), minlength=N_STATES)
        return {name: int(counts[i]) for i, name in enumerate(STATE_NAMES)}

    def result_so_far(self) -> RunResult:
        """The weeks simulated so far (``self.week`` rows), e.g. to plot a run while it steps."""
        full = RunResult.from_records(self.params, self.records)
        return RunResult(full.scenario, full.weekly.iloc[: self.week], full.flows[: self.week])
