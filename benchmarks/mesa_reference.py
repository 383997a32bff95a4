"""The engine's weekly rules written the way a Mesa user would: one agent object per person and firm.

This is a *reference* for :class:`raaderum.sim.model.Municipality`, to compare against, not to use. The
engine keeps every citizen's state in numpy arrays and updates them vectorised each week; here every
citizen, caseworker and employer is a :class:`mesa.Agent` with plain Python attributes and its own
``step()``, and the model drives them with ``AgentSet.do`` / ``shuffle_do`` (Mesa 3 idioms:
``self.agents_by_type[Cls]``, ``agent.remove()`` when a citizen leaves, ``self.random`` and ``self.rng``
for every draw). It reads every rate from the same :class:`raaderum.sim.scenario.Scenario` and shares the
engine's tables: the entry profiles (``raaderum.agents.citizens.PROFILES``, ``BARRIER_CONCENTRATION``),
the sectors (``raaderum.agents.employers.SECTORS``), the business cycle
(``raaderum.sim.cycle.BusinessCycle``), the budget (``raaderum.sim.budget``: ``weekly_rates``,
``refund_share``, ``LINE_INDEX``), the states and teams (``raaderum.sim.states``) and the transition
order (``raaderum.sim.model.TRANSITION_ORDER``). It fills a :class:`raaderum.sim.records.WeeklyRecords`
as the engine does, so :class:`raaderum.sim.results.RunResult` and
:class:`raaderum.experiments.paired.PairedResult` (payback week, NPV) work on its output unchanged.

A week (``ReferenceMunicipality.step``) runs in phases, the staged activation a Mesa model uses
when agents must not see each other's half-finished updates:

1. staffing: caseworkers decide whether to quit; vacancies are refilled, the strategy's extra
   caseworkers arrive or leave;
2. inflow: new claimants are created (Poisson by entry state, scaled by the cycle);
3. ``Citizen.begin_week``: leaving (moving away, pension age); the others in a job-centre state
   sign in for casework and report their job-search strength;
4. case assignment (model) and ``Caseworker.hold_meetings``;
5. ``Employer.step``: this week's demand and vacancies;
6. ``Citizen.step`` (shuffled): every citizen decides its change of state from its state at the
   end of last week plus this week's meetings, in the engine's ``TRANSITION_ORDER`` (at most one
   change: the first rule that fires wins), then applies the week's effects on itself (meeting
   effects, programmes, barrier shocks, work capacity);
7. ``Citizen.advance``: the pending change is committed (simultaneous activation), with its
   bookkeeping, and each citizen adds itself to the week's tallies;
8. budget and records.

Where it deliberately differs from the engine (all statistically equivalent):

* Random numbers come from Mesa's model generators in whatever order the agents draw them; the
  engine's counter-based draws (common random numbers between baseline and strategy) are not
  reproduced. A baseline and its strategy with the same seed are identical until the strategy
  starts (no lever draws anything before then) and diverge after it, so the reference's paired
  differences (net saving, payback week, NPV) are noisier than the engine's.
* Relapse after an exit is a weekly Bernoulli draw with probability ``1 - exp(-h)`` for each
  former recipient, with ``h`` the week's hazard; the engine draws the relapse week once at exit
  from the same hazard (inverse transform of the cumulative hazard).
* Moving away is a weekly Bernoulli draw (``behaviour.move_away_weekly``) from the week after
  arrival; the engine draws the (geometric) week once at entry. Reaching pension age is the same
  deterministic week in both.
* Inflow is drawn week by week rather than for the whole horizon at construction.
* A citizen who leaves is removed from the model (``agent.remove()``) and counted in the GONE
  stock; the engine keeps them in its arrays in state GONE. The refund reset rule counts the
  self-supported weeks from the citizen's own record of self-support spells instead of the
  engine's state history.
* Cases go one at a time to the team member with the lowest caseload, which gives the engine's
  water-filling counts; which case goes to which of two equally loaded caseworkers may differ.
* The 2014 education-benefit reform (``raaderum.sim.policy``) is not a dated event here: under-30s
  on benefit are always education-ready, the engine's rule for every horizon that starts after
  2014 (the reference scenario and the default start in 2015). Not compared for earlier starts.

``tests/test_reference.py`` runs both on a small municipality over many seeds and checks that the
stocks, exits from activity-ready by destination, NPV and payback week agree statistically.

Usage::

    python benchmarks/mesa_reference.py [--paired] [--scenario FILE] [--seed N]

prints the wall time and agent-steps per second of a run on the default scenario (an agent-step
is one citizen present, not gone, for one week).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import mesa
import numpy as np

from raaderum.agents.citizens import (
    BARRIER_CONCENTRATION,
    NEVER,
    PROFILES,
    PROGRAMME_COURSE,
    PROGRAMME_INTERNSHIP,
    PROGRAMME_NONE,
    EntrantProfile,
)
from raaderum.agents.employers import SECTORS, Sector
from raaderum.experiments.paired import PairedResult
from raaderum.sim.budget import BENEFIT_LINES, LINE_INDEX, activation_refund, refund_share, weekly_rates
from raaderum.sim.citizen_state import MAX_EFFORT_AGE
from raaderum.sim.cycle import BusinessCycle
from raaderum.sim.life_events import SICKNESS_REFERENCE_HEALTH
from raaderum.sim.model import INFLOW_STATES, TRANSITION_ORDER
from raaderum.sim.records import WeeklyRecords
from raaderum.sim.results import RunResult
from raaderum.sim.scenario import WEEKS_PER_YEAR, Scenario, default_scenario, load_scenario
from raaderum.sim.states import (
    ACTIVATION_REFUND_STATES,
    BENEFIT_STATES,
    CASE_STATES,
    N_STATES,
    SELF_SUPPORT_STATES,
    TEAM_OF_STATE,
    State,
    Team,
)

__all__ = [
    "Caseworker",
    "Citizen",
    "Employer",
    "ReferenceMunicipality",
    "TRANSITION_ORDER",
    "agent_steps",
    "run_reference",
    "run_reference_paired",
]

JOB_READY, ACTIVITY_READY, EDUCATION_READY, SICKNESS, RESOURCE_COURSE = CASE_STATES
FLEX_JOB, DISABILITY_PENSION = State.FLEX_JOB, State.DISABILITY_PENSION
SELF_SUPPORTING, EDUCATION, GONE = State.SELF_SUPPORTING, State.EDUCATION, State.GONE
IS_CASE = frozenset(CASE_STATES)
IS_BENEFIT = frozenset(BENEFIT_STATES)
IS_SELF_SUPPORT = frozenset(SELF_SUPPORT_STATES)
#: Team responsible for each state (None where no caseworker is assigned).
TEAM_FOR = {s: (Team(int(TEAM_OF_STATE[s])) if TEAM_OF_STATE[s] >= 0 else None) for s in State}


# ---------------------------------------------------------------------------------------- employers
class Employer(mesa.Agent):
    """A firm: a sector, a size, and this week's demand and vacancies.

    Args:
        model: The municipality.
    """

    def __init__(self, model: ReferenceMunicipality) -> None:
        super().__init__(model)
        market = model.params.market
        self.sector: Sector = self.random.choices(SECTORS, weights=[s.share for s in SECTORS])[0]
        shape = market.firm_size_shape
        # Pareto with minimum 1 (numpy's pareto + 1), scaled to the mean firm size
        raw = self.random.paretovariate(shape) * market.mean_firm_size * (shape - 1) / shape
        self.size = max(float(round(raw)), 1.0)
        self.demand = 1.0  # this week's demand multiplier, index ** sector sensitivity
        self.layoff_factor = 1.0  # this week's relapse multiplier for employees (lay-offs)
        self.vacancies = 0
        self.hires = 0
        self.internships = 0
        self.layoffs = 0

    def step(self) -> None:
        """Set this week's demand from the business cycle and open vacancies (Poisson)."""
        m = self.model
        self.demand = m.cycle.demand[m.week] ** self.sector.cycle_sensitivity
        self.layoff_factor = self.demand**-m.params.market.layoff_cycle_elasticity
        self.vacancies = int(m.rng.poisson(self.size * m.params.market.hire_rate_weekly * self.demand))


