"""Labour-market rules: employers' vacancies, hiring from benefit, internships turning into jobs."""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import PROGRAMME_INTERNSHIP
from .citizen_state import effort
from .scenario import WEEKS_PER_YEAR
from .states import State
from .week import Week, transition

if TYPE_CHECKING:
    from .model import Municipality
    from .parameters import Market


def exit_to_job(m: "Municipality", wk: Week, ids: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """Citizens ``ids`` (with no other change this week) take a job at ``firms``.

    Earnings are ``annual_earnings_dkk / 52 · max(capacity, part_time_floor)`` a week.

    Returns:
        Which of ``ids`` took the job (those with another change this week do not).
    """
    keep = ~wk.moved[ids]
    moved_ids = wk.move(ids[keep], State.SELF_SUPPORTING)
    c, bud = m.citizens, m.params.budget
    c.employer[moved_ids] = firms[keep]
    c.earnings[moved_ids] = (
        bud.annual_earnings_dkk / WEEKS_PER_YEAR * np.maximum(c.capacity[moved_ids], bud.part_time_floor)
    )
    np.add.at(m.employers.hires, firms[keep], 1)
    return keep


def duration_weight(mk: "Market", weeks: np.ndarray) -> np.ndarray | float:
    """Employers' weight of a seeker who has been ``weeks`` on benefit, relative to a new claimant.

    Employers read a long spell out of work as a signal of low productivity: in Kroft et al.
    (2013) the chance of a callback falls with the length of the unemployment spell, most of the
    fall within the first eight months. The weight falls linearly from 1 at the start of the
    benefit period to ``duration_hire_floor`` after ``duration_hire_weeks`` and stays there;
    the time counts from the start of the current stint on benefit (``benefit_since``): a move
    between benefit states (job-ready to activity-ready, say) does not reset it, an internship
    does not either (the host hires on what it saw: ``internship_hire_multiplier``), and a
    relapse after a job starts it again.

    Args:
        mk: The market parameters.
        weeks: Weeks since each seeker's benefit period began.

    Returns:
        The weights (1.0 when ``duration_hire_floor`` is 1: no duration dependence).
    """
    if mk.duration_hire_floor == 1.0:
        return 1.0
    share = np.minimum(weeks / mk.duration_hire_weeks, 1.0)
    return 1.0 - (1.0 - mk.duration_hire_floor) * share


@transition
def job_finding(m: "Municipality", wk: Week) -> None:
    """Vacancies are filled from the ordinary unemployed and the citizens on benefit who seek work.

    A seeker's weight is the state's ``job_search_factor`` × the weight of the time on benefit
    (:func:`duration_weight`) × effort × capacity^``capacity_exponent`` × employers' willingness
    (``enterprise_willingness`` when enterprise-oriented) × ``internship_hire_multiplier`` in an
    internship × ``post_course_hire_multiplier`` after a job-search course finished in the current
    benefit period (its excess over 1 × ``monitoring_programme_multiplier`` under supplier
    monitoring); each ordinary unemployed weighs 1 (their
    number: unemployment × labour force × ``ordinary_unemployed_share``). A seeker is hired with
    ``1 − exp(−V · weight / (ordinary + Σ weights))`` for the week's V vacancies, by a firm drawn by
    its vacancies (an intern by the host). An internship ending this week becomes a job with
    ``internship_conversion`` × the host's demand (× the enterprise and monitoring multipliers).

    The week's seekers and hires are counted by state, and apart for those met by a caseworker the
    week before and not again this week (a meeting acts on the next week's search): the weekly
    table's ``seekers_*`` and ``hires_*`` columns, from which ``RunResult.meeting_week_ratio``
    compares the job-finding rate just after a meeting with the rate in other weeks (IFAU 2014:5
    measured +25 % for insured unemployed).
    """
    sc, c, w, lv = m.params, m.citizens, wk.index, wk.levers
    b, mk, eff = sc.behaviour, sc.market, sc.effects
    case, old = wk.case, wk.old
    factor = np.asarray(b.job_search_factor)[old[case]]
    seek = case[factor > 0]
    factor = factor[factor > 0]
    vacancies = m.employers.vacancies = m.vacancy_schedule[w]
    total_v = float(vacancies.sum())
    willingness = eff.enterprise_willingness if lv.enterprise_oriented else 1.0
    intern = c.programme[seek] == PROGRAMME_INTERNSHIP
    monitored = eff.monitoring_programme_multiplier if lv.supplier_monitoring else 1.0
    post_course = 1 + (b.post_course_hire_multiplier - 1) * monitored
    # the time on benefit is only read when duration dependence is on
    on_benefit = 1.0 if mk.duration_hire_floor == 1.0 else duration_weight(mk, w - c.benefit_since[seek])
    strength = (
        factor
        * on_benefit
        * effort(m, seek, w)
        * c.capacity[seek] ** mk.capacity_exponent
        * willingness
        * np.where(intern, b.internship_hire_multiplier, 1.0)
        * np.where(c.course_done[seek], post_course, 1.0)
    )
    ordinary = m.cycle.unemployment[w] / 100 * sc.population.labour_force * mk.ordinary_unemployed_share
    p = -np.expm1(-total_v * strength / (ordinary + strength.sum()))
    hired = m.streams.uniform("job_offer", w, seek) < p
    ids = seek[hired]
    firms = m.employers.pick(vacancies, m.streams.uniform("hiring_firm", w, ids))
    own = c.programme[ids] == PROGRAMME_INTERNSHIP
    firms[own] = c.employer[ids[own]]
    took = np.zeros_like(hired)
    took[np.flatnonzero(hired)] = exit_to_job(m, wk, ids, firms)
    _count_search(m, w, old[seek], c.last_meeting[seek] == w - 1, took)
    # internships ending this week may turn into a job at the host firm
    ending = case[(c.programme[case] == PROGRAMME_INTERNSHIP) & (c.programme_end[case] == w)]
    conv = mk.internship_conversion * m.firm_demand[w, c.employer[ending]]
    if lv.enterprise_oriented:
        conv = conv * eff.enterprise_conversion_multiplier
    conv = conv * monitored
    converted = ending[m.streams.uniform("internship_to_job", w, ending) < np.minimum(conv, 1.0)]
    exit_to_job(m, wk, converted, c.employer[converted].copy())
    m.records.vacancies[w] = total_v
    m.records.ordinary_unemployed[w] = ordinary


def _count_search(m: "Municipality", w: int, states: np.ndarray, met: np.ndarray, hired: np.ndarray) -> None:
    """Record the week's seekers and vacancy hires by state: all, and those met the week before.

    Args:
        m: The model.
        w: The week.
        states: Each seeker's state at the start of the week.
        met: Whether each seeker was met by a caseworker the week before.
        hired: Whether each seeker took a job from a vacancy this week.
    """
    rec, n = m.records, m.records.seekers.shape[1]
    rec.seekers[w] = np.bincount(states, minlength=n)
    rec.seekers_met[w] = np.bincount(states[met], minlength=n)
    rec.hires[w] = np.bincount(states[hired], minlength=n)
    rec.hires_met[w] = np.bincount(states[hired & met], minlength=n)
