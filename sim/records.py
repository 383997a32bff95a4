"""Weekly aggregates a model collects while it runs."""

import numpy as np

from .budget import LINES
from .states import N_STATES, Team


class WeeklyRecords:
    """Weekly aggregates collected during a run, filled by the model's step."""

    def __init__(self, n_weeks: int) -> None:
        z = np.zeros
        self.stocks = z((n_weeks, N_STATES), dtype=np.int64)
        self.flows = z((n_weeks, N_STATES, N_STATES), dtype=np.int64)
        self.arrivals = z((n_weeks, N_STATES), dtype=np.int64)
        self.lines = z((n_weeks, len(LINES)))
        self.unemployment = z(n_weeks)
        self.meetings = z(n_weeks, dtype=np.int64)
        self.case_citizens = z(n_weeks, dtype=np.int64)
        self.overdue = z(n_weeks, dtype=np.int64)
        self.due_by_team = z((n_weeks, len(Team)), dtype=np.int64)
        self.shortfall_by_team = z((n_weeks, len(Team)), dtype=np.int64)
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
        self.seekers = z((n_weeks, N_STATES), dtype=np.int64)
        self.seekers_met = z((n_weeks, N_STATES), dtype=np.int64)
        self.hires = z((n_weeks, N_STATES), dtype=np.int64)
        self.hires_met = z((n_weeks, N_STATES), dtype=np.int64)
