"""The result of one run: weekly time series and a summary."""

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .budget import LINES, REFUND_LINES, lever_costs, municipal_net
from .states import CASE_STATES, ENTRY_STATES, IS_BENEFIT, STATE_NAMES, TEAM_NAMES, State

if TYPE_CHECKING:
    from .records import WeeklyRecords
    from .scenario import Scenario

CLARIFIED = (State.FLEX_JOB, State.RESOURCE_COURSE, State.DISABILITY_PENSION)

#: The weekly table's columns: (name pattern, unit, meaning). ``<state>``, ``<from>`` and ``<to>``
#: stand for a state name, ``<team>`` for a team, ``<line>`` for a budget line. Every value is for
#: the week, at its end for stocks; ``docs/DATA.md`` is generated from this (``data_dictionary``).
WEEKLY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("run", "", "baseline or strategy (the weekly.csv / weekly.parquet of `raaderum run` only)"),
    ("week", "week", "week index from 0 (the first week of the horizon)"),
    ("year", "year", "calendar year of the week (52-week years)"),
    ("week_of_year", "week", "week within its year, 1-52"),
    ("unemployment_pct", "%", "unemployment rate of the business cycle"),
    ("stock_<state>", "persons", "citizens in the state at the end of the week"),
    ("arrivals_<state>", "persons", "new claimants entering in the state (entry states only)"),
    (
        "flow_<from>_to_<to>",
        "persons",
        "citizens who moved from one state to another in the week (gross flow)",
    ),
    ("exits_self_supporting", "persons", "moves from a case state to self-support"),
    ("exits_education", "persons", "moves from a case state to education"),
    ("clarified", "persons", "activity-ready clarified to flex job, resource course or disability pension"),
    ("relapses", "persons", "returns to a benefit from self-support or education"),
    ("activity_ready_to_<state>", "persons", "moves out of activity-ready, by destination"),
    ("meetings", "meetings", "caseworker meetings held"),
    ("case_citizens", "persons", "citizens in case states (who can be met)"),
    ("contacts_per_citizen", "meetings per person", "meetings / case citizens"),
    ("overdue", "persons", "cases overdue under the legal contact schedule at the start of the week"),
    (
        "meetings_due_<team>",
        "persons",
        "the team's cases overdue under the legal schedule (with a caseworker)",
    ),
    (
        "contact_shortfall_<team>",
        "persons",
        "of those, not met in the week: the caseworkers' minutes ran out",
    ),
    ("caseworkers_<team>", "persons", "caseworkers in post in the team"),
    ("caseload_<team>", "cases per caseworker", "the team's cases per caseworker in post"),
    ("contacts_per_case_<team>", "meetings per case", "the team's meetings per case"),
    ("caseworker_quits", "persons", "caseworkers who quit"),
    ("vacancies", "jobs", "vacancies open to the unemployed"),
    ("ordinary_unemployed", "persons", "insured unemployed competing for the vacancies"),
    ("in_course", "persons", "citizens in a job-search course"),
    ("in_internship", "persons", "citizens in a company internship (virksomhedspraktik)"),
    ("team_assessments", "assessments", "interdisciplinary team assessments (screening and triage)"),
    ("followed_up", "persons", "former recipients followed up after their exit"),
    ("mean_weeks_on_benefit", "weeks", "mean refund weeks counted for the citizens in case states"),
    ("seekers_<state>", "persons", "citizens in the (case) state seeking work in the week"),
    ("seekers_met_<state>", "persons", "of the seekers, those met by a caseworker the week before"),
    (
        "hires_<state>",
        "persons",
        "seekers in the state hired from a vacancy in the week (internships turned into jobs excluded)",
    ),
    ("hires_met_<state>", "persons", "of those hired, the ones met by a caseworker the week before"),
    (
        "dkk_<line>",
        "DKK",
        "the budget line of the week (raaderum.sim.budget; refund, refund_activation and tax are income)",
    ),
    ("dkk_municipal_net", "DKK", "the municipality's net cost: spending less refunds and tax"),
    ("dkk_state", "DKK", "what the state pays: the refund of benefits and of course costs"),
    ("dkk_lever_costs", "DKK", "spending on the strategy's own lines"),
    (
        "cumulative_net_saving_dkk",
        "DKK",
        "baseline minus strategy net cost, summed to the week (`raaderum run` only)",
    ),
)


