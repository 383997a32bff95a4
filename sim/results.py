"""The result of one run: weekly time series and a summary."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .budget import LINES, lever_costs, municipal_net
from .states import CASE_STATES, IS_BENEFIT, STATE_NAMES, TEAM_NAMES, State

if TYPE_CHECKING:
    from .records import WeeklyRecords
    from .scenario import Scenario

CLARIFIED = (State.FLEX_JOB, State.RESOURCE_COURSE, State.DISABILITY_PENSION)


@dataclass
class RunResult:
    """Weekly series of one run.

    Attributes:
        scenario: The scenario that was run.
        weekly: One row per week: stocks, flows, contacts, caseload, budget lines (DKK).
        flows: Transitions per week as an array (week, from state, to state).
    """

    scenario: "Scenario"
    weekly: pd.DataFrame
    flows: np.ndarray

    @classmethod
    def from_records(cls, scenario: "Scenario", rec: "WeeklyRecords") -> "RunResult":
        """Assemble the weekly table from a model's records."""
        n = scenario.n_weeks
        weeks = np.arange(n)
        cols: dict[str, Any] = {
            "week": weeks,
            "year": scenario.start_year + weeks // 52,
            "week_of_year": weeks % 52 + 1,
            "unemployment_pct": rec.unemployment,
        }
        for i, name in enumerate(STATE_NAMES):
            cols[f"stock_{name}"] = rec.stocks[:, i]
        f = rec.flows
        case_rows = list(CASE_STATES)
        cols["exits_self_supporting"] = f[:, case_rows, State.SELF_SUPPORTING].sum(axis=1)
        cols["exits_education"] = f[:, case_rows, State.EDUCATION].sum(axis=1)
        cols["clarified"] = f[:, State.ACTIVITY_READY, list(CLARIFIED)].sum(axis=1)
        benefit = np.flatnonzero(IS_BENEFIT)
        cols["relapses"] = f[:, [State.SELF_SUPPORTING, State.EDUCATION]][:, :, benefit].sum(axis=(1, 2))
        for j, name in enumerate(STATE_NAMES):
            if j != State.ACTIVITY_READY:
                cols[f"activity_ready_to_{name}"] = f[:, State.ACTIVITY_READY, j]
        cols["meetings"] = rec.meetings
        cols["case_citizens"] = rec.case_citizens
        cols["contacts_per_citizen"] = rec.meetings / np.maximum(rec.case_citizens, 1)
        cols["overdue"] = rec.overdue
        for t, name in enumerate(TEAM_NAMES):
            cols[f"caseworkers_{name}"] = rec.caseworkers_by_team[:, t]
            cols[f"caseload_{name}"] = rec.cases_by_team[:, t] / np.maximum(rec.caseworkers_by_team[:, t], 1)
            cols[f"contacts_per_case_{name}"] = rec.meetings_by_team[:, t] / np.maximum(
                rec.cases_by_team[:, t], 1
            )
        cols["caseworker_quits"] = rec.quits
        cols["vacancies"] = rec.vacancies
        cols["ordinary_unemployed"] = rec.ordinary_unemployed
        cols["in_course"] = rec.in_course
        cols["in_internship"] = rec.in_internship
        cols["team_assessments"] = rec.team_assessments
        cols["followed_up"] = rec.followed_up
        cols["mean_weeks_on_benefit"] = rec.mean_weeks_on_benefit
        for i, name in enumerate(LINES):
            cols[f"dkk_{name}"] = rec.lines[:, i]
        cols["dkk_municipal_net"] = municipal_net(rec.lines)
        cols["dkk_state"] = rec.lines[:, LINES.index("refund")]
        cols["dkk_lever_costs"] = lever_costs(rec.lines)
        weekly = pd.DataFrame(cols)
        assert len(weekly) == n
        return cls(scenario=scenario, weekly=weekly, flows=rec.flows.copy())

    def stock(self, state: State | str) -> pd.Series:
        """Weekly stock of one state."""
        name = state.name.lower() if isinstance(state, State) else state
        return self.weekly[f"stock_{name}"]
