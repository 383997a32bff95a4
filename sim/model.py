"""The municipality: a Mesa model that advances citizens, caseworkers and employers a week a step.

Activation is simultaneous: every transition in week ``w`` is decided from the state at the end
of week ``w - 1`` (plus this week's meetings, which are themselves allocated from that state).
A citizen makes at most one state change a week; competing changes are resolved in the fixed
order of :data:`TRANSITION_ORDER`. See ``docs/ODD.md``.
"""

import logging

import mesa
import numpy as np

from agents.caseworkers import VACANT, CaseworkerArrays, allocate_meetings, assign_cases
from agents.citizens import (
    NEVER,
    PROFILES,
    PROGRAMME_COURSE,
    PROGRAMME_INTERNSHIP,
    PROGRAMME_NONE,
    Citizen,
    CitizenArrays,
    draw_attributes,
)
from agents.employers import Employer, EmployerArrays
from sim.budget import LINE_INDEX, LINES, refund_share, weekly_rates
from sim.cycle import BusinessCycle
from sim.results import RunResult
from sim.scenario import WEEKS_PER_YEAR, Scenario
from sim.states import (
    IS_BENEFIT,
    IS_CASE,
    IS_SELF_SUPPORT,
    N_STATES,
    TEAM_NAMES,
    TEAM_OF_STATE,
    State,
    Team,
)
from sim.streams import RandomStreams

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
MAX_EFFORT_AGE = 520  # weeks after which decayed effort is taken as the floor
SICKNESS_REFERENCE_HEALTH = 0.3  # mean health barrier of the sick-listed (PROFILES)