# ------------------------------------------------------------------------------------- caseworkers
class Caseworker(mesa.Agent):
    """A caseworker in a team, with this week's cases.

    Args:
        model: The municipality.
        team: The caseworker's team.
        is_extra: True for a caseworker hired by the strategy.
    """

    def __init__(self, model: ReferenceMunicipality, team: Team, is_extra: bool) -> None:
        super().__init__(model)
        self.team = team
        self.is_extra = is_extra
        self.joined_week = model.week
        self.active = True
        self.cases: list[Citizen] = []
        self.meetings = 0

    @property
    def caseload(self) -> int:
        """Cases assigned this week (or last week, before this week's assignment)."""
        return len(self.cases)

    def step(self) -> None:
        """Quit with the weekly hazard, raised by a caseload above the recommended one."""
        s = self.model.params.staff
        quit_weekly = 1 - (1 - s.turnover_annual) ** (1 / WEEKS_PER_YEAR)
        excess = max(self.caseload / s.recommended_caseload - 1.0, 0.0)
        if self.random.random() < min(quit_weekly * (1 + s.turnover_caseload_slope * excess), 1.0):
            self.model.quits += 1
            self.leave(refill_week=self.model.week + s.vacancy_weeks)

    def leave(self, refill_week: int | None) -> None:
        """Leave the job centre; the post is refilled in ``refill_week`` (None: never)."""
        self.active = False
        if refill_week is not None:
            self.model.vacant_posts.append(Post(refill_week, self.team, self.is_extra))
        self.remove()

    def hold_meetings(self) -> None:
        """Meet cases within the week's minutes: overdue ones first, then the longest since a meeting.

        Cases met in the last ``min_weeks_between_meetings`` weeks are not eligible. Meetings are
        held in priority order until the next one no longer fits in the remaining minutes.
        """
        m = self.model
        w, s, b = m.week, m.params.staff, m.params.behaviour
        self.meetings = 0
        eligible = [c for c in self.cases if w - c.last_meeting >= s.min_weeks_between_meetings]
        eligible.sort(key=lambda c: (not c.overdue(w), c.last_meeting, c.unique_id))
        left = s.hours_per_week * (1 - s.admin_share) * 60
        for c in eligible:
            assessing = c.state == ACTIVITY_READY and c.capacity < b.clarify_capacity
            minutes = s.assessment_meeting_minutes if assessing else s.meeting_minutes
            if minutes > left:
                break
            left -= minutes
            c.met = True
            self.meetings += 1


@dataclass
class Post:
    """A caseworker post waiting to be filled."""

    refill_week: int
    team: Team
    is_extra: bool


