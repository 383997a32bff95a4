"""The municipality: a Mesa model that advances citizens, caseworkers and employers a week a step.

Activation is simultaneous: every transition in week ``w`` is decided from the state at the end
of week ``w - 1`` (plus this week's meetings, which are themselves allocated from that state).
A citizen makes at most one state change a week; competing changes are resolved in the fixed
order of :data:`TRANSITION_ORDER`. See ``docs/ODD.md``.
"""

import logging

import mesa
import numpy as np

from ..agents.caseworkers import CaseworkerArrays
from ..agents.citizens import (
    NEVER,
    PROFILES,
    PROGRAMME_NONE,
    Citizen,
    CitizenArrays,
    draw_attributes,
)
from ..agents.employers import Employer, EmployerArrays
from . import kernels
from .accounting import AccountingRules
from .casework import CaseworkRules
from .cycle import BusinessCycle
from .labour_market import LabourMarketRules
from .life_events import LifeEventRules
from .records import WeeklyRecords
from .resources import check_fits
from .results import RunResult
from .scenario import WEEKS_PER_YEAR, Scenario
from .states import (
    IS_BENEFIT,
    IS_CASE,
    IS_SELF_SUPPORT,
    N_STATES,
    TEAM_OF_STATE,
    State,
    Team,
)
from .streams import RandomStreams, fresh_seed_sequence

log = logging.getLogger(__name__)

TRANSITION_ORDER = (
    "leave (moved away, pension age)",
    "job found (hiring, or internship converted to a job)",
    "sickness: recovery, or duration limit → resource course",
    "clarification to disability pension / flex job / resource course",
    "resource course ends (reassessment)",
    "education-ready: starts education, or turns 30",
    "other self-support",
    "reclassification job-ready ↔ activity-ready",
    "relapse after an exit (including lay-off)",
)
INFLOW_STATES = (State.JOB_READY, State.ACTIVITY_READY, State.EDUCATION_READY, State.SICKNESS)
#: What the compiled commit needs (``kernels.commit_changes``): state tables, codes and columns.
COMMIT_TABLES = np.stack([IS_BENEFIT, IS_CASE, IS_SELF_SUPPORT])
COMMIT_CODES = np.array(
    [State.SELF_SUPPORTING, State.EDUCATION, State.GONE, State.SICKNESS, NEVER, PROGRAMME_NONE],
    dtype=np.int64,
)
COMMIT_COLUMNS = (
    "spell_start",
    "assessment",
    "wob_base",
    "benefit_since",
    "settle_week",
    "exit_week",
    "n_exits",
    "last_benefit",
    "followup_until",
    "employer",
    "earnings",
    "programme",
    "n_relapses",
    "relapse_week",
    "caseworker",
)
MAX_EFFORT_AGE = 520  # weeks after which decayed effort is taken as the floor


