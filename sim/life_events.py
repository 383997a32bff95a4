"""Life events: sickness, education, resource courses ending, other self-support, relapse, shocks."""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import NEVER
from . import kernels
from .casework import permanent_decision
from .citizen_state import mean_barrier
from .labour_market import exit_to_job
from .policy import cash_benefit_state
from .states import IS_CASE, State
from .week import Week, transition

if TYPE_CHECKING:
    from .model import Municipality

SICKNESS_REFERENCE_HEALTH = 0.3  # mean health barrier of the sick-listed (PROFILES)


@transition
def leave(m: "Municipality", wk: Week) -> None:
    """Citizens who move away or reach the pension age this week leave (state GONE).

    Both dates are drawn when a citizen enters (``move_away_weekly``, ``pension_age``), so who
    leaves in which week is known from the start. Leaving comes first: nothing else happens to
    a citizen in the week they leave. The week's cases are those left in case states.
    """
    w = wk.index
    wk.move(m.leavers[m.leavers_from[w] : m.leavers_from[w + 1]], State.GONE)
    wk.case = np.flatnonzero(IS_CASE[wk.old] & ~wk.moved)


@transition
def sickness(m: "Municipality", wk: Week) -> None:
    """The sick-listed recover, to their job or to job-ready; at the duration limit, a resource course.

    Recovery has the weekly hazard ``sickness_recovery_weekly × (1 − health) / 0.7``; of the
    recovered, ``sickness_employed_share`` return to a job (a firm drawn by size), the others
    become job-ready. After ``sickness_limit_weeks`` a case becomes a resource course (the
    jobafklaringsforløb is modelled as one).
    """
    c, b, w, case, old = m.citizens, m.params.behaviour, wk.index, wk.case, wk.old
    sick = case[old[case] == State.SICKNESS]
    p = b.sickness_recovery_weekly * (1 - c.health[sick]) / (1 - SICKNESS_REFERENCE_HEALTH)
    recovered = sick[m.streams.uniform("sickness_recovery", w, sick) < p]
    to_job = m.streams.uniform("back_to_job", w, recovered) < b.sickness_employed_share
    firms = m.employers.pick(m.employers.size, m.streams.uniform("return_to_employer", w, recovered[to_job]))
    exit_to_job(m, wk, recovered[to_job], firms)
    wk.move(recovered[~to_job], State.JOB_READY)
    long = sick[(w - c.spell_start[sick]) >= b.sickness_limit_weeks]
    wk.move(long, State.RESOURCE_COURSE)


@transition
def resource_course_end(m: "Municipality", wk: Week) -> None:
    """A resource course ends after ``resource_course_weeks``; the case is decided again.

    The decision is that of a completed assessment, with activity-ready as the fallback.
    """
    c, b, case = m.citizens, m.params.behaviour, wk.case
    rc = case[wk.old[case] == State.RESOURCE_COURSE]
    ending = rc[(wk.index - c.spell_start[rc]) >= b.resource_course_weeks]
    wk.move(ending, permanent_decision(m, ending, wk.index, State.ACTIVITY_READY))


@transition
def education(m: "Municipality", wk: Week) -> None:
    """The education-ready start an education, or at ``education_ready_max_age`` become cash-benefit cases.

    The weekly chance is ``education_start_weekly`` (× ``education_meeting_multiplier`` in a week
    with a meeting); at the age limit they become job-ready, or activity-ready below
    ``activity_ready_capacity``.
    """
    c, b, w, case = m.citizens, m.params.behaviour, wk.index, wk.case
    er = case[wk.old[case] == State.EDUCATION_READY]
    p = b.education_start_weekly * np.where(wk.met_mask[er], b.education_meeting_multiplier, 1.0)
    wk.move(er[m.streams.uniform("education_start", w, er) < p], State.EDUCATION)
    aged = er[(w - c.birth_week[er]) / 52 >= b.education_ready_max_age]
    wk.move(aged, cash_benefit_state(c.capacity[aged], b.activity_ready_capacity))


@transition
def other_self_support(m: "Municipality", wk: Week) -> None:
    """Cases leave benefit without a job (a partner's income, own means): ``other_self_support_weekly``."""
    case = wk.case
    at_risk = case[wk.old[case] != State.SICKNESS]
    u = m.streams.uniform("other_self_support", wk.index, at_risk)
    wk.move(at_risk[u < m.params.behaviour.other_self_support_weekly], State.SELF_SUPPORTING)