# ---------------------------------------------------------------------------------------- citizens
class Citizen(mesa.Agent):
    """A citizen: benefit state, barriers, work capacity, casework and job history.

    Attributes are drawn from the entry profile of ``state`` (``raaderum.agents.citizens.PROFILES``).

    Args:
        model: The municipality.
        state: State on entry.
        initial: True for the initial stock (already some time on benefit and in the state).
    """

    def __init__(self, model: ReferenceMunicipality, state: State, *, initial: bool) -> None:
        super().__init__(model)
        rnd = self.random
        sc, b = model.params, model.params.behaviour
        w = model.week
        p: EntrantProfile = PROFILES[state]
        age = min(max(rnd.gauss(p.age_mean, p.age_sd), p.age_min), p.age_max)
        self.state = state
        self.arrival_week = w
        self.birth_week = w - age * WEEKS_PER_YEAR
        self.pension_week = w + math.ceil((b.pension_age - age) * WEEKS_PER_YEAR)
        self.health = self._beta(p.health)
        self.social = self._beta(p.social)
        self.skills = self._beta(p.skills)
        self.capacity = 0.0
        self.update_capacity()
        if initial:
            self.wob_base = int(rnd.expovariate(1 / p.weeks_on_benefit)) if p.weeks_on_benefit > 0 else 0
            max_spell = b.sickness_limit_weeks if state == SICKNESS else WEEKS_PER_YEAR
            self.spell_start = w - int(rnd.random() * max_spell)
            self.last_meeting = w - rnd.randint(1, 12)
        else:
            self.wob_base = 0
            self.spell_start = w
            self.last_meeting = NEVER
        self.benefit_since = w  # week the current benefit period began
        self.caseworker: Caseworker | None = None
        self.rapport = 0.0
        self.effort = self.effort_floor(state)
        self.effort_week = w
        self.assessment = 0.0
        if initial and state == ACTIVITY_READY and self.capacity < b.clarify_capacity:
            # the initial stock under assessment is somewhere in it, not all at its start
            self.assessment = float(math.floor(rnd.random() * b.assessment_meetings))
        self.programme = PROGRAMME_NONE
        self.programme_end = NEVER
        self.course_done = False  # finished a job-search course in the current benefit period
        self.employer: Employer | None = None  # of a job or an internship
        self.earnings = 0.0  # DKK per week in a job
        self.last_benefit = state  # benefit state before the last exit
        self.exit_week = NEVER
        self.followup_until = NEVER
        self.self_support_spells: list[tuple[int, int]] = []  # closed [start, end) weeks of self-support
        self.screened = model.on and sc.strategy.screening_triage and not initial
        self.n_meetings = 0
        self.n_exits = 0
        self.n_relapses = 0
        self.n_caseworker_changes = 0
        # this week's scratch
        self.next_state: State | None = None
        self.met = False
        self.strength = 0.0

    def _beta(self, mean: float) -> float:
        mean = min(max(mean, 1e-3), 1 - 1e-3)
        return self.random.betavariate(mean * BARRIER_CONCENTRATION, (1 - mean) * BARRIER_CONCENTRATION)

    # -- queries
    @property
    def mean_barrier(self) -> float:
        """Mean of the three barriers."""
        return (self.health + self.social + self.skills) / 3

    def age(self, week: int) -> float:
        """Age in years in ``week``."""
        return (week - self.birth_week) / WEEKS_PER_YEAR

    def effort_at(self, week: int) -> float:
        """Search effort in ``week``: decays from the last update towards the floor."""
        b = self.model.params.behaviour
        weeks = min(week - self.effort_week, MAX_EFFORT_AGE)
        floor = self.effort_floor(self.state)
        return floor + (self.effort - floor) * b.effort_retention**weeks

    def effort_floor(self, state: int) -> float:
        """Search effort without contact in ``state`` (the job-ready and education-ready search alone)."""
        b = self.model.params.behaviour
        return b.job_ready_effort_floor if state in (JOB_READY, EDUCATION_READY) else b.effort_floor

    def overdue(self, week: int) -> bool:
        """True if the legal contact schedule calls for a meeting in ``week``."""
        s = self.model.params.staff
        early = week - self.spell_start < s.legal_first_period_weeks
        if not early and week >= self.model.params.week_of_year(s.individual_contact_from_year):
            return False  # the contact rules of 2020: after the first period, agreed individually
        interval = s.legal_interval_first_weeks if early else s.legal_interval_later_weeks
        return week - self.last_meeting >= interval

    def refund_weeks(self, week: int) -> int:
        """Refund weeks counted up to and including ``week`` (on benefit in that week)."""
        return self.wob_base + (week - self.benefit_since) + 1

    def update_capacity(self) -> None:
        """Work capacity from the barriers."""
        wh, ws, wk = self.model.params.behaviour.capacity_weights
        self.capacity = min(max(1.0 - (wh * self.health + ws * self.social + wk * self.skills), 0.0), 1.0)

    # -- phase 3: leaving, and signing in for casework
    def begin_week(self) -> None:
        """Leave (pension age, moving away), or sign in with the job centre if in a job-centre state."""
        m = self.model
        w = m.week
        self.met = False
        self.strength = 0.0
        self.next_state = None
        if w >= self.pension_week or (
            w > self.arrival_week and self.random.random() < m.params.behaviour.move_away_weekly
        ):
            self.next_state = GONE
            return
        if self.state in IS_CASE:
            m.job_centre.append(self)
            factor = m.params.behaviour.job_search_factor[self.state]
            if factor > 0:
                intern = m.params.behaviour.internship_hire_multiplier if self.in_internship else 1.0
                post_course = m.post_course if self.course_done else 1.0
                # employers weigh a long stint on benefit down, linearly to a floor (Kroft et al. 2013)
                market = m.params.market
                stint = min((w - self.benefit_since) / market.duration_hire_weeks, 1.0)
                duration = 1.0 - (1.0 - market.duration_hire_floor) * stint
                self.strength = (
                    factor
                    * duration
                    * self.effort_at(w)
                    * self.capacity**m.params.market.capacity_exponent
                    * m.willingness
                    * intern
                    * post_course
                )
                m.search_strength += self.strength

    @property
    def in_internship(self) -> bool:
        """True while in a virksomhedspraktik."""
        return self.programme == PROGRAMME_INTERNSHIP

    # -- phase 6: decide
    def propose(self, state: State) -> None:
        """Propose this week's change of state; the first proposal of the week wins."""
        if self.next_state is None:
            self.next_state = state

    def step(self) -> None:
        """Decide this week's change of state and apply the week's effects on oneself."""
        if self.next_state is not None:  # leaving
            return
        if self.state in IS_CASE:
            self.casework_week()
        elif self.state in IS_SELF_SUPPORT:
            self.maybe_relapse()

    def casework_week(self) -> None:
        """A week in a job-centre state: the transitions in ``TRANSITION_ORDER``, then the effects."""
        m = self.model
        w, b, old = m.week, m.params.behaviour, self.state
        # job found: hired from a vacancy, or an internship ending in a job at the host
        if self.strength > 0 and self.random.random() < -math.expm1(-m.hiring_odds * self.strength):
            self.take_job(self.employer if self.in_internship else m.pick_vacancy())
        if (
            self.in_internship
            and self.programme_end == w
            and self.next_state is None
            and self.random.random() < min(m.conversion * self.employer.demand, 1.0)
        ):
            self.take_job(self.employer)
        if old == SICKNESS:
            self.sickness_week()
        if self.met and old == ACTIVITY_READY and self.capacity < b.clarify_capacity:
            self.assessment_meeting()
        if old == RESOURCE_COURSE and w - self.spell_start >= b.resource_course_weeks:
            self.propose(self.permanent_decision(ACTIVITY_READY))
        if old == EDUCATION_READY:
            p = b.education_start_weekly * (b.education_meeting_multiplier if self.met else 1.0)
            if self.random.random() < p:
                self.propose(EDUCATION)
            elif self.age(w) >= b.education_ready_max_age:
                self.propose(JOB_READY if self.capacity >= b.activity_ready_capacity else ACTIVITY_READY)
        if old != SICKNESS and self.random.random() < b.other_self_support_weekly:
            self.propose(SELF_SUPPORTING)
        if self.met:  # reclassification
            if old == ACTIVITY_READY and self.capacity >= b.job_ready_capacity:
                self.propose(JOB_READY)
            elif old == JOB_READY and self.capacity < b.activity_ready_capacity:
                self.propose(ACTIVITY_READY)
        # effects of the week
        new = old if self.next_state is None else self.next_state
        if self.met and new in IS_CASE:
            self.meeting_effects(new)
        if self.programme != PROGRAMME_NONE:
            self.programme_week(new)
        if self.random.random() < b.barrier_shock_weekly:
            domain = ("health", "social", "skills")[int(self.random.random() * 3)]
            setattr(self, domain, min(getattr(self, domain) + b.barrier_shock_size, 1.0))
        self.update_capacity()

    def take_job(self, firm: Employer) -> None:
        """Become self-supporting in a job at ``firm`` (if no other change this week)."""
        if self.next_state is not None:
            return
        bud = self.model.params.budget
        self.next_state = SELF_SUPPORTING
        self.employer = firm
        self.earnings = bud.annual_earnings_dkk / WEEKS_PER_YEAR * max(self.capacity, bud.part_time_floor)
        firm.hires += 1

    def sickness_week(self) -> None:
        """Recover (to the old job, or job-ready), or reach the duration limit (→ resource course)."""
        m, b = self.model, self.model.params.behaviour
        p = b.sickness_recovery_weekly * (1 - self.health) / (1 - SICKNESS_REFERENCE_HEALTH)
        if self.random.random() < p:
            if self.random.random() < b.sickness_employed_share:
                self.take_job(m.pick_firm_by_size())
            else:
                self.propose(JOB_READY)
        if m.week - self.spell_start >= b.sickness_limit_weeks:
            self.propose(RESOURCE_COURSE)  # jobafklaringsforløb, modelled as a resource course

    def assessment_meeting(self) -> None:
        """A meeting that moves a work-capacity assessment forward; decide when it is complete."""
        m = self.model
        b, eff = m.params.behaviour, m.params.effects
        gain = 1.0
        if (
            m.on
            and m.params.strategy.screening_triage
            and self.screened
            and self.assessment == 0
            and self.mean_barrier >= eff.screening_risk_threshold
        ):
            gain = eff.team_assessment_speedup  # interdisciplinary team assessment
            self.health = max(self.health - eff.team_health_reduction, 0.0)
            m.team_assessments += 1
        self.assessment += gain
        if self.assessment >= b.assessment_meetings:
            self.assessment = 0.0
            self.propose(self.permanent_decision(RESOURCE_COURSE))

    def permanent_decision(self, fallback: State) -> State:
        """Outcome of a completed assessment: job-ready, disability pension, flex job or ``fallback``."""
        b = self.model.params.behaviour
        if self.capacity >= b.job_ready_capacity:
            return JOB_READY
        if self.capacity < b.pension_capacity and self.age(self.model.week) >= b.pension_min_age:
            return DISABILITY_PENSION
        if self.capacity >= b.flex_capacity and self.random.random() < b.flex_job_found:
            return FLEX_JOB
        return fallback

    def meeting_effects(self, new: State) -> None:
        """Effort, rapport and barriers after a meeting, and a possible referral to a programme."""
        m = self.model
        w, b = m.week, m.params.behaviour
        cont = b.continuity_floor + (1 - b.continuity_floor) * self.rapport
        e = self.effort_at(w)
        self.effort = e + (1 - e) * b.meeting_effort_boost * cont
        self.effort_week = w
        self.rapport += (1 - self.rapport) * b.rapport_gain
        cut = b.barrier_reduction_per_meeting * cont
        self.health = max(self.health - cut, 0.0)
        self.social = max(self.social - cut * m.social_multiplier, 0.0)
        self.skills = max(self.skills - cut, 0.0)
        self.last_meeting = w
        self.n_meetings += 1
        if self.programme != PROGRAMME_NONE:
            return
        course_ok = new in (JOB_READY, EDUCATION_READY) or (new == ACTIVITY_READY and m.courses_for_ar)
        intern_ok = new in (JOB_READY, ACTIVITY_READY, EDUCATION_READY) and (
            self.capacity >= b.internship_min_capacity
        )
        p_intern = b.internship_probability * m.more_offers * m.internship_multiplier if intern_ok else 0.0
        p_course = b.course_probability * m.more_offers if course_ok else 0.0
        u = self.random.random()
        if u < p_intern:
            self.programme = PROGRAMME_INTERNSHIP
            self.programme_end = w + b.internship_weeks - 1  # the referral week is the first
            self.employer = m.pick_firm_by_size()
            self.employer.internships += 1
        elif u < p_intern + p_course:
            self.programme = PROGRAMME_COURSE
            self.programme_end = w + b.course_weeks - 1

    def programme_week(self, new: State) -> None:
        """A week of a course or an internship; end it when due (a finished course is remembered)."""
        m = self.model
        w = m.week
        if self.programme == PROGRAMME_COURSE:
            m.in_course += 1
        else:
            m.in_internship += 1
        if self.programme_end <= w:
            if self.programme == PROGRAMME_INTERNSHIP and new != SELF_SUPPORTING:
                self.employer = None
            if self.programme == PROGRAMME_COURSE:
                self.course_done = True
            self.programme = PROGRAMME_NONE

    def relapse_hazard(self, week: int) -> float:
        """Weekly relapse hazard of a former recipient in ``week``."""
        m = self.model
        b = m.params.behaviour
        k = week - self.exit_week
        decay = b.relapse_floor + (1 - b.relapse_floor) * math.exp(-k / b.relapse_decay_weeks)
        if self.state == EDUCATION:
            h = b.education_dropout_weekly * decay
        elif self.employer is not None and self.last_benefit == SICKNESS:
            h = b.sickness_relapse_weekly * (1 + b.relapse_barrier_gain * self.health) * decay
        else:
            h = b.relapse_weekly * (1 + b.relapse_barrier_gain * self.mean_barrier) * decay
            if self.employer is not None:
                h *= self.employer.layoff_factor  # lay-offs rise when the firm's demand falls
        if week <= self.followup_until:
            h *= m.params.effects.followup_relapse_multiplier
        return h

    def maybe_relapse(self) -> None:
        """A former recipient returns to benefit with probability ``1 - exp(-hazard)`` this week."""
        m = self.model
        w, b = m.week, m.params.behaviour
        if self.random.random() >= -math.expm1(-self.relapse_hazard(w)):
            return
        if self.last_benefit == SICKNESS and self.employer is not None:
            dest = SICKNESS
        elif self.age(w) < b.education_ready_max_age:
            dest = EDUCATION_READY
        elif self.capacity < b.activity_ready_capacity:
            dest = ACTIVITY_READY
        else:
            dest = JOB_READY
        self.propose(dest)
        if self.employer is not None:
            self.employer.layoffs += 1

    # -- phase 7: commit
    def advance(self) -> None:
        """Commit this week's change of state and its bookkeeping; add oneself to the week's tallies."""
        m = self.model
        w = m.week
        new = self.next_state
        if new is not None:
            self.change_state(new, w)
            if new == GONE:
                return
        state = self.state
        m.stock[state] += 1
        if state in IS_BENEFIT:
            weeks = self.refund_weeks(w)
            m.refund_due += m.rates[state] * m.refund_table[min(weeks, m.last_band)]
            if state in IS_CASE:
                m.case_weeks_on_benefit += weeks
        elif state == SELF_SUPPORTING:
            m.earnings_now += self.earnings
        if self.followup_until >= w and self.exit_week < w:
            m.followed_up += 1

    def change_state(self, new: State, w: int) -> None:
        """Move to ``new`` in week ``w``: refund weeks, exits, relapses, and leaving."""
        m = self.model
        sc = m.params
        old = self.state
        m.flows[old][new] += 1
        self.spell_start = w
        self.assessment = 0.0  # an assessment belongs to the spell in which it was made
        if old in IS_BENEFIT and new not in IS_BENEFIT:
            self.wob_base += w - self.benefit_since
        if old in IS_CASE and new in IS_SELF_SUPPORT:  # an exit
            self.exit_week = w
            self.n_exits += 1
            self.last_benefit = old
            if m.on and sc.strategy.relapse_followup and old != SICKNESS:
                self.followup_until = w + sc.effects.followup_weeks  # ISU follows up cash-benefit exits
            if new == EDUCATION or self.earnings == 0:
                self.employer = None
                self.earnings = 0.0
            self.programme = PROGRAMME_NONE
        elif old in IS_SELF_SUPPORT and new in IS_BENEFIT:  # a relapse
            self.n_relapses += 1
            self.followup_until = NEVER
            self.self_support_spells.append((self.exit_week, w))
            self.enter_benefit(w, new)
            self.employer = None
            self.earnings = 0.0
        if new == GONE:
            m.gone += 1
            self.remove()
            return
        if old in IS_CASE and new not in IS_CASE:
            self.caseworker = None
            self.programme = PROGRAMME_NONE
            if new not in IS_SELF_SUPPORT:
                self.employer = None  # an internship host is not kept into flex job or pension
        self.state = new

    def enter_benefit(self, w: int, state: int) -> None:
        """Start a benefit period; the refund count restarts after enough self-support (reset rule)."""
        m = self.model
        bud = m.params.budget
        lo = max(w - bud.refund_reset_window_weeks, 0)
        self.self_support_spells = [(s, e) for s, e in self.self_support_spells if e > lo]
        weeks = sum(min(e, w) - max(s, lo) for s, e in self.self_support_spells)
        if weeks >= bud.refund_reset_weeks:
            self.wob_base = 0
        self.benefit_since = w
        self.course_done = False
        self.effort = self.effort_floor(state)
        self.effort_week = w


