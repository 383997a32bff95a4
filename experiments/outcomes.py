"""Run one task of a batch and reduce it to outcome rows.

A task runs the baseline and each strategy with the task's seed. Every run gives one row:
its design values, cycle, strategy, seed and outcomes. A task that raises gives a failure record
instead; the batch goes on.
"""

import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..sim.results import RunResult
from ..sim.scenario import WEEKS_PER_YEAR, Scenario
from ..sim.states import IS_BENEFIT, STATE_NAMES
from .attribution import ALL_CONTACT, CHANNELS, INTERACTION, attribute
from .design import Task
from .paired import PairedResult, run_single
from .spec import BASELINE, Outcomes

WEEKLY_COLUMNS = ("stock_activity_ready", "stock_job_ready", "dkk_municipal_net")
#: The attribution's rows, as outcome columns ``attribution_<row>_dkk`` (contribution to the NPV).
ATTRIBUTION_ROWS = (*CHANNELS, ALL_CONTACT, INTERACTION)
BENEFIT_STOCKS = [f"stock_{name}" for name, on in zip(STATE_NAMES, IS_BENEFIT, strict=True) if on]


@dataclass
class TaskResult:
    """What a task sends back: outcome rows and weekly series, or the error.

    Attributes:
        task: The task.
        rows: One outcome row per run (baseline first).
        weekly: Weekly series of every run (long format), or None when not stored.
        error: ``Type: message`` of the exception that stopped the task, or None.
        traceback: The formatted traceback, or None.
    """

    task: Task
    rows: list[dict[str, Any]] = field(default_factory=list)
    weekly: pd.DataFrame | None = None
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """True when the task finished."""
        return self.error is None


def _row(task: Task, strategy: str, run: RunResult, pair: PairedResult, outcomes: Outcomes) -> dict[str, Any]:
    """Outcomes of one run; NPV, payback and investment refer to the strategy against the baseline."""
    sc, w = run.scenario, run.weekly
    start = pair.start_week
    is_baseline = strategy == BASELINE
    payback = None if is_baseline else pair.payback_week
    cumulative = pair.cumulative_net_saving
    period = slice(start, pair.end_week)
    exits = w["exits_self_supporting"].sum() + w["exits_education"].sum()
    row: dict[str, Any] = {
        "task": task.task,
        "point": task.point,
        "cycle": task.cycle,
        "replication": task.replication,
        "seed_index": task.seed_index,
        "strategy": strategy,
        **task.values,
        "npv_dkk": 0.0 if is_baseline else pair.npv_dkk,
        "payback_week": np.nan if payback is None else float(payback),
        "payback_years": np.nan if payback is None else pair.payback_years,
        "pays_back": payback is not None,
        "investment_dkk": 0.0 if is_baseline else pair.investment_dkk,
        "roi": np.nan if is_baseline or pair.roi is None else pair.roi,
        "pv_net_cost_dkk": float(np.dot(w["dkk_municipal_net"].to_numpy(), pair.discount_factors())),
        "net_cost_dkk": float(w["dkk_municipal_net"].sum()),
    }
    for years in outcomes.horizons_years:
        week = start + years * WEEKS_PER_YEAR - 1
        inside = week < sc.n_weeks and not is_baseline
        row[f"saving_{years}y_dkk"] = float(cumulative[week]) if inside else (0.0 if is_baseline else np.nan)
    for year in outcomes.stock_years:
        week = max(sc.week_of_year(year) - 1, 0)  # stocks at the end of the week before the year starts
        row[f"activity_ready_{year}"] = int(w.at[week, "stock_activity_ready"])
        row[f"on_benefit_{year}"] = int(w.loc[week, BENEFIT_STOCKS].sum())
    row["relapse_rate"] = float(w["relapses"].sum() / exits) if exits else np.nan
    row["mean_weeks_on_benefit"] = float(w["mean_weeks_on_benefit"].iloc[-1])
    row["contacts_per_citizen"] = float(w["contacts_per_citizen"].iloc[period].mean())
    return row


def attribution_column(row: str) -> str:
    """The outcome column of an attribution row: ``attribution_<row>_dkk``, spaces as underscores."""
    return f"attribution_{row.replace(' ', '_')}_dkk"


def _attribution(task: Task, scenario: Scenario, pair: PairedResult, is_baseline: bool) -> dict[str, float]:
    """Each channel's contribution to the strategy's NPV (NaN on a baseline row)."""
    columns = [attribution_column(name) for name in ATTRIBUTION_ROWS]
    if is_baseline:
        return dict.fromkeys(columns, np.nan)
    table = attribute(scenario, task.seed, full=pair).table
    return {
        col: float(table.at[name, "contribution_dkk"])
        for col, name in zip(columns, ATTRIBUTION_ROWS, strict=True)
    }


def _weekly(task: Task, strategy: str, run: RunResult, pair: PairedResult) -> pd.DataFrame:
    frame = run.weekly[["week", *WEEKLY_COLUMNS]].copy()
    frame.insert(0, "strategy", strategy)
    frame.insert(0, "task", task.task)
    saving = np.zeros(len(frame)) if strategy == BASELINE else pair.cumulative_net_saving
    frame["cumulative_net_saving_dkk"] = saving
    return frame


def run_task(task: Task, scenarios: dict[str, Scenario], outcomes: Outcomes) -> TaskResult:
    """Run the baseline and every strategy of one task and return their outcomes.

    Never raises on a model error: the error and its traceback are returned instead.

    Args:
        task: The task (design point, cycle, replication, seed).
        scenarios: Baseline and strategy scenarios at the task's design point, baseline first.
        outcomes: Which horizons and dates to report, and whether to keep weekly series.
    """
    result = TaskResult(task)
    try:
        runs = {name: run_single(scenario, task.seed) for name, scenario in scenarios.items()}
        baseline = runs[BASELINE]
        # The baseline is discounted and measured over the period of the first strategy.
        reference = next((run for name, run in runs.items() if name != BASELINE), baseline)
        weekly = []
        for name, run in runs.items():
            pair = PairedResult(baseline=baseline, strategy=reference if name == BASELINE else run)
            row = _row(task, name, run, pair, outcomes)
            if outcomes.attribution:
                row.update(_attribution(task, scenarios[name], pair, name == BASELINE))
            result.rows.append(row)
            if outcomes.store_weekly:
                weekly.append(_weekly(task, name, run, pair))
        result.weekly = pd.concat(weekly, ignore_index=True) if weekly else None
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the batch goes on
        result.rows, result.weekly = [], None
        result.error = f"{type(exc).__name__}: {exc}"
        result.traceback = traceback.format_exc()
    return result
