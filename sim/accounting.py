"""The weekly budget of a run: every line of :mod:`raaderum.sim.budget`, from the model's state.

Mixed into :class:`raaderum.sim.model.Municipality`.
"""

import numpy as np

from . import kernels
from .budget import BENEFIT_LINE_INDEX, BENEFIT_STATE_CODES, LINE_INDEX, weekly_rates
from .records import WeeklyRecords
from .rules import ModelParts
from .scenario import WEEKS_PER_YEAR
from .states import IS_CASE, N_STATES, State


class AccountingRules(ModelParts):
    """Books the week's spending, refund and tax."""

    def _budget(self, w: int, on: bool, rec: WeeklyRecords, newcomers: np.ndarray) -> None:
        sc, cw = self.params, self.caseworkers
        bud, st = sc.budget, sc.strategy
        year = self.year_of(w)
        if year not in self._rates_by_year:
            self._rates_by_year[year] = weekly_rates(bud, year)
        rates = self._rates_by_year[year]
        lines = rec.lines[w]
        counts = rec.stocks[w]
        band_counts, case_n, case_weeks, followed = self._budget_counts(w)
        lines[BENEFIT_LINE_INDEX] = counts[BENEFIT_STATE_CODES] * rates[BENEFIT_STATE_CODES]
        total_benefits = float(counts @ rates)
        if year >= bud.refund_reform_year:
            # everyone in the last band gets its rate; those not yet there add the difference
            last_rate = bud.refund_rates[-1]
            extra = np.sum(band_counts * rates[:, None] * self._refund_above_last[None, :])
            lines[LINE_INDEX["refund"]] = last_rate * total_benefits + float(extra)
        else:
            lines[LINE_INDEX["refund"]] = bud.pre_reform_refund_rate * total_benefits
        if case_n:
            rec.mean_weeks_on_benefit[w] = case_weeks / case_n
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
            # followed up in the weeks after the exit week, up to followup_until
            rec.followed_up[w] = followed
        lines[LINE_INDEX["followup"]] = rec.followed_up[w] * st.followup_cost_weekly_dkk
        if on and st.supplier_monitoring:
            lines[LINE_INDEX["supplier_monitoring"]] = st.monitoring_cost_weekly_dkk
        rec.earnings[w] = self._earnings_total
        flex_earnings = counts[State.FLEX_JOB] * bud.flex_earnings_annual_dkk / WEEKS_PER_YEAR
        lines[LINE_INDEX["tax_income"]] = (rec.earnings[w] + flex_earnings) * bud.municipal_tax_rate

    def _budget_counts(self, w: int) -> tuple[np.ndarray, int, int, int]:
        """Counts the budget needs, from the citizens' state after this week's changes.

        Returns:
            Citizens not yet in the last refund band by (state, refund band); the number of
            citizens in case states and the sum of their refund weeks; the number followed up
            after an exit this week (from the week after the exit to ``followup_until``).
        """
        c, n = self.citizens, self.citizens.n
        first_weeks = self._refund_first_weeks
        columns = (c.settle_week, c.wob_base, c.benefit_since, c.followup_until, c.exit_week)
        columns = tuple(col[:n] for col in columns)
        if kernels.compiled():
            return kernels.budget_counts(self._new, *columns, IS_CASE, first_weeks, w)
        young = np.flatnonzero(c.settle_week[:n] > w)
        band = np.maximum(np.searchsorted(first_weeks, c.refund_weeks(young, w), side="right") - 1, 0)
        cells = self._new[young].astype(np.int64) * first_weeks.size + band
        counts = np.bincount(cells, minlength=N_STATES * first_weeks.size).reshape(N_STATES, -1)
        case_now = np.flatnonzero(IS_CASE[self._new])
        case_weeks = int(c.refund_weeks(case_now, w).sum(dtype=np.int64))
        followed = np.count_nonzero((c.followup_until[:n] >= w) & (c.exit_week[:n] < w))
        return counts, case_now.size, case_weeks, int(followed)