class Municipality(mesa.Model):
    """A Danish municipality's employment services, one week per step.

    Args:
        scenario: Validated scenario.
        seed: Overrides ``scenario.seed``; an int or a ``numpy.random.SeedSequence``.
        agent_views: Create a :class:`Citizen` Mesa agent for every citizen as they enter (what a
            notebook wants: ``model.agents_by_type[Citizen]`` holds everyone). Experiments turn
            this off for speed; results are identical, and :meth:`citizen` still returns a view
            made on demand.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | np.random.SeedSequence | None = None,
        *,
        agent_views: bool = True,
    ) -> None:
        root = (
            seed
            if isinstance(seed, np.random.SeedSequence)
            else np.random.SeedSequence(scenario.seed if seed is None else seed)
        )
        mesa_seq, stream_seq = root.spawn(2)
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
        self.employer_agents = [Employer(self, i) for i in range(self.employers.n)]
        #: Demand multiplier of every firm in every week (weeks × firms), and the lay-off factor.
        self._firm_demand = self.cycle.demand[:, None] ** self.employers.sensitivity[None, :]
        self._layoff_factor = self._firm_demand**-scenario.market.layoff_cycle_elasticity

        self.agent_views = agent_views
        self._citizen_views: dict[int, Citizen] = {}
        self._draw_population()

        self.caseworkers = CaseworkerArrays(scenario.staff, self._extra_slots(), Team[st.team.upper()])
        self.caseworkers.hire(self, np.flatnonzero(self.caseworkers.active))
        self._rates_by_year = {}
        self._decay = self._relapse_decay_table()
        b = scenario.behaviour
        self._retention = b.effort_retention ** np.arange(MAX_EFFORT_AGE + 1)
        self._earnings_total = 0.0
        self._records = _Records(self.n_weeks)
        log.debug(
            "municipality %s: %d citizens, %d caseworker slots, %d employers",
            scenario.name,
            self.citizens.n,
            self.caseworkers.n,
            self.employers.n,
        )

    # ------------------------------------------------------------------ set-up helpers
    def _extra_slots(self) -> int:
        st = self.params.strategy
        n = st.extra_caseworkers
        if st.target_caseload > 0:
            team = Team[st.team.upper()]
            cases = int(np.sum(TEAM_OF_STATE[self.citizens.state[: self.citizens.n]] == team))
            base = int(np.sum(self._base_team_sizes() == team))
            n = max(n, int(np.ceil(cases / st.target_caseload)) - base)
        return n

    def _base_team_sizes(self) -> np.ndarray:
        s = self.params.staff
        return np.array(
            [Team.ACTIVITY_READY] * s.caseworkers_activity_ready
            + [Team.JOB_READY] * s.caseworkers_job_ready
            + [Team.SICKNESS] * s.caseworkers_sickness
        )

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
        self._arrive(initial.size)
        c.history[0, : c.n] = c.state[: c.n]

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
        running = np.maximum(self.week - c.benefit_since[ids], 0)
        return c.wob_base[ids] + np.where(on, running, 0)

    def citizen(self, index: int) -> Citizen:
        """The citizen agent with array index ``index`` (made on first use without agent views)."""
        if not 0 <= index < self.citizens.n:
            raise IndexError(f"no citizen {index}; there are {self.citizens.n}")
        view = self._citizen_views.get(index)
        if view is None:
            view = self._citizen_views[index] = Citizen(self, index)
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
        self._move(np.flatnonzero((c.leave_week[:n] <= w) & (old != State.GONE)), State.GONE)

        case = np.flatnonzero(IS_CASE[old] & ~self._moved)
        self._assign(case, on)
        met = self._meetings(case, w, on, rec)
        self._met = np.zeros(n, dtype=bool)
        self._met[met] = True
        demand = self.cycle.demand[w]
        self._job_finding(case, old, w, on, demand, rec)
        self._sickness(case, old, w)
        self._meeting_decisions(met, old, w, on)
        self._resource_course_end(case, old, w)
        self._education(case, old, met, w)
        self._other_self_support(case, old, w)
        self._relapse(w)
        self._meeting_effects(met, w, on, rec)
        self._programmes(case, w, on)
        self._barrier_shocks(case, w)
        self._update_capacity(case)
        self._commit(old, w, on)
        self._budget(w, on, rec, newcomers)
        rec.stocks[w] = np.bincount(self._new, minlength=N_STATES)
        rec.flows[w] = np.bincount(
            old[self._moved].astype(np.int64) * N_STATES + self._new[self._moved],
            minlength=N_STATES * N_STATES,
        ).reshape(N_STATES, N_STATES)
        rec.unemployment[w] = self.cycle.unemployment[w]
        c.history[w + 1, :n] = self._new
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False

    def run(self) -> RunResult:
        """Run to the end of the horizon and return the result."""
        while self.running and self.week < self.n_weeks:
            self.step()
        return RunResult.from_records(self.params, self._records)

    # ------------------------------------------------------------------ pieces of the week
    def _move(self, ids: np.ndarray, to: State | np.ndarray) -> np.ndarray:
        """Record a state change for those of ``ids`` not already changed this week."""
        free = ~self._moved[ids]
        ids = ids[free]
        self._new[ids] = to if np.isscalar(to) else np.asarray(to)[free]
        self._moved[ids] = True
        return ids

    def _staffing(self, w: int, on: bool) -> None:
        """Quits, refills of vacant slots, and the strategy's extra caseworkers coming and going."""
        cw = self.caseworkers
        u = self.streams.uniform("caseworker_turnover", w, np.arange(cw.n))
        quits = np.flatnonzero(cw.active & (u < cw.quit_hazard()))
        if quits.size:
            cw.leave(quits, w + self.params.staff.vacancy_weeks)
        refill = np.flatnonzero(~cw.active & (cw.refill_week == w) & (~cw.is_extra | on))
        if w == self._period[0]:
            refill = np.flatnonzero(~cw.active & (cw.is_extra | (cw.refill_week == w)))
        if refill.size:
            cw.hire(self, refill)
        if w == self._period[1]:
            ending = np.flatnonzero(cw.is_extra & cw.active)
            cw.leave(ending, VACANT)
        self._records.quits[w] = quits.size

    def _inflow(self, w: int, on: bool) -> np.ndarray:
        """This week's new claimants (drawn in advance) arrive; screened if the lever is on."""
        ids = self._arrive(int(self._inflow_counts[w]))
        if on and self.params.strategy.screening_triage:
            self.citizens.screened[ids] = True
        return ids

    def _assign(self, case: np.ndarray, on: bool) -> None:
        c, cw = self.citizens, self.caseworkers
        slot = c.caseworker[case]
        team_needed = TEAM_OF_STATE[c.state[case]]
        valid = slot >= 0
        valid[valid] = cw.active[slot[valid]]
        integrated = on and self.params.strategy.integrated_casework
        if not integrated:
            valid[valid] = cw.team[slot[valid]] == team_needed[valid]
        cw.caseload[:] = np.bincount(slot[valid], minlength=cw.n)
        need = case[~valid]
        if need.size:
            had = c.caseworker[need] >= 0
            new_slot = assign_cases(need, team_needed[~valid], cw)
            c.caseworker[need] = new_slot
            c.rapport[need] = 0.0
            c.n_caseworker_changes[need[had]] += 1
            ok = new_slot >= 0
            cw.caseload += np.bincount(new_slot[ok], minlength=cw.n)

    def _meetings(self, case: np.ndarray, w: int, on: bool, rec: "_Records") -> np.ndarray:
        c, cw, s = self.citizens, self.caseworkers, self.params.staff
        slot = c.caseworker[case]
        since = w - c.last_meeting[case]
        early = (w - c.spell_start[case]) < s.legal_first_period_weeks
        interval = np.where(early, s.legal_interval_first_weeks, s.legal_interval_later_weeks)
        eligible = (slot >= 0) & (since >= s.min_weeks_between_meetings)
        b = self.params.behaviour
        assessing = (c.state[case] == State.ACTIVITY_READY) & (c.capacity[case] < b.clarify_capacity)
        minutes = np.where(assessing, s.assessment_meeting_minutes, s.meeting_minutes)
        pick = np.flatnonzero(eligible)
        met_mask = allocate_meetings(
            slot[pick], since[pick], since[pick] >= interval[pick], minutes[pick], cw.minutes_per_week
        )
        met = case[pick[met_mask]]
        cw.meetings[:] = np.bincount(c.caseworker[met], minlength=cw.n)
        rec.meetings[w] = met.size
        rec.meetings_by_team[w] = np.bincount(cw.team, weights=cw.meetings, minlength=len(Team))
        rec.case_citizens[w] = case.size
        rec.overdue[w] = int(np.sum(since >= interval))
        rec.cases_by_team[w] = np.bincount(cw.team, weights=cw.caseload, minlength=len(Team))
        rec.caseworkers_by_team[w] = cw.active_by_team()
        return met

    def _effort(self, ids: np.ndarray, w: int) -> np.ndarray:
        c, b = self.citizens, self.params.behaviour
        age = np.minimum(w - c.effort_week[ids], MAX_EFFORT_AGE)
        return b.effort_floor + (c.effort[ids] - b.effort_floor) * self._retention[age]

    def _exit_to_job(self, ids: np.ndarray, firms: np.ndarray) -> None:
        keep = ~self._moved[ids]
        moved_ids = self._move(ids[keep], State.SELF_SUPPORTING)
        c, bud = self.citizens, self.params.budget
        c.employer[moved_ids] = firms[keep]
        c.earnings[moved_ids] = (
            bud.annual_earnings_dkk / WEEKS_PER_YEAR * np.maximum(c.capacity[moved_ids], bud.part_time_floor)
        )
        np.add.at(self.employers.hires, firms[keep], 1)

    def _job_finding(
        self, case: np.ndarray, old: np.ndarray, w: int, on: bool, demand: float, rec: "_Records"
    ) -> None:
        sc, c = self.params, self.citizens
        b, m, eff = sc.behaviour, sc.market, sc.effects
        factor = np.asarray(b.job_search_factor)[old[case]]
        seek = case[factor > 0]
        factor = factor[factor > 0]
        vacancies = self.employers.draw_vacancies(
            self._firm_demand[w], m.hire_rate_weekly, self.streams.generator("employer_demand")
        )
        total_v = float(vacancies.sum())
        enterprise = on and sc.strategy.enterprise_oriented
        willingness = eff.enterprise_willingness if enterprise else 1.0
        intern = c.programme[seek] == PROGRAMME_INTERNSHIP
        strength = (
            factor
            * self._effort(seek, w)
            * c.capacity[seek] ** m.capacity_exponent
            * willingness
            * np.where(intern, b.internship_hire_multiplier, 1.0)
        )
        ordinary = self.cycle.unemployment[w] / 100 * sc.population.labour_force * m.ordinary_unemployed_share
        p = -np.expm1(-total_v * strength / (ordinary + strength.sum()))
        hired = self.streams.uniform("job_finding", w, seek) < p
        ids = seek[hired]
        firms = self.employers.pick(vacancies, self.streams.uniform("employer_choice", w, ids))
        own = c.programme[ids] == PROGRAMME_INTERNSHIP
        firms[own] = c.employer[ids[own]]
        self._exit_to_job(ids, firms)
        # internships ending this week may turn into a job at the host firm
        ending = case[(c.programme[case] == PROGRAMME_INTERNSHIP) & (c.programme_end[case] == w)]
        conv = m.internship_conversion * self._firm_demand[w, c.employer[ending]]
        if enterprise:
            conv = conv * eff.enterprise_conversion_multiplier
        if on and sc.strategy.supplier_monitoring:
            conv = conv * eff.monitoring_programme_multiplier
        converted = ending[self.streams.uniform("programme", w, ending, draw=1) < np.minimum(conv, 1.0)]
        self._exit_to_job(converted, c.employer[converted].copy())
        rec.vacancies[w] = total_v
        rec.ordinary_unemployed[w] = ordinary

    def _sickness(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        sick = case[old[case] == State.SICKNESS]
        p = b.sickness_recovery_weekly * (1 - c.health[sick]) / (1 - SICKNESS_REFERENCE_HEALTH)
        recovered = sick[self.streams.uniform("sickness", w, sick) < p]
        to_job = self.streams.uniform("sickness", w, recovered, draw=1) < b.sickness_employed_share
        firms = self.employers.pick(
            self.employers.size, self.streams.uniform("employer_choice", w, recovered[to_job], draw=1)
        )
        self._exit_to_job(recovered[to_job], firms)
        self._move(recovered[~to_job], State.JOB_READY)
        long = sick[(w - c.spell_start[sick]) >= b.sickness_limit_weeks]
        self._move(long, State.RESOURCE_COURSE)  # jobafklaringsforløb, modelled as a resource course

    def _permanent_decision(self, ids: np.ndarray, w: int, fallback: State) -> np.ndarray:
        """Outcome of a completed work-capacity assessment: pension, flex job, resource course."""
        c, b = self.citizens, self.params.behaviour
        cap = c.capacity[ids]
        age = (w - c.birth_week[ids]) / 52
        found = self.streams.uniform("assessment", w, ids) < b.flex_job_found
        dest = np.full(ids.size, fallback, dtype=np.int8)
        dest[(cap >= b.flex_capacity) & found] = State.FLEX_JOB
        dest[(cap < b.pension_capacity) & (age >= b.pension_min_age)] = State.DISABILITY_PENSION
        dest[cap >= b.job_ready_capacity] = State.JOB_READY
        return dest

    def _meeting_decisions(self, met: np.ndarray, old: np.ndarray, w: int, on: bool) -> None:
        c, sc = self.citizens, self.params
        b, eff = sc.behaviour, sc.effects
        ar = met[old[met] == State.ACTIVITY_READY]
        assessing = ar[c.capacity[ar] < b.clarify_capacity]
        gain = np.ones(assessing.size)
        team = (on and sc.strategy.screening_triage) & c.screened[assessing] & (c.assessment[assessing] == 0)
        team &= self._mean_barrier(assessing) >= eff.screening_risk_threshold
        gain[team] = eff.team_assessment_speedup
        c.health[assessing[team]] = np.maximum(c.health[assessing[team]] - eff.team_health_reduction, 0)
        self._records.team_assessments[w] = int(team.sum())
        c.assessment[assessing] += gain
        done = assessing[c.assessment[assessing] >= b.assessment_meetings]
        c.assessment[done] = 0.0
        self._move(done, self._permanent_decision(done, w, State.RESOURCE_COURSE))
        up = ar[c.capacity[ar] >= b.job_ready_capacity]
        self._move(up, State.JOB_READY)
        jr = met[old[met] == State.JOB_READY]
        self._move(jr[c.capacity[jr] < b.activity_ready_capacity], State.ACTIVITY_READY)

    def _resource_course_end(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        rc = case[old[case] == State.RESOURCE_COURSE]
        ending = rc[(w - c.spell_start[rc]) >= b.resource_course_weeks]
        dest = self._permanent_decision(ending, w, State.ACTIVITY_READY)
        self._move(ending, dest)

    def _education(self, case: np.ndarray, old: np.ndarray, met: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        er = case[old[case] == State.EDUCATION_READY]
        p = b.education_start_weekly * np.where(self._met[er], b.education_meeting_multiplier, 1.0)
        self._move(er[self.streams.uniform("education", w, er) < p], State.EDUCATION)
        aged = er[(w - c.birth_week[er]) / 52 >= b.education_ready_max_age]
        dest = np.where(
            c.capacity[aged] >= b.activity_ready_capacity, State.JOB_READY, State.ACTIVITY_READY
        ).astype(np.int8)
        self._move(aged, dest)

    def _other_self_support(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        b = self.params.behaviour
        at_risk = case[old[case] != State.SICKNESS]
        u = self.streams.uniform("self_support", w, at_risk)
        self._move(at_risk[u < b.other_self_support_weekly], State.SELF_SUPPORTING)

    def _mean_barrier(self, ids: np.ndarray) -> np.ndarray:
        c = self.citizens
        return (c.health[ids] + c.social[ids] + c.skills[ids]) / 3

    def _relapse(self, w: int) -> None:
        """Former recipients whose scheduled relapse week has come return to benefit."""
        c, b = self.citizens, self.params.behaviour
        back = np.flatnonzero(c.relapse_week[: c.n] == w)
        age = (w - c.birth_week[back]) / 52
        dest = np.where(c.capacity[back] < b.activity_ready_capacity, State.ACTIVITY_READY, State.JOB_READY)
        dest = np.where(age < b.education_ready_max_age, State.EDUCATION_READY, dest)
        was_sick = (c.last_benefit[back] == State.SICKNESS) & (c.employer[back] >= 0)
        dest = np.where(was_sick, State.SICKNESS, dest).astype(np.int8)
        back = self._move(back, dest)
        laid_off = back[c.employer[back] >= 0]
        np.add.at(self.employers.layoffs, c.employer[laid_off], 1)

    def _schedule_relapse(self, ids: np.ndarray, w: int) -> None:
        """Draw the week in which citizens who exited in week ``w`` will return to benefit.

        The relapse hazard ``h`` (per week) of each later week is known at exit: it depends on
        the time since exit, the barriers (which do not change out of benefit), the employer's
        demand over the (exogenous) business cycle, and follow-up. The citizen relapses in the
        first week in which the cumulative hazard reaches ``E ~ Exp(1)``, so the chance of a
        relapse in a week is ``1 - exp(-h)``. ``E`` is keyed by (exit week, citizen).
        """
        c, sc = self.citizens, self.params
        b = sc.behaviour
        c.relapse_week[ids] = NEVER
        horizon = self.n_weeks - 1 - w
        if ids.size == 0 or horizon <= 0:
            return
        k = np.arange(1, horizon + 1)
        base = b.relapse_weekly * (1 + b.relapse_barrier_gain * self._mean_barrier(ids))
        h = base[:, None] * self._decay[k][None, :]
        firm = c.employer[ids]
        job = firm >= 0
        h[job] *= self._layoff_factor[w + 1 :, firm[job]].T
        followed = c.followup_until[ids] > w
        if followed.any():
            covered = k[None, :] <= (c.followup_until[ids[followed]] - w)[:, None]
            h[followed] *= np.where(covered, sc.effects.followup_relapse_multiplier, 1.0)
        sick = (c.last_benefit[ids] == State.SICKNESS) & job
        h[sick] = (b.sickness_relapse_weekly * (1 + b.relapse_barrier_gain * c.health[ids[sick]]))[:, None]
        h[self._new[ids] == State.EDUCATION] = b.education_dropout_weekly
        hazard = np.cumsum(h, axis=1)
        threshold = -np.log1p(-self.streams.uniform("relapse", w, ids))
        hit = hazard >= threshold[:, None]
        first = hit.argmax(axis=1)
        ever = hit[np.arange(ids.size), first]
        c.relapse_week[ids] = np.where(ever, w + 1 + first, NEVER)

    def _meeting_effects(self, met: np.ndarray, w: int, on: bool, rec: "_Records") -> None:
        c, sc = self.citizens, self.params
        b, eff, st = sc.behaviour, sc.effects, sc.strategy
        m = met[IS_CASE[self._new[met]]]
        cont = b.continuity_floor + (1 - b.continuity_floor) * c.rapport[m]
        e = self._effort(m, w)
        c.effort[m] = e + (1 - e) * b.meeting_effort_boost * cont
        c.effort_week[m] = w
        c.rapport[m] += (1 - c.rapport[m]) * b.rapport_gain
        cut = b.barrier_reduction_per_meeting * cont
        social_cut = cut * (eff.integrated_social_multiplier if on and st.integrated_casework else 1.0)
        c.health[m] = np.maximum(c.health[m] - cut, 0)
        c.social[m] = np.maximum(c.social[m] - social_cut, 0)
        c.skills[m] = np.maximum(c.skills[m] - cut, 0)
        c.last_meeting[m] = w
        c.n_meetings[m] += 1
        # referrals to programmes
        free = m[c.programme[m] == PROGRAMME_NONE]
        state = self._new[free]
        more = st.more_offers if on else 1.0
        course_ok = (state == State.JOB_READY) | (state == State.EDUCATION_READY)
        if on and st.courses_for_activity_ready:
            course_ok |= state == State.ACTIVITY_READY
        intern_ok = (state <= State.EDUCATION_READY) & (c.capacity[free] >= b.internship_min_capacity)
        p_intern = b.internship_probability * more * intern_ok
        if on and st.enterprise_oriented:
            p_intern = p_intern * eff.enterprise_internship_multiplier
        p_course = b.course_probability * more * course_ok
        u = self.streams.uniform("programme", w, free)
        to_intern = free[u < p_intern]
        to_course = free[(u >= p_intern) & (u < p_intern + p_course)]
        c.programme[to_course] = PROGRAMME_COURSE
        c.programme_end[to_course] = w + b.course_weeks
        c.programme[to_intern] = PROGRAMME_INTERNSHIP
        c.programme_end[to_intern] = w + b.internship_weeks
        firms = self.employers.pick(
            self.employers.size, self.streams.uniform("employer_choice", w, to_intern, draw=2)
        )
        c.employer[to_intern] = firms
        np.add.at(self.employers.internships, firms, 1)

    def _programmes(self, case: np.ndarray, w: int, on: bool) -> None:
        c, sc = self.citizens, self.params
        b = sc.behaviour
        gain = sc.effects.monitoring_programme_multiplier if on and sc.strategy.supplier_monitoring else 1.0
        active = case[c.programme[case] != PROGRAMME_NONE]
        course = active[c.programme[active] == PROGRAMME_COURSE]
        e = self._effort(course, w)
        c.effort[course] = np.minimum(e + b.course_effort_gain * gain, 1.0)
        c.effort_week[course] = w
        c.skills[course] = np.maximum(c.skills[course] - b.course_skills_reduction * gain, 0)
        self._records.in_course[w] = course.size
        self._records.in_internship[w] = active.size - course.size
        ended = active[c.programme_end[active] <= w]
        c.programme[ended] = PROGRAMME_NONE
        intern_ended = ended[self._new[ended] != State.SELF_SUPPORTING]
        c.employer[intern_ended] = -1

    def _barrier_shocks(self, case: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        hit = case[self.streams.uniform("barrier_shock", w, case) < b.barrier_shock_weekly]
        domain = (self.streams.uniform("barrier_shock", w, hit, draw=1) * 3).astype(np.int64)
        for d, col in enumerate((c.health, c.social, c.skills)):
            ids = hit[domain == d]
            col[ids] = np.minimum(col[ids] + b.barrier_shock_size, 1.0)

    def _commit(self, old: np.ndarray, w: int, on: bool) -> None:
        """Write this week's state changes and their bookkeeping."""
        c, sc = self.citizens, self.params
        changed = np.flatnonzero(self._moved & (self._new != old))
        prev, new = old[changed], self._new[changed]
        c.spell_start[changed] = w
        leaving_benefit = changed[IS_BENEFIT[prev] & ~IS_BENEFIT[new]]
        c.wob_base[leaving_benefit] += w - c.benefit_since[leaving_benefit]
        c.settle_week[leaving_benefit] = NEVER
        job_left = changed[prev == State.SELF_SUPPORTING]
        job_started = changed[new == State.SELF_SUPPORTING]
        self._earnings_total += float(c.earnings[job_started].sum(dtype=np.float64))
        self._earnings_total -= float(c.earnings[job_left].sum(dtype=np.float64))
        exits = changed[IS_CASE[prev] & IS_SELF_SUPPORT[new]]
        c.exit_week[exits] = w
        c.n_exits[exits] += 1
        c.last_benefit[exits] = old[exits]
        if on and sc.strategy.relapse_followup:
            c.followup_until[exits] = w + sc.effects.followup_weeks
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
        c.assessment[left_case] = 0
        c.programme[left_case] = PROGRAMME_NONE
        c.state[: self._new.size] = self._new

    def _enter_benefit(self, ids: np.ndarray, w: int) -> None:
        """Start a benefit period; apply the refund reset rule (52 self-supported weeks in 156)."""
        c, bud = self.citizens, self.params.budget
        lo = max(w + 1 - bud.refund_reset_window_weeks, 1)
        window = c.history[lo : w + 1, ids]
        self_supported = IS_SELF_SUPPORT[window.clip(0)].sum(axis=0) if window.size else 0
        reset = np.asarray(self_supported) >= bud.refund_reset_weeks
        c.wob_base[ids[reset]] = 0
        c.benefit_since[ids] = w
        self._set_settle_week(ids)
        c.effort[ids] = self.params.behaviour.effort_floor
        c.effort_week[ids] = w

    def _budget(self, w: int, on: bool, rec: "_Records", newcomers: np.ndarray) -> None:
        sc, c, cw = self.params, self.citizens, self.caseworkers
        bud, st = sc.budget, sc.strategy
        year = self.year_of(w)
        if year not in self._rates_by_year:
            self._rates_by_year[year] = weekly_rates(bud, year)
        rates = self._rates_by_year[year]
        lines = rec.lines[w]
        counts = np.bincount(self._new, minlength=N_STATES)
        for state in (
            State.JOB_READY,
            State.ACTIVITY_READY,
            State.EDUCATION_READY,
            State.SICKNESS,
            State.RESOURCE_COURSE,
            State.FLEX_JOB,
            State.DISABILITY_PENSION,
        ):
            lines[LINE_INDEX[f"benefit_{state.name.lower()}"]] = counts[state] * rates[state]
        total_benefits = float(counts @ rates)
        if year >= bud.refund_reform_year:
            # everyone in the last band gets its rate; those not yet there add the difference
            last_rate = bud.refund_rates[-1]
            young = np.flatnonzero(c.settle_week[: c.n] > w)
            wob = c.wob_base[young] + (w - c.benefit_since[young]) + 1
            extra = rates[self._new[young]] @ (refund_share(wob, bud) - last_rate)
            lines[LINE_INDEX["refund"]] = last_rate * total_benefits + float(extra)
        else:
            lines[LINE_INDEX["refund"]] = bud.pre_reform_refund_rate * total_benefits
        case_now = np.flatnonzero(IS_CASE[self._new])
        if case_now.size:
            case_wob = c.wob_base[case_now] + (w - c.benefit_since[case_now]) + 1
            rec.mean_weeks_on_benefit[w] = float(case_wob.mean())
        salary = sc.staff.annual_cost_dkk / WEEKS_PER_YEAR
        lines[LINE_INDEX["staff_base"]] = np.sum(cw.active & ~cw.is_extra) * salary
        lines[LINE_INDEX["staff_extra"]] = np.sum(cw.active & cw.is_extra) * salary
        if on and st.enterprise_oriented:
            lines[LINE_INDEX["enterprise_consultants"]] = st.enterprise_consultants * salary
        lines[LINE_INDEX["programme_course"]] = rec.in_course[w] * bud.course_cost_weekly_dkk
        lines[LINE_INDEX["programme_internship"]] = rec.in_internship[w] * bud.internship_cost_weekly_dkk
        if on and st.screening_triage:
            lines[LINE_INDEX["screening"]] = newcomers.size * st.screening_cost_dkk
        lines[LINE_INDEX["team_assessment"]] = rec.team_assessments[w] * st.team_assessment_cost_dkk
        if on and st.integrated_casework:
            lines[LINE_INDEX["integrated_casework"]] = np.sum(cw.active) * st.integrated_cost_weekly_dkk
        if st.relapse_followup:
            rec.followed_up[w] = np.count_nonzero(c.followup_until[: c.n] >= w)
        lines[LINE_INDEX["followup"]] = rec.followed_up[w] * st.followup_cost_weekly_dkk
        if on and st.supplier_monitoring:
            lines[LINE_INDEX["supplier_monitoring"]] = st.monitoring_cost_weekly_dkk
        rec.earnings[w] = self._earnings_total
        flex_earnings = counts[State.FLEX_JOB] * bud.flex_earnings_annual_dkk / WEEKS_PER_YEAR
        lines[LINE_INDEX["tax_income"]] = (rec.earnings[w] + flex_earnings) * bud.municipal_tax_rate


class _Records:
    """Weekly aggregates collected during a run."""

    def __init__(self, n_weeks: int) -> None:
        z = np.zeros
        self.stocks = z((n_weeks, N_STATES), dtype=np.int64)
        self.flows = z((n_weeks, N_STATES, N_STATES), dtype=np.int64)
        self.lines = z((n_weeks, len(LINES)))
        self.unemployment = z(n_weeks)
        self.meetings = z(n_weeks, dtype=np.int64)
        self.case_citizens = z(n_weeks, dtype=np.int64)
        self.overdue = z(n_weeks, dtype=np.int64)
        self.cases_by_team = z((n_weeks, len(Team)))
        self.meetings_by_team = z((n_weeks, len(Team)))
        self.caseworkers_by_team = z((n_weeks, len(Team)), dtype=np.int64)
        self.quits = z(n_weeks, dtype=np.int64)
        self.vacancies = z(n_weeks)
        self.ordinary_unemployed = z(n_weeks)
        self.in_course = z(n_weeks, dtype=np.int64)
        self.in_internship = z(n_weeks, dtype=np.int64)
        self.team_assessments = z(n_weeks, dtype=np.int64)
        self.followed_up = z(n_weeks, dtype=np.int64)
        self.earnings = z(n_weeks)
        self.mean_weeks_on_benefit = z(n_weeks)


__all__ = ["Municipality", "TRANSITION_ORDER", "TEAM_NAMES"]