# ------------------------------------------------------------------------------------------ model
class ReferenceMunicipality(mesa.Model):
    """The municipality as a Mesa model of individual agents, one week per step.

    Args:
        scenario: Validated scenario (the engine's).
        seed: Seed of the model's random generators; defaults to ``scenario.seed``.
    """

    def __init__(self, scenario: Scenario, seed: int | np.random.SeedSequence | None = None) -> None:
        super().__init__(rng=scenario.seed if seed is None else seed)
        self.params = scenario
        self.week = 0
        self.n_weeks = scenario.n_weeks
        st = scenario.strategy
        self.period = (scenario.week_of_year(st.start_year), scenario.week_of_year(st.end_year + 1))
        self.strategy_team = Team[st.team.upper()]
        self.cycle = BusinessCycle(
            scenario.cycle, scenario.market, scenario.start_year, self.n_weeks, self.rng
        )
        self.records = WeeklyRecords(self.n_weeks)
        self.set_levers(0)
        bud = scenario.budget
        self.last_band = bud.refund_band_first_weeks[-1]
        self.refund_table = [float(x) for x in refund_share(np.arange(self.last_band + 1), bud)]
        self.rates_by_year: dict[int, list[float]] = {}
        # the year's course costs and rådighedsbeløb so far (the refund of course costs)
        self.activation_year, self.course_spent, self.course_cap = scenario.start_year, 0.0, 0.0
        self.gone = 0
        self.vacant_posts: list[Post] = []

        for _ in range(scenario.market.employers):
            Employer(self)
        self.employers = list(self.agents_by_type[Employer])
        self.size_weights = list(accumulate(e.size for e in self.employers))
        self.vacancy_weights = self.size_weights
        pop = scenario.population
        for state in PROFILES:
            for _ in range(getattr(pop, state.name.lower())):
                Citizen(self, state, initial=True)
        self.max_extra = self._extra_posts()
        staff = scenario.staff
        for team, n in (
            (Team.ACTIVITY_READY, staff.caseworkers_activity_ready),
            (Team.JOB_READY, staff.caseworkers_job_ready),
            (Team.SICKNESS, staff.caseworkers_sickness),
        ):
            for _ in range(n):
                Caseworker(self, team, is_extra=False)

    # -- set-up helpers
    def _team_cases(self) -> int:
        """Citizens now in a state of the team the strategy's extra caseworkers join."""
        return sum(1 for c in self.agents_by_type[Citizen] if TEAM_FOR[c.state] == self.strategy_team)

    def _extra_posts(self) -> int:
        """Posts for extra caseworkers; with a target caseload, room for twice the team's cases."""
        st = self.params.strategy
        n = st.extra_caseworkers
        if st.target_caseload > 0:
            n = max(n, math.ceil(2 * self._team_cases() / st.target_caseload))
        return n

    def _extra_at_start(self) -> int:
        """Extra caseworkers hired at the strategy start: the count, or enough for the target caseload."""
        st = self.params.strategy
        n = st.extra_caseworkers
        if st.target_caseload > 0:
            staff = sum(
                1
                for cw in self.agents_by_type[Caseworker]
                if cw.team == self.strategy_team and not cw.is_extra
            )
            n = max(n, math.ceil(self._team_cases() / st.target_caseload) - staff)
        return min(n, self.max_extra)

    def _extra_for_target(self) -> int:
        """Extra caseworkers the team needs, besides its own staff, to be at the target caseload."""
        staff = sum(
            1 for cw in self.agents_by_type[Caseworker] if cw.team == self.strategy_team and not cw.is_extra
        )
        return max(math.ceil(self._team_cases() / self.params.strategy.target_caseload) - staff, 0)

    def set_levers(self, week: int) -> None:
        """Set the strategy's lever values that hold in ``week``."""
        sc = self.params
        st, eff = sc.strategy, sc.effects
        on = self.on = self.period[0] <= week < self.period[1]
        enterprise = on and st.enterprise_oriented
        monitoring = on and st.supplier_monitoring
        self.integrated = on and st.integrated_casework
        self.willingness = eff.enterprise_willingness if enterprise else 1.0
        self.more_offers = st.more_offers if on else 1.0
        self.courses_for_ar = on and st.courses_for_activity_ready
        self.internship_multiplier = eff.enterprise_internship_multiplier if enterprise else 1.0
        self.social_multiplier = eff.integrated_social_multiplier if self.integrated else 1.0
        gain = eff.monitoring_programme_multiplier if monitoring else 1.0
        # a finished course's effect on hiring, its excess over 1 strengthened by monitoring
        self.post_course = 1 + (sc.behaviour.post_course_hire_multiplier - 1) * gain
        self.conversion = sc.market.internship_conversion
        if enterprise:
            self.conversion *= eff.enterprise_conversion_multiplier
        if monitoring:
            self.conversion *= eff.monitoring_programme_multiplier

    # -- picks
    def pick_firm_by_size(self) -> Employer:
        """A firm drawn in proportion to its size."""
        return self.random.choices(self.employers, cum_weights=self.size_weights)[0]

    def pick_vacancy(self) -> Employer:
        """A firm drawn in proportion to this week's vacancies (by size if there are none)."""
        return self.random.choices(self.employers, cum_weights=self.vacancy_weights)[0]

    # -- the week
    def step(self) -> None:
        """Simulate one week."""
        w = self.week
        if w >= self.n_weeks:
            self.running = False
            return
        self.set_levers(w)
        rec = self.records
        self.staffing(w)
        newcomers = self.inflow(w)
        citizens = self.agents_by_type[Citizen]

        self.job_centre: list[Citizen] = []
        self.search_strength = 0.0
        citizens.do("begin_week")
        self.assign_cases(w)
        caseworkers = self.agents_by_type[Caseworker]
        due = [c for c in self.job_centre if c.overdue(w)]
        caseworkers.shuffle_do("hold_meetings")
        rec.case_citizens[w] = len(self.job_centre)
        rec.overdue[w] = len(due)
        min_between = self.params.staff.min_weeks_between_meetings
        for c in due:  # a case that could be met this week: it has a caseworker and waited long enough
            met = c.met
            if c.caseworker is not None and (met or w - c.last_meeting >= min_between):
                rec.due_by_team[w, c.caseworker.team] += 1
                rec.shortfall_by_team[w, c.caseworker.team] += not met
        self.open_vacancies(w)

        self.team_assessments = self.in_course = self.in_internship = 0
        self.flows = [[0] * N_STATES for _ in range(N_STATES)]
        citizens.shuffle_do("step")

        self.stock = [0] * N_STATES
        self.refund_due = self.case_weeks_on_benefit = self.earnings_now = 0.0
        self.followed_up = 0
        year = self.params.start_year + w // WEEKS_PER_YEAR
        if year not in self.rates_by_year:
            self.rates_by_year[year] = [float(r) for r in weekly_rates(self.params.budget, year)]
        self.rates = self.rates_by_year[year]
        citizens.do("advance")

        self.stock[GONE] = self.gone
        rec.stocks[w] = self.stock
        rec.flows[w] = self.flows
        rec.unemployment[w] = self.cycle.unemployment[w]
        rec.meetings[w] = sum(cw.meetings for cw in caseworkers)
        for cw in caseworkers:
            rec.cases_by_team[w, cw.team] += cw.caseload
            rec.meetings_by_team[w, cw.team] += cw.meetings
            rec.caseworkers_by_team[w, cw.team] += 1
        rec.quits[w] = self.quits
        rec.in_course[w] = self.in_course
        rec.in_internship[w] = self.in_internship
        rec.team_assessments[w] = self.team_assessments
        self.budget(w, year, len(newcomers))
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False

    def staffing(self, w: int) -> None:
        """Quits, refills of vacant posts, and the strategy's extra caseworkers arriving or leaving."""
        self.quits = 0
        self.agents_by_type[Caseworker].shuffle_do("step")
        due = [p for p in self.vacant_posts if p.refill_week == w]
        self.vacant_posts = [p for p in self.vacant_posts if p.refill_week > w]
        extra_now = self._extra_at_start() if w == self.period[0] else 0
        resize = self.params.strategy.target_caseload > 0 and self.on and w > self.period[0]
        keep = self._extra_for_target() if resize else 0
        extras = sum(1 for cw in self.agents_by_type[Caseworker] if cw.is_extra)
        for post in due:
            if post.is_extra and resize and extras >= keep:
                continue  # the team is at its target caseload: the post is not refilled
            if not post.is_extra or self.on:
                Caseworker(self, post.team, post.is_extra)
                extras += post.is_extra
        for _ in range(extra_now):
            Caseworker(self, self.strategy_team, is_extra=True)
        if resize and extras > keep:  # keep the caseload, not the headcount: the last hired leave
            hired = sorted(
                (cw for cw in self.agents_by_type[Caseworker] if cw.is_extra),
                key=lambda cw: cw.joined_week,
                reverse=True,
            )
            for cw in hired[: extras - keep]:
                cw.leave(refill_week=None)
        if w == self.period[1]:
            for cw in [cw for cw in self.agents_by_type[Caseworker] if cw.is_extra]:
                cw.leave(refill_week=None)

    def inflow(self, w: int) -> list[Citizen]:
        """New claimants arrive: Poisson by entry state, ``inflow.<state> · (u / u_ref)^e``."""
        sc = self.params
        scale = (self.cycle.unemployment[w] / sc.market.reference_unemployment) ** sc.inflow.cycle_elasticity
        return [
            Citizen(self, state, initial=False)
            for state in INFLOW_STATES
            for _ in range(int(self.rng.poisson(getattr(sc.inflow, state.name.lower()) * scale)))
        ]

    def assign_cases(self, w: int) -> None:
        """Give cases without a valid caseworker one; a caseworker who joins takes over cases.

        A case keeps its caseworker while the caseworker is in post and of the case's team (or
        casework is integrated). When a caseworker joins a team, its members above the mean
        caseload (rounded up) hand over their excess cases, least rapport first. New and
        handed-over cases go one by one to the team member with the lowest caseload. A change of
        caseworker resets rapport.
        """
        caseworkers = self.agents_by_type[Caseworker]
        teams: dict[Team, list[Caseworker]] = {t: [] for t in Team}
        for cw in caseworkers:
            cw.cases = []
            teams[cw.team].append(cw)
        to_assign: list[tuple[Citizen, Team]] = []
        for c in self.job_centre:
            needed = TEAM_FOR[c.state]
            cw = c.caseworker
            if cw is not None and cw.active and (self.integrated or cw.team == needed):
                cw.cases.append(c)
            else:
                to_assign.append((c, needed))
        for team in sorted({cw.team for cw in caseworkers if cw.joined_week == w}):
            members = teams[team]
            target = math.ceil(sum(cw.caseload for cw in members) / len(members))
            for cw in members:
                excess = cw.caseload - target
                if excess > 0:
                    cw.cases.sort(key=lambda c: c.rapport)
                    to_assign += [(c, team) for c in cw.cases[:excess]]
                    cw.cases = cw.cases[excess:]
        for c, team in to_assign:
            if c.caseworker is not None:
                c.n_caseworker_changes += 1
            c.rapport = 0.0
            members = teams[team]
            if not members:
                c.caseworker = None
                continue
            cw = min(members, key=lambda m: m.caseload)
            c.caseworker = cw
            cw.cases.append(c)

    def open_vacancies(self, w: int) -> None:
        """Employers open vacancies; set the week's hiring odds against the ordinary unemployed."""
        sc = self.params
        self.agents_by_type[Employer].do("step")
        total = sum(e.vacancies for e in self.employers)
        self.vacancy_weights = (
            list(accumulate(e.vacancies for e in self.employers)) if total else self.size_weights
        )
        ordinary = (
            self.cycle.unemployment[w]
            / 100
            * sc.population.labour_force
            * sc.market.ordinary_unemployed_share
        )
        self.hiring_odds = total / (ordinary + self.search_strength)
        self.records.vacancies[w] = total
        self.records.ordinary_unemployed[w] = ordinary

    def budget(self, w: int, year: int, newcomers: int) -> None:
        """Book the week's benefit lines, refunds, staff, programme and lever costs, and tax."""
        sc = self.params
        bud, st = sc.budget, sc.strategy
        rec = self.records
        lines = rec.lines[w]
        for state, line in zip(BENEFIT_STATES, BENEFIT_LINES, strict=True):
            lines[LINE_INDEX[line]] = self.stock[state] * self.rates[state]
        if year >= bud.refund_reform_year:
            lines[LINE_INDEX["refund"]] = self.refund_due
        else:
            total = sum(self.stock[s] * self.rates[s] for s in BENEFIT_STATES)
            lines[LINE_INDEX["refund"]] = bud.pre_reform_refund_rate * total
        n_case = sum(self.stock[s] for s in CASE_STATES)
        if n_case:
            rec.mean_weeks_on_benefit[w] = self.case_weeks_on_benefit / n_case
        salary = sc.staff.annual_cost_dkk / WEEKS_PER_YEAR
        caseworkers = self.agents_by_type[Caseworker]
        extra = sum(1 for cw in caseworkers if cw.is_extra)
        lines[LINE_INDEX["staff_base"]] = (len(caseworkers) - extra) * salary
        lines[LINE_INDEX["staff_extra"]] = extra * salary
        if self.on and st.enterprise_oriented:
            lines[LINE_INDEX["enterprise_consultants"]] = st.enterprise_consultants * salary
        course_cost = self.in_course * bud.course_cost_weekly_dkk
        lines[LINE_INDEX["programme_course"]] = course_cost
        if year != self.activation_year:
            self.activation_year, self.course_spent, self.course_cap = year, 0.0, 0.0
        cap = sum(self.stock[s] for s in ACTIVATION_REFUND_STATES) * bud.activation_refund_cap_annual_dkk
        cap /= WEEKS_PER_YEAR
        if year <= bud.activation_refund_last_year:
            lines[LINE_INDEX["refund_activation"]] = activation_refund(
                bud.activation_refund_rate,
                self.course_spent,
                self.course_spent + course_cost,
                self.course_cap,
                self.course_cap + cap,
            )
        self.course_spent += course_cost
        self.course_cap += cap
        lines[LINE_INDEX["programme_internship"]] = self.in_internship * bud.internship_cost_weekly_dkk
        if self.on and st.screening_triage:
            lines[LINE_INDEX["screening"]] = newcomers * st.screening_cost_dkk
        lines[LINE_INDEX["team_assessment"]] = self.team_assessments * st.team_assessment_cost_dkk
        if self.on and st.integrated_casework:
            lines[LINE_INDEX["integrated_casework"]] = len(caseworkers) * st.integrated_cost_weekly_dkk
        if st.relapse_followup:
            rec.followed_up[w] = self.followed_up
        lines[LINE_INDEX["followup"]] = rec.followed_up[w] * st.followup_cost_weekly_dkk
        if self.on and st.supplier_monitoring:
            lines[LINE_INDEX["supplier_monitoring"]] = st.monitoring_cost_weekly_dkk
        rec.earnings[w] = self.earnings_now
        flex_earnings = self.stock[FLEX_JOB] * bud.flex_earnings_annual_dkk / WEEKS_PER_YEAR
        lines[LINE_INDEX["tax_income"]] = (self.earnings_now + flex_earnings) * bud.municipal_tax_rate

    def run(self) -> RunResult:
        """Run to the end of the horizon and return the result."""
        while self.running and self.week < self.n_weeks:
            self.step()
        return RunResult.from_records(self.params, self.records)