@transition
def relapse(m: "Municipality", wk: Week) -> None:
    """Former recipients whose relapse week has come return to benefit (lay-offs among them).

    The week was drawn at the exit (:func:`schedule_relapse`). They return as education-ready under
    ``education_ready_max_age`` (once the 2014 reform is in force), else activity-ready below
    ``activity_ready_capacity`` or job-ready;
    those who had been sick-listed from a job return to sickness benefit.
    """
    c, b, w = m.citizens, m.params.behaviour, wk.index
    back = np.flatnonzero(c.relapse_week[: c.n] == w)
    age = (w - c.birth_week[back]) / 52
    dest = cash_benefit_state(c.capacity[back], b.activity_ready_capacity)
    if m.education_benefit(w):
        dest = np.where(age < b.education_ready_max_age, State.EDUCATION_READY, dest)
    was_sick = (c.last_benefit[back] == State.SICKNESS) & (c.employer[back] >= 0)
    dest = np.where(was_sick, State.SICKNESS, dest).astype(np.int8)
    back = wk.move(back, dest)
    laid_off = back[c.employer[back] >= 0]
    np.add.at(m.employers.layoffs, c.employer[laid_off], 1)


def schedule_relapse(m: "Municipality", wk: Week, ids: np.ndarray) -> None:
    """Draw the week in which citizens who exit this week will return to benefit.

    The relapse hazard ``h`` (per week) of each later week is known at exit: a rate by kind of
    exit (``relapse_weekly`` × (1 + ``relapse_barrier_gain`` × mean barrier) from a job or other
    self-support, ``sickness_relapse_weekly`` × (1 + gain × health) for a return to work after
    sickness, ``education_dropout_weekly`` from education), times the decay with the time since
    exit (from 1 to ``relapse_floor`` with time constant ``relapse_decay_weeks``: the excess risk
    of a former recipient fades), times the lay-off factor of the employer's demand over the
    (exogenous) business cycle for a job, times follow-up. The citizen relapses in the first week in
    which the cumulative hazard reaches ``E ~ Exp(1)``, so the chance of a relapse in a week is
    ``1 − exp(−h)``. ``E`` is keyed by (exit week, citizen).
    """
    in_education = wk.new[ids] == State.EDUCATION
    threshold = -np.log1p(-m.streams.uniform("relapse_threshold", wk.index, ids))
    draw_relapse_weeks(m, wk.index, ids, in_education, threshold, np.zeros(ids.size, dtype=np.int64))


def draw_relapse_weeks(
    m: "Municipality",
    w: int,
    ids: np.ndarray,
    in_education: np.ndarray,
    threshold: np.ndarray,
    elapsed: np.ndarray,
) -> None:
    """Set the relapse week of former recipients ``ids``, counting the hazard from week ``w + 1``.

    ``elapsed`` is each exit's age in weeks at ``w`` (0 for an exit in ``w``; more for the
    starting population's former recipients, whose exit came in the burn-in): the hazard of a
    later week follows the time since the exit. ``threshold`` is the cumulative hazard still to
    come before the relapse (for an exit that has not relapsed yet, a fresh ``Exp(1)``: the
    exponential is memoryless).
    """
    c, sc = m.citizens, m.params
    b = sc.behaviour
    c.relapse_week[ids] = NEVER
    horizon = m.n_weeks - 1 - w
    if ids.size == 0 or horizon <= 0:
        return
    # hazard of the k-th week after the exit: rate · decay[k] · lay-off factor of the employer
    rate = (b.relapse_weekly * (1 + b.relapse_barrier_gain * mean_barrier(c, ids))).astype(np.float64)
    firm = c.employer[ids]
    sick = (c.last_benefit[ids] == State.SICKNESS) & (firm >= 0)
    rate[sick] = b.sickness_relapse_weekly * (1 + b.relapse_barrier_gain * c.health[ids[sick]])
    rate[in_education] = b.education_dropout_weekly
    firm = np.where(sick | in_education, -1, firm)  # a new sick-listing or a drop-out: no lay-off
    covered = np.maximum(c.followup_until[ids] - w, 0).astype(np.int64)  # weeks with follow-up
    args = (rate, firm, covered, threshold, elapsed, m.relapse_decay, m.layoff_factor, w, horizon)
    first = kernels.first_crossing(*args, sc.effects.followup_relapse_multiplier)
    c.relapse_week[ids] = np.where(first >= 0, w + 1 + first, NEVER)


def barrier_shocks(m: "Municipality", wk: Week) -> None:
    """A case's barrier rises by ``barrier_shock_size`` with weekly chance ``barrier_shock_weekly``.

    The domain (health, social, skills) is drawn with equal chances.
    """
    c, b, w, case = m.citizens, m.params.behaviour, wk.index, wk.case
    hit = case[m.streams.uniform("barrier_shock", w, case) < b.barrier_shock_weekly]
    domain = (m.streams.uniform("barrier_shock_domain", w, hit) * 3).astype(np.int64)
    for d, col in enumerate((c.health, c.social, c.skills)):
        ids = hit[domain == d]
        col[ids] = np.minimum(col[ids] + b.barrier_shock_size, 1.0)
