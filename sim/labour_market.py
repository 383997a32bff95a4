"""Labour-market rules: employers' vacancies, hiring from benefit, internships turning into jobs.

Mixed into :class:`raaderum.sim.model.Municipality`; the methods read and write the model's arrays.
"""

import numpy as np

from ..agents.citizens import PROGRAMME_INTERNSHIP
from .records import WeeklyRecords
from .rules import ModelParts
from .scenario import WEEKS_PER_YEAR
from .states import State


class LabourMarketRules(ModelParts):
    """Hiring of citizens on benefit, in competition with the ordinary unemployed."""

    def _exit_to_job(self, ids: np.ndarray, firms: np.ndarray) -> None:
        keep = ~self._moved[ids]
        moved_ids = self._move(ids[keep], State.SELF_SUPPORTING)
        c, bud = self.citizens, self.params.budget
        c.employer[moved_ids] = firms[keep]
        c.earnings[moved_ids] = (
            bud.annual_earnings_dkk / WEEKS_PER_YEAR * np.maximum(c.capacity[moved_ids], bud.part_time_floor)
        )
        np.add.at(self.employers.hires, firms[keep], 1)

    def _job_finding(self, case: np.ndarray, old: np.ndarray, w: int, on: bool, rec: WeeklyRecords) -> None:
        sc, c = self.params, self.citizens
        b, m, eff = sc.behaviour, sc.market, sc.effects
        factor = np.asarray(b.job_search_factor)[old[case]]
        seek = case[factor > 0]
        factor = factor[factor > 0]
        vacancies = self.employers.vacancies = self._vacancies[w]
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
