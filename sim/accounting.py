"""The weekly budget of a run: every line of :mod:`raaderum.sim.budget`, from the model's state."""

from typing import TYPE_CHECKING

import numpy as np

from . import kernels
from .budget import (
    ACTIVATION_REFUND_STATE_CODES,
    BENEFIT_LINE_INDEX,
    BENEFIT_STATE_CODES,
    LINE_INDEX,
    activation_refund,
)
from .scenario import WEEKS_PER_YEAR
from .states import IS_CASE, State
from .week import Week

if TYPE_CHECKING:
    from .model import Municipality


def budget(m: "Municipality", wk: Week) -> None:
    """The week is booked: benefits, the state refund, staff and lever costs, and tax on earnings.

    Each benefit line is its end-of-week stock × the year's weekly rate. From the 2016 reform the
    refund follows each citizen's counted weeks on benefit (refusionstrappen: 80/40/30/20 % by
    band), before it a flat share. Staff cost ``annual_cost_dkk`` per caseworker-year in post (the
    strategy's extra ones on a line of their own); programmes by participant-week; each lever's
    cost on its own line; the municipal tax on the earnings of jobs taken from benefit and of flex
    jobs. Until ``activation_refund_last_year`` the state refunds ``activation_refund_rate`` of the
    calendar year's course costs, up to the rådighedsbeløb: ``activation_refund_cap_annual_dkk``
    per full-year person on cash benefit, education benefit or a resource course (LAB § 118),
    booked week by week as the year's running totals grow (:func:`~raaderum.sim.budget.activation_refund`).
    """
    sc, cw, rec, w, lv = m.params, m.caseworkers, m.records, wk.index, wk.levers
    bud, st = sc.budget, sc.strategy
    year = m.budget_year(wk.year)
    rates = year.rates
    lines = rec.lines[w]
    counts = rec.stocks[w]
    band_counts, case_n, case_weeks, followed = budget_counts(m, wk)
    lines[BENEFIT_LINE_INDEX] = counts[BENEFIT_STATE_CODES] * rates[BENEFIT_STATE_CODES]
    total_benefits = float(counts @ rates)
    if year.refund_by_weeks:
        # everyone in the last band gets its rate; those not yet there add the difference
        extra = np.sum(band_counts * rates[:, None] * year.above_last_band[None, :])
        lines[LINE_INDEX["refund"]] = year.last_band_rate * total_benefits + float(extra)
    else:
        lines[LINE_INDEX["refund"]] = year.flat_refund_rate * total_benefits
    if case_n:
        rec.mean_weeks_on_benefit[w] = case_weeks / case_n
    salary = sc.staff.annual_cost_dkk / WEEKS_PER_YEAR
    lines[LINE_INDEX["staff_base"]] = np.sum(cw.active & ~cw.is_extra) * salary
    lines[LINE_INDEX["staff_extra"]] = np.sum(cw.active & cw.is_extra) * salary
    if lv.enterprise_oriented:
        lines[LINE_INDEX["enterprise_consultants"]] = st.enterprise_consultants * salary
    lines[LINE_INDEX["programme_course"]] = rec.in_course[w] * bud.course_cost_weekly_dkk
    lines[LINE_INDEX["programme_internship"]] = rec.in_internship[w] * bud.internship_cost_weekly_dkk
    if year.activation_refund_rate:
        first = max(sc.week_of_year(wk.year), 0)
        course = LINE_INDEX["programme_course"]
        spent = float(rec.lines[first:w, course].sum())
        cap = float(rec.stocks[first:w, ACTIVATION_REFUND_STATE_CODES].sum()) * year.activation_cap_weekly
        this_cap = float(counts[ACTIVATION_REFUND_STATE_CODES].sum()) * year.activation_cap_weekly
        lines[LINE_INDEX["refund_activation"]] = activation_refund(
            year.activation_refund_rate, spent, spent + lines[course], cap, cap + this_cap
        )
    if lv.screening_triage:
        lines[LINE_INDEX["screening"]] = wk.newcomers.size * st.screening_cost_dkk
    lines[LINE_INDEX["team_assessment"]] = rec.team_assessments[w] * st.team_assessment_cost_dkk
    if lv.integrated_casework:
        lines[LINE_INDEX["integrated_casework"]] = np.sum(cw.active) * st.integrated_cost_weekly_dkk
    if lv.followup_costed:
        # followed up in the weeks after the exit week, up to followup_until
        rec.followed_up[w] = followed
    lines[LINE_INDEX["followup"]] = rec.followed_up[w] * st.followup_cost_weekly_dkk
    if lv.supplier_monitoring:
        lines[LINE_INDEX["supplier_monitoring"]] = st.monitoring_cost_weekly_dkk
    rec.earnings[w] = m.earnings_total
    flex_earnings = counts[State.FLEX_JOB] * bud.flex_earnings_annual_dkk / WEEKS_PER_YEAR
    lines[LINE_INDEX["tax_income"]] = (rec.earnings[w] + flex_earnings) * bud.municipal_tax_rate


def budget_counts(m: "Municipality", wk: Week) -> tuple[np.ndarray, int, int, int]:
    """Counts the budget needs, from the citizens' state after this week's changes.

    Returns:
        Citizens not yet in the last refund band by (state, refund band); the number of
        citizens in case states and the sum of their refund weeks; the number followed up
        after an exit this week (from the week after the exit to ``followup_until``).
    """
    c, n, w, new = m.citizens, m.citizens.n, wk.index, wk.new
    first_weeks = m.budget_year(wk.year).band_first_weeks
    columns = (c.settle_week, c.wob_base, c.benefit_since, c.followup_until, c.exit_week)
    present = tuple(col[:n] for col in columns)
    return kernels.budget_counts(new, *present, IS_CASE, first_weeks, w)