# ----------------------------------------------------------------------------------- entry points
def run_reference(scenario: Scenario, seed: int | np.random.SeedSequence | None = None) -> RunResult:
    """Run one scenario as given (its strategy included) with the reference model.

    Args:
        scenario: The scenario.
        seed: Seed of the model's generators; defaults to ``scenario.seed``.

    Returns:
        The weekly result, as :func:`raaderum.experiments.run_single` returns it for the engine.
    """
    return ReferenceMunicipality(scenario, seed).run()


def run_reference_paired(
    scenario: Scenario, seed: int | np.random.SeedSequence | None = None
) -> PairedResult:
    """Run the scenario's strategy and its baseline (``scenario.baseline()``) with the reference model.

    Both runs use the same seed, so they start from the same population and employers; unlike
    the engine's, their later draws are not matched.

    Args:
        scenario: The strategy scenario.
        seed: Seed of both runs; defaults to ``scenario.seed``.

    Returns:
        The paired result, as :func:`raaderum.experiments.run_paired` returns it for the engine.
    """
    return PairedResult(
        baseline=run_reference(scenario.baseline(), seed), strategy=run_reference(scenario, seed)
    )


def agent_steps(result: RunResult) -> int:
    """Citizen-weeks present in a run (citizens not gone), the unit of the throughput figures."""
    stocks = result.weekly[[f"stock_{s.name.lower()}" for s in State if s != GONE]]
    return int(stocks.to_numpy().sum())


def main(argv: list[str] | None = None) -> None:
    """Time the reference on a scenario (default: the built-in default) and print the throughput."""
    parser = argparse.ArgumentParser(description="Time the Mesa reference implementation.")
    parser.add_argument("--scenario", type=Path, help="scenario TOML (default: the built-in default)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--paired", action="store_true", help="baseline and strategy (default: baseline)")
    args = parser.parse_args(argv)
    sc = load_scenario(args.scenario) if args.scenario else default_scenario()
    t0 = time.perf_counter()
    if args.paired:
        paired = run_reference_paired(sc, args.seed)
        runs = [paired.baseline, paired.strategy]
    else:
        runs = [run_reference(sc.baseline(), args.seed)]
    elapsed = time.perf_counter() - t0
    steps = sum(agent_steps(r) for r in runs)
    print(f"{sc.name}: {len(runs)} run(s) of {sc.n_weeks} weeks in {elapsed:.1f} s")
    print(f"agent-steps {steps:,} -> {steps / elapsed:,.0f} per second")
    if args.paired:
        print(f"payback week {paired.payback_week}, NPV {paired.npv_dkk / 1e6:.1f} mio. DKK")


if __name__ == "__main__":
    main()