def column_entry(name: str) -> tuple[str, str, str] | None:
    """The :data:`WEEKLY_COLUMNS` entry a column name belongs to (the most specific), or None."""
    from .budget import LINES

    choices = {
        "<state>": STATE_NAMES,
        "<from>": STATE_NAMES,
        "<to>": STATE_NAMES,
        "<team>": TEAM_NAMES,
        "<line>": LINES,
    }
    for entry in WEEKLY_COLUMNS:
        if entry[0] == name:
            return entry
    for entry in WEEKLY_COLUMNS:
        pattern = re.escape(entry[0])
        for key, names in choices.items():
            pattern = pattern.replace(re.escape(key), "(" + "|".join(names) + ")")
        if re.fullmatch(pattern, name):
            return entry
    return None


def data_dictionary() -> str:
    """The weekly table's columns as Markdown (the content of ``docs/DATA.md``)."""
    from .budget import LINES

    out = [
        "# The weekly table: a data dictionary",
        "",
        "Generated from `raaderum.sim.results.WEEKLY_COLUMNS`; do not edit by hand. One row per",
        "simulated week (and, in `raaderum run`'s `weekly.csv` / `weekly.parquet`, per run). Stocks",
        "are at the end of the week; flows and money are for the week.",
        "",
        "| column | unit | meaning |",
        "|---|---|---|",
    ]
    out += [f"| `{name}` | {unit} | {meaning} |" for name, unit, meaning in WEEKLY_COLUMNS]
    out += [
        "",
        f"`<state>`, `<from>`, `<to>`: {', '.join(STATE_NAMES)}.",
        f"`<team>`: {', '.join(TEAM_NAMES)}. `<line>`: {', '.join(LINES)}.",
        "",
    ]
    return "\n".join(out)