class Municipality(CaseworkRules, LabourMarketRules, LifeEventRules, AccountingRules, mesa.Model):
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

    Raises:
        ValueError: Both ``seed`` and ``rng`` are given.
        TypeError: ``rng`` is a ``numpy.random.Generator``: its state cannot be split into the
            named streams reproducibly; give the int or SeedSequence it was made from.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | np.random.SeedSequence | None = None,
        *,
        rng: int | np.random.SeedSequence | None = None,
        agent_views: bool = True,
    ) -> None:
        if seed is not None and rng is not None:
            raise ValueError("give either seed or rng (the same thing), not both")
        if isinstance(rng, np.random.Generator):
            raise TypeError("rng must be an int or a numpy.random.SeedSequence, not a Generator")
        seed = rng if seed is None else seed
        check_fits(scenario)  # a scenario too large for memory gets one line, not a MemoryError
        mesa_seq, stream_seq = fresh_seed_sequence(scenario.seed if seed is None else seed).spawn(2)
        super().__init__(rng=np.random.default_rng(mesa_seq))
        self.params = scenario
        self.streams = RandomStreams(stream_seq)
        self.week = 0
        self.n_weeks = scenario.n_weeks
        st = scenario.strategy
        self._period = (scenario.week_of_year(st.start_year), scenario.week_of_year(st.end_year + 1))
        self.cycle = BusinessCycle(
            scenario.cycle,
            scenario.market,
            scenario.start_year,
            self.n_weeks,
            self.streams.generator("cycle"),
        )
        self.employers = EmployerArrays(scenario.market, self.streams.generator("employer_setup"))
        #: Demand multiplier of every firm in every week (weeks × firms), and the lay-off factor.
        self._firm_demand = self.cycle.demand[:, None] ** self.employers.sensitivity[None, :]
        self._layoff_factor = self._firm_demand**-scenario.market.layoff_cycle_elasticity
        self._vacancies = self.employers.draw_vacancies(
            self._firm_demand, scenario.market.hire_rate_weekly, self.streams.generator("employer_demand")
        )

        self.agent_views = agent_views
        self._citizen_views: dict[int, Citizen] = {}
        self._draw_population()
        # Citizens' unique ids are their indices; every other agent's id comes after them.
        self.agent_id_counter = max(self.agent_id_counter, self.citizens.size)
        self.employer_agents = [Employer(self, i) for i in range(self.employers.n)]

        self.caseworkers = CaseworkerArrays(scenario.staff, self._extra_slots(), Team[st.team.upper()])
        self.caseworkers.hire(self, np.flatnonzero(self.caseworkers.active))
        self._rates_by_year = {}
        bud = scenario.budget
        self._refund_first_weeks = np.asarray(bud.refund_band_first_weeks)
        self._refund_above_last = np.asarray(bud.refund_rates) - bud.refund_rates[-1]
        self._decay = self._relapse_decay_table()
        b = scenario.behaviour
        self._retention = b.effort_retention ** np.arange(MAX_EFFORT_AGE + 1)
        self._earnings_total = 0.0
        self._records = WeeklyRecords(self.n_weeks)
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

    def _extra_at_start(self) -> int:
        """Extra caseworkers hired at the strategy start: the count, or enough for the target caseload."""
        st = self.params.strategy
        n = st.extra_caseworkers
        if st.target_caseload > 0:
            cw = self.caseworkers
            staff = int(np.sum(cw.active & ~cw.is_extra & (cw.team == Team[st.team.upper()])))
            n = max(n, int(np.ceil(self._strategy_team_cases() / st.target_caseload)) - staff)
        return min(n, int(np.sum(self.caseworkers.is_extra)))

    def _relapse_decay_table(self) -> np.ndarray:
        b = self.params.behaviour
        k = np.arange(self.n_weeks + 1)
        return b.relapse_floor + (1 - b.relapse_floor) * np.exp(-k / b.relapse_decay_weeks)

    def _draw_population(self) -> None:
        """Draw the initial population and everyone who will arrive during the run.

        Inflow counts are Poisson by week and entry state, ``inflow.<state> · (u / u_ref)^e``.
        They depend only on the business cycle and the ``inflow`` stream, so the whole schedule
        is drawn here, and every run with the same seed sees the same newcomers.
        """
        sc = self.params
        b = sc.behaviour
        pop = sc.population
        initial = np.repeat(
            np.array(list(PROFILES), dtype=np.int8), [getattr(pop, s.name.lower()) for s in PROFILES]
        )
        scale = (self.cycle.unemployment / sc.market.reference_unemployment) ** sc.inflow.cycle_elasticity
        means = np.outer(scale, [getattr(sc.inflow, s.name.lower()) for s in INFLOW_STATES])
        counts = self.streams.generator("inflow").poisson(means)  # weeks × entry states
        self._inflow_counts = counts.sum(axis=1)
        newcomers = np.repeat(np.tile(np.array(INFLOW_STATES, dtype=np.int8), self.n_weeks), counts.ravel())
        arrival = np.repeat(np.arange(self.n_weeks), self._inflow_counts)
        self.citizens = c = CitizenArrays(initial.size + newcomers.size, self.n_weeks)
        rng = self.streams.generator("population")
        common = {"pension_age": b.pension_age, "move_away_weekly": b.move_away_weekly}
        spell = np.where(initial == State.SICKNESS, b.sickness_limit_weeks, WEEKS_PER_YEAR)
        draw_attributes(
            c, c.reserve(initial.size), initial, 0, rng, initial=True, max_spell_weeks=spell, **common
        )
        draw_attributes(c, c.reserve(newcomers.size), newcomers, arrival, rng, initial=False, **common)
        everyone = np.arange(c.size)
        c.effort[everyone] = b.effort_floor
        self._set_settle_week(everyone)
        self._update_capacity(everyone)
        # initial citizens under assessment are somewhere in it, not all at its start
        first = np.arange(initial.size)
        assessing = first[(initial == State.ACTIVITY_READY) & (c.capacity[first] < b.clarify_capacity)]
        c.assessment[assessing] = np.floor(rng.random(assessing.size) * b.assessment_meetings)
        self._arrive(initial.size)
        c.history[0, : c.n] = c.state[: c.n]
        # who leaves in which week is known now: citizens by leaving week (not before arrival)
        leaving = np.maximum(c.leave_week, c.entry_week)
        self._leavers = np.argsort(leaving, kind="stable")
        self._leavers_from = np.searchsorted(leaving[self._leavers], np.arange(self.n_weeks + 1))

    def _arrive(self, count: int) -> np.ndarray:
        """Let the next ``count`` drawn citizens enter the model."""
        ids = self.citizens.arrive(count)
        if self.agent_views:
            self._citizen_views.update((int(i), Citizen(self, int(i))) for i in ids)
        return ids

    def _set_settle_week(self, ids: np.ndarray) -> None:
        """Week from which citizens ``ids`` (on benefit) are in the last refund band."""
        c = self.citizens
        last_band = self.params.budget.refund_band_first_weeks[-1]
        c.settle_week[ids] = c.benefit_since[ids] + last_band - 1 - c.wob_base[ids]

    def _update_capacity(self, ids: np.ndarray) -> None:
        c = self.citizens
        wh, ws, wk = self.params.behaviour.capacity_weights
        lost = wh * c.health[ids] + ws * c.social[ids] + wk * c.skills[ids]
        c.capacity[ids] = np.clip(1.0 - lost, 0.0, 1.0)

    # ------------------------------------------------------------------ public queries
    def strategy_active(self, week: int | None = None) -> bool:
        """True if the strategy's levers are on in ``week`` (default: the current week)."""
        w = self.week if week is None else week
        return self._period[0] <= w < self._period[1]

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
        """Simulate one week."""
        if self.week >= self.n_weeks:
            self.running = False
            return
        w = self.week
        on = self.strategy_active(w)
        rec = self._records
        self._staffing(w, on)
        newcomers = self._inflow(w, on)
        c = self.citizens
        n = c.n
        old = c.state[:n].copy()
        self._new = old.copy()
        self._moved = np.zeros(n, dtype=bool)
        self._move(self._leavers[self._leavers_from[w] : self._leavers_from[w + 1]], State.GONE)

        case = np.flatnonzero(IS_CASE[old] & ~self._moved)
        self._assign(case, w, on)
        met = self._meetings(case, w, rec)
        self._met = np.zeros(n, dtype=bool)
        self._met[met] = True
        self._job_finding(case, old, w, on, rec)
        self._sickness(case, old, w)
        self._meeting_decisions(met, old, w, on)
        self._resource_course_end(case, old, w)
        self._education(case, old, w)
        self._other_self_support(case, old, w)
        self._reclassify(met, old)
        self._relapse(w)
        self._meeting_effects(met, w, on)
        self._programmes(case, w, on)
        self._barrier_shocks(case, w)
        self._update_capacity(case)
        self._commit(old, w, on)
        rec.stocks[w] = np.bincount(self._new, minlength=N_STATES)
        self._budget(w, on, rec, newcomers)
        rec.flows[w] = np.bincount(
            old[self._moved].astype(np.int64) * N_STATES + self._new[self._moved],
            minlength=N_STATES * N_STATES,
        ).reshape(N_STATES, N_STATES)
        rec.unemployment[w] = self.cycle.unemployment[w]
        c.history[w + 1, :n] = self._new
        if self.agent_views:
            self._remove_gone(old)
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False

    def _remove_gone(self, old: np.ndarray) -> None:
        """Take the citizens who left this week out of Mesa's agent set (their views stay readable)."""
        gone = np.flatnonzero((self._new == State.GONE) & (old != State.GONE))
        for i in gone:
            view = self._citizen_views.get(int(i))
            if view is not None:
                view.remove()

    def run(self) -> RunResult:
        """Run to the end of the horizon and return the result."""
        while self.running and self.week < self.n_weeks:
            self.step()
        return RunResult.from_records(self.params, self._records)

    def result_so_far(self) -> RunResult:
        """The weeks simulated so far (``self.week`` rows), e.g. to plot a run while it steps."""
        full = RunResult.from_records(self.params, self._records)
        return RunResult(full.scenario, full.weekly.iloc[: self.week], full.flows[: self.week])

    # ------------------------------------------------------------------ pieces of the week
    def _move(self, ids: np.ndarray, to: State | np.ndarray) -> np.ndarray:
        """Record a state change for those of ``ids`` not already changed this week."""
        free = ~self._moved[ids]
        ids = ids[free]
        self._new[ids] = to if np.isscalar(to) else np.asarray(to)[free]
        self._moved[ids] = True
        return ids

    def _inflow(self, w: int, on: bool) -> np.ndarray:
        """This week's new claimants (drawn in advance) arrive; screened if the lever is on."""
        ids = self._arrive(int(self._inflow_counts[w]))
        if on and self.params.strategy.screening_triage:
            self.citizens.screened[ids] = True
        return ids

    def _effort(self, ids: np.ndarray, w: int) -> np.ndarray:
        c, b = self.citizens, self.params.behaviour
        age = np.minimum(w - c.effort_week[ids], MAX_EFFORT_AGE)
        return b.effort_floor + (c.effort[ids] - b.effort_floor) * self._retention[age]

    def _commit(self, old: np.ndarray, w: int, on: bool) -> None:
        """Write this week's state changes and their bookkeeping."""
        c, sc = self.citizens, self.params
        changed = np.flatnonzero(self._moved & (self._new != old))
        prev, new = old[changed], self._new[changed]
        job_left = changed[prev == State.SELF_SUPPORTING]
        job_started = changed[new == State.SELF_SUPPORTING]
        self._earnings_total += float(c.earnings[job_started].sum(dtype=np.float64))
        self._earnings_total -= float(c.earnings[job_left].sum(dtype=np.float64))
        followup = on and sc.strategy.relapse_followup  # ISU follows up exits from cash-benefit groups
        if kernels.compiled():
            exits, entering = kernels.commit_changes(
                changed,
                old,
                self._new,
                w,
                w + sc.effects.followup_weeks if followup else NEVER,
                COMMIT_TABLES,
                COMMIT_CODES,
                *(getattr(c, name) for name in COMMIT_COLUMNS),
            )
            self._schedule_relapse(exits, w)
            self._enter_benefit(entering, w)
            c.state[: self._new.size] = self._new
            return
        c.spell_start[changed] = w
        c.assessment[changed] = 0  # an assessment belongs to the spell in which it was made
        leaving_benefit = changed[IS_BENEFIT[prev] & ~IS_BENEFIT[new]]
        c.wob_base[leaving_benefit] += w - c.benefit_since[leaving_benefit]
        c.settle_week[leaving_benefit] = NEVER
        exits = changed[IS_CASE[prev] & IS_SELF_SUPPORT[new]]
        c.exit_week[exits] = w
        c.n_exits[exits] += 1
        c.last_benefit[exits] = old[exits]
        if followup:
            followed = exits[old[exits] != State.SICKNESS]
            c.followup_until[followed] = w + sc.effects.followup_weeks
        no_job = exits[self._new[exits] == State.EDUCATION]
        c.employer[no_job] = -1
        c.earnings[no_job] = 0
        other = exits[(self._new[exits] == State.SELF_SUPPORTING) & (c.earnings[exits] == 0)]
        c.employer[other] = -1
        c.programme[exits] = PROGRAMME_NONE
        self._schedule_relapse(exits, w)
        entering = changed[~IS_BENEFIT[prev] & IS_BENEFIT[new] & (new != State.GONE)]
        relapsed = entering[IS_SELF_SUPPORT[old[entering]]]
        c.n_relapses[relapsed] += 1
        c.relapse_week[relapsed] = NEVER
        c.followup_until[relapsed] = NEVER
        self._enter_benefit(entering, w)
        c.employer[relapsed] = -1
        c.earnings[relapsed] = 0
        gone = changed[new == State.GONE]
        c.earnings[gone] = 0
        c.employer[gone] = -1
        c.relapse_week[gone] = NEVER
        c.followup_until[gone] = NEVER
        left_case = changed[IS_CASE[prev] & ~IS_CASE[new]]
        c.caseworker[left_case] = -1
        c.programme[left_case] = PROGRAMME_NONE
        to_permanent = left_case[~IS_SELF_SUPPORT[self._new[left_case]]]
        c.employer[to_permanent] = -1  # an internship host is not kept into flex job or pension
        c.state[: self._new.size] = self._new

    def _enter_benefit(self, ids: np.ndarray, w: int) -> None:
        """Start a benefit period; apply the refund reset rule (52 self-supported weeks in 156)."""
        c, bud = self.citizens, self.params.budget
        lo = max(w + 1 - bud.refund_reset_window_weeks, 1)
        if kernels.compiled():
            self_supported = kernels.weeks_in_states(c.history, lo, w + 1, ids, IS_SELF_SUPPORT)
        else:
            window = c.history[lo : w + 1, ids]
            self_supported = IS_SELF_SUPPORT[window.clip(0)].sum(axis=0) if window.size else 0
        reset = np.asarray(self_supported) >= bud.refund_reset_weeks
        c.wob_base[ids[reset]] = 0
        c.benefit_since[ids] = w
        self._set_settle_week(ids)
        c.effort[ids] = self.params.behaviour.effort_floor
        c.effort_week[ids] = w