@dataclass
class RunResult:
    """Weekly series of one run.

    Attributes:
        scenario: The scenario that was run.
        weekly: One row per week: stocks, flows, contacts, caseload, budget lines (DKK).
        flows: Transitions per week as an array (week, from state, to state).
        activity_ready_fate: Everyone who was activity-ready at some point of the investment
            period, counted by their state at its end (``gone``: moved away or reached pension
            age); ``{}`` if the run stopped before the period ended.
    """

    scenario: "Scenario"
    weekly: pd.DataFrame
    flows: np.ndarray
    activity_ready_fate: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_records(
        cls, scenario: "Scenario", rec: "WeeklyRecords", activity_ready_fate: dict[str, int] | None = None
    ) -> "RunResult":
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
        for s in ENTRY_STATES:
            cols[f"arrivals_{STATE_NAMES[s]}"] = rec.arrivals[:, s]
        for i, a in enumerate(STATE_NAMES):
            for j, b in enumerate(STATE_NAMES):
                if i != j:
                    cols[f"flow_{a}_to_{b}"] = f[:, i, j]
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
            cols[f"meetings_due_{name}"] = rec.due_by_team[:, t]
            cols[f"contact_shortfall_{name}"] = rec.shortfall_by_team[:, t]
        cols["caseworker_quits"] = rec.quits
        cols["vacancies"] = rec.vacancies
        cols["ordinary_unemployed"] = rec.ordinary_unemployed
        cols["in_course"] = rec.in_course
        cols["in_internship"] = rec.in_internship
        cols["team_assessments"] = rec.team_assessments
        cols["followed_up"] = rec.followed_up
        cols["mean_weeks_on_benefit"] = rec.mean_weeks_on_benefit
        for s in CASE_STATES:
            name = STATE_NAMES[s]
            cols[f"seekers_{name}"] = rec.seekers[:, s]
            cols[f"seekers_met_{name}"] = rec.seekers_met[:, s]
            cols[f"hires_{name}"] = rec.hires[:, s]
            cols[f"hires_met_{name}"] = rec.hires_met[:, s]
        for i, name in enumerate(LINES):
            cols[f"dkk_{name}"] = rec.lines[:, i]
        cols["dkk_municipal_net"] = municipal_net(rec.lines)
        cols["dkk_state"] = rec.lines[:, [LINES.index(n) for n in REFUND_LINES]].sum(axis=1)
        cols["dkk_lever_costs"] = lever_costs(rec.lines)
        weekly = pd.DataFrame(cols)
        assert len(weekly) == n
        return cls(scenario, weekly, rec.flows.copy(), dict(activity_ready_fate or {}))

    def meeting_week_ratio(self, state: State | str, first: int = 0, last: int | None = None) -> float:
        """Job-finding rate of a state's seekers just after a caseworker meeting, relative to other weeks.

        ``(hires_met / seekers_met) / ((hires − hires_met) / (seekers − seekers_met))`` summed over
        weeks ``first`` to ``last`` (exclusive; default: to the end): hires from vacancies in the
        week after a meeting, the first week a meeting acts on search, against the other weeks. The
        counterpart of IFAU 2014:5's estimate for insured unemployed, about 1.25. NaN when either
        group had no hires.
        """
        name = state.name.lower() if isinstance(state, State) else state
        w = self.weekly.iloc[first:last]
        seekers, met = float(w[f"seekers_{name}"].sum()), float(w[f"seekers_met_{name}"].sum())
        hires, hires_met = float(w[f"hires_{name}"].sum()), float(w[f"hires_met_{name}"].sum())
        if met == 0 or hires_met == 0 or hires == hires_met:
            return float("nan")
        return (hires_met / met) / ((hires - hires_met) / (seekers - met))

    def stock(self, state: State | str) -> pd.Series:
        """Weekly stock of one state."""
        name = state.name.lower() if isinstance(state, State) else state
        return self.weekly[f"stock_{name}"]

    def stock_flow(self, state: State | str = State.ACTIVITY_READY) -> pd.DataFrame:
        """A state's yearly stock-flow account: stock, entrants by origin, exits by destination.

        One row per calendar year: ``stock_start`` (end of the previous year; the initial stock
        for the first), ``entrants_<origin>`` (``arrivals`` are new claimants, the others moves
        from another state), ``exits_<destination>``, ``stock_end``, ``mean_stock`` and
        ``mean_duration_weeks``, the mean time in the state by Little's law (mean stock divided
        by weekly exits). ``stock_end = stock_start + entrants − exits`` holds exactly.
        """
        s = int(state if isinstance(state, State) else State[state.upper()])
        name = STATE_NAMES[s]
        w = self.weekly
        initial = int(w.at[0, f"stock_{name}"] - self.flows[0, :, s].sum() + self.flows[0, s, :].sum())
        initial -= int(w.at[0, f"arrivals_{name}"]) if f"arrivals_{name}" in w else 0
        rows = []
        for year, group in w.groupby("year", sort=True):
            weeks = group.index.to_numpy()
            into = self.flows[weeks][:, :, s].sum(axis=0)
            out = self.flows[weeks][:, s, :].sum(axis=0)
            row: dict[str, Any] = {"year": int(year)}
            row["stock_start"] = initial if weeks[0] == 0 else int(w.at[weeks[0] - 1, f"stock_{name}"])
            row["entrants_arrivals"] = int(group[f"arrivals_{name}"].sum()) if f"arrivals_{name}" in w else 0
            for j, other in enumerate(STATE_NAMES):
                if j != s:
                    row[f"entrants_{other}"] = int(into[j])
            for j, other in enumerate(STATE_NAMES):
                if j != s:
                    row[f"exits_{other}"] = int(out[j])
            row["entrants"] = sum(v for k, v in row.items() if k.startswith("entrants_"))
            row["exits"] = int(out.sum() - out[s])
            row["stock_end"] = int(group[f"stock_{name}"].iloc[-1])
            row["mean_stock"] = float(group[f"stock_{name}"].mean())
            per_week = row["exits"] / len(weeks)
            row["mean_duration_weeks"] = row["mean_stock"] / per_week if per_week else float("nan")
            rows.append(row)
        return pd.DataFrame(rows).set_index("year")
